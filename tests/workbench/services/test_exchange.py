"""`workbench export` / `import`: a documented JSON-Lines format that round-trips exactly.

Import is all or nothing: any problem is reported with its line number and the database is
left as it was; a clean file is written through the one write path (every row logged).
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from workbench.cli import main
from workbench.domain.clock import FrozenClock, parse_iso
from workbench.domain.sla import BusinessCalendar, default_policy
from workbench.services.context import Workbench
from workbench.services.errors import ValidationError
from workbench.services.exchange import check_jsonl, export_jsonl, import_jsonl
from workbench.store.exchange_queries import ColumnSpec, exchange_entities
from workbench.store.models import (
    AgentPulse,
    ArticleView,
    Call,
    CannedUse,
    Change,
    CustomerNote,
    Handoff,
    KbArticle,
    KbArticleVersion,
    KbCategory,
    SlaCalendar,
    SlaPolicy,
    SurveyAnswer,
    Ticket,
    syncable_models,
)

START = parse_iso("2026-03-02T09:00:00Z")  # a Monday
DOCS = Path(__file__).parents[3] / "docs" / "exchange-format.md"
Lines = list[str]


# -- a small, realistic, multilingual team ---------------------------------------------------
def build_dataset(wb: Workbench, clock: FrozenClock) -> None:
    team = wb.agents.create_team("پشتیبانی تهران", "Asia/Tehran")
    dana = wb.agents.create("Dana Rahimi", "dana@example.com", "lead", team)
    sok = wb.agents.create("សុខ ចាន់ 🙂", "sok@example.com", "agent", team)
    wb.actor_id = dana.id
    maryam = wb.customers.create("مریم احمدی", "maryam@example.ir", owner_id=sok.id,
                                 language="fa", time_zone="Asia/Tehran", tags=["vip"])
    rahim = wb.customers.create("রহিম উদ্দিন", "rahim@example.bd", language="bn",
                                time_zone="Asia/Dhaka", organisation="ঢাকা ট্রেডার্স")
    abebe = wb.customers.create("አበበ በቀለ", None, phone="+251 11 123 4567", language="am",
                                time_zone="Africa/Addis_Ababa")
    aram = wb.customers.create("Արամ Պետրոսյան", "aram@example.am", language="hy",
                               time_zone="Asia/Yerevan", plan="premium")
    wb.customers.set_preference(maryam.id, "channel", "phone")
    wb.customers.set_preference(maryam.id, "do_not_contact", False)
    wb.customers.set_preference(rahim.id, "hours", {"from": "09:00", "to": "17:00", "days": 5})
    wb.customers.set_preference(aram.id, "rating", 4.5)

    printer = wb.tickets.create("چاپگر کار نمی‌کند 🖨️", maryam.id, body="سلام،\nچاپگر خراب است",
                                priority="high", assignee_id=sok.id, tags=["printer", "دفتر"])
    clock.advance(600)
    wb.tickets.reply(printer.id, "ជំរាបសួរ! យើងកំពុងពិនិត្យ 🙏")
    wb.tickets.note(printer.id, "internal: ask the vendor")
    refund = wb.tickets.create("টাকা ফেরত চাই", rahim.id, body="অর্ডার #৪৪২", priority="urgent",
                               channel="chat")
    clock.advance(120)
    wb.tickets.update(refund.id, status="pending", priority="high", assignee_id=dana.id)
    parcel = wb.tickets.create("ምርት አልደረሰም", abebe.id, channel="phone", body="ጥቅሉ የት ነው?")
    clock.advance(3600)
    wb.tickets.reply(parcel.id, "Shipped today 📦", status="solved")
    account = wb.tickets.create("Խնդիր հաշվի հետ", aram.id, body="Չեմ կարող մուտք գործել")
    wb.tickets.customer_message(account.id, "Շնորհակալություն 😊")

    clock.advance(60)
    with wb.write() as w:
        # Models declare no relationships, so the session cannot order parents first: flush.
        flush, now = w.session.flush, w.now_ms
        hours = {day: [("08:00", "16:00")] for day in ("sat", "sun", "mon", "tue", "wed")}
        calendar = BusinessCalendar.from_hours("Asia/Tehran", hours, name="دفتر تهران")
        cal = w.insert(SlaCalendar(name="دفتر تهران", definition=calendar.to_dict(),
                                   updated_at=now))
        flush()
        w.insert(SlaPolicy(name="Default", calendar_id=cal.id,
                           definition=default_policy().to_dict(), is_default=True,
                           updated_at=now))
        top = w.insert(KbCategory(name="چاپگرها", position=0, created_at=now))
        flush()
        laser = w.insert(KbCategory(name="Laser 🖨️", parent_id=top.id, position=1,
                                    created_at=now))
        flush()
        article = w.insert(KbArticle(
            category_id=laser.id, title="راه‌اندازی دوباره", language="fa", tags=["printer"],
            body="سلام {customer.first_name}،\nلطفاً دستگاه را خاموش کنید. ✅",
            author_id=dana.id, created_at=now, updated_at=now))
        flush()
        w.insert(KbArticleVersion(article_id=article.id, version=1, title=article.title,
                                  body=article.body, editor_id=dana.id, created_at=now))
        w.insert(ArticleView(article_id=article.id, agent_id=sok.id, viewed_at=now, seconds=42))
        w.insert(CannedUse(article_id=article.id, agent_id=sok.id, ticket_id=printer.id,
                           edited=True, used_at=now))
        w.insert(Call(customer_id=rahim.id, agent_id=sok.id, ticket_id=refund.id,
                      direction="inbound", started_at=now - 600_000, duration_s=300, hold_s=45,
                      outcome="follow-up", notes="গ্রাহক অপেক্ষা করছেন", created_at=now))
        w.insert(CustomerNote(customer_id=maryam.id, author_id=dana.id,
                              body="یادداشت: صبح‌ها تماس بگیرید 📝", created_at=now,
                              updated_at=now))
        w.insert(Handoff(customer_id=maryam.id, from_agent_id=sok.id, to_agent_id=dana.id,
                         created_by_id=sok.id, summary="ភ្ញៀវ VIP — សូមតាមដាន",
                         include_tickets=True, created_at=now))
        w.insert(SurveyAnswer(kind="csat", score=5, customer_id=maryam.id, ticket_id=printer.id,
                              comment="ممنون 🙏", answered_at=now))
        w.insert(SurveyAnswer(kind="nps", score=0, customer_id=abebe.id, ticket_id=None,
                              comment="", answered_at=now))
        w.insert(AgentPulse(agent_id=sok.id, score=4, comment="ខ្ញុំសប្បាយចិត្ត", answered_at=now))


def open_wb(path: Path) -> Workbench:
    return Workbench.open(path, clock=FrozenClock(START + 3_600_000 * 2))


def export_text(wb: Workbench) -> str:
    out = io.StringIO()
    export_jsonl(wb, out)
    return out.getvalue()


def row_counts(wb: Workbench) -> dict[str, int]:
    with wb.read() as s:
        tables = [*syncable_models(), "changes"]
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) or 0 for t in tables}


def unlogged_rows(wb: Workbench) -> list[tuple[str, str]]:
    """Syncable rows without an insert entry in the change log (must be none)."""
    with wb.read() as s:
        logged = set(s.execute(select(Change.entity, Change.row_id)
                               .where(Change.kind == "insert")).all())
        return [(t, i) for t in syncable_models()
                for i in s.scalars(text(f"SELECT id FROM {t}")) if (t, i) not in logged]


@pytest.fixture(scope="module")
def export_a(tmp_path_factory: pytest.TempPathFactory) -> str:
    clock = FrozenClock(START)
    wb = Workbench.open(tmp_path_factory.mktemp("a") / "a.sqlite3", clock=clock)
    build_dataset(wb, clock)
    clock.set(START + 3_600_000 * 2)
    try:
        return export_text(wb)
    finally:
        wb.close()


@pytest.fixture
def b(tmp_path: Path) -> Iterator[Workbench]:
    wb = open_wb(tmp_path / "b.sqlite3")
    yield wb
    wb.close()


def write(path: Path, lines: Lines) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# -- the format ------------------------------------------------------------------------------
def test_every_syncable_entity_has_a_type_and_parents_come_first() -> None:
    specs = exchange_entities()
    assert {s.table for s in specs} == set(syncable_models())
    position = {s.table: i for i, s in enumerate(specs)}
    for i, spec in enumerate(specs):
        for col in spec.columns:
            assert col.ref is None or col.ref == spec.table or position[col.ref] < i, col
        assert not spec.model.__derived__ & {c.name for c in spec.columns}


def documented_field(col: ColumnSpec) -> str:
    if col.default is not None:
        return f"{col.name}={json.dumps(col.default())}"
    return col.name + ("?" if col.nullable else "")


def test_the_documented_types_and_fields_are_the_exported_ones_in_order() -> None:
    table = re.findall(r"^\| `(\w+)` \| `(\w+)` \| ([\w-]+) \| (.*) \|$",
                       DOCS.read_text("utf-8"), re.M)
    assert table == [
        (s.name, s.table, "append-only" if s.append_only else "mutable",
         ", ".join(documented_field(c) for c in s.columns))
        for s in exchange_entities()
    ]


def test_export_is_a_header_then_one_record_per_line_by_type_and_id(export_a: str) -> None:
    header, *records = [json.loads(line) for line in export_a.splitlines()]
    assert header["format"] == "support-workbench" and header["version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", header["exported_at"])
    assert sum(header["counts"].values()) == len(records)
    order = [s.name for s in exchange_entities()]
    keys = [(order.index(r["type"]), r["id"]) for r in records]
    assert keys == sorted(keys)
    ticket = next(r for r in records if r["type"] == "ticket")
    assert "next_due_at" not in ticket and isinstance(ticket["created_at"], int)
    assert "مریم احمدی" in export_a and "\\u" not in export_a  # readable UTF-8, not escapes


# -- round trip ------------------------------------------------------------------------------
def test_export_import_export_gives_the_same_lines(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    counts = import_jsonl(b, write(tmp_path / "a.jsonl", export_a.splitlines()))
    assert counts["ticket"] == 4 and counts["customer"] == 4 and counts["kb_category"] == 2
    again = export_text(b)
    first, second = export_a.splitlines(), again.splitlines()
    assert second[1:] == first[1:]
    h1, h2 = json.loads(first[0]), json.loads(second[0])
    assert {**h1, "exported_at": None} == {**h2, "exported_at": None}


def test_every_imported_row_is_in_the_change_log(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    import_jsonl(b, write(tmp_path / "a.jsonl", export_a.splitlines()))
    assert unlogged_rows(b) == []
    with b.read() as s:
        ticket_fields = s.scalars(select(Change.fields).where(Change.entity == "tickets"))
        assert all("next_due_at" not in f for f in ticket_fields)


def test_open_tickets_get_their_deadline_recomputed(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    import_jsonl(b, write(tmp_path / "a.jsonl", export_a.splitlines()))
    with b.read() as s:
        due = {st: at for st, at in s.execute(select(Ticket.status, Ticket.next_due_at))}
    assert due["open"] is not None and due["new"] is not None and due["solved"] is None


def test_importing_the_same_file_again_changes_nothing(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    path = write(tmp_path / "a.jsonl", export_a.splitlines())
    import_jsonl(b, path)
    before = row_counts(b)
    counts = import_jsonl(b, path)
    assert sum(counts.values()) == 0
    assert row_counts(b) == before
    assert check_jsonl(b, path) == {}


def test_a_changed_mutable_record_is_updated_field_by_field(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = export_a.splitlines()
    import_jsonl(b, write(tmp_path / "a.jsonl", lines))
    n = find(lines, "ticket")
    lines[n] = edit(lines[n], subject="موضوع تازه ✨", priority="urgent")
    path = write(tmp_path / "b.jsonl", lines)
    assert check_jsonl(b, path) == {"ticket.updated": 1}
    counts = import_jsonl(b, path)
    assert counts["ticket.updated"] == 1 and counts["ticket"] == 0
    with b.read() as s:
        last = s.scalars(select(Change).order_by(Change.seq.desc())).first()
    assert last is not None and last.kind == "update"
    assert last.fields == {"subject": "موضوع تازه ✨", "priority": "urgent"}


def test_a_changed_append_only_record_is_refused(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = export_a.splitlines()
    import_jsonl(b, write(tmp_path / "a.jsonl", lines))
    before = row_counts(b)
    n = find(lines, "ticket_event")
    lines[n] = edit(lines[n], body="rewritten history")
    with pytest.raises(ValidationError, match=rf"line {n + 1}: ticket_event .* never change"):
        import_jsonl(b, write(tmp_path / "b.jsonl", lines))
    assert row_counts(b) == before


def test_a_child_listed_before_its_parent_still_imports(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = export_a.splitlines()
    top, laser = find(lines, "kb_category"), find(lines, "kb_category") + 1
    lines[top], lines[laser] = lines[laser], lines[top]
    assert import_jsonl(b, write(tmp_path / "a.jsonl", lines))["kb_category"] == 2


def test_new_tickets_after_an_import_do_not_reuse_imported_numbers(
    b: Workbench, tmp_path: Path
) -> None:
    agent = b.agents.create("Lena Berg", "lena@example.com")
    b.actor_id = agent.id
    own = b.customers.create("Lena's customer", "c@example.com")
    assert b.tickets.create("first", own.id).number == 1  # this node now holds 1..1000
    customer_id, ticket_id = str(uuid.uuid4()), str(uuid.uuid4())
    lines = [
        '{"format": "support-workbench", "version": 1, "exported_at": "2026-03-02T09:00:00Z"}',
        json.dumps({"type": "customer", "id": customer_id, "name": "Imported",
                    "active_since": START, "created_at": START, "updated_at": START}),
        json.dumps({"type": "ticket", "id": ticket_id, "number": 2, "subject": "Imported",
                    "status": "open", "priority": "low", "channel": "web",
                    "customer_id": customer_id, "created_at": START, "updated_at": START}),
    ]
    assert import_jsonl(b, write(tmp_path / "x.jsonl", lines))["ticket"] == 1
    assert b.tickets.create("after the import", own.id).number == 3


def test_a_record_deleted_here_is_not_brought_back(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = export_a.splitlines()
    import_jsonl(b, write(tmp_path / "a.jsonl", lines))
    with b.write() as w:
        w.delete(w.session.get_one(AgentPulse, json.loads(lines[find(lines, "agent_pulse")])["id"]))
    with pytest.raises(ValidationError, match=rf"line {find(lines, 'agent_pulse') + 1}: .*delet"):
        import_jsonl(b, write(tmp_path / "a.jsonl", lines))


# -- malformed files -------------------------------------------------------------------------
def find(lines: Lines, kind: str) -> int:
    """Index of the first record of *kind* (its line number is the index + 1)."""
    return next(i for i, line in enumerate(lines) if json.loads(line).get("type") == kind)


def edit(line: str, drop: tuple[str, ...] = (), **fields: Any) -> str:
    record = {k: v for k, v in json.loads(line).items() if k not in drop}
    return json.dumps({**record, **fields}, ensure_ascii=False)


def at(kind: str, change: Callable[[str], str]) -> Callable[[Lines], int]:
    def corrupt(lines: Lines) -> int:
        n = find(lines, kind)
        lines[n] = change(lines[n])
        return n + 1
    return corrupt


def bad_json_at_line_7(lines: Lines) -> int:
    lines[6] = lines[6][:-1]
    return 7


def duplicate(kind: str) -> Callable[[Lines], int]:
    def corrupt(lines: Lines) -> int:
        n = find(lines, kind)
        lines.insert(n + 1, lines[n])
        return n + 2
    return corrupt


def dangling_reference(lines: Lines) -> int:
    return at("ticket_event", lambda line: edit(line, ticket_id=str(uuid.uuid4())))(lines)


def same_ticket_number(lines: Lines) -> int:
    n = find(lines, "ticket")
    number = json.loads(lines[n])["number"]
    lines[n + 1] = edit(lines[n + 1], number=number)
    return n + 2


CORRUPTIONS: dict[str, tuple[Callable[[Lines], int], str]] = {
    "bad JSON": (bad_json_at_line_7, "not valid JSON"),
    "unknown type": (at("ticket", lambda line: edit(line, type="tikcet")), "unknown type"),
    "wrong enum": (at("ticket", lambda line: edit(line, status="opne")),
                   "ticket.status 'opne' is not one of new, open"),
    "role": (at("agent", lambda line: edit(line, role="boss")), "agent.role 'boss'"),
    "call direction": (at("call", lambda line: edit(line, direction="sideways")),
                       "call.direction"),
    "dangling reference": (dangling_reference, "refers to ticket"),
    "duplicate id": (duplicate("customer"), "is in the file twice"),
    "duplicate unsorted id": (duplicate("ticket_event"), "is on line"),
    "score out of range": (at("survey_answer", lambda line: edit(line, score=9)),
                           "csat score runs from 1 to 5"),
    "missing field": (at("ticket", lambda line: edit(line, drop=("subject",))),
                      "ticket.subject is missing"),
    "wrong JSON type": (at("customer", lambda line: edit(line, created_at="yesterday")),
                        "customer.created_at must be a whole number"),
    "unknown field": (at("customer", lambda line: edit(line, shoe_size=42)), "no field"),
    "bidi control": (at("customer", lambda line: edit(line, name="Eve\u202ecod.exe")),
                     "bidirectional"),
    "unique number": (same_ticket_number, "number"),
    "bad policy": (at("sla_policy", lambda line: edit(line, definition={"targets": 3})),
                   "sla_policy.definition is not valid"),
    "bad status change": (at("ticket_event", lambda line: edit(line, kind="status_change",
                                                                new_value="bogus")),
                          "status_change needs"),
    "lone surrogate": (at("customer", lambda line: line.replace('"name":"', '"name":"\\ud800')),
                       "unpaired"),
    "NaN": (at("call", lambda line: re.sub(r'"hold_s":\d+', '"hold_s":NaN', line)), "NaN"),
    "time zone": (at("team", lambda line: edit(line, time_zone="Mars/Olympus")), "IANA"),
    "not an id": (at("ticket", lambda line: edit(line, customer_id="42")), "not an id"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_a_bad_line_is_reported_by_number_and_nothing_is_imported(
    name: str, export_a: str, b: Workbench, tmp_path: Path
) -> None:
    b.agents.create("Someone Already Here", "here@example.com")
    before = row_counts(b)
    lines = export_a.splitlines()
    corrupt, expected = CORRUPTIONS[name]
    number = corrupt(lines)
    with pytest.raises(ValidationError) as caught:
        import_jsonl(b, write(tmp_path / "bad.jsonl", lines))
    message = str(caught.value)
    assert re.search(rf"^  line {number}: .*{re.escape(expected)}", message, re.M), message
    assert "nothing was changed" in message
    assert row_counts(b) == before


def test_many_problems_are_listed_up_to_twenty(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = ['{"format": "support-workbench", "version": 1}', *["{oops"] * 30]
    with pytest.raises(ValidationError) as caught:
        import_jsonl(b, write(tmp_path / "bad.jsonl", lines))
    message = str(caught.value)
    assert "(30 problems; nothing was changed)" in message
    assert "line 21:" in message and "line 22:" not in message and "and 10 more" in message


def test_a_file_cut_short_is_noticed_from_the_header(
    export_a: str, b: Workbench, tmp_path: Path
) -> None:
    lines = export_a.splitlines()[:-3]
    with pytest.raises(ValidationError, match=r"line 1: the header announces .* cut short"):
        import_jsonl(b, write(tmp_path / "short.jsonl", lines))
    assert row_counts(b)["changes"] == 0


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"\n\n", "the file is empty"),
    ('{"format": "support-workbench", "version": 1}\n'.encode("utf-16"), "UTF-16"),
    (b'{"format": "support-workbench", "version": 1, "x": "caf\xe9"}\n', "not UTF-8"),
    (b'{"format": "support-workbench", "version": 1}\n{"type": "team", "name": "caf\xe9"}\n',
     "line 2: not UTF-8"),
    (b'{"format": "zendesk", "version": 1}\n', "not a Support Workbench export"),
    (b'id,name\n1,Ana\n', "not a Support Workbench export"),
    (b'{"format": "support-workbench", "version": 2}\n', "version 2.*update the app"),
    (b'{"format": "support-workbench", "version": "1"}\n', "version '1'"),
    (b'{"format": "support-workbench", "version": 1.0}\n', "version 1.0"),
    (b'{"format": "support-workbench", "version": 1, "counts": {"ticket": -1}}\n', "counts"),
])
def test_files_that_are_not_exports_are_refused_clearly(
    content: bytes, expected: str, b: Workbench, tmp_path: Path
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=expected):
        import_jsonl(b, path)
    assert row_counts(b)["changes"] == 0


def test_a_header_alone_imports_nothing_and_a_bom_is_tolerated(
    b: Workbench, tmp_path: Path
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"format": "support-workbench", "version": 1}\r\n\r\n')
    assert sum(import_jsonl(b, path).values()) == 0


# -- random damage never half-imports --------------------------------------------------------
@pytest.fixture(scope="module")
def templates(export_a: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Closed database files to copy per example: empty, and holding A's data."""
    folder = tmp_path_factory.mktemp("templates")
    for name in ("empty", "loaded"):
        wb = open_wb(folder / f"{name}.sqlite3")
        if name == "loaded":
            import_jsonl(wb, write(folder / "a.jsonl", export_a.splitlines()))
        wb.close()
    return {"empty": folder / "empty.sqlite3", "loaded": folder / "loaded.sqlite3"}


