"""`workbench export` / `import`: a documented JSON-Lines format that round-trips exactly.

Import is all or nothing: any problem is reported with its line number and the database is
left as it was; a clean file is written through the one write path (every row logged).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from exchange_kit import (
    DOCS,
    START,
    bad_json_at_line_7,
    edit,
    export_text,
    find,
    row_counts,
    unlogged_rows,
    write,
)
from sqlalchemy import select

from workbench.cli import main
from workbench.services.context import Workbench
from workbench.services.errors import ValidationError
from workbench.services.exchange import check_jsonl, import_jsonl
from workbench.store.exchange_queries import ColumnSpec, exchange_entities
from workbench.store.models import (
    AgentPulse,
    Change,
    Ticket,
    syncable_models,
)


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
