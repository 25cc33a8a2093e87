"""Open a ticket in one dialog — from a call, an e-mail pasted in, or a walk-in.

Channel first (it decides what the rest asks for), then the customer: found with the
picker, or created inline ("New customer") in the same step. Pasting an e-mail into the
description and pressing "Fill in from the e-mail" takes the subject, the body and the
sender (found by address, else proposed as the new customer). The ticket is created by
``wb.tickets.create`` through the op runner. Input the services refuse (an empty subject,
bidi control characters in a name, a 5 MB description) is explained inside the dialog and
nothing is created; the dialog stays open to correct it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors, labels
from ui.context import AppContext
from ui.i18n import QT_TRANSLATE_NOOP
from ui.ticket.pasted_email import looks_like_email, parse_pasted_email
from ui.widgets.composer import Composer
from ui.widgets.customer_picker import CustomerPicker
from workbench.domain.enums import Channel, Priority
from workbench.domain.validation import clean_body, clean_line
from workbench.services.dto import TicketRow

if TYPE_CHECKING:
    from workbench.services.context import Workbench

PLANS = ("standard", "free", "premium", "enterprise")
_PLACEHOLDERS = {
    Channel.EMAIL.value: QT_TRANSLATE_NOOP(
        "NewTicketDialog", "Paste the customer's e-mail here, headers included, then “Fill "
        "in from the e-mail”"),
    Channel.PHONE.value: QT_TRANSLATE_NOOP("NewTicketDialog",
                                           "What the customer said on the phone"),
    Channel.WALK_IN.value: QT_TRANSLATE_NOOP("NewTicketDialog",
                                             "What the customer asked for at the desk"),
}
_OTHER = QT_TRANSLATE_NOOP("NewTicketDialog", "What the customer wrote or said (optional)")


class NewTicketDialog(QDialog):
    """Collects a new ticket; ``created`` holds the ticket once the service accepted it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.created: TicketRow | None = None
        self.setWindowTitle(self.tr("New ticket"))
        self.resize(660, 640)

        self.channel = QComboBox()
        for c in (Channel.EMAIL, Channel.PHONE, Channel.WALK_IN, Channel.CHAT, Channel.WEB,
                  Channel.SOCIAL):
            self.channel.addItem(labels.channel_label(c.value), c.value)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("What the customer needs, in one line"))
        self.customer = CustomerPicker(ctx.runner)
        self.new_customer = QCheckBox(self.tr("New customer"))
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("Full name"))
        self.new_email = QLineEdit()
        self.new_email.setPlaceholderText(self.tr("E-mail (optional)"))
        self.new_plan = QComboBox()
        for plan in PLANS:
            self.new_plan.addItem(labels.plan_label(plan), plan)
        self.new_row = QWidget()
        new_layout = QHBoxLayout(self.new_row)
        new_layout.setContentsMargins(0, 0, 0, 0)
        new_layout.addWidget(self.new_name, 2)
        new_layout.addWidget(self.new_email, 2)
        new_layout.addWidget(self.new_plan, 1)
        self.new_row.hide()
        self.priority = QComboBox()
        for p in Priority:
            self.priority.addItem(labels.priority_label(p.value), p.value)
        self.priority.setCurrentIndex(self.priority.findData(Priority.NORMAL.value))
        self.description = Composer()
        self.description.setObjectName("description")
        self.fill_button = QPushButton(self.tr("Fill in from the e-mail"))
        self.fill_button.setEnabled(False)
        self.error = QLabel()
        self.error.setObjectName("form-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("QLabel#form-error { color: #d32f2f; font-weight: 600; }")
        self.error.hide()

        customer_box = QVBoxLayout()
        customer_box.setContentsMargins(0, 0, 0, 0)
        customer_box.addWidget(self.customer)
        customer_box.addWidget(self.new_customer)
        customer_box.addWidget(self.new_row)
        form = QFormLayout()
        form.addRow(self.tr("C&hannel"), self.channel)
        form.addRow(self.tr("C&ustomer"), customer_box)
        form.addRow(self.tr("&Subject"), self.subject)
        form.addRow(self.tr("&Priority"), self.priority)
        form.addRow(self.tr("&Description"), self.description)
        form.addRow("", self.fill_button)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = QPushButton(self.tr("Create ticket"))
        self.create_button.setDefault(True)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.channel.currentIndexChanged.connect(lambda _i: self._channel_changed())
        self.new_customer.toggled.connect(self._new_customer_toggled)
        self.description.refused.connect(self.show_error)
        self.description.textChanged.connect(self._description_changed)
        self.fill_button.clicked.connect(self.fill_from_email)
        self._channel_changed()
        self.subject.setFocus()

    # -- helpers for the form ------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.error.setText(errors.sentence(message))
        self.error.show()

    def _channel_changed(self) -> None:
        channel = self.channel.currentData()
        self.description.setPlaceholderText(self.tr(_PLACEHOLDERS.get(channel, _OTHER)))
        self.fill_button.setVisible(channel == Channel.EMAIL.value)

    def _new_customer_toggled(self, on: bool) -> None:
        self.customer.setEnabled(not on)
        self.new_row.setVisible(on)
        if on:
            self.new_name.setFocus()

    def _description_changed(self) -> None:
        text = self.description.toPlainText()
        self.fill_button.setEnabled(len(text) < 1_000_000 and looks_like_email(text))

    def fill_from_email(self) -> None:
        """Take subject, body and sender from the e-mail pasted into the description."""
        mail = parse_pasted_email(self.description.toPlainText())
        if mail is None:
            self.show_error(self.tr("This does not look like an e-mail: no From or Subject."))
            return
        if mail.subject:
            self.subject.setText(mail.subject)
        self.description.setPlainText(mail.body)
        if not mail.sender_email:
            return
        self.customer.set_query(mail.sender_email)
        if self.customer.selected() is None:
            self.new_customer.setChecked(True)
            self.new_name.setText(mail.sender_name or mail.sender_email.split("@")[0])
            self.new_email.setText(mail.sender_email)

    # -- creating ----------------------------------------------------------------------------
    def submit(self) -> None:
        """Ask the services to create the ticket; close on success, explain on refusal."""
        subject, body = self.subject.text(), self.description.toPlainText()
        priority, channel = self.priority.currentData(), self.channel.currentData()
        creating_customer = self.new_customer.isChecked()
        customer = None if creating_customer else self.customer.selected()
        if customer is None and not creating_customer:
            self.show_error(self.tr("Choose the customer this ticket is for."))
            self.customer.setFocus()
            return
        try:  # checked before a new customer is written, so a refusal changes nothing
            clean_line(subject, "the subject")
            clean_body(body, "the description", required=False)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        name, email, plan = self.new_name.text(), self.new_email.text(), self.new_plan.currentData()
        existing_id = customer.id if customer is not None else None

        def create(wb: Workbench) -> TicketRow:
            customer_id = existing_id
            if customer_id is None:
                customer_id = wb.customers.create(name, email.strip() or None, plan=plan).id
            return wb.tickets.create(subject, customer_id, body=body, priority=priority,
                                     channel=channel)

        self.create_button.setEnabled(False)
        self._ctx.runner.run_op(create, self._created, self._refused, initiator=self, owner=self)

    def _created(self, ticket: TicketRow) -> None:
        self.created = ticket
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        if errors.is_known(exc):
            self.show_error(str(exc))
        else:
            errors.report(exc, self)
