"""The `workbench` command scripts the same services as the GUI, with --json output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    d = str(tmp_path / "data")
    assert run(capsys, "--data-dir", d, "agent", "create", "--name", "Dana Smith",
               "--email", "dana@example.com", "--role", "manager")[0] == 0
    assert run(capsys, "--data-dir", d, "customer", "create", "--name", "Ana Lima",
               "--email", "ana@example.org")[0] == 0
    return d


def test_a_ticket_is_created_listed_changed_and_shown(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "create", "--subject",
                       "Cannot log in", "--customer", "ana@example.org", "--body", "Help",
                       "--priority", "high", "--tags", "login", "--json")
    assert code == 0
    created = json.loads(out)
    assert created["key"] == "#1" and created["priority"] == "high"
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "reply", "1", "Link sent",
                       "--status", "pending")
    assert code == 0
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "update", "#1",
                       "--assignee", "Dana Smith", "--priority", "urgent", "--json")
    assert json.loads(out)["assignee_name"] == "Dana Smith"
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "note", "1", "Called her")
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "show", "1", "--json")
    detail = json.loads(out)
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds[:2] == ["customer_message", "public_reply"]
    assert "internal_note" in kinds and "priority_change" in kinds
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "list", "--view", "pending")
    assert "Cannot log in" in out


def test_customer_show_takes_an_id_or_an_email(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "customer", "show", "ana@example.org",
                       "--json")
    customer = json.loads(out)
    code, out, _ = run(capsys, "--data-dir", data_dir, "customer", "show", customer["id"])
    assert code == 0 and "Ana Lima" in out
    code, out, _ = run(capsys, "--data-dir", data_dir, "customer", "list", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Ana Lima"]


def test_errors_go_to_stderr_with_a_non_zero_exit_code(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data-dir", data_dir, "ticket", "show", "42")
    assert code == 1 and out == "" and "no ticket '42'" in err
    code, _, err = run(capsys, "--data-dir", data_dir, "ticket", "create", "--subject", " ",
                       "--customer", "ana@example.org")
    assert code == 1 and "subject is empty" in err
    code, _, err = run(capsys, "--data-dir", data_dir, "ticket", "update", "1")
    assert code == 2


def test_as_picks_the_acting_agent(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--data-dir", data_dir, "agent", "create", "--name", "Ravi Das", "--email",
        "ravi@example.com")
    run(capsys, "--data-dir", data_dir, "ticket", "create", "--subject", "Hi", "--customer",
        "ana@example.org")
    code, _, err = run(capsys, "--data-dir", data_dir, "--as", "ravi@example.com", "ticket",
                       "note", "1", "mine")
    assert code == 0, err
    code, out, _ = run(capsys, "--data-dir", data_dir, "ticket", "show", "1", "--json")
    note = next(e for e in json.loads(out)["events"] if e["kind"] == "internal_note")
    assert note["author_name"] == "Ravi Das"
    code, _, err = run(capsys, "--data-dir", data_dir, "--as", "nobody", "ticket", "note", "1",
                       "x")
    assert code == 1 and "no agent called 'nobody'" in err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "export", "import", "ticket", "customer", "agent"):
        assert command in out
