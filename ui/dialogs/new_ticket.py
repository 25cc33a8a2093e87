"""Open a ticket for a customer: subject, customer, priority, channel and description.

The ticket is created by ``wb.tickets.create`` through the op runner. Input the service
refuses (a :class:`ValidationError`, a customer gone meanwhile) is shown inside the dialog,
next to what needs fixing, and nothing is created; the dialog stays open to correct it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors, labels
from ui.context import AppContext
from ui.widgets.customer_picker import CustomerPicker
from workbench.domain.enums import Channel, Priority
from workbench.services.dto import TicketRow

if TYPE_CHECKING:
    from workbench.services.context import Workbench


class NewTicketDialog(QDialog):
    """Collects a new ticket; ``created`` holds the ticket once the service accepted it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.created: TicketRow | None = None
        self.setWindowTitle(self.tr("New ticket"))
        self.resize(620, 560)

        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("What the customer needs, in one line"))
        self.customer = CustomerPicker(ctx.runner)
        self.priority = QComboBox()
        for p in Priority:
            self.priority.addItem(labels.priority_label(p.value), p.value)
        self.priority.setCurrentIndex(self.priority.findData(Priority.NORMAL.value))
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(labels.channel_label(c.value), c.value)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("What the customer wrote or said (optional)"))
        self.error = QLabel()
        self.error.setObjectName("form-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("QLabel#form-error { color: #d32f2f; font-weight: 600; }")
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Subject"), self.subject)
        form.addRow(self.tr("C&ustomer"), self.customer)
        form.addRow(self.tr("&Priority"), self.priority)
        form.addRow(self.tr("C&hannel"), self.channel)
        form.addRow(self.tr("&Description"), self.description)

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
        self.subject.setFocus()

    def show_error(self, message: str) -> None:
        self.error.setText(errors.sentence(message))
        self.error.show()

    def submit(self) -> None:
        """Ask the service to create the ticket; close on success, explain on refusal."""
        customer = self.customer.selected()
        if customer is None:
            self.show_error(self.tr("Choose the customer this ticket is for."))
            self.customer.setFocus()
            return
        subject, body = self.subject.text(), self.description.toPlainText()
        priority, channel = self.priority.currentData(), self.channel.currentData()

        def create(wb: Workbench) -> TicketRow:
            return wb.tickets.create(subject, customer.id, body=body, priority=priority,
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
