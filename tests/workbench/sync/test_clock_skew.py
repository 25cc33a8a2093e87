"""A workstation whose clock is a day off still stamps near server time and converges."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from synckit import Station, ThreadServer

from workbench.domain.clock import FrozenClock
from workbench.domain.hlc import MAX_DRIFT_MS, Stamp
from workbench.store.models import Change

DAY_MS = 24 * 3600 * 1000


@pytest.mark.parametrize("skew", [DAY_MS, -DAY_MS])
def test_a_skewed_clock_is_corrected_and_replicas_converge(
    server: ThreadServer, tmp_path: Path, skew: int
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    now = int(time.time() * 1000)
    good = Station(tmp_path / "good.sqlite3", server, FrozenClock(now))
    off = Station(tmp_path / "off.sqlite3", server, FrozenClock(now + skew))
    try:
        good.login("dana@example.com")
        off.login("ravi@example.com")
        good.sync()
        c = good.wb.customers.create("Ana Lima")
        good.sync()
        off.sync()
        # Offline edits stamped by the skewed clock before it learns the server's time again
        off.wb.hlc.offset_ms = 0
        off.wb.customers.update(c.id, plan="premium")
        off.wb.tickets.create("From the skewed desk", c.id, body="x")
        report = off.sync()
        assert report.rejected == 0
        if skew > 0:
            assert report.restamped > 0
        assert abs(off.wb.hlc.offset_ms + skew) < 60_000
        good.clock.advance(5)
        good.wb.customers.update(c.id, plan="free")  # later in real time: must win
        good.sync()
        off.sync()
        assert off.rows() == good.rows()
        assert off.wb.customers.get(c.id).plan == "free"
        limit = int(time.time() * 1000) + MAX_DRIFT_MS
        with off.wb.read() as s:
            walls = [Stamp.decode(h).wall_ms for h in s.scalars(select(Change.hlc))]
        assert max(walls) <= limit
        # New stamps now follow the server's time, not the skewed clock
        off.wb.customers.update(c.id, language="de")
        with off.wb.read() as s:
            newest = s.scalar(select(Change.hlc).order_by(Change.seq.desc()).limit(1))
        assert newest is not None and abs(Stamp.decode(newest).wall_ms - now) < 120_000
        assert off.engine.status().skew_warning
    finally:
        good.close()
        off.close()
