"""The metrics panel's period picker and filters (team, agent, priority, channel, plan).

The bar only says what the user chose (``changed``); the page turns it into a request. An
agent's own view fixes the agent filter to themselves and disables it (and the team).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from ui.labels import channel_label, plan_label, priority_label
from workbench.domain.enums import Channel, Priority
from workbench.services.customers import PLANS
from workbench.services.dto import AgentInfo
from workbench.services.metrics_views import MetricsFilters, TeamChoice

PERIODS = ("today", "7d", "30d", "quarter", "custom")


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def period_days(period: str, today: date, custom: tuple[date, date]) -> tuple[date, date]:
    """(first, last) local day of a period choice, both included."""
    if period == "today":
        return today, today
    if period == "7d":
        return today - timedelta(days=6), today
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    first, last = custom
    return (first, last) if first <= last else (last, first)


class PeriodBar(QWidget):
    """Period choice, and the two dates of a custom range."""

    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.period = QComboBox()
        self.period.setObjectName("metrics-period")
        for key, text in zip(PERIODS, (self.tr("Today"), self.tr("Last 7 days"),
                                       self.tr("Last 30 days"), self.tr("This quarter"),
                                       self.tr("Custom range")), strict=True):
            self.period.addItem(text, key)
        self.period.setCurrentIndex(PERIODS.index("30d"))
        self.first = QDateEdit(qdate(today - timedelta(days=29)))
        self.last = QDateEdit(qdate(today))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._custom_changed())
        self.to_label = QLabel(self.tr("to"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("&Period"))
        label.setBuddy(self.period)
        layout.addWidget(label)
        layout.addWidget(self.period)
        layout.addWidget(self.first)
        layout.addWidget(self.to_label)
        layout.addWidget(self.last)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self._show_dates()

    def set_today(self, today: date) -> None:
        """The day "today" means (the app's clock, frozen in tests)."""
        self.today = today
        for edit in (self.first, self.last):
            edit.blockSignals(True)
        self.first.setDate(qdate(today - timedelta(days=29)))
        self.last.setDate(qdate(today))
        for edit in (self.first, self.last):
            edit.blockSignals(False)

    def choice(self) -> str:
        return str(self.period.currentData())

    def days(self) -> tuple[date, date]:
        custom = (self.first.date().toPython(), self.last.date().toPython())
        return period_days(self.choice(), self.today, custom)  # type: ignore[arg-type]

    def set_period(self, period: str, custom: tuple[date, date] | None = None) -> None:
        if custom is not None:
            self.first.blockSignals(True)
            self.last.blockSignals(True)
            self.first.setDate(qdate(custom[0]))
            self.last.setDate(qdate(custom[1]))
            self.first.blockSignals(False)
            self.last.blockSignals(False)
        if self.choice() == period and custom is not None:
            self.changed.emit()
        self.period.setCurrentIndex(PERIODS.index(period))

    def _show_dates(self) -> None:
        custom = self.choice() == "custom"
        for widget in (self.first, self.to_label, self.last):
            widget.setVisible(custom)

    def _period_changed(self) -> None:
        self._show_dates()
        self.changed.emit()

    def _custom_changed(self) -> None:
        if self.choice() == "custom":
            self.changed.emit()


class FilterBar(QWidget):
    """Team, agent, priority, channel and plan; "All" is no filter."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.team = self._combo("metrics-team", self.tr("All teams"))
        self.agent = self._combo("metrics-agent", self.tr("All agents"))
        self.priority = self._combo("metrics-priority", self.tr("All priorities"))
        for p in Priority:
            self.priority.addItem(priority_label(p.value), p.value)
        self.channel = self._combo("metrics-channel", self.tr("All channels"))
        for c in Channel:
            self.channel.addItem(channel_label(c.value), c.value)
        self.plan = self._combo("metrics-plan", self.tr("All plans"))
        for plan in PLANS:
            self.plan.addItem(plan_label(plan), plan)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("&Filters"))
        label.setBuddy(self.team)
        layout.addWidget(label)
        for combo in (self.team, self.agent, self.priority, self.channel, self.plan):
            layout.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        layout.addStretch(1)
        self.own_agent: AgentInfo | None = None

    @staticmethod
    def _combo(name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def set_choices(self, teams: list[TeamChoice], agents: list[AgentInfo]) -> None:
        """Fill the team and agent lists (keeps the current choice when it is still there)."""
        for combo, items in ((self.team, [(t.name, t.id) for t in teams]),
                             (self.agent, [(a.name, a.id) for a in agents])):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, key in items:
                combo.addItem(text, key)
            found = combo.findData(current)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)
        self.restrict_to(self.own_agent)

    def restrict_to(self, agent: AgentInfo | None) -> None:
        """Fix the agent filter to *agent* (an agent sees only their own figures); None
        frees it again (back to all agents)."""
        freed = agent is None and self.own_agent is not None
        self.own_agent = agent
        for combo in (self.agent, self.team):
            combo.blockSignals(True)
        if agent is not None:
            if self.agent.findData(agent.id) < 0:
                self.agent.addItem(agent.name, agent.id)
            self.agent.setCurrentIndex(self.agent.findData(agent.id))
            self.team.setCurrentIndex(0)
        elif freed:
            self.agent.setCurrentIndex(0)
        self.agent.setEnabled(agent is None)
        self.team.setEnabled(agent is None)
        tip = self.tr("Agents see their own figures") if agent is not None else ""
        self.agent.setToolTip(tip)
        for combo in (self.agent, self.team):
            combo.blockSignals(False)

    def filters(self) -> MetricsFilters:
        agent = self.own_agent.id if self.own_agent is not None else self.agent.currentData()
        team = None if self.own_agent is not None else self.team.currentData()
        return MetricsFilters(agent, team, self.priority.currentData(),
                              self.channel.currentData(), self.plan.currentData())
