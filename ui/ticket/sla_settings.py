"""The settings section for service levels: the SLA policy and its business calendar.

Managers edit and save them (``wb.sla.save`` through the op runner, which also re-times
every open ticket); everyone else reads them with the fields disabled and a line saying
why. A value the engine refuses (an overlap in the hours, a zone that does not exist)
or a refusal by the service is shown under the form and nothing is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.context import AppContext
from ui.ops import Changes
from ui.ticket.calendar_form import CalendarForm
from ui.ticket.sla_policy_form import SlaPolicyForm
from workbench.domain.enums import Role
from workbench.domain.sla import BusinessCalendar, SlaPolicy
from workbench.services.dto import AgentInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

Loaded = tuple[SlaPolicy, BusinessCalendar]


class SlaSettings(QWidget):
    """Policy and calendar editors with Save, editable by managers only."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.policy_form = SlaPolicyForm()
        self.calendar_form = CalendarForm(ctx.runner)
        policy_box = QGroupBox(self.tr("SLA policy (business time)"))
        QVBoxLayout(policy_box).addWidget(self.policy_form)
        calendar_box = QGroupBox(self.tr("Business calendar"))
        QVBoxLayout(calendar_box).addWidget(self.calendar_form)
        self.access = QLabel()
        self.access.setObjectName("sla-access")
        self.access.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("sla-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton(self.tr("Save service levels"))
        self.save_button.setObjectName("sla-save")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addWidget(policy_box)
        left.addLayout(bottom)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addWidget(calendar_box, 4, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.access)
        layout.addLayout(columns)
        layout.addStretch(1)
        self.calendar_form.notice.connect(lambda text: self._say(text))
        ctx.agent_changed.connect(self._agent_changed)
        ctx.runner.changes_applied.connect(self._on_changes)
        self._agent_changed(ctx.agent)
        self.load()

    @property
    def editable(self) -> bool:
        agent = self._ctx.agent
        return agent is not None and agent.role == Role.MANAGER.value

    def load(self) -> None:
        self._ctx.runner.run_op(lambda wb: wb.sla.active(), self._show, owner=self)

    def _show(self, loaded: Loaded) -> None:
        policy, calendar = loaded
        self.policy_form.set_policy(policy)
        self.calendar_form.set_calendar(calendar)

    def _agent_changed(self, _agent: AgentInfo | None) -> None:
        editable = self.editable
        for widget in (self.policy_form, self.calendar_form, self.save_button):
            widget.setEnabled(editable)
        self.access.setText(
            self.tr("You manage the team's service levels: changes apply to every open ticket.")
            if editable else
            self.tr("Only managers change the SLA policy and calendar; they are shown here "
                    "read-only."))

    def save(self) -> None:
        """Check the forms, then save through the service (managers only)."""
        try:
            policy = self.policy_form.policy()
            calendar = self.calendar_form.calendar()
        except ValueError as exc:
            self._say(str(exc), error=True)
            return

        def save(wb: Workbench) -> int:
            return wb.sla.save(policy, calendar)

        self.save_button.setEnabled(False)
        self._ctx.runner.run_op(save, self._saved, self._refused, initiator=self, owner=self)

    def _saved(self, retimed: int) -> None:
        self.save_button.setEnabled(self.editable)
        self._say(self.tr("Saved. %1 open tickets were re-timed.").replace(
            "%1", f"{retimed:,}"))

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.editable)
        if errors.is_known(exc):
            self._say(str(exc), error=True)
        else:
            errors.report(exc, self)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #d32f2f; font-weight: 600;" if error else "")
        self.status.setText(errors.sentence(text))

    def _on_changes(self, changes: Changes, initiator: object | None) -> None:
        touched = changes.touches("sla_policies") or changes.touches("sla_calendars")
        if touched and initiator is not self:
            self.load()  # another manager's edit arrived (sync)
