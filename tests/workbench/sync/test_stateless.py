"""The server is stateless: two server instances on one database, concurrent pushes, and
readers that never skip a change that commits late."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select
from synckit import Station, ThreadServer

from workbench.sync.server.models import LogEntry


def test_two_servers_one_database_concurrent_workstations(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    server.add_agent("Mei Chen", "mei@example.com", "agent")
    twin = ThreadServer(server.db.url)  # a second process-like instance, same database
    team = [Station(tmp_path / f"ws{i}.sqlite3", srv)
            for i, srv in enumerate([server, twin, server])]
    try:
        for st, email in zip(team, ["dana@example.com", "ravi@example.com", "mei@example.com"],
                             strict=True):
            st.login(email)
            st.sync()
        c = team[0].wb.customers.create("Shared")
        team[0].sync()
        errors: list[BaseException] = []

        def work(st: Station, n: int) -> None:
            try:
                st.sync()
                for k in range(n):
                    st.wb.tickets.create(f"T{k}", c.id, body="x")
                    if k % 3 == 0:
                        st.sync()
                st.sync()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(st, 12)) for st in team]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        for _ in range(2):
            for st in team:
                st.sync()
        assert team[0].rows() == team[1].rows() == team[2].rows()
        with server.db.reader() as s:
            seqs = list(s.scalars(select(LogEntry.seq).order_by(LogEntry.seq)))
        assert seqs == list(range(1, len(seqs) + 1))  # gap-free
    finally:
        for st in team:
            st.close()
        twin.stop()
