"""Hand-offs waiting to be read: the agent's inbox, the ones they sent, and (for leads and
managers) every pending hand-off of the team.

Each hand-off is a card — the customer, who handed over and when, the summary — with an
Acknowledge button on the ones addressed to the agent. A hand-off stays pending, to both
sides and to leads, until its receiver acknowledges it. Clicking a customer's name asks
the page to open their profile (``customer_requested``); ``count_changed`` carries the
number waiting for the agent, for a badge.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import formatting
from ui.context import AppContext
from ui.customer.common import is_lead
from ui.formatting import in_ui_direction, isolate
from ui.ops import Changes
from workbench.services.history_dto import HandoffInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

SUMMARY_LINES = 4
HEADING_MAX = 40  # a line this short ending in a colon is a heading


@dataclass(frozen=True)
class Pending:
    inbox: list[HandoffInfo]
    sent: list[HandoffInfo]  # given or made by the agent, waiting for the colleague
    team: list[HandoffInfo] | None  # every pending one, for leads and managers


def read_pending(wb: Workbench, agent_id: str, lead: bool) -> Pending:
    inbox = wb.handoffs.inbox(agent_id)
    mine = {h.id for h in inbox}
    sent = [h for h in wb.handoffs.pending_for(agent_id) if h.id not in mine]
    return Pending(inbox, sent, wb.handoffs.pending_for_leads() if lead else None)


class HandoffCard(QFrame):
    """One pending hand-off."""

    def __init__(self, h: HandoffInfo, now_ms: int, can_ack: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handoff = h
        self.setObjectName("handoff-card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel(f"<a href='#'>{html.escape(isolate(h.customer_name))}</a>")
        self.name.setTextFormat(Qt.TextFormat.RichText)
        giver = h.from_agent_name or self.tr("nobody")
        meta = QLabel(in_ui_direction(
            self.tr("%1 → %2 · %3")
            .replace("%1", isolate(giver)).replace("%2", isolate(h.to_agent_name))
            .replace("%3", formatting.ago_text(h.created_at, now_ms))))
        meta.setEnabled(False)
        summary = QLabel(_first_lines(h.summary, SUMMARY_LINES))
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setWordWrap(True)
        summary.setToolTip(h.summary)
        self.ack = QPushButton(self.tr("Acknowledge"))
        self.ack.setObjectName("acknowledge")
        self.ack.setVisible(can_ack)
        self.ack.setToolTip(self.tr("I have read the summary and take this customer over"))
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.ack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(meta)
        layout.addWidget(summary)


class HandoffsPanel(QScrollArea):
    """The pending hand-offs that concern the acting agent."""

    customer_requested = Signal(str)
    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.pending = Pending([], [], None)
        self.cards: list[HandoffCard] = []
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(4, 8, 4, 8)
        self.setWidget(self._body)
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(lambda _agent: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        if self._ctx.agent is None:
            self._show(Pending([], [], None))
            return
        agent_id, lead = self._ctx.agent.id, is_lead(self._ctx.agent)
        self._ctx.runner.run_op(lambda wb: read_pending(wb, agent_id, lead), self._show,
                                owner=self)

    def acknowledge(self, handoff_id: str) -> None:
        self._ctx.runner.run_op(lambda wb: wb.handoffs.acknowledge(handoff_id),
                                lambda _h: self.refresh(), owner=self, initiator=self)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if changes.touches("handoffs"):
            self.refresh()

    def _show(self, pending: Pending) -> None:
        self.pending = pending
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cards = []
        now = self._ctx.now_ms()
        sections = [
            (self.tr("For you"), pending.inbox, True,
             self.tr("Nothing handed to you is waiting.")),
            (self.tr("Sent, waiting for the colleague"), pending.sent, False,
             self.tr("Every hand-off you made has been acknowledged.")),
        ]
        if pending.team is not None:
            sections.append((self.tr("Pending on the team"), pending.team, False,
                             self.tr("No hand-off is pending on the team.")))
        for title, items, can_ack, empty in sections:
            heading = QLabel(f"<b>{html.escape(title)}</b> ({len(items)})")
            self._layout.addWidget(heading)
            if not items:
                hint = QLabel(empty)
                hint.setEnabled(False)
                self._layout.addWidget(hint)
            for h in items:
                card = HandoffCard(h, now, can_ack)
                card.ack.clicked.connect(lambda _c=False, i=h.id: self.acknowledge(i))
                card.name.linkActivated.connect(
                    lambda _l, c=h.customer_id: self.customer_requested.emit(c))
                self._layout.addWidget(card)
                self.cards.append(card)
            self._layout.addSpacing(10)
        self._layout.addStretch(1)
        self.count_changed.emit(len(pending.inbox))


def _first_lines(text: str, n: int) -> str:
    """The summary's first *n* lines, a heading ("Next step:") joined to the line under it."""
    lines: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if lines and lines[-1].endswith(":") and len(lines[-1]) <= HEADING_MAX:
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    shown = "\n".join(lines[:n])
    return shown + ("\n…" if len(lines) > n else "")
