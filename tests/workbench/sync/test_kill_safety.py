"""Kill safety: SIGKILL a syncing client, or the server, at random moments; nothing is lost.

The client is a real ``workbench sync`` process (``python -m workbench.cli.sync``) with its
token in a file keyring (allowed by WORKBENCH_INSECURE_KEYRING=1); the server variant kills
a real ``workbench-server`` process while an in-process workstation syncs through it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from synckit import PASSWORD, Station, ThreadServer, diff_rows, free_port

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.store.models import Change
from workbench.sync.server.models import LogEntry

pytest.importorskip("keyrings.alt.file", reason="keyrings.alt (a test dependency) keeps the "
                    "subprocess's token in a file keyring; it is missing")


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"WORKBENCH_INSECURE_KEYRING": "1", "XDG_DATA_HOME": str(tmp / "xdg"),
                "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"})
    return env


def _cli(tmp: Path, data: Path, *args: str, stdin: str | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench.cli.sync", "--data-dir", str(data),
                           *args], input=stdin, capture_output=True, text=True,
                          env=_env(tmp), timeout=60)


def _edit(data: Path, n: int, seed: int) -> None:
    """Offline work on the workstation in *data*: customers, tickets, replies."""
    wb = Workbench.open(data / "workbench.sqlite3", clock=FrozenClock(int(time.time() * 1000)))
    try:
        local = wb.agents.local_agent()
        assert local is not None
        wb.actor_id = local.id
        rng = random.Random(seed)
        for i in range(n):
            c = wb.customers.create(f"Customer {seed}-{i}")
            t = wb.tickets.create(f"Issue {seed}-{i}", c.id, body="hello")
            if rng.random() < 0.5:
                wb.tickets.reply(t.id, "on it", status="pending")
    finally:
        wb.close()


def _local_ops(data: Path) -> set[str]:
    wb = Workbench.open(data / "workbench.sqlite3")
    try:
        with wb.read() as s:
            return set(s.scalars(select(Change.op_id).where(Change.remote.is_(False))))
    finally:
        wb.close()


@pytest.mark.slow
def test_killing_the_client_mid_sync_loses_and_duplicates_nothing(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    data = tmp_path / "ws"
    r = _cli(tmp_path, data, "login", "--server", server.url, "--user", "dana@example.com",
             "--password-stdin", stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    assert "WARNING" in r.stderr  # the insecure keyring is announced loudly
    assert _cli(tmp_path, data, "sync").returncode == 0
    other = Station(tmp_path / "other.sqlite3", server)
    try:
        other.login("ravi@example.com")
        other.sync()
        rng = random.Random(7)
        kills = attempts = 0
        latest = 1.6  # the longest wait before a kill; shrinks when syncs finish first
        # Keep going until 12 syncs were really killed mid-way, however fast this machine is.
        while kills < 12 and attempts < 60:
            if attempts % 6 == 0:  # fresh work on both sides, so there is always a sync to cut
                _edit(data, 25, seed=attempts)
                for k in range(40):
                    cust = other.wb.customers.create(f"Remote {attempts}-{k}")
                    other.wb.tickets.create("Remote ticket", cust.id, body="x")
                other.sync()
            attempts += 1
            proc = subprocess.Popen(
                [sys.executable, "-m", "workbench.cli.sync", "--data-dir", str(data),
                 "sync", "--batch-size", "15", "--page-size", "15"],
                env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.2, latest))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            else:
                latest = max(0.3, latest * 0.7)
            proc.wait()
        assert kills >= 12
        for _ in range(2):
            final = _cli(tmp_path, data, "sync", "--json")
            assert final.returncode == 0, final.stderr
            other.sync()
        assert _cli(tmp_path, data, "sync").returncode == 0
        ws = Station.__new__(Station)
        ws.wb = Workbench.open(data / "workbench.sqlite3")
        try:
            assert Station.rows(ws) == other.rows(), diff_rows(Station.rows(ws), other.rows())
            assert Station.outbox(ws) == []
        finally:
            ws.wb.close()
        with server.db.reader() as s:
            logged = set(s.scalars(select(LogEntry.op_id)))
            assert s.scalar(select(func.count()).select_from(LogEntry)) == len(logged)
        assert _local_ops(data) <= logged
    finally:
        other.close()


def _start_server(tmp: Path, db_url: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "workbench.sync.server.cli", "--db", db_url,
                             "--port", str(port)], env=_env(tmp),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server process did not start")


@pytest.mark.slow
def test_killing_the_server_mid_sync_loses_and_duplicates_nothing(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    port = free_port()
    proc = _start_server(tmp_path, server.db.url, port)
    a = Station(tmp_path / "a.sqlite3", server)
    b = Station(tmp_path / "b.sqlite3", server)
    try:
        a.login("dana@example.com")
        b.login("ravi@example.com")
        a.sync()
        b.sync()
        a.server = b.server = server
        url = f"http://127.0.0.1:{port}"
        for st in (a, b):  # from now on they talk to the killable server process
            from workbench.store.numbers import SERVER_KEY

            with st.wb.db.session() as s:
                from workbench.store.changelog import save_state

                save_state(s, SERVER_KEY, url)
        rng = random.Random(3)
        kills = 0
        for round_ in range(3):
            for k in range(40):
                c = a.wb.customers.create(f"A {round_}-{k}")
                a.wb.tickets.create("From A", c.id, body="x")
            timer = threading.Timer(rng.uniform(0.05, 0.5), proc.kill)
            timer.start()
            a.engine.sync_once()  # fails when the server dies under it: that is the point
            timer.join()
            proc.wait()
            kills += 1
            proc = _start_server(tmp_path, server.db.url, port)
            b.engine.sync_once()
        for _ in range(2):
            a.sync()
            b.sync()
        a.sync()
        assert kills == 3
        assert a.rows() == b.rows(), diff_rows(a.rows(), b.rows())
        assert a.outbox() == [] and b.outbox() == []
        with server.db.reader() as s:
            logged = set(s.scalars(select(LogEntry.op_id)))
        with a.wb.read() as s:
            assert set(s.scalars(select(Change.op_id).where(Change.remote.is_(False)))) <= logged
    finally:
        proc.kill()
        proc.wait()
        a.close()
        b.close()
