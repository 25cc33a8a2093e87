"""A read-only view of one ticket: its header fields and its event thread.

Loaded through the op runner and kept current: when a change touches this ticket (a reply
posted elsewhere, a sync) the dialog re-reads it. Editing arrives with the ticket issue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import formatting, labels
from ui.context import AppContext
from ui.dialogs.thread_html import render_thread
from ui.models.ticket_table import customer_text
from ui.ops import Changes
from workbench.services.dto import TicketDetail

if TYPE_CHECKING:
    from workbench.services.context import Workbench

AgentNames = dict[str, str]
Loaded = tuple[TicketDetail, AgentNames]


def _load(ticket_id: str) -> Callable[[Workbench], Loaded]:
    def run(wb: Workbench) -> Loaded:
        detail = wb.tickets.get(ticket_id)
        agents = {a.id: a.name for a in wb.agents.list(include_inactive=True)}
        return detail, agents

    return run


class TicketDetailDialog(QDialog):
    """One ticket, read-only, live."""

    FIELDS = ("status", "priority", "customer", "assignee", "channel", "tags",
              "created", "updated", "due", "first_response", "solved", "reopened")

    def __init__(self, ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self._agents: AgentNames = {}
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Ticket"))
        self.resize(760, 640)

        self.title = QLabel(self.tr("Loading…"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.values: dict[str, QLabel] = {}
        left, right = QFormLayout(), QFormLayout()
        captions = self._captions()
        for i, key in enumerate(self.FIELDS):
            value = QLabel(formatting.NO_VALUE)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            (left if i < 6 else right).addRow(captions[key], value)
        fields = QHBoxLayout()
        fields.addLayout(left, 1)
        fields.addSpacing(24)
        fields.addLayout(right, 1)

        self.thread_view = QTextBrowser()
        self.thread_view.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(fields)
        layout.addWidget(self.thread_view, 1)
        layout.addWidget(buttons)

        ctx.runner.changes_applied.connect(self._on_changes)
        self.reload()

    def _captions(self) -> dict[str, str]:
        return {
            "status": self.tr("Status"), "priority": self.tr("Priority"),
            "customer": self.tr("Customer"), "assignee": self.tr("Assignee"),
            "channel": self.tr("Channel"), "tags": self.tr("Tags"),
            "created": self.tr("Created"), "updated": self.tr("Last update"),
            "due": self.tr("Next due"), "first_response": self.tr("First response"),
            "solved": self.tr("Solved"), "reopened": self.tr("Reopened"),
        }

    def reload(self) -> None:
        self._ctx.runner.run_op(_load(self.ticket_id), self._show, owner=self)

    def _show(self, loaded: Loaded) -> None:
        self.detail, self._agents = loaded
        t = self.detail.ticket
        now = self._ctx.now_ms()
        self.setWindowTitle(self.tr("Ticket %1").replace("%1", t.key))
        self.title.setText(formatting.in_ui_direction(f"{t.key}  {formatting.isolate(t.subject)}"))
        due = formatting.due_text(t.next_due_at, now)
        if t.next_due_at is not None:
            due = f"{labels.target_label(t.next_due_target)} {due}"
        texts = {
            "status": labels.status_label(t.status),
            "priority": labels.priority_label(t.priority),
            "customer": customer_text(t.customer_name, t.customer_plan),
            "assignee": formatting.isolate(t.assignee_name) if t.assignee_name
            else labels.unassigned(),
            "channel": labels.channel_label(t.channel),
            "tags": ", ".join(formatting.isolate(tag) for tag in t.tags) or formatting.NO_VALUE,
            "created": formatting.datetime_text(t.created_at),
            "updated": formatting.datetime_text(t.updated_at),
            "due": due,
            "first_response": formatting.datetime_text(self.detail.first_response_at),
            "solved": formatting.datetime_text(self.detail.solved_at),
            "reopened": self._times(self.detail.reopen_count),
        }
        for key, text in texts.items():
            self.values[key].setText(formatting.in_ui_direction(text))
        self._render_thread()

    def _times(self, count: int) -> str:
        if count == 0:
            return self.tr("never")
        if count == 1:
            return self.tr("once")
        return self.tr("%1 times").replace("%1", str(count))

    def _render_thread(self) -> None:
        if self.detail is not None:
            self.thread_view.setHtml(render_thread(self.detail, self._agents, self.palette()))

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if self.ticket_id in changes.rows.get("tickets", ()) or changes.touches("ticket_events"):
            self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render_thread()  # the tints are mixed from the palette
        super().changeEvent(event)
