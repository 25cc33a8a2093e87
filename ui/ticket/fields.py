"""The editable fields of a ticket: status, priority, assignee and tags.

Each edit is announced as ``change_requested(fields)`` — keyword arguments for
``wb.tickets.update`` — which the ticket view runs through the op runner; the fields
then show what the service stored (a refused change snaps back, its reason shown by the
view). Filling the fields from a loaded ticket never announces a change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ui import labels
from ui.formatting import isolate
from workbench.domain.enums import Priority, TicketStatus
from workbench.services.dto import AgentInfo, TicketRow

UNASSIGNED = ""


class TicketFields(QWidget):
    """Status, priority, assignee and tags of one ticket."""

    change_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self._tags: list[str] = []
        self.status = QComboBox()
        self.status.setObjectName("field-status")
        for s in TicketStatus:
            self.status.addItem(labels.status_label(s.value), s.value)
        self.priority = QComboBox()
        self.priority.setObjectName("field-priority")
        for p in Priority:
            self.priority.addItem(labels.priority_label(p.value), p.value)
        self.assignee = QComboBox()
        self.assignee.setObjectName("field-assignee")
        self.assignee.addItem(labels.unassigned(), UNASSIGNED)
        self.tags = QLineEdit()
        self.tags.setObjectName("field-tags")
        self.tags.setPlaceholderText(self.tr("billing, vip …"))
        self.tags.setToolTip(self.tr("Tags separated by commas; Enter applies them"))
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("&Status"), self.status)
        form.addRow(self.tr("P&riority"), self.priority)
        form.addRow(self.tr("&Assignee"), self.assignee)
        form.addRow(self.tr("&Tags"), self.tags)
        self.status.activated.connect(lambda _i: self._ask(status=self.status.currentData()))
        self.priority.activated.connect(
            lambda _i: self._ask(priority=self.priority.currentData()))
        self.assignee.activated.connect(lambda _i: self._ask_assignee())
        self.tags.editingFinished.connect(self._ask_tags)

    def set_agents(self, agents: list[AgentInfo], current: str | None) -> None:
        self._filling = True
        try:
            while self.assignee.count() > 1:
                self.assignee.removeItem(1)
            for agent in agents:
                if agent.active or agent.id == current:
                    self.assignee.addItem(isolate(agent.name), agent.id)
        finally:
            self._filling = False

    def show_ticket(self, t: TicketRow) -> None:
        """Show what is stored (after a load, or to undo a refused edit)."""
        self._filling = True
        try:
            self.status.setCurrentIndex(max(self.status.findData(t.status), 0))
            self.priority.setCurrentIndex(max(self.priority.findData(t.priority), 0))
            index = self.assignee.findData(t.assignee_id or UNASSIGNED)
            self.assignee.setCurrentIndex(max(index, 0))
            self._tags = list(t.tags)
            if not self.tags.hasFocus():
                self.tags.setText(", ".join(t.tags))
        finally:
            self._filling = False
        closed = t.status == TicketStatus.CLOSED.value
        for widget in (self.status, self.priority, self.assignee, self.tags):
            widget.setEnabled(not closed)

    def _ask(self, **fields: Any) -> None:
        if not self._filling:
            self.change_requested.emit(fields)

    def _ask_assignee(self) -> None:
        agent = self.assignee.currentData()
        if agent == UNASSIGNED:
            self._ask(unassign=True)
        else:
            self._ask(assignee_id=agent)

    def _ask_tags(self) -> None:
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        if sorted({t.lower() for t in tags}) != sorted(self._tags):
            self._ask(tags=tags)
