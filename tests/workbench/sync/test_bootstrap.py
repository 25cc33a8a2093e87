"""A late workstation bootstraps from a snapshot, resumably, and then pulls incrementally."""

from __future__ import annotations

from pathlib import Path

import httpx
from synckit import Station, ThreadServer, stations

from workbench.sync.engine import EngineSettings


class FailAfter(httpx.HTTPTransport):
    """Lets *n* snapshot requests through, then drops the connection (a crash mid-way)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "/snapshot" in request.url.path:
            if self.left <= 0:
                raise httpx.ConnectError("gone", request=request)
            self.left -= 1
        return super().handle_request(request)


def test_bootstrap_is_resumable_and_converges(server: ThreadServer, tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 1) as (dana,):
        dana.login("dana@example.com")
        dana.sync()
        for i in range(25):
            c = dana.wb.customers.create(f"Customer {i}")
            t = dana.wb.tickets.create(f"Ticket {i}", c.id, body="x")
            dana.wb.tickets.update(t.id, priority="high")
        dana.sync()
        tiny = EngineSettings(snapshot_threshold=0, snapshot_page=7, pull_page=7, lease_size=10,
                              lease_low_water=3)
        late = Station(tmp_path / "late.sqlite3", server, settings=tiny)
        try:
            late.login("ravi@example.com")
            late.engine._transport = FailAfter(4)
            assert not late.engine.sync_once().ok  # interrupted after 4 pages
            late.engine._transport = None
            dana.wb.customers.create("Arrived during the bootstrap")
            dana.sync()
            report = late.sync()
            assert report.snapshot_rows > 0
            dana.sync()
            assert late.rows() == dana.rows()
            # from now on it pulls only what is new
            dana.wb.customers.create("Afterwards")
            dana.sync()
            again = late.sync()
            assert again.snapshot_rows == 0 and again.pulled >= 1
            assert late.rows() == dana.rows()
        finally:
            late.close()
