"""``workbench call|handoff|customer-note|customer-timeline|customer-merge``: customer history.

Every command takes ``--json``. Durations are written like people say them: ``5m``,
``1h2m``, ``90s``, ``90`` (seconds) or ``4:30`` (minutes:seconds).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from workbench.cli.format import table, when
from workbench.domain.clock import parse_iso
from workbench.domain.enums import CallDirection, CallOutcome, Channel, Priority
from workbench.services.calls import CallService
from workbench.services.handoffs import STRATEGIES, HandoffService
from workbench.services.history import HistoryService, format_seconds
from workbench.services.history_dto import (
    HandoffInfo,
    MergePreview,
    TimelineCursor,
    TimelineKind,
    TimelinePage,
)
from workbench.services.merge import SIDES, MergeService

_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> int:
    """Seconds from ``5m``, ``1h2m``, ``90s``, ``90`` or ``4:30`` / ``1:04:30``."""
    value = text.strip().lower().replace(" ", "")
    if value.isdigit():
        return int(value)
    if ":" in value:
        parts = value.split(":")
        if len(parts) <= 3 and all(p.isdigit() for p in parts):
            seconds = 0
            for p in parts:
                seconds = seconds * 60 + int(p)
            return seconds
    m = _UNITS.match(value)
    if value and m:
        h, mins, s = (int(g or 0) for g in m.groups())
        return h * 3600 + mins * 60 + s
    raise argparse.ArgumentTypeError(f"{text!r} is not a duration (e.g. 5m, 1h2m, 90s, 4:30)")


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: Any) -> None:
    call = sub.add_parser("call", help="log phone calls and check contact preferences")
    csub = call.add_subparsers(dest="action", metavar="ACTION", required=True)
    log = csub.add_parser("log", help="record a finished call")
    log.add_argument("--customer", required=True, help="customer id or e-mail")
    link = log.add_mutually_exclusive_group()
    link.add_argument("--ticket", help="the ticket the call was about")
    link.add_argument("--new-ticket", metavar="SUBJECT", help="open a phone ticket for it")
    log.add_argument("--priority", default="normal", choices=[p.value for p in Priority],
                     help="priority of the new ticket")
    log.add_argument("--direction", required=True, choices=[d.value for d in CallDirection])
    log.add_argument("--start", help="when it started, ISO 8601 with offset (default: it "
                     "ended just now)")
    log.add_argument("--duration", required=True, type=parse_duration, help="e.g. 5m, 4:30")
    log.add_argument("--hold", default=0, type=parse_duration, help="time on hold, e.g. 30s")
    log.add_argument("--outcome", required=True, choices=[o.value for o in CallOutcome])
    log.add_argument("--resolved", action="store_true", help="the issue was solved on the call")
    log.add_argument("--notes", default="")
    _json(log)
    log.set_defaults(handler=cmd_call_log)
    chk = csub.add_parser("check", help="warnings before contacting a customer")
    chk.add_argument("--customer", required=True)
    chk.add_argument("--channel", default="phone", choices=[c.value for c in Channel])
    chk.add_argument("--at", help="ISO 8601 time (default: now)")
    _json(chk)
    chk.set_defaults(handler=cmd_call_check)

    ho = sub.add_parser("handoff", help="hand customers to colleagues, see and acknowledge")
    hsub = ho.add_subparsers(dest="action", metavar="ACTION", required=True)
    hc = hsub.add_parser("create", help="hand a customer to a colleague")
    hc.add_argument("--customer", required=True)
    hc.add_argument("--to", required=True, help="agent name, e-mail or id")
    hc.add_argument("--summary", required=True, help="context, open promises, next step")
    hc.add_argument("--with-tickets", action="store_true", help="also move my open tickets")
    _json(hc)
    hc.set_defaults(handler=cmd_handoff_create)
    hi = hsub.add_parser("inbox", help="hand-offs waiting for my acknowledgement")
    _json(hi)
    hi.set_defaults(handler=cmd_handoff_list, scope="inbox")
    hp = hsub.add_parser("pending", help="pending hand-offs I gave or received")
    hp.add_argument("--all", action="store_true", help="the whole team's (leads, managers)")
    _json(hp)
    hp.set_defaults(handler=cmd_handoff_list, scope="pending")
    ha = hsub.add_parser("ack", help="acknowledge a hand-off I received")
    ha.add_argument("handoff", help="its id, or the last 8 characters shown by inbox")
    _json(ha)
    ha.set_defaults(handler=cmd_handoff_ack)
    hb = hsub.add_parser("bulk", help="reassign all of an agent's customers (leads, managers)")
    hb.add_argument("--from", dest="giver", required=True, help="the departing agent")
    hb.add_argument("--to", required=True, help="comma-separated receivers")
    hb.add_argument("--with-tickets", action="store_true", help="also move their open tickets")
    hb.add_argument("--strategy", default="balanced", choices=STRATEGIES)
    hb.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    _json(hb)
    hb.set_defaults(handler=cmd_handoff_bulk)

    note = sub.add_parser("customer-note", help="add, edit and list notes on a customer")
    nsub = note.add_subparsers(dest="action", metavar="ACTION", required=True)
    na = nsub.add_parser("add")
    na.add_argument("customer")
    na.add_argument("body")
    _json(na)
    na.set_defaults(handler=cmd_note, op="add")
    ne = nsub.add_parser("edit", help="change a note you wrote")
    ne.add_argument("note", help="the note's id")
    ne.add_argument("body")
    _json(ne)
    ne.set_defaults(handler=cmd_note, op="edit")
    nl = nsub.add_parser("list")
    nl.add_argument("customer")
    _json(nl)
    nl.set_defaults(handler=cmd_note, op="list")

    tl = sub.add_parser("customer-timeline", help="a customer's history, newest first")
    tl.add_argument("customer", help="id or e-mail")
    tl.add_argument("--kind", action="append", help="only these kinds (repeat or comma-"
                    f"separate): {', '.join(k.value for k in TimelineKind)}")
    tl.add_argument("--search", default="", help="text the entries contain")
    tl.add_argument("--limit", type=int, default=50)
    tl.add_argument("--before", help="continue after this position (printed at the end)")
    _json(tl)
    tl.set_defaults(handler=cmd_timeline)

    mg = sub.add_parser("customer-merge", help="merge a duplicate customer into another")
    mg.add_argument("survivor", help="the customer that stays (id or e-mail)")
    mg.add_argument("duplicate", help="the customer merged into it and removed")
    mg.add_argument("--prefer", choices=SIDES, help="whose value wins a preference conflict")
    mg.add_argument("--choose", action="append", default=[], metavar="KEY=SIDE",
                    help="decide one conflicting preference (survivor or duplicate)")
    mg.add_argument("--dry-run", action="store_true", help="show what would happen")
    _json(mg)
    mg.set_defaults(handler=cmd_merge)


def cmd_call_log(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench

    wb = open_workbench(args)
    try:
        start = parse_iso(args.start) if args.start else wb.now_ms() - args.duration * 1000
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    call = CallService(wb).log(
        args.customer, direction=args.direction, started_at=start, duration_s=args.duration,
        hold_s=args.hold, outcome=args.outcome, resolved=args.resolved, notes=args.notes,
        ticket_ref=args.ticket, new_ticket_subject=args.new_ticket, priority=args.priority,
    )
    ticket = f" on #{call.ticket_number}" if call.ticket_number is not None else ""
    emit(args, call, lambda: f"logged {call.direction} call{ticket}: "
         f"{format_seconds(call.duration_s)}, hold {format_seconds(call.hold_s)}, {call.outcome}")
    return 0


def cmd_call_check(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench

    wb = open_workbench(args)
    try:
        at = parse_iso(args.at) if args.at else None
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    warnings = CallService(wb).contact_warnings(args.customer, args.channel, at)
    emit(args, warnings, lambda: "\n".join(warnings) or "no warnings")
    return 0


def _handoff_rows(rows: list[HandoffInfo]) -> str:
    if not rows:
        return "no pending hand-offs"
    return table(
        ["Ref", "Customer", "From", "To", "Since", "Summary"],
        [[h.short_ref, h.customer_name, h.from_agent_name or "—", h.to_agent_name,
          when(h.created_at), " ".join(h.summary.split())] for h in rows],
        [10, 24, 18, 18, 16, 50],
    )


def cmd_handoff_create(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    h = HandoffService(wb).create(args.customer, wb.agents.get(args.to).id, args.summary,
                                  include_tickets=args.with_tickets)
    moved = f", {h.tickets_moved} ticket(s) moved" if h.tickets_moved else ""
    emit(args, h, lambda: f"handed {h.customer_name} to {h.to_agent_name} "
         f"(ref {h.short_ref}){moved}")
    return 0


def cmd_handoff_list(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    service = HandoffService(wb)
    if args.scope == "inbox":
        rows = service.inbox()
    else:
        rows = service.pending_for_leads() if args.all else service.pending_for()
    emit(args, rows, lambda: _handoff_rows(rows))
    return 0


def cmd_handoff_ack(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    h = HandoffService(wb).acknowledge(args.handoff)
    emit(args, h, lambda: f"acknowledged the hand-off of {h.customer_name} "
         f"from {h.from_agent_name or 'nobody'}")
    return 0


def cmd_handoff_bulk(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    service = HandoffService(wb)
    receivers = [wb.agents.get(name.strip()).id for name in args.to.split(",") if name.strip()]
    plan = service.preview_bulk(wb.agents.get(args.giver).id, receivers,
                                include_tickets=args.with_tickets, strategy=args.strategy)

    def human() -> str:
        if not plan.items:
            return f"{plan.from_agent_name} owns no customers; nothing to hand over"
        rows = table(["Customer", "To", "Open tickets"],
                     [[i.customer_name, i.to_agent_name, str(i.open_tickets)]
                      for i in plan.items], [30, 20, 12])
        verb = "would hand over" if args.dry_run else "handed over"
        return f"{rows}\n{verb} {len(plan.items)} customer(s) of {plan.from_agent_name}"

    if not args.dry_run:
        service.apply_bulk(plan)
    emit(args, plan, human)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    service = HistoryService(wb)
    if args.op == "list":
        notes = service.notes(args.customer)
        emit(args, notes, lambda: "\n\n".join(
            f"[{when(n.created_at)}] {n.author_name or '—'}{' (edited)' if n.edited else ''}"
            f" — {n.id}\n{n.body}" for n in notes) or "no notes")
        return 0
    note = (service.add_note(args.customer, args.body) if args.op == "add"
            else service.edit_note(args.note, args.body))
    emit(args, note, lambda: f"note {'added' if args.op == 'add' else 'changed'} ({note.id})")
    return 0


def _timeline_text(page: TimelinePage) -> str:
    if not page.entries:
        return "nothing in this customer's history matches"
    lines: list[str] = []
    for e in page.entries:
        who = e.who_name or ("customer" if e.kind in ("customer_message", "survey") else "—")
        lines.append(f"[{when(e.at)}] {e.kind.replace('_', ' ')} — {who}: {e.title}")
        lines += ["    " + line for line in e.body.splitlines()[:6]]
    if page.next_cursor:
        lines.append(f"more: --before {page.next_cursor.token()}")
    return "\n".join(lines)


def cmd_timeline(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench

    kinds = [k.strip() for value in args.kind or [] for k in value.split(",") if k.strip()]
    try:
        before = TimelineCursor.parse(args.before) if args.before else None
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    wb = open_workbench(args)
    page = HistoryService(wb).timeline(args.customer, kinds=kinds or None, search=args.search,
                                       before=before, limit=max(1, args.limit))
    emit(args, page, lambda: _timeline_text(page))
    return 0


def _preview_text(p: MergePreview, done: bool) -> str:
    moving = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in p.moving.items() if n)
    lines = [f"{'merged' if done else 'would merge'} {p.duplicate_name} into {p.survivor_name}"
             f"; moving: {moving or 'nothing'}"]
    if p.filled_fields:
        lines.append("taking: " + ", ".join(sorted(p.filled_fields)))
    for c in p.conflicts:
        lines.append(f"conflict {c.key}: survivor {c.survivor_value!r}, "
                     f"duplicate {c.duplicate_value!r}")
    return "\n".join(lines)


def cmd_merge(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench

    choices: dict[str, str] = {}
    for item in args.choose:
        key, sep, side = item.partition("=")
        if not sep or side not in SIDES:
            raise CliError(f"--choose {item!r}: write KEY=survivor or KEY=duplicate")
        choices[key.strip()] = side
    wb = open_workbench(args)
    service = MergeService(wb)
    preview = service.preview(args.survivor, args.duplicate)
    if args.dry_run:
        emit(args, preview, lambda: _preview_text(preview, done=False))
        return 0
    result = service.merge(args.survivor, args.duplicate, choices, prefer=args.prefer)
    emit(args, result, lambda: _preview_text(preview, done=True))
    return 0
