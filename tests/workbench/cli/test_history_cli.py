"""``workbench call|handoff|customer-note|customer-timeline|customer-merge`` end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import workbench.cli as cli
from workbench.cli import history


def _parser() -> argparse.ArgumentParser:
    """The real parser, with these commands added if the lead has not wired them yet."""
    parser = real_build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "customer-timeline" not in sub.choices:
        history.register(sub)
    return parser


real_build_parser = cli.build_parser


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "build_parser", _parser)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def d(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A data directory with a lead, two agents and a customer owned by Ravi."""
    data = str(tmp_path / "data")
    for name, email, role in [("Dana Smith", "dana@example.com", "lead"),
                              ("Ravi Das", "ravi@example.com", "agent"),
                              ("Mina Karimi", "mina@example.com", "agent")]:
        assert run(capsys, "--data-dir", data, "agent", "create", "--name", name, "--email",
                   email, "--role", role)[0] == 0
    assert run(capsys, "--data-dir", data, "customer", "create", "--name", "Ana Lima",
               "--email", "ana@example.org", "--owner", "Ravi Das")[0] == 0
    return data


def test_durations_are_read_as_people_write_them() -> None:
    assert [history.parse_duration(t) for t in ("5m", "1h2m", "90s", "90", "4:30",
                                                "1:04:30", "2m 30s")] == [
        300, 3720, 90, 90, 270, 3870, 150]
    with pytest.raises(argparse.ArgumentTypeError):
        history.parse_duration("five minutes")


def test_a_call_is_logged_with_a_new_ticket_and_bad_input_is_explained(
    d: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Ravi Das", "call", "log",
                       "--customer", "ana@example.org", "--new-ticket", "Card declined",
                       "--direction", "inbound", "--duration", "5m", "--hold", "30s",
                       "--outcome", "follow-up", "--notes", "Bank says OK", "--json")
    assert code == 0
    call = json.loads(out)
    assert (call["duration_s"], call["hold_s"], call["ticket_number"]) == (300, 30, 1)
    code, _, err = run(capsys, "--data-dir", d, "--as", "Ravi Das", "call", "log",
                       "--customer", "ana@example.org", "--direction", "outbound",
                       "--duration", "1m", "--hold", "2m", "--outcome", "resolved")
    assert code == 1 and "hold time" in err
    code, out, _ = run(capsys, "--data-dir", d, "call", "check", "--customer",
                       "ana@example.org", "--json")
    assert json.loads(out) == []


def test_a_handoff_goes_from_create_to_inbox_to_acknowledged(
    d: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Ravi Das", "handoff", "create",
                       "--customer", "ana@example.org", "--to", "Mina Karimi", "--summary",
                       "Waiting on the bank; promised an update Friday.", "--json")
    assert code == 0
    ref = json.loads(out)["id"][-8:]
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Mina Karimi", "handoff", "inbox")
    assert ref in out and "Ana Lima" in out
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Dana Smith", "handoff", "pending",
                       "--all", "--json")
    assert len(json.loads(out)) == 1
    code, _, err = run(capsys, "--data-dir", d, "--as", "Ravi Das", "handoff", "ack", ref)
    assert code == 1 and "only the colleague" in err
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Mina Karimi", "handoff", "ack", ref)
    assert code == 0 and "acknowledged" in out
    code, out, _ = run(capsys, "--data-dir", d, "customer-timeline", "ana@example.org",
                       "--kind", "handoff,owner_change", "--json")
    page = json.loads(out)
    assert [e["kind"] for e in page["entries"]] == ["owner_change", "handoff"]


def test_a_bulk_handoff_previews_then_applies(
    d: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Dana Smith", "handoff", "bulk",
                       "--from", "Ravi Das", "--to", "Mina Karimi,Dana Smith", "--dry-run")
    assert code == 0 and "would hand over 1 customer(s) of Ravi Das" in out
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Dana Smith", "handoff", "bulk",
                       "--from", "Ravi Das", "--to", "Mina Karimi", "--json")
    assert json.loads(out)["items"][0]["to_agent_name"] == "Mina Karimi"
    code, out, _ = run(capsys, "--data-dir", d, "customer", "show", "ana@example.org",
                       "--json")
    assert json.loads(out)["owner_name"] == "Mina Karimi"
    code, _, err = run(capsys, "--data-dir", d, "--as", "Ravi Das", "handoff", "bulk",
                       "--from", "Mina Karimi", "--to", "Ravi Das")
    assert code == 1 and "lead or a manager" in err


def test_notes_and_the_timeline_search(d: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data-dir", d, "--as", "Ravi Das", "customer-note", "add",
                       "ana@example.org", "مشتری صبح‌ها در دسترس است", "--json")
    note_id = json.loads(out)["id"]
    code, _, err = run(capsys, "--data-dir", d, "--as", "Mina Karimi", "customer-note",
                       "edit", note_id, "Changed")
    assert code == 1 and "author" in err
    code, out, _ = run(capsys, "--data-dir", d, "customer-timeline", "ana@example.org",
                       "--search", "صبح")
    assert "مشتری" in out
    code, out, _ = run(capsys, "--data-dir", d, "customer-note", "list", "ana@example.org")
    assert "Ravi Das" in out
    code, _, err = run(capsys, "--data-dir", d, "customer-timeline", "ana@example.org",
                       "--before", "yesterday")
    assert code == 2 and "timeline position" in err


def test_customer_merge_dry_run_then_merge(d: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--data-dir", d, "customer", "create", "--name", "Ana L.", "--email",
        "ana@work.example")
    code, out, _ = run(capsys, "--data-dir", d, "customer-merge", "ana@example.org",
                       "ana@work.example", "--dry-run")
    assert code == 0 and "would merge Ana L. into Ana Lima" in out
    code, out, _ = run(capsys, "--data-dir", d, "customer-merge", "ana@example.org",
                       "ana@work.example", "--prefer", "survivor", "--json")
    assert code == 0 and json.loads(out)["preferences_taken"] == []
    code, _, err = run(capsys, "--data-dir", d, "customer", "show", "ana@work.example")
    assert code == 1
    code, _, err = run(capsys, "--data-dir", d, "customer-merge", "ana@example.org",
                       "ana@example.org", "--choose", "x")
    assert code == 2 and "KEY=survivor" in err