def snapshot(wb: Workbench) -> tuple[list[str], dict[str, int]]:
    """Everything an import could change: every record, and the size of every table."""
    return export_text(wb).splitlines()[1:], row_counts(wb)


def import_damaged(template: Path, folder: Path, content: bytes) -> str:
    """Import *content* into a copy of *template*: "imported", or "refused" (and no change)."""
    folder.mkdir(exist_ok=True)
    target = folder / f"{uuid.uuid4()}.sqlite3"
    shutil.copyfile(template, target)
    wb = open_wb(target)
    try:
        before = snapshot(wb)
        path = folder / "damaged.jsonl"
        path.write_bytes(content)
        try:
            import_jsonl(wb, path)
        except ValidationError as exc:
            assert snapshot(wb) == before
            assert re.search(r"cannot be imported|^  line \d+: ", str(exc), re.M)
            return "refused"
        with wb.read() as s:
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        assert unlogged_rows(wb) == []
        return "imported"
    finally:
        wb.close()
        target.unlink()


# Mostly characters JSON is made of (so damage often still parses), sometimes any byte.
BYTES = st.one_of(st.sampled_from(list(b'0123456789abcdef-"{}[]:,.\\ ')), st.integers(0, 255))
Damage = tuple[str, int, int, int, int]


@st.composite
def damage(draw: st.DrawFn) -> Damage:
    how = draw(st.sampled_from(["set", "drop", "insert", "drop-line", "copy-line", "swap"]))
    line, other, column = (draw(st.integers(0, 200)) for _ in range(3))
    return how, line, other, column, draw(BYTES)


