"""What every window and page shares: the op runner, paths, clock, preferences and the actor.

Views receive one :class:`AppContext` instead of reaching for globals, so a test builds the
same window on a temporary data directory with a synchronous runner and a frozen clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ui.ops import OpRunner
from ui.preferences import Preferences

if TYPE_CHECKING:
    from ui.theme import ThemeManager
    from workbench.config import Paths
    from workbench.domain.clock import Clock
    from workbench.services.dto import AgentInfo


class AppContext(QObject):
    """Shared state of one running app (one open data directory)."""

    ready = Signal()  # the database is open and the acting agent known
    agent_changed = Signal(object)  # AgentInfo | None

    def __init__(
        self,
        runner: OpRunner,
        paths: Paths,
        clock: Clock,
        preferences: Preferences,
        theme: ThemeManager | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.paths = paths
        self.clock = clock
        self.preferences = preferences
        self.theme = theme
        self.agent: AgentInfo | None = None
        self.is_ready = False

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def mark_ready(self, agent: AgentInfo | None) -> None:
        """The database opened; *agent* is who acts on this workstation (None: nobody yet)."""
        self.is_ready = True
        self.agent = agent
        self.ready.emit()
        self.agent_changed.emit(agent)

    def set_agent(self, agent: AgentInfo | None) -> None:
        self.agent = agent
        self.agent_changed.emit(agent)
