"""One customer on the right of the Customers page: who they are, then their history.

The header says who the customer is and how to reach them — contact details, organisation,
plan, owner, tags, time zone with their local time (updated as each minute begins) and a
pending hand-off if there is one — with the actions: log a call, hand off, merge into
another record. Below, three tabs: the timeline, the editable profile and the preferences.
Everything is read through the op runner and re-read when a change concerns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import errors, formatting, labels
from ui.context import AppContext
from ui.customer.common import Banner, Tone, local_time_text
from ui.customer.preferences import PreferencesEditor
from ui.customer.profile import ProfileForm
from ui.customer.timeline import TimelineView
from ui.formatting import in_ui_direction, isolate
from ui.ops import Changes
from ui.sync.banner import ConflictBanner
from ui.widgets.minute_timer import MinuteTimer
from workbench.services.dto import AgentInfo, CustomerInfo
from workbench.services.history_dto import HandoffInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

# Entities whose changes can add to a customer's timeline or alter their profile.
WATCHED = ("customers", "customer_preferences", "customer_notes", "calls", "handoffs",
           "tickets", "ticket_events", "survey_answers")
Loaded = tuple[CustomerInfo, HandoffInfo | None, list[AgentInfo]]


def read_customer(wb: Workbench, customer_id: str) -> Loaded:
    info = wb.customers.get(customer_id)
    latest = wb.handoffs.for_customer(customer_id)[:1]  # newest first
    pending = latest[0] if latest and latest[0].pending else None
    return info, pending, wb.agents.list()


class CustomerDetail(QStackedWidget):
    """Header, actions and tabs (timeline, profile, preferences) of one customer."""

    open_ticket_requested = Signal(str)
    customer_shown = Signal(object)  # CustomerInfo | None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.customer: CustomerInfo | None = None
        self.agents: list[AgentInfo] = []
        self._generation = 0
        self._since = ""
        self._stale = False
        self.placeholder = QLabel(self.tr("Select a customer to see their profile and history."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)
        self.placeholder.setWordWrap(True)
        self.addWidget(self.placeholder)

        self.name = QLabel()
        self.name.setObjectName("customer-title")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.name.setFont(font)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts, self.contact, self.clock_line = QLabel(), QLabel(), QLabel()
        for label in (self.facts, self.contact, self.clock_line):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.clock_line.setObjectName("customer-local-time")
        self.handoff = Banner(Tone.INFO)
        self.handoff.setObjectName("pending-handoff")
        self.call_button = QPushButton(self.tr("Log a call…"))
        self.handoff_button = QPushButton(self.tr("Hand off…"))
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.call_button.clicked.connect(self.log_call)
        self.handoff_button.clicked.connect(self.hand_off)
        self.merge_button.clicked.connect(self.merge_into)
        actions = QHBoxLayout()
        for button in (self.call_button, self.handoff_button, self.merge_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.timeline = TimelineView(ctx.runner)
        self.timeline.open_ticket_requested.connect(self.open_ticket_requested)
        self.profile = ProfileForm(ctx)
        self.preferences = PreferencesEditor(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(_scrolling(self.profile), self.tr("Profile"))
        self.tabs.addTab(_scrolling(self.preferences), self.tr("Preferences"))

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 0)
        layout.addWidget(self.name)
        layout.addWidget(self.facts)
        layout.addWidget(self.contact)
        layout.addWidget(self.clock_line)
        layout.addWidget(self.handoff)
        self.conflicts = ConflictBanner(ctx, "customers")  # lost edits: keep theirs/use mine
        layout.addWidget(self.conflicts)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        self.addWidget(page)

        self._minute = MinuteTimer(self)
        self._minute.minute.connect(self.update_clock)
        ctx.runner.changes_applied.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------------
    def show_customer(self, customer_id: str | None) -> None:
        self._generation += 1
        if customer_id is None:
            self._clear()
            return
        if self.customer is None or self.customer.id != customer_id:
            self.timeline.set_customer(customer_id)
        self._read(customer_id)

    def _read(self, customer_id: str) -> None:
        generation = self._generation
        self._ctx.runner.run_op(lambda wb: read_customer(wb, customer_id),
                                lambda loaded: self._show(generation, loaded),
                                lambda exc: self._failed(generation, exc), owner=self)

    def _show(self, generation: int, loaded: Loaded) -> None:
        if generation != self._generation:
            return
        c, pending, self.agents = loaded
        self.customer = c
        self.setCurrentIndex(1)
        self.name.setText(in_ui_direction(isolate(c.name)))
        owner = (self.tr("Owner: %1").replace("%1", isolate(c.owner_name)) if c.owner_name
                 else self.tr("No owner"))
        facts = [c.organisation or self.tr("No organisation"), labels.plan_label(c.plan), owner]
        if c.open_tickets:
            facts.append(self.tr("%n open ticket(s)", "", c.open_tickets))
        self.facts.setText(in_ui_direction(" · ".join(isolate(f) for f in facts)))
        contact = [x for x in (c.email, c.phone) if x] or [self.tr("No e-mail or phone")]
        tags = " ".join(f"#{t}" for t in c.tags)
        self.contact.setText(in_ui_direction(" · ".join(isolate(x) for x in contact)
                                             + (f"   {tags}" if tags else "")))
        since = self.tr("customer since %1").replace(
            "%1", formatting.date_text(c.active_since, self._ctx.now_ms()))
        if c.churned_at is not None:
            since = self.tr("churned %1").replace(
                "%1", formatting.date_text(c.churned_at, self._ctx.now_ms()))
        self._since = since
        self.update_clock()
        if pending is not None:
            self.handoff.show_text(self.tr("Handed to %1 %2; waiting for them to acknowledge.")
                                   .replace("%1", isolate(pending.to_agent_name))
                                   .replace("%2", formatting.ago_text(pending.created_at,
                                                                      self._ctx.now_ms())))
        else:
            self.handoff.clear_text()
        self.conflicts.set_row(c.id)
        self.profile.set_customer(c, self.agents)
        self.preferences.set_preferences(c.id, c.preferences)
        self.customer_shown.emit(c)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if errors.is_known(exc):  # deleted (merged) or never there: nothing to show
            self._clear()
        else:
            errors.report(exc, self)

    def _clear(self) -> None:
        self.customer = None
        self.conflicts.set_row(None)
        self.timeline.set_customer(None)
        self.setCurrentIndex(0)
        self.customer_shown.emit(None)

    def update_clock(self) -> None:
        c = self.customer
        if c is None:
            return
        local = local_time_text(c.time_zone, self._ctx.now_ms())
        parts = [self.tr("Local time %1").replace("%1", local) if local else "",
                 c.time_zone, self.tr("language %1").replace("%1", c.language), self._since]
        self.clock_line.setText(" · ".join(p for p in parts if p))
        self.profile.update_clock()

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if self.customer is None or not any(changes.touches(e) for e in WATCHED):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # re-read when shown: a hidden profile costs no queries

    def refresh(self) -> None:
        """Re-read the customer and the newest part of the timeline."""
        self._stale = False
        if self.customer is not None:
            self._read(self.customer.id)
            self.timeline.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    # -- actions -------------------------------------------------------------------------
    def log_call(self) -> QDialog | None:
        from ui.customer.call_dialog import LogCallDialog

        return self._open(lambda c: LogCallDialog(self._ctx, c.id, parent=self))

    def hand_off(self) -> QDialog | None:
        from ui.customer.handoff_dialog import HandoffDialog

        return self._open(lambda c: HandoffDialog(self._ctx, c, self.agents, self))

    def merge_into(self) -> QDialog | None:
        from ui.customer.merge_dialog import MergeDialog

        def make(c: CustomerInfo) -> MergeDialog:
            dialog = MergeDialog(self._ctx, c, self)
            dialog.merged.connect(self.show_customer)
            return dialog

        return self._open(make)

    def _open(self, make: Any) -> QDialog | None:
        if self.customer is None:
            return None
        dialog: QDialog = make(self.customer)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area