def apply_damage(lines: list[bytes], blow: Damage) -> None:
    how, line, other, column, byte = blow
    line, other = line % len(lines), other % len(lines)
    text = lines[line]
    column %= len(text) + 1
    if how == "set":
        lines[line] = text[:column] + bytes([byte]) + text[column + 1:]
    elif how == "drop":
        lines[line] = text[:column] + text[column + 1:]
    elif how == "insert":
        lines[line] = text[:column] + bytes([byte]) + text[column:]
    elif how == "drop-line" and len(lines) > 1:
        del lines[line]
    elif how == "copy-line":
        lines.insert(other, text)
    elif how == "swap":
        lines[line], lines[other] = lines[other], lines[line]


PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(blows=st.lists(damage(), min_size=1, max_size=3), loaded=st.booleans())
def test_random_damage_imports_cleanly_or_is_refused_whole(
    blows: list[Damage], loaded: bool, export_a: str, templates: dict[str, Path],
    tmp_path: Path,
) -> None:
    lines = export_a.encode("utf-8").split(b"\n")
    for blow in blows:
        apply_damage(lines, blow)
    template = templates["loaded" if loaded else "empty"]
    event(import_damaged(template, tmp_path / "db", b"\n".join(lines)))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


@PROPERTY
@given(line=st.integers(1, 200), field=st.integers(0, 30), value=JSON_VALUES,
       loaded=st.booleans())
