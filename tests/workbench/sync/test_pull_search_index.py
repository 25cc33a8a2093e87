"""A big pull indexes its rows for search in one pass (triggers suspended) and the full-text
index ends exactly as the per-row triggers would have left it."""

from __future__ import annotations

from pathlib import Path

from synckit import Station, ThreadServer, stations

from workbench.store import search_index
from workbench.sync.apply import BULK_INDEX_FROM
from workbench.sync.engine import EngineSettings

BIG_PAGES = EngineSettings(push_batch=1000, pull_page=1000, snapshot_page=1000,
                           snapshot_threshold=10**9)


def _index_is_sound(st: Station) -> None:
    with st.wb.read() as s:
        assert search_index.integrity_errors(s) == {}
        assert search_index.missing_objects(s) == []  # the triggers are back


def test_a_big_pull_of_new_rows_is_searchable_and_later_edits_reindex(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2, settings=BIG_PAGES) as (a, b):
        a.login("dana@example.com")
        b.login("ravi@example.com")
        a.sync()
        b.sync()
        tickets = []
        for i in range(BULK_INDEX_FROM // 2):
            c = a.wb.customers.create(f"Customer Quokka{i:03d}")
            tickets.append(a.wb.tickets.create(f"Printer Wombat{i:03d} jams", c.id,
                                               body=f"Paper Numbat{i:03d} stuck"))
        a.sync()
        report = b.sync()
        assert report.pulled >= BULK_INDEX_FROM  # one page: the bulk-indexing path
        _index_is_sound(b)
        hits = b.wb.search.search("Wombat042", kind="ticket")
        assert [h.id for h in hits] == [tickets[42].id]
        assert [h.title for h in b.wb.search.search("Quokka007", kind="customer")] == [
            "Customer Quokka007"]
        assert [h.id for h in b.wb.search.search("Numbat099", kind="ticket")] == [
            tickets[99].id]

        # A later, small page that edits a subject goes through the triggers again.
        a.wb.tickets.update(tickets[5].id, subject="Scanner Platypus offline")
        a.sync()
        b.sync()
        _index_is_sound(b)
        assert [h.id for h in b.wb.search.search("Platypus", kind="ticket")] == [tickets[5].id]
        assert b.wb.search.search("Wombat005", kind="ticket") == []
        assert a.rows() == b.rows()
