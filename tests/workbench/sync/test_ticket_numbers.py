"""Ticket numbers are unique across workstations, offline and past the end of a lease."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from synckit import ThreadServer, stations

from workbench.store.models import Ticket


def test_numbers_are_final_offline_unique_and_provisional_only_when_exhausted(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    server.add_agent("Mei Chen", "mei@example.com", "agent")
    with stations(tmp_path, server, 3) as team:
        for st, email in zip(team, ["dana@example.com", "ravi@example.com", "mei@example.com"],
                             strict=True):
            st.login(email)
            st.sync()
        c = team[0].wb.customers.create("Ana Lima")
        team[0].sync()
        for st in team:
            st.sync()
        # Offline: each makes more tickets than its lease holds (10 per lease)
        made: dict[int, list[str]] = {}
        for i, st in enumerate(team):
            made[i] = [st.wb.tickets.create(f"Ticket {i}-{k}", c.id).id for k in range(14)]
        for i, st in enumerate(team):
            with st.wb.read() as s:
                numbers = [s.get(Ticket, t).number for t in made[i]]  # type: ignore[union-attr]
            final = [n for n in numbers if n is not None]
            assert len(final) >= 10 and len(set(final)) == len(final)
            assert None in numbers  # the lease ran out: provisional ones
        for _ in range(2):
            for st in team:
                st.sync()
        for st in team:
            with st.wb.read() as s:
                numbers = list(s.scalars(select(Ticket.number)))
            assert None not in numbers
            assert len(numbers) == len(set(numbers)) == 42
        assert team[0].rows() == team[1].rows() == team[2].rows()
