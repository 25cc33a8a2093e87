"""Editing an SLA policy: targets per priority, pause statuses, warning threshold, breach action.

Targets are typed as a number and a unit (minutes, hours, days of business time); the
form shows a stored target in the largest unit that keeps it whole. :meth:`policy` builds
the domain :class:`SlaPolicy`, whose own checks name whatever is wrong.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ui import labels
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.domain.enums import Priority, TicketStatus
from workbench.domain.sla import BreachAction, PriorityTargets, SlaPolicy, SlaTarget

UNITS = (
    (86_400, QT_TRANSLATE_NOOP("SlaPolicyForm", "days")),
    (3_600, QT_TRANSLATE_NOOP("SlaPolicyForm", "hours")),
    (60, QT_TRANSLATE_NOOP("SlaPolicyForm", "minutes")),
)
ACTIONS = {
    BreachAction.NONE: QT_TRANSLATE_NOOP("SlaPolicyForm", "Only flag the ticket"),
    BreachAction.RAISE_PRIORITY: QT_TRANSLATE_NOOP("SlaPolicyForm", "Raise its priority"),
    BreachAction.RETURN_TO_TEAM_QUEUE: QT_TRANSLATE_NOOP(
        "SlaPolicyForm", "Return it to the team queue"),
}
TARGET_TITLES = {
    SlaTarget.FIRST_RESPONSE: QT_TRANSLATE_NOOP("SlaPolicyForm", "First response"),
    SlaTarget.NEXT_UPDATE: QT_TRANSLATE_NOOP("SlaPolicyForm", "Next update"),
    SlaTarget.RESOLUTION: QT_TRANSLATE_NOOP("SlaPolicyForm", "Resolution"),
}
PAUSABLE = (TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.NEW, TicketStatus.OPEN)


class DurationEdit(QWidget):
    """A business-time target: a whole number of minutes, hours or days."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QSpinBox()
        self.amount.setRange(1, 9999)
        self.unit = QComboBox()
        for seconds, title in UNITS:
            self.unit.addItem(self.tr(title), seconds)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.amount)
        layout.addWidget(self.unit)

    def seconds(self) -> int:
        return int(self.amount.value()) * int(self.unit.currentData())

    def set_seconds(self, seconds: int) -> None:
        for index, (unit, _title) in enumerate(UNITS):
            if seconds % unit == 0 or unit == 60:
                self.unit.setCurrentIndex(index)
                self.amount.setValue(max(1, round(seconds / unit)))
                return


class SlaPolicyForm(QWidget):
    """Every field of a policy; ``policy()`` reads them back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = ""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        self.targets: dict[tuple[Priority, SlaTarget], DurationEdit] = {}
        for col, title in enumerate(TARGET_TITLES.values(), start=1):
            grid.addWidget(QLabel(f"<b>{self.tr(title)}</b>"), 0, col)
        for row, priority in enumerate(Priority, start=1):
            grid.addWidget(QLabel(labels.priority_label(priority.value)), row, 0)
            for col, target in enumerate(SlaTarget, start=1):
                edit = DurationEdit()
                edit.setObjectName(f"target-{priority.value}-{target.value}")
                self.targets[(priority, target)] = edit
                grid.addWidget(edit, row, col)
        self.pauses: dict[TicketStatus, QCheckBox] = {}
        pause_row = QHBoxLayout()
        for status in PAUSABLE:
            box = QCheckBox(labels.status_label(status.value))
            self.pauses[status] = box
            pause_row.addWidget(box)
        pause_row.addStretch(1)
        grid.addWidget(QLabel(self.tr("Clocks pause while")), 5, 0)
        grid.addLayout(pause_row, 5, 1, 1, 3)
        self.warning = QSpinBox()
        self.warning.setObjectName("warning-percent")
        self.warning.setRange(1, 100)
        self.warning.setSuffix(self.tr(" % of the target used"))
        grid.addWidget(QLabel(self.tr("Warn from")), 6, 0)
        grid.addWidget(self.warning, 6, 1, 1, 3, Qt.AlignmentFlag.AlignLeft)
        self.action = QComboBox()
        self.action.setObjectName("breach-action")
        for action, title in ACTIONS.items():
            self.action.addItem(self.tr(title), action.value)
        grid.addWidget(QLabel(self.tr("On breach")), 7, 0)
        grid.addWidget(self.action, 7, 1, 1, 3, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(4, 1)

    def set_policy(self, policy: SlaPolicy) -> None:
        self._name = policy.name
        for (priority, target), edit in self.targets.items():
            edit.set_seconds(policy.target_seconds(priority, target))
        for status, box in self.pauses.items():
            box.setChecked(status in policy.pause_statuses)
        self.warning.setValue(round(policy.warning_fraction * 100))
        self.action.setCurrentIndex(max(self.action.findData(policy.breach_action.value), 0))

    def policy(self) -> SlaPolicy:
        """The policy on screen (ValueError, with the engine's reason, when invalid)."""
        targets = {
            p: PriorityTargets(*(self.targets[(p, t)].seconds() for t in SlaTarget))
            for p in Priority
        }
        return SlaPolicy.from_targets(
            targets,
            pause_statuses=[s for s, box in self.pauses.items() if box.isChecked()],
            warning_fraction=self.warning.value() / 100,
            breach_action=BreachAction(self.action.currentData()),
            name=self._name,
        )