def test_any_json_value_in_any_field_imports_cleanly_or_is_refused_whole(
    line: int, field: int, value: Any, loaded: bool, export_a: str,
    templates: dict[str, Path], tmp_path: Path,
) -> None:
    lines = export_a.splitlines()
    n = 1 + line % (len(lines) - 1)
    record = json.loads(lines[n])
    lines[n] = json.dumps({**record, sorted(record)[field % len(record)]: value})
    content = "".join(f"{line}\n" for line in lines).encode("utf-8")
    template = templates["loaded" if loaded else "empty"]
    event(import_damaged(template, tmp_path / "db", content))


# -- through the command line ----------------------------------------------------------------
@pytest.fixture
def _no_log_handlers() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_workbench", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.mark.usefixtures("_no_log_handlers")
def test_the_cli_exports_and_imports(
    export_a: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "a.jsonl", export_a.splitlines())
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["--data-dir", str(first), "import", str(source)]) == 0
    assert "imported" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert main(["--data-dir", str(first), "export", "-o", str(out)]) == 0
    assert out.read_text("utf-8").splitlines()[1:] == export_a.splitlines()[1:]
    assert main(["--data-dir", str(second), "import", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ticket"] == 4


@pytest.mark.usefixtures("_no_log_handlers")
def test_the_cli_reports_a_bad_line_and_exits_1(
    export_a: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = export_a.splitlines()
    bad_json_at_line_7(lines)
    code = main(["--data-dir", str(tmp_path / "d"), "import", str(write(tmp_path / "x", lines))])
    assert code == 1
    assert "line 7: not valid JSON" in capsys.readouterr().err
