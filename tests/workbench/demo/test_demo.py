"""The demo generator: a realistic, consistent, deterministic team written through the log."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from workbench.demo import generate_demo
from workbench.demo.vocab import load_vocab
from workbench.domain.clock import FrozenClock
from workbench.domain.enums import Channel, Priority, TicketStatus
from workbench.domain.placeholders import unknown_placeholders
from workbench.domain.sla import ClockState, compute_sla, next_deadline
from workbench.services.context import Workbench
from workbench.services.sla import sla_ticket
from workbench.store import search_index
from workbench.store.changelog import SEED
from workbench.store.fact_queries import refresh_repeat_contacts
from workbench.store.models import Change, Ticket, syncable_models
from workbench.sync.outbox import pending_count
from workbench.sync.sla import write_facts

TICKETS, CUSTOMERS = 300, 40
SCRIPTS = {
    "Latin": re.compile(r"[A-Za-z]"),
    "Arabic": re.compile(r"[\u0600-\u06FF]"),
    "Bengali": re.compile(r"[\u0980-\u09FF]"),
    "Khmer": re.compile(r"[\u1780-\u17FF]"),
    "Ethiopic": re.compile(r"[\u1200-\u137F]"),
    "Armenian": re.compile(r"[\u0530-\u058F]"),
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OPEN = {s.value for s in TicketStatus if s.is_open}


@pytest.fixture
def demo(wb: Workbench) -> Workbench:
    generate_demo(wb, tickets=TICKETS, customers=CUSTOMERS, seed=7)
    return wb


def _db(wb: Workbench) -> sqlite3.Connection:
    con = sqlite3.connect(wb.db.path)
    con.row_factory = sqlite3.Row
    return con


def _scripts(texts: list[str]) -> set[str]:
    return {name for name, rx in SCRIPTS.items() if any(rx.search(t) for t in texts)}


def test_every_entity_is_generated_and_counted(wb: Workbench) -> None:
    stages: list[tuple[str, int, int]] = []
    counts = generate_demo(wb, tickets=TICKETS, customers=CUSTOMERS, seed=7,
                           progress=lambda *a: stages.append(a))
    con = _db(wb)
    for table in syncable_models():
        in_db = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert in_db > 0, f"no {table}"
        assert counts[table] == in_db, table
    assert counts["tickets"] == TICKETS
    assert counts["customers"] == CUSTOMERS
    assert counts["changes"] == con.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert counts["changes"] < sum(v for k, v in counts.items() if k != "changes") // 10
    assert ("tickets", TICKETS, TICKETS) in stages
    roles = Counter(r[0] for r in con.execute("SELECT role FROM agents"))
    assert roles["manager"] == 1 and 1 <= roles["lead"] <= 2 and 8 <= roles["agent"] <= 15


def test_every_status_priority_and_channel_occurs(demo: Workbench) -> None:
    con = _db(demo)
    assert {r[0] for r in con.execute("SELECT status FROM tickets")} == {
        s.value for s in TicketStatus}
    assert {r[0] for r in con.execute("SELECT priority FROM tickets")} == {
        p.value for p in Priority}
    assert {r[0] for r in con.execute("SELECT channel FROM tickets")} == {
        c.value for c in Channel}
    unassigned = con.execute("SELECT count(*) FROM tickets WHERE assignee_id IS NULL").fetchone()
    assert 0 < unassigned[0] < TICKETS // 4
    numbers = [r[0] for r in con.execute("SELECT number FROM tickets ORDER BY created_at")]
    assert numbers == list(range(numbers[0], numbers[0] + TICKETS))


def test_six_scripts_in_customer_names_and_articles(demo: Workbench) -> None:
    con = _db(demo)
    names = [r[0] for r in con.execute("SELECT name FROM customers")]
    assert _scripts(names) == set(SCRIPTS)
    articles = [r[0] + r[1] for r in con.execute("SELECT title, body FROM kb_articles")]
    assert _scripts(articles) == set(SCRIPTS)
    bodies = [r[0] for r in con.execute("SELECT body FROM kb_articles WHERE NOT internal")]
    assert all("{customer.first_name}" in b and "{ticket.number}" in b for b in bodies)
    assert all(b.startswith("# ") and "\n1. " in b for b in bodies), "Markdown with steps"
    assert not [p for a in articles for p in unknown_placeholders(a)]
    assert _scripts([r[0] for r in con.execute("SELECT subject FROM tickets")]) == set(SCRIPTS)


def test_customers_have_zones_plans_owners_churn_and_preferences(demo: Workbench) -> None:
    con = _db(demo)
    rows = con.execute("SELECT * FROM customers").fetchall()
    zones = {r["language"]: r["time_zone"] for r in rows if r["language"] != "en"}
    assert zones.get("fa", "Asia/Tehran") == "Asia/Tehran"
    assert zones.get("km", "Asia/Phnom_Penh") == "Asia/Phnom_Penh"
    assert {r["plan"] for r in rows} <= {"free", "standard", "premium", "enterprise"}
    assert any(r["churned_at"] for r in rows)
    window_start = demo.now_ms() - 365 * 86_400_000
    assert any(r["active_since"] > window_start for r in rows), "no new customers this year"
    assert sum(r["owner_id"] is not None for r in rows) > len(rows) // 2
    keys = {r[0] for r in con.execute("SELECT key FROM customer_preferences")}
    assert {"preferred_channel", "contact_hours", "language"} <= keys
    handoffs = con.execute("SELECT acknowledged_at FROM handoffs").fetchall()
    assert handoffs


def test_every_row_is_covered_by_exactly_one_seed_entry_of_the_change_log(
        demo: Workbench) -> None:
    con = _db(demo)
    assert {r[0] for r in con.execute("SELECT DISTINCT kind FROM changes")} == {SEED}
    for table in syncable_models():
        covered: list[int] = []
        for row_id, fields in con.execute(
                "SELECT row_id, fields FROM changes WHERE entity = ? ORDER BY seq", (table,)):
            batch = json.loads(fields)
            first, last = batch["rowids"]
            assert last - first + 1 == batch["rows"], table
            ids = [r[0] for r in con.execute(
                f"SELECT id FROM {table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                (first, last))]
            assert len(ids) == batch["rows"] and (ids[0], ids[-1]) == (row_id, batch["last_id"])
            covered += range(first, last + 1)
        rowids = [r[0] for r in con.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
        assert sorted(covered) == rowids, f"{table}: every row in one batch, none twice"
    ids = [r[0] for r in con.execute("SELECT id FROM ticket_events LIMIT 50")]
    assert all(UUID.match(i) for i in ids)


def test_demo_rows_never_reach_the_outbox_but_later_work_does(demo: Workbench) -> None:
    with demo.read() as s:
        assert pending_count(s) == 0, "a fictional team is not pushed to a team server"
        assert s.scalar(select(func.count()).select_from(Change)
                        .where(Change.pushed_at.is_(None))) == 0
    customer = demo.customers.create("Ana Lima", "ana@example.org")
    with demo.read() as s:
        assert pending_count(s) == 1
        entry = s.scalars(select(Change).where(Change.pushed_at.is_(None))).one()
        assert (entry.kind, entry.row_id, entry.fields["name"]) == (
            "insert", customer.id, "Ana Lima")


def _events(con: sqlite3.Connection) -> dict[str, list[sqlite3.Row]]:
    out: dict[str, list[sqlite3.Row]] = {}
    for e in con.execute("SELECT * FROM ticket_events ORDER BY created_at, id"):
        out.setdefault(e["ticket_id"], []).append(e)
    return out


def test_event_threads_agree_with_each_tickets_final_state(demo: Workbench) -> None:
    con = _db(demo)
    events = _events(con)
    reopened = 0
    for t in con.execute("SELECT * FROM tickets"):
        thread = events[t["id"]]
        assert thread[0]["kind"] == "customer_message" and thread[0]["author_id"] is None
        assert thread[0]["created_at"] == t["created_at"]
        assert t["updated_at"] == thread[-1]["created_at"] <= demo.now_ms()
        chains = {"status_change": "status", "priority_change": "priority",
                  "assignee_change": "assignee_id"}
        for kind, column in chains.items():
            changes = [e for e in thread if e["kind"] == kind]
            value = changes[0]["old_value"] if changes else t[column]
            for e in changes:
                assert e["old_value"] == value, (t["number"], kind)
                value = e["new_value"]
            assert value == t[column], (t["number"], kind)
        replies = [e["created_at"] for e in thread if e["kind"] == "public_reply"]
        assert t["first_response_at"] == (replies[0] if replies else None)
        solved_at, reopens = None, 0
        for e in thread:
            if e["kind"] != "status_change":
                continue
            if e["new_value"] in ("solved", "closed"):
                solved_at = solved_at or e["created_at"]
            elif e["old_value"] == "solved":
                solved_at, reopens = None, reopens + 1
        assert (t["solved_at"], t["reopen_count"]) == (solved_at, reopens), t["number"]
        reopened += reopens > 0
        if t["status"] not in OPEN:
            assert t["next_due_at"] is None and t["queue_rank"] is None
        else:
            assert t["queue_rank"] is not None
    assert reopened > 0


def test_open_tickets_carry_the_real_clocks_next_deadline(demo: Workbench) -> None:
    with demo.read() as s:
        open_tickets = s.scalars(select(Ticket).where(Ticket.status.in_(OPEN))).all()
        assert open_tickets
        for t in open_tickets:
            nxt = next_deadline(demo.sla.report_for(s, t, demo.now_ms()))
            assert t.next_due_at == (nxt[0] if nxt else None), t.number
            assert t.next_due_target == (str(nxt[1]) if nxt else None), t.number
    queue = demo.tickets.list()
    assert queue and queue[0].next_due_at is not None


def test_sla_targets_are_both_met_and_breached(demo: Workbench) -> None:
    con = _db(demo)
    events = _events(con)
    policy, calendar = demo.sla.active()
    first: Counter[ClockState] = Counter()
    resolution: Counter[ClockState] = Counter()
    for t in con.execute("SELECT * FROM tickets WHERE status IN ('solved', 'closed')"):
        rows = [(e["created_at"], e["kind"], e["old_value"], e["new_value"])
                for e in events[t["id"]]]
        report = compute_sla(sla_ticket(t["created_at"], t["priority"], t["status"], rows),
                             policy, calendar, demo.now_ms())
        first[report.first_response.state] += 1
        resolution[report.resolution.state] += 1
    assert first[ClockState.MET] > first[ClockState.BREACHED] > 0
    assert resolution[ClockState.MET] > resolution[ClockState.BREACHED] > 0


def test_activity_around_tickets_is_plausible(demo: Workbench) -> None:
    con = _db(demo)
    calls = con.execute("SELECT * FROM calls").fetchall()
    assert {c["direction"] for c in calls} == {"inbound", "outbound"}
    assert all(60 <= c["duration_s"] <= 2400 and 0 <= c["hold_s"] <= 900 for c in calls)
    assert any(c["ticket_id"] is None for c in calls) and any(c["resolved_on_call"] for c in calls)
    scores = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT kind, min(score), max(score) FROM survey_answers GROUP BY kind")}
    assert set(scores) == {"csat", "nps", "ces"}
    assert scores["csat"][0] >= 1 and scores["csat"][1] <= 5 and scores["ces"][1] <= 7
    assert con.execute("SELECT min(seconds) > 0 FROM article_views").fetchone()[0]
    pulses = con.execute("SELECT min(score), max(score), count(*) FROM agent_pulses").fetchone()
    assert pulses[0] >= 1 and pulses[1] <= 5 and pulses[2] > 100
    versions = con.execute("SELECT count(*) FROM kb_article_versions").fetchone()[0]
    assert versions > 0


def test_the_database_passes_its_own_checks(demo: Workbench) -> None:
    con = _db(demo)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with demo.db.engine.connect() as conn:  # the bulk pragmas are gone from the app's
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000  # the default
    with demo.read() as s:
        assert search_index.integrity_errors(s) == {}
    hits = con.execute(
        "SELECT count(*) FROM search_ticket_events WHERE search_ticket_events MATCH ?",
        ("ខ្ញុំ",)).fetchone()[0]
    assert hits > 0, "the Khmer message bodies are searchable"
    for spec in search_index.INDEXES:  # the bulk load's big term buffer is not kept
        size = con.execute(f"SELECT v FROM {spec.name}_config WHERE k = 'hashsize'").fetchone()
        assert size is None or size[0] == search_index.DEFAULT_HASH_BYTES, spec.name


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows with ids replaced by stable names (ids differ per run)."""
    con = sqlite3.connect(path)
    names: dict[str, str] = {}
    for table in syncable_models():
        for (rid,) in con.execute(f"SELECT id FROM {table} ORDER BY rowid"):
            names[rid] = f"{table}#{len(names)}"

    def stable(value: Any) -> Any:
        if isinstance(value, str) and UUID.match(value):
            return names.setdefault(value, f"other#{len(names)}")
        return value

    return {
        table: [tuple(stable(v) for v in row)
                for row in con.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in syncable_models()
    }


def test_the_full_text_index_finds_a_khmer_word_of_a_generated_article(
        demo: Workbench) -> None:
    con = _db(demo)
    khmer = re.compile(r"[\u1780-\u17FF]+")
    titles = {r[0]: r[1] for r in con.execute("SELECT id, title FROM kb_articles")}
    article_id, title = next((i, t) for i, t in titles.items() if khmer.search(t))
    word = max(khmer.findall(title), key=len)
    hits = demo.search.search(word, kind="article", limit=50)
    assert article_id in {h.id for h in hits}, word


def test_derived_columns_equal_what_the_services_compute(demo: Workbench) -> None:
    columns = sorted(Ticket.__derived__)
    con = _db(demo)
    query = f"SELECT id, {', '.join(columns)} FROM tickets ORDER BY id"
    generated = [tuple(r) for r in con.execute(query)]
    ids = [r[0] for r in generated]
    with demo.write() as w:  # the sync's bulk recomputation, from the stored rows
        for start in range(0, len(ids), 100):
            write_facts(demo, w, ids[start:start + 100])
            refresh_repeat_contacts(w.session.connection(), ids[start:start + 100])
    con = _db(demo)
    assert [tuple(r) for r in con.execute(query)] == generated
    assert {r[0] for r in con.execute("SELECT DISTINCT repeat_contact FROM tickets")} == {0, 1}


def test_a_second_process_makes_the_same_tickets(tmp_path: Path, clock: FrozenClock) -> None:
    snapshots = []
    for parallel in (False, True):
        path = tmp_path / str(parallel) / "wb.sqlite3"
        wb = Workbench.open(path, clock=clock)
        counts = generate_demo(wb, tickets=90, customers=15, seed=5, parallel=parallel)
        wb.close()
        assert counts["tickets"] == 90
        snapshots.append(_snapshot(path))
    assert snapshots[0] == snapshots[1]


def test_the_same_seed_gives_the_same_content(tmp_path: Path, clock: FrozenClock) -> None:
    snapshots = []
    for run in ("a", "b", "c"):
        wb = Workbench.open(tmp_path / run / "wb.sqlite3", clock=clock)
        generate_demo(wb, tickets=120, customers=20, seed=3 if run != "c" else 4)
        wb.close()
        snapshots.append(_snapshot(tmp_path / run / "wb.sqlite3"))
    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["tickets"] != snapshots[2]["tickets"]


def test_a_demo_without_tickets_still_has_a_team_and_knowledge(wb: Workbench) -> None:
    counts = generate_demo(wb, tickets=0, customers=1, seed=1)
    assert counts.get("tickets", 0) == 0
    assert counts["customers"] == 1 and counts["kb_articles"] >= 40
    with pytest.raises(ValueError):
        generate_demo(wb, tickets=-1, customers=1, seed=1)


def test_seed_vocabularies_are_real_text_in_each_script() -> None:
    vocab = load_vocab()
    assert [lang.script for lang in vocab.languages] == list(SCRIPTS)
    for lang in vocab.languages:
        assert len(lang.first_names) >= 20 and len(lang.last_names) >= 20, lang.code
        assert len(lang.reply_sentences) >= 20 and len(lang.notes) >= 15, lang.code
        assert _scripts([n for n, _ in lang.first_names]) == {lang.script}, lang.code
        assert all(r.isascii() and r.isalpha() for _, r in lang.first_names), lang.code
    khmer = vocab.languages[3]
    for text in (*khmer.subjects, *khmer.messages, *khmer.reply_sentences, *khmer.notes,
                 *khmer.kb_titles, *khmer.steps, *khmer.organisations):
        assert " " not in text, f"Khmer is written without spaces between words: {text}"
