"""``workbench metrics --from D --to D``: every KPI of a period, as a table, JSON or CSV.

JSON is one flat object (docs/metrics.md lists the keys): durations in seconds,
percentages 0-100, null where there is no data, and ``<key>_prev`` / ``<key>_change`` for
the previous period of the same length. CSV has the columns key,value,prev,change.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date
from typing import Any

from workbench.services.errors import ValidationError
from workbench.services.metrics import CURRENT_ONLY, MetricsReport, MetricsService, Value

FORMATS = ("text", "json", "csv")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "metrics", help="KPIs of a period: response times, SLA, backlog, CSAT/NPS/CES, ...",
        description="Every KPI of the local days --from..--to (inclusive, in the team's time "
                    "zone), with the change from the previous period of the same length.",
    )
    p.add_argument("--from", dest="first_day", required=True, metavar="YYYY-MM-DD",
                   help="first day of the period")
    p.add_argument("--to", dest="last_day", required=True, metavar="YYYY-MM-DD",
                   help="last day of the period (included)")
    p.add_argument("--agent", help="only this agent (name, e-mail or id)")
    p.add_argument("--team", help="only this team (name or id)")
    p.add_argument("--priority", help="only tickets of this priority (urgent, high, ...)")
    p.add_argument("--channel", help="only tickets from this channel (email, phone, ...)")
    p.add_argument("--plan", help="only customers on this plan (free, standard, ...)")
    p.add_argument("--format", default="text", choices=FORMATS, help="output format")
    p.add_argument("--no-compare", action="store_true",
                   help="skip the previous period (faster; no _prev/_change values)")
    p.set_defaults(handler=cmd_metrics)


def parse_day(text: str, what: str) -> date:
    """A calendar day from YYYY-MM-DD, or a ValidationError naming the option."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-01-31)"
        ) from None


def cmd_metrics(args: argparse.Namespace) -> int:
    from workbench.cli import open_workbench

    first = parse_day(args.first_day, "--from")
    last = parse_day(args.last_day, "--to")
    if last < first:
        raise ValidationError(f"--to {last} is before --from {first}")
    wb = open_workbench(args)
    from workbench.sync.sla import backfill_facts, backfill_pending

    if backfill_pending(wb):  # once, after an upgrade from revision 0002
        print("Storing the SLA verdicts of solved tickets (once, after an upgrade)…",
              file=sys.stderr)
        backfill_facts(wb)
    service: MetricsService = getattr(wb, "metrics", None) or MetricsService(wb)
    report = service.compute(
        first,
        last,
        agent_id=wb.agents.get(args.agent).id if args.agent else None,
        team_id=service.find_team(args.team) if args.team else None,
        priority=args.priority,
        channel=args.channel,
        plan=args.plan,
        compare=not args.no_compare,
    )
    print(render(report, args.format))
    return 0


def render(report: MetricsReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json(report), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return as_csv(report)
    return as_text(report)


def as_json(report: MetricsReport) -> dict[str, Any]:
    head: dict[str, Any] = {
        "period_from": report.first_day.isoformat(),
        "period_to": report.last_day.isoformat(),
        "previous_from": report.previous_first_day.isoformat() if report.previous else None,
        "previous_to": report.previous_last_day.isoformat() if report.previous else None,
        "time_zone": report.time_zone,
    }
    return head | report.flat()


def _rows(report: MetricsReport) -> list[tuple[str, Value, Value, Value]]:
    flat = report.flat()
    return [
        (key, value, flat.get(f"{key}_prev"), flat.get(f"{key}_change"))
        for key, value in report.figures.items()
    ]


def as_csv(report: MetricsReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "value", "prev", "change"])
    for key, value, prev, delta in _rows(report):
        writer.writerow([key, _csv(value), _csv(prev), _csv(delta)])
    return out.getvalue().rstrip("\n")


def _csv(value: Value) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def _human(value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def as_text(report: MetricsReport) -> str:
    rows = _rows(report)
    width = max(len(key) for key, *_ in rows)
    title = f"Metrics {report.first_day} .. {report.last_day} ({report.time_zone})"
    if report.previous:
        title += f", compared with {report.previous_first_day} .. {report.previous_last_day}"
    lines = [title, f"{'figure':<{width}}  {'value':>14}  {'previous':>14}  {'change':>12}"]
    for key, value, prev, delta in rows:
        now_only = key in CURRENT_ONLY or not report.previous
        sign = "+" if isinstance(delta, int | float) and delta > 0 else ""
        lines.append(
            f"{key:<{width}}  {_human(value):>14}  {'' if now_only else _human(prev):>14}  "
            f"{'' if now_only else sign + _human(delta):>12}"
        )
    return "\n".join(lines)
