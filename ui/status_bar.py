"""The main window's status bar: who is acting, hand-offs waiting, the sync state, a clock.

The clock changes as each minute begins (:class:`MinuteTimer`), reading the app's clock so
a test with a frozen clock sees a fixed time. The sync state is a placeholder until
:func:`ui.sync.install_sync` puts the live one (:class:`~ui.sync.status_item.SyncStatusItem`)
in its slot with :meth:`WorkbenchStatusBar.show_sync`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from ui import formatting, labels
from ui.context import AppContext
from ui.ops import Changes
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
        self.sync_slot = QWidget()
        self.sync_slot.setObjectName("sync-slot")
        self._slot = QHBoxLayout(self.sync_slot)
        self._slot.setContentsMargins(0, 0, 0, 0)
        self._slot.addWidget(self.sync_label)
        self.sync_item: QWidget | None = None  # the live state, once sync is installed
        # Hand-offs waiting for the acting agent; a click opens them on the Customers page.
        self.handoffs_button = QPushButton()
        self.handoffs_button.setObjectName("pending-handoffs")
        self.handoffs_button.setFlat(True)
        self.handoffs_button.setStyleSheet("color: #c62828; font-weight: 600;")
        self.handoffs_button.hide()
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.addWidget(self.agent_label)
        self.addPermanentWidget(self.handoffs_button)
        self.addPermanentWidget(self.sync_slot)
        self.addPermanentWidget(self.clock_label)
        self._minute = MinuteTimer(self)
        self._minute.minute.connect(self.update_clock)
        ctx.agent_changed.connect(self.show_agent)
        ctx.agent_changed.connect(self.update_handoffs)
        ctx.runner.changes_applied.connect(self._on_changes)
        if ctx.is_ready:
            self.show_agent(ctx.agent)
            self.update_handoffs()
        self.update_clock()

    def show_sync(self, item: QWidget) -> None:
        """Show the live sync state *item* instead of the placeholder."""
        while self._slot.count():  # the placeholder (or an earlier item) goes for good
            old = self._slot.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self._slot.addWidget(item)
        self.sync_item = item

    def show_agent(self, agent: AgentInfo | None) -> None:
        if agent is None:
            self.agent_label.setText(self.tr("No agent yet · choose one in Settings"))
            return
        self.agent_label.setText(formatting.in_ui_direction(
            self.tr("Acting as %1 (%2)")
            .replace("%1", formatting.isolate(agent.name))
            .replace("%2", labels.role_label(agent.role))
        ))

    def update_handoffs(self, _agent: object = None) -> None:
        if self._ctx.agent is None:
            self.handoffs_button.hide()
            return
        agent_id = self._ctx.agent.id
        self._ctx.runner.run_op(lambda wb: len(wb.handoffs.inbox(agent_id)), self._show_handoffs,
                                lambda _exc: self.handoffs_button.hide(), owner=self)

    def _show_handoffs(self, count: int) -> None:
        self.handoffs_button.setText(self.tr("%n hand-off(s) to acknowledge", "", count))
        self.handoffs_button.setVisible(count > 0)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if changes.touches("handoffs"):
            self.update_handoffs()

    def update_clock(self) -> None:
        now = formatting.local_datetime(self._ctx.now_ms())
        locale = formatting.app_locale()
        day = locale.toString(now.date(), "ddd d MMM")
        self.clock_label.setText(
            f"{day}  {locale.toString(now.time(), QLocale.FormatType.ShortFormat)}"
        )
