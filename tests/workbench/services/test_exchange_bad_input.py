"""Import refuses bad files whole: each problem named by its line, nothing written."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from exchange_kit import (
    Lines,
    bad_json_at_line_7,
    edit,
    export_text,
    find,
    open_wb,
    row_counts,
    unlogged_rows,
    write,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from workbench.services.context import Workbench
from workbench.services.errors import ValidationError
from workbench.services.exchange import import_jsonl


def at(kind: str, change: Callable[[str], str]) -> Callable[[Lines], int]:
    def corrupt(lines: Lines) -> int:
        n = find(lines, kind)
        lines[n] = change(lines[n])
        return n + 1
    return corrupt




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
