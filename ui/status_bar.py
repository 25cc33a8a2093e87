"""The main window's status bar: who is acting, the sync state and a clock.

The clock changes as each minute begins (:class:`MinuteTimer`), reading the app's clock so
a test with a frozen clock sees a fixed time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ui import formatting, labels
from ui.context import AppContext
from ui.widgets.minute_timer import MinuteTimer

if TYPE_CHECKING:
    from workbench.services.dto import AgentInfo


class WorkbenchStatusBar(QStatusBar):
    """Acting agent on the left; sync state and clock on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.agent_label = QLabel(self.tr("Opening the database…"))
        self.agent_label.setObjectName("acting-agent")
        self.sync_label = QLabel(self.tr("Local only · not connected to a team server"))
        self.sync_label.setObjectName("sync-state")
        self.sync_label.setToolTip(
            self.tr("Everything is saved on this workstation. Team sync comes with a server.")
        )
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.addWidget(self.agent_label)
        self.addPermanentWidget(self.sync_label)
        self.addPermanentWidget(self.clock_label)
        self._minute = MinuteTimer(self)
        self._minute.minute.connect(self.update_clock)
        ctx.agent_changed.connect(self.show_agent)
        if ctx.is_ready:
            self.show_agent(ctx.agent)
        self.update_clock()

    def show_agent(self, agent: AgentInfo | None) -> None:
        if agent is None:
            self.agent_label.setText(self.tr("No agent yet · choose one in Settings"))
            return
        self.agent_label.setText(formatting.in_ui_direction(
            self.tr("Acting as %1 (%2)")
            .replace("%1", formatting.isolate(agent.name))
            .replace("%2", labels.role_label(agent.role))
        ))

    def update_clock(self) -> None:
        now = formatting.local_datetime(self._ctx.now_ms())
        locale = formatting.app_locale()
        day = locale.toString(now.date(), "ddd d MMM")
        self.clock_label.setText(
            f"{day}  {locale.toString(now.time(), QLocale.FormatType.ShortFormat)}"
        )
