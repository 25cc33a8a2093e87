"""Fixtures for the desktop UI tests: a seeded data directory, a synchronous op runner, a window.

Every test gets a fresh temporary data directory and QSettings location, a frozen clock,
and an :class:`OpRunner` in synchronous mode (ops run inline, like Picard's fake thread
pool), so a test reads top to bottom with no waiting. Tests fail when they leak a thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.ops import OpRunner
from ui.preferences import Preferences
from workbench.config import Paths, resolve_paths
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench

# The metrics month dataset lives with the service oracles; the panel tests import it by name.
_SERVICE_TESTS = str(Path(__file__).resolve().parents[1] / "workbench" / "services")
if _SERVICE_TESTS not in sys.path:
    sys.path.append(_SERVICE_TESTS)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path: Path) -> Iterator[Path]:
    """QSettings written under the test's own folder, never the user's."""
    folder = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("support-workbench-tests")
    QCoreApplication.setApplicationName("ui-tests")
    yield folder


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "data")


@pytest.fixture
def wb(paths: Paths, clock: FrozenClock) -> Iterator[Workbench]:
    workbench = Workbench.open(paths.database, clock=clock)
    yield workbench
    workbench.close()


@pytest.fixture
def team(wb: Workbench) -> Team:
    """A lead acting on this workstation, one agent, and customers in several scripts."""
    lead = wb.agents.create("Dana Ortiz", "dana@example.com", "lead")
    agent = wb.agents.create("Sam Okafor", "sam@example.com", "agent")
    wb.agents.set_local_agent(lead.id)
    wb.actor_id = lead.id
    customers = [
        wb.customers.create("آرش کریمی", "arash@example.ir", plan="premium"),
        wb.customers.create("Արամ Պետրոսյան", "aram@example.am", organisation="Yerevan Soft"),
        wb.customers.create("Élodie Martin", "elodie@example.fr", plan="enterprise"),
    ]
    return Team(lead, agent, customers)


@pytest.fixture
def runner(wb: Workbench) -> Iterator[OpRunner]:
    ops = OpRunner(synchronous=True)
    ops.attach(wb)
    yield ops
    ops.shutdown()


@pytest.fixture
def ctx(
    team: Team, runner: OpRunner, paths: Paths, clock: FrozenClock, wb: Workbench
) -> AppContext:
    """The app context on the seeded team; the lead is the acting agent."""
    context = AppContext(runner, paths, clock, Preferences())
    context.mark_ready(wb.agents.local_agent())
    return context


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    """The main window on the seeded database, shown (offscreen)."""
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main
