"""The queue's view tabs and filter row: which tickets, of what priority, status, tag, agent.

:class:`ViewTabs` lists the views (Ctrl+1 … Ctrl+5 reach the first five from anywhere in
the queue page). :class:`FilterBar` narrows the view; each choice is one field of the
:class:`~ui.ticket.queue_query.QueueQuery`, applied by the page when ``changed`` fires.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTabBar, QWidget

from ui import labels
from ui.formatting import isolate
from ui.ops import OpRunner
from ui.ticket.queue_query import OPEN_STATUSES, VIEW_TITLES, QueueQuery, QueueView
from workbench.domain.enums import Priority
from workbench.services.dto import AgentInfo

TAG_DELAY_MS = 300


class ViewTabs(QTabBar):
    """One tab per queue view, in the order of VIEW_TITLES."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queue-views")
        self.setDocumentMode(True)
        self.setDrawBase(False)
        self.setExpanding(False)
        self.setUsesScrollButtons(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.views = list(VIEW_TITLES)
        for n, (view, title) in enumerate(VIEW_TITLES.items(), start=1):
            self.addTab(self.tr(title))
            if n <= 5:
                self.setTabToolTip(n - 1, self.tr("Ctrl+%1").replace("%1", str(n)))
            self.setTabData(n - 1, view.value)
        self.select(QueueView.ALL_OPEN)  # everyone's work until the agent narrows it

    def view(self) -> QueueView:
        return self.views[max(self.currentIndex(), 0)]

    def select(self, view: QueueView) -> None:
        self.setCurrentIndex(self.views.index(view))


def _combo(name: str, any_text: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(any_text, None)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setMinimumWidth(72)  # may shrink below its contents in a narrow window
    return box


class FilterBar(QWidget):
    """Priority, status, tag and assignee filters; ``changed`` after each choice."""

    changed = Signal()

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.priority = _combo("filter-priority", self.tr("Any priority"))
        for p in Priority:
            self.priority.addItem(labels.priority_label(p.value), p.value)
        self.status = _combo("filter-status", self.tr("Any status"))
        for s in OPEN_STATUSES:
            self.status.addItem(labels.status_label(s), s)
        self.assignee = _combo("filter-assignee", self.tr("Anyone"))
        self.tag = QLineEdit()
        self.tag.setObjectName("filter-tag")
        self.tag.setPlaceholderText(self.tr("Tag"))
        self.tag.setClearButtonEnabled(True)
        self.tag.setMaximumWidth(140)
        self.tag.setMinimumWidth(70)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.priority, self.status, self.assignee, self.tag):
            layout.addWidget(widget)
        self._tag_timer = QTimer(self)
        self._tag_timer.setSingleShot(True)
        self._tag_timer.setInterval(TAG_DELAY_MS)
        self._tag_timer.timeout.connect(self.changed)
        self.tag.textChanged.connect(self._tag_timer.start)
        self.tag.returnPressed.connect(self.changed)
        for box in (self.priority, self.status, self.assignee):
            box.currentIndexChanged.connect(self.changed)
        self.load_agents()

    def load_agents(self) -> None:
        self._runner.run_op(lambda wb: wb.agents.list(), self._fill_agents, owner=self)

    def _fill_agents(self, agents: list[AgentInfo]) -> None:
        current = self.assignee.currentData()
        self.assignee.blockSignals(True)
        while self.assignee.count() > 1:
            self.assignee.removeItem(1)
        for agent in agents:
            self.assignee.addItem(isolate(agent.name), agent.id)
        index = self.assignee.findData(current)
        self.assignee.setCurrentIndex(max(index, 0))
        self.assignee.blockSignals(False)

    def apply_to(self, query: QueueQuery) -> QueueQuery:
        """*query* narrowed by the chosen filters (those that mean something in its view)."""
        def chosen(box: QComboBox) -> str | None:
            value = box.currentData() if box.isEnabled() else None
            return str(value) if value else None

        tag = self.tag.text().strip().lower() or None
        return replace(query, priority=chosen(self.priority), status=chosen(self.status),
                       assignee_id=chosen(self.assignee), tag=tag)

    def suit(self, view: QueueView) -> None:
        """Offer only the filters that mean something in *view*."""
        self.status.setEnabled(view not in (QueueView.PENDING, QueueView.SOLVED))
        self.assignee.setEnabled(view not in (QueueView.MY_OPEN, QueueView.UNASSIGNED))
