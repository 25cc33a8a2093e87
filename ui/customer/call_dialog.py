"""Log a call with a customer — typed in afterwards, or timed live as it happens.

``LogCallDialog(ctx, customer_id, ticket_id=None)``: the customer's page opens it bare, the
ticket view with its ticket preselected. Above the form a warning banner repeats what
``wb.calls.contact_warnings`` says before phoning this customer (do-not-call, outside their
contact hours, another preferred channel). The live-call panel fills the start, duration
and hold time by itself. ``wb.calls.log`` checks everything before writing; a refusal is
shown inside the dialog and nothing is written.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.customer.call_timer import CallTimerPanel
from ui.customer.common import Banner, Tone, refuse_inline
from ui.formatting import in_ui_direction, isolate
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.domain.enums import CallDirection, CallOutcome, TicketStatus
from workbench.domain.filters import TicketFilter
from workbench.services.dto import CustomerInfo, TicketRow
from workbench.services.history_dto import CallInfo, CallTiming

if TYPE_CHECKING:
    from workbench.services.context import Workbench

NEW_TICKET = "__new__"
OPEN = tuple(s.value for s in TicketStatus if s.is_open)
_DIRECTIONS = {
    "inbound": QT_TRANSLATE_NOOP("LogCallDialog", "Inbound (they called)"),
    "outbound": QT_TRANSLATE_NOOP("LogCallDialog", "Outbound (we called)"),
}
_OUTCOMES = {
    "resolved": QT_TRANSLATE_NOOP("LogCallDialog", "Resolved"),
    "follow-up": QT_TRANSLATE_NOOP("LogCallDialog", "Follow-up needed"),
    "escalated": QT_TRANSLATE_NOOP("LogCallDialog", "Escalated"),
    "voicemail": QT_TRANSLATE_NOOP("LogCallDialog", "Left a voicemail"),
    "no-answer": QT_TRANSLATE_NOOP("LogCallDialog", "No answer"),
}


def _duration_edit() -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("H:mm:ss")
    edit.setTimeRange(QTime(0, 0), QTime(12, 0))
    return edit


def seconds_of(edit: QTimeEdit) -> int:
    return QTime(0, 0).secsTo(edit.time())


def load_customer(
    wb: Workbench, customer_id: str, ticket_id: str | None
) -> tuple[CustomerInfo, list[TicketRow]]:
    """The customer, and their open tickets newest first (plus *ticket_id* if not open)."""
    rows = wb.tickets.list(TicketFilter(customer_id=customer_id, statuses=OPEN,
                                        order="created", descending=True), limit=100)
    if ticket_id and all(r.id != ticket_id for r in rows):
        rows.insert(0, wb.tickets.get(ticket_id).ticket)
    return wb.customers.get(customer_id), rows


class LogCallDialog(QDialog):
    """One call with one customer; ``logged`` holds the call once the service kept it."""

    def __init__(self, ctx: AppContext, customer_id: str, ticket_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self.customer_id, self.ticket_id = ctx, customer_id, ticket_id
        self.logged: CallInfo | None = None
        self.setWindowTitle(self.tr("Log a call"))
        self.setMinimumWidth(560)
        self.who = QLabel()
        self.who.setObjectName("call-customer")
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = Banner(Tone.WARNING)
        self.warnings.setObjectName("contact-warnings")
        self.live = CallTimerPanel(ctx.clock)
        self.live.started.connect(self._call_started)
        self.live.ended.connect(self.fill_timing)
        self.direction = QComboBox()
        for d in CallDirection:
            self.direction.addItem(self.tr(_DIRECTIONS[d.value]), d.value)
        self.start = QDateTimeEdit()
        self.start.setDisplayFormat("d MMM yyyy  HH:mm:ss")
        self.start.setCalendarPopup(True)
        self.duration, self.hold = _duration_edit(), _duration_edit()
        self.duration.setTime(QTime(0, 5))
        self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(ctx.now_ms() - 5 * 60_000))
        self.outcome = QComboBox()
        for o in CallOutcome:
            self.outcome.addItem(self.tr(_OUTCOMES[o.value]), o.value)
        self.outcome.setCurrentIndex(self.outcome.findData(CallOutcome.FOLLOW_UP.value))
        self.resolved = QCheckBox(self.tr("Yes, the issue was resolved on this call"))
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.ticket = QComboBox()
        self.ticket.addItem(self.tr("No ticket"), None)
        self.ticket.addItem(self.tr("New ticket…"), NEW_TICKET)
        self.ticket.currentIndexChanged.connect(self._ticket_changed)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("Subject of the new phone ticket"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("What was said and agreed"))
        self.notes.setMinimumHeight(80)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Direction"), self.direction)
        self.form.addRow(self.tr("Started"), self.start)
        self.form.addRow(self.tr("Duration"), self.duration)
        self.form.addRow(self.tr("On hold"), self.hold)
        self.form.addRow(self.tr("Outcome"), self.outcome)
        self.form.addRow(self.tr("Resolved"), self.resolved)
        self.form.addRow(self.tr("Ticket"), self.ticket)
        self.form.addRow(self.tr("Subject"), self.subject)
        self.form.addRow(self.tr("Notes"), self.notes)
        self.form.setRowVisible(self.subject, False)
        self.error = Banner(Tone.ERROR)
        self.error.setObjectName("call-error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.who)
        layout.addWidget(self.warnings)
        layout.addWidget(self.live)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.check_contact()
        ctx.runner.run_op(lambda wb: load_customer(wb, customer_id, ticket_id),
                          self._show_customer, lambda e: refuse_inline(self.error, e),
                          owner=self)

    # -- what is shown -------------------------------------------------------------------
    def check_contact(self) -> None:
        """Ask the service what to know before phoning this customer now."""
        customer_id, at = self.customer_id, self._ctx.now_ms()
        self._ctx.runner.run_op(
            lambda wb: wb.calls.contact_warnings(customer_id, "phone", at),
            lambda lines: self.warnings.show_lines(lines) if lines else self.warnings.clear_text(),
            lambda e: refuse_inline(self.error, e), owner=self,
        )

    def _show_customer(self, loaded: tuple[CustomerInfo, list[TicketRow]]) -> None:
        c, rows = loaded
        reach = " · ".join(isolate(x) for x in (c.phone, c.email) if x)
        self.who.setText(in_ui_direction(
            f"<b>{html.escape(isolate(c.name))}</b>" + (f" · {html.escape(reach)}" if reach
                                                         else "")))
        self.setWindowTitle(self.tr("Log a call with %1").replace("%1", c.name))
        for n, row in enumerate(rows):
            self.ticket.insertItem(1 + n, in_ui_direction(f"{row.key} {isolate(row.subject)}"),
                                   row.id)
        if self.ticket_id:
            self.ticket.setCurrentIndex(max(self.ticket.findData(self.ticket_id), 0))

    def _outcome_changed(self) -> None:
        # "Resolved" means resolved on the call; a voicemail or no answer cannot be.
        outcome = self.outcome.currentData()
        if outcome == CallOutcome.RESOLVED.value:
            self.resolved.setChecked(True)
        elif outcome in (CallOutcome.VOICEMAIL.value, CallOutcome.NO_ANSWER.value):
            self.resolved.setChecked(False)

    def _ticket_changed(self) -> None:
        self.form.setRowVisible(self.subject, self.ticket.currentData() == NEW_TICKET)

    def _call_started(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.check_contact()

    def fill_timing(self, timing: CallTiming) -> None:
        """The live call ended: its times go into the form."""
        self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(timing.started_at))
        self.duration.setTime(QTime(0, 0).addSecs(timing.duration_s))
        self.hold.setTime(QTime(0, 0).addSecs(timing.hold_s))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

    # -- saving --------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        ticket = self.ticket.currentData()
        return {
            "direction": self.direction.currentData(),
            "started_at": self.start.dateTime().toMSecsSinceEpoch(),
            "duration_s": seconds_of(self.duration), "hold_s": seconds_of(self.hold),
            "outcome": self.outcome.currentData(), "resolved": self.resolved.isChecked(),
            "notes": self.notes.toPlainText(),
            "ticket_ref": ticket if ticket not in (None, NEW_TICKET) else None,
            "new_ticket_subject": self.subject.text() if ticket == NEW_TICKET else None,
        }

    def submit(self) -> None:
        self.error.clear_text()
        if self.live.live:
            self.error.show_text(self.tr("The call is still running: press End first."))
            return
        fields, customer_id = self.fields(), self.customer_id
        self._ctx.runner.run_op(lambda wb: wb.calls.log(customer_id, **fields), self._logged,
                                lambda e: refuse_inline(self.error, e), owner=self,
                                initiator=self)

    def _logged(self, call: CallInfo) -> None:
        self.logged = call
        self.live.stop()
        self.accept()

    def done(self, result: int) -> None:
        self.live.stop()
        super().done(result)
