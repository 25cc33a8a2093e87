"""Starting the desktop app: the QApplication, logging, crash handler, theme and main window.

``run()`` is what ``workbench`` (no subcommand) calls. The window is shown first and the
database opened on the worker thread once the first frame is painted, so that frame never
waits for the storage stack to import or for a migration; pages queue their first reads
behind the opening and fill in as soon as it is done. The first frame is the shell alone:
the page on screen (the queue, usually) is built right after it, while the database opens,
and the rotating log file is set up then too — neither is needed to paint the shell, and
both together cost about as much as the bare Qt window does.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui import errors
from ui.context import AppContext
from ui.crash import CrashHandler
from ui.main_window import MainWindow
from ui.ops import OpRunner
from ui.preferences import APPLICATION, ORGANIZATION, Preferences
from ui.theme import ThemeManager
from workbench import __version__
from workbench.config import Paths, resolve_paths, setup_logging
from workbench.domain.clock import Clock, SystemClock

if TYPE_CHECKING:
    from workbench.services.context import Workbench
    from workbench.services.dto import AgentInfo

log = logging.getLogger(__name__)
EXIT_DATABASE = 1
EXIT_USAGE = 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


class _FirstPaint(QObject):
    """Calls back once *widget* has painted (or after a fallback delay, whichever is first)."""

    FALLBACK_MS = 300

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)  # once this frame is on screen
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self._widget.removeEventFilter(self)
            callback()


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Run *callback* right after *widget*'s first frame, so heavy work never delays it."""
    _FirstPaint(widget, callback)


def settle_heap() -> None:
    """Move every object alive now (modules, classes, Qt enums, the ORM's metadata) out of
    the garbage collector's sight, and let it run again (``workbench`` stops it until the
    first frame: :func:`workbench.cli.gui.launch`). Start-up leaves a few hundred thousand
    long-lived objects that each collection of the oldest generation would walk again;
    frozen, a page of rows costs the same with or without them."""
    gc.freeze()
    gc.enable()


def settle_after_start(window: MainWindow) -> None:
    """What :func:`run` does once *window* is up: :func:`settle_heap` after the first frame
    (and the page built right after it), and again once the storage stack has loaded.
    Not part of :func:`launch`, which tests call many times in one process."""
    after_first_paint(window, settle_heap)  # registered after launch's: the page is built
    window.ctx.ready.connect(settle_heap)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, named so QSettings finds this app's settings."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationDisplayName(_tr("Support Workbench"))
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("support-workbench")
    return app


def open_database(paths: Paths, clock: Clock) -> Workbench:
    """Open (and migrate) the workstation database; runs on the worker thread."""
    from workbench.services.context import Workbench  # the storage stack loads off-screen

    return Workbench.open(paths.database, clock=clock)


def choose_actor(wb: Workbench, acting: str | None) -> AgentInfo | None:
    """The agent named by ``--as``, else this workstation's local agent; sets ``wb.actor_id``."""
    agent = wb.agents.get(acting) if acting else wb.agents.local_agent()
    wb.actor_id = agent.id if agent else None
    return agent


def fill_facts_in_steps(runner: OpRunner, after: str = "") -> None:
    """The stored SLA verdicts a database upgraded from revision 0002 lacks, a chunk per op
    (a tenth of a second each), so the agent's own reads and writes run between them. The
    metrics are exact meanwhile (they ask the clock where a verdict is missing), only slower.
    Nothing happens on a database without the migration's marker."""
    from workbench.sync.sla import backfill_facts_step

    def next_step(last: str | None) -> None:
        if last is not None:
            fill_facts_in_steps(runner, last)

    runner.run_op(lambda wb: backfill_facts_step(wb, after), next_step,
                  lambda exc: log.warning("storing SLA verdicts stopped: %s", exc))


def launch(app: QApplication, data_dir: str | None, acting: str | None) -> MainWindow:
    """Everything ``run`` does before the event loop: returns the shown main window."""
    paths = resolve_paths(data_dir)
    crash = CrashHandler(paths.logs / "workbench.log", app)
    crash.install()
    preferences = Preferences()
    theme = ThemeManager(app, preferences)
    theme.apply()
    runner = OpRunner(app)
    ctx = AppContext(runner, paths, SystemClock(), preferences, theme, app)

    def fail(code: int, exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox  # not on the startup path

        if errors.is_known(exc):
            text = errors.sentence(str(exc))
        else:
            log.error("the database could not be opened", exc_info=exc)
            text = _tr("The database in %1 could not be opened: %2").replace(
                "%1", str(paths.data_dir)).replace("%2", errors.sentence(str(exc)))
        QMessageBox.critical(app.activeWindow(), _tr("Support Workbench cannot start"), text)
        app.exit(code)

    # Held until the database opens, and asked before any page's first read, so every
    # page already knows who acts (the queue's "My open" depends on it).
    runner.run_op(lambda wb: choose_actor(wb, acting), ctx.mark_ready,
                  lambda exc: fail(EXIT_USAGE, exc))
    window = MainWindow(ctx, build_page=False)
    window.closed.connect(app.quit)
    app.aboutToQuit.connect(runner.shutdown)
    window.show()

    def after_shell_painted() -> None:
        runner.open(lambda: open_database(paths, ctx.clock),
                    on_error=lambda exc: fail(EXIT_DATABASE, exc))
        setup_logging(paths)
        logging.getLogger("alembic").setLevel(logging.WARNING)  # not one line per start
        log.info("Support Workbench %s starting on %s", __version__, paths.data_dir)
        window.build_current_page()
        fill_facts_in_steps(runner)  # after the page's first read: it comes first

    after_first_paint(window, after_shell_painted)
    return window


def run(data_dir: str | None = None, acting: str | None = None) -> int:
    """Open the app on *data_dir* acting as *acting* (name, e-mail or id); the exit code."""
    app = create_application()
    window = launch(app, data_dir, acting)
    settle_after_start(window)
    code = app.exec()
    log.info("Support Workbench stopped (exit code %s)", code)
    return code
