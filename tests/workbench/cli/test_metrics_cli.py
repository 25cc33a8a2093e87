"""`workbench metrics`: every documented key in JSON, CSV columns, clear errors for bad dates."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

from workbench.cli import build_parser, main
from workbench.cli import metrics as metrics_cli
from workbench.config import resolve_paths
from workbench.domain.clock import FrozenClock, parse_iso
from workbench.services.context import Workbench
from workbench.services.errors import ServiceError

DOCUMENTED = (
    "first_response_time_median_s", "first_response_time_p90_s", "resolution_time_median_s",
    "resolution_time_p90_s", "sla_first_response_pct", "sla_next_update_pct",
    "sla_resolution_pct", "sla_breaches", "backlog_open", "unattended_over_24h",
    "tickets_created", "tickets_solved", "tickets_reopened", "tickets_per_agent",
    "hold_time_mean_s", "handle_time_mean_s", "fcr_pct", "repeat_contact_pct",
    "kb_articles_read", "kb_read_time_s", "canned_uses", "csat_pct", "nps", "ces_mean",
    "agent_satisfaction_mean", "retention_pct", "customers_start", "customers_new",
    "customers_end",
)
PERIOD = ("--from", "2026-03-01", "--to", "2026-03-31")


def _wired() -> bool:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return "metrics" in sub.choices


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Through `workbench.cli.main` once the command is wired in, else the same way by hand."""
    if _wired():
        code = main(list(args))
    else:
        parser = argparse.ArgumentParser(prog="workbench")
        parser.add_argument("--data-dir")
        parser.add_argument("--as", dest="acting")
        metrics_cli.register(parser.add_subparsers(dest="command"))
        parsed = parser.parse_args(list(args))
        try:
            code = parsed.handler(parsed)
        except (ServiceError, ValueError) as exc:  # what main() does with known errors
            print(f"workbench: {exc}", file=__import__("sys").stderr)
            code = 1
        finally:
            from workbench.cli import _opened

            while _opened:
                _opened.pop().close()
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    """Two March tickets (one answered in 1 h and solved in 2 h), a survey, a customer."""
    d = tmp_path / "data"
    clock = FrozenClock(parse_iso("2026-03-02T09:00:00Z"))
    wb = Workbench.open(resolve_paths(d).database, clock=clock)
    try:
        wb.actor_id = wb.agents.create("Dana Smith", "dana@example.com", "manager").id
        ravi = wb.agents.create("Ravi Das", "ravi@example.com", "agent").id
        ana = wb.customers.create("Ana Lima", "ana@example.org").id
        one = wb.tickets.create("One", ana, body="?", assignee_id=ravi).id
        two = wb.tickets.create("Two", ana, body="?").id
        clock.advance(3600)
        wb.tickets.reply(one, "Answer")
        wb.tickets.reply(two, "Answer")
        clock.advance(3600)
        wb.tickets.update(one, status="solved")
        wb.tickets.update(two, status="solved")
    finally:
        wb.close()
    return str(d)


def test_json_is_a_flat_object_with_every_documented_key(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "metrics", *PERIOD, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(DOCUMENTED) <= set(data)
    for key, value in data.items():
        if key in ("period_from", "period_to", "previous_from", "previous_to", "time_zone"):
            assert isinstance(value, str)
            continue
        assert value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        if key.endswith("_pct") and value is not None:
            assert 0 <= value <= 100, key
    assert (data["tickets_created"], data["tickets_solved"]) == (2, 2)
    assert data["first_response_time_median_s"] == 3600.0
    assert data["resolution_time_p90_s"] == 7200.0
    assert data["csat_pct"] is None and data["hold_time_mean_s"] is None  # no data, not 0
    assert data["tickets_created_prev"] == 0 and data["tickets_created_change"] == 2
    assert data["period_from"] == "2026-03-01" and data["previous_to"] == "2026-02-28"


def test_csv_has_key_value_prev_change(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "metrics", *PERIOD, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["key", "value", "prev", "change"]
    by_key = {row[0]: row[1:] for row in rows[1:]}
    assert by_key["tickets_created"] == ["2", "0", "2"]
    assert by_key["csat_pct"] == ["", "", ""]
    assert by_key["backlog_open"][1:] == ["", ""]  # about now: nothing to compare


def test_one_agent_in_a_table(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "metrics", *PERIOD, "--agent",
                       "Ravi Das", "--no-compare")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("tickets_created "))
    assert line.split()[1] == "1"
    assert "compared with" not in out


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("--from", "2026-13-01", "--to", "2026-12-31"), "YYYY-MM-DD"),
        (("--from", "yesterday", "--to", "2026-12-31"), "--from 'yesterday' is not a date"),
        (("--from", "2026-03-31", "--to", "2026-03-01"), "before --from"),
    ],
)
def test_bad_dates_are_a_clear_error_with_exit_code_1(
    data_dir: str, capsys: pytest.CaptureFixture[str], dates: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "--data-dir", data_dir, "metrics", *dates)
    assert code == 1 and out == ""
    assert message in err


def test_an_unknown_agent_is_a_clear_error(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data-dir", data_dir, "metrics", *PERIOD, "--agent", "Nobody")
    assert code == 1 and "Nobody" in err
