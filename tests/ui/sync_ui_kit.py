"""What the app's sync tests share: a real team server on loopback, the keyring, sign-in.

The server is the sync tests' own (``tests/workbench/sync/synckit.py``, imported by name):
uvicorn in a thread on a free loopback port, SQLite behind it, emptied between tests. It
can be taken down and brought back on the same port, to test what the app does offline.
The keyring is keyrings.alt's plaintext file in the test's folder, allowed only because the
test sets $WORKBENCH_INSECURE_KEYRING=1, as CI does.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_SYNC_TESTS = str(Path(__file__).resolve().parents[1] / "workbench" / "sync")
if _SYNC_TESTS not in sys.path:
    sys.path.append(_SYNC_TESTS)  # synckit, the sync tests' server kit, by its name

import keyring  # noqa: E402
import pytest  # noqa: E402
import uvicorn  # noqa: E402
from keyrings.alt.file import PlaintextKeyring  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from synckit import PASSWORD, Station, ThreadServer, free_port  # noqa: E402

from ui.context import AppContext  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ops import OpRunner  # noqa: E402
from ui.preferences import Preferences  # noqa: E402
from ui.sync import install_sync  # noqa: E402
from ui.sync.controller import SyncController, SyncTiming  # noqa: E402
from workbench.config import Paths  # noqa: E402
from workbench.domain.clock import FrozenClock  # noqa: E402
from workbench.sync.credentials import INSECURE_ENV  # noqa: E402
from workbench.sync.status import Phase  # noqa: E402

__all__ = ["PASSWORD", "Station", "ThreadServer", "bring_down", "bring_up", "free_port",
           "infrastructure_thread", "plaintext_keyring", "sign_in", "wait_synced"]

SERVER_THREAD = "sync-test-server"


def infrastructure_thread(thread: threading.Thread) -> bool:
    """Threads of the test server, not of the app (the leak check ignores them)."""
    return thread.name.startswith(("AnyIO worker thread", SERVER_THREAD))


def plaintext_keyring(folder: Path) -> tuple[PlaintextKeyring, Any]:
    """A plaintext keyring in *folder*, made the process's keyring; and the previous one."""
    backend = PlaintextKeyring()
    backend.file_path = str(folder / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    return backend, previous


def bring_down(server: ThreadServer) -> None:
    """Stop answering (the port is closed; the server's data stays)."""
    server.server.should_exit = True
    server.thread.join(5)


def bring_up(server: ThreadServer) -> None:
    """Answer again on the same port with the same data."""
    server.server = uvicorn.Server(server.server.config)
    server.thread = threading.Thread(target=server.server.run, name=SERVER_THREAD,
                                     daemon=True)
    server.thread.start()
    deadline = time.monotonic() + 10
    while not server.server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not come back")
        time.sleep(0.01)


def sign_in(qtbot: QtBot, controller: SyncController, url: str, user: str,
            password: str = PASSWORD, ca_file: str | None = None) -> Any:
    """Sign in through the controller and wait for the first sync; the agent or error."""
    result: dict[str, Any] = {}
    controller.sign_in(url, user, password, ca_file, lambda agent: result.setdefault(
        "agent", agent), lambda exc: result.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(result), timeout=15_000)
    if "error" in result:
        return result["error"]
    wait_synced(qtbot, controller)
    return result["agent"]


def wait_synced(qtbot: QtBot, controller: SyncController, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: not controller.running and controller.status.phase is not
                    Phase.SYNCING, timeout=timeout)


def until(qtbot: QtBot, predicate: Callable[[], bool], timeout: int = 15_000) -> None:
    qtbot.waitUntil(predicate, timeout=timeout)


# -- fixtures (imported by name into the test modules) -------------------------------------
# The app's timing, shortened: retries after 0.2 s doubling to 0.8 s; the 30 s period and
# the start-up sync are pushed out of the way so each test says when it syncs.
FAST = SyncTiming(interval_ms=600_000, first_delay_ms=600_000, backoff_base_s=0.2,
                  backoff_cap_s=0.8, status_delay_ms=10)


@pytest.fixture
def clock() -> FrozenClock:
    """The workstation's clock at the real time (the server stamps with the real time)."""
    return FrozenClock(int(time.time() * 1000))


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """The app leaves no thread behind (the test server's own threads are not the app's)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate()
              if t not in before and t.is_alive() and not infrastructure_thread(t)]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    folder = tmp_path_factory.mktemp("server")
    srv = ThreadServer(f"sqlite:///{folder / 'server.sqlite3'}")
    yield srv
    srv.stop()


@pytest.fixture
def server(module_server: ThreadServer) -> Iterator[ThreadServer]:
    """The team server, empty, with Dana (manager) and Ravi (agent) accounts."""
    if not module_server.thread.is_alive():
        bring_up(module_server)
    module_server.reset()
    module_server.add_agent("Dana Smith", "dana@team.example", "manager")
    module_server.add_agent("Ravi Das", "ravi@team.example", "agent")
    yield module_server
    if not module_server.thread.is_alive():
        bring_up(module_server)


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PlaintextKeyring]:
    """The test keyring (plaintext, in the test's folder), allowed by the test switch."""
    monkeypatch.setenv(INSECURE_ENV, "1")
    backend, previous = plaintext_keyring(tmp_path)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def app_ctx(runner: OpRunner, paths: Paths, clock: FrozenClock) -> AppContext:
    """A workstation with no agents yet: who acts comes from the team server."""
    context = AppContext(runner, paths, clock, Preferences())
    context.mark_ready(None)
    return context


@pytest.fixture
def app(qtbot: QtBot, app_ctx: AppContext, secrets: PlaintextKeyring
        ) -> Iterator[tuple[MainWindow, SyncController]]:
    """The main window with sync installed (fast retry timing); the controller stops after."""
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    controller = install_sync(window, app_ctx, FAST)
    window.show()
    qtbot.waitExposed(window)
    yield window, controller
    controller.shutdown()

