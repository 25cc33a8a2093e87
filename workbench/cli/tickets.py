"""``workbench ticket create|list|show|update|reply|note``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.cli.format import table, when
from workbench.domain.enums import Channel, Priority, TicketStatus
from workbench.domain.filters import TicketFilter
from workbench.services.dto import TicketDetail, TicketRow

VIEWS = {
    "open": TicketFilter(statuses=tuple(s.value for s in TicketStatus if s.is_open)),
    "all": TicketFilter(order="created", descending=True),
    "pending": TicketFilter(statuses=("pending", "on-hold")),
    "solved": TicketFilter(statuses=("solved", "closed"), order="updated", descending=True),
    "unassigned": TicketFilter(
        statuses=tuple(s.value for s in TicketStatus if s.is_open), unassigned=True
    ),
}


def _text(value: str) -> str:
    """'-' reads the text from standard input (for long bodies and pipes)."""
    return sys.stdin.read() if value == "-" else value


def _split_tags(value: str | None) -> list[str] | None:
    return None if value is None else [t for t in value.split(",") if t.strip()]


def register(sub: Any) -> None:
    p = sub.add_parser("ticket", help="create, list, show and change tickets")
    tsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    c = tsub.add_parser("create", help="open a new ticket for a customer")
    c.add_argument("--subject", required=True)
    c.add_argument("--customer", required=True, help="customer id or e-mail")
    c.add_argument("--body", default="", help="the customer's message ('-' reads stdin)")
    c.add_argument("--priority", default="normal", choices=[p.value for p in Priority])
    c.add_argument("--channel", default="email", choices=[c.value for c in Channel])
    c.add_argument("--assignee", help="agent name, e-mail or id")
    c.add_argument("--tags", help="comma-separated tags")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(handler=cmd_create)

    ls = tsub.add_parser("list", help="list tickets, next deadline first")
    ls.add_argument("--view", default="open", choices=sorted(VIEWS))
    ls.add_argument("--status", action="append", choices=[s.value for s in TicketStatus])
    ls.add_argument("--priority", action="append", choices=[p.value for p in Priority])
    ls.add_argument("--assignee", help="agent name, e-mail or id ('me' for the acting agent)")
    ls.add_argument("--customer", help="customer id or e-mail")
    ls.add_argument("--tag")
    ls.add_argument("--search", default="", help="text in the subject, or a ticket number")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=cmd_list)

    sh = tsub.add_parser("show", help="a ticket with its whole thread")
    sh.add_argument("ticket", help="number (123 or #123), provisional key or id")
    sh.add_argument("--json", action="store_true", help="print JSON")
    sh.set_defaults(handler=cmd_show)

    up = tsub.add_parser("update", help="set status, priority, assignee, tags or subject")
    up.add_argument("ticket")
    up.add_argument("--status", choices=[s.value for s in TicketStatus])
    up.add_argument("--priority", choices=[p.value for p in Priority])
    up.add_argument("--assignee", help="agent name, e-mail or id; 'none' unassigns")
    up.add_argument("--tags", help="comma-separated tags (replaces them; '' clears)")
    up.add_argument("--subject")
    up.add_argument("--json", action="store_true", help="print JSON")
    up.set_defaults(handler=cmd_update)

    for name, helptext in (("reply", "send a public reply"), ("note", "add an internal note")):
        r = tsub.add_parser(name, help=helptext)
        r.add_argument("ticket")
        r.add_argument("body", help="the text ('-' reads stdin)")
        if name == "reply":
            r.add_argument("--status", choices=[s.value for s in TicketStatus],
                           help="also set this status (e.g. pending, solved)")
        r.add_argument("--json", action="store_true", help="print JSON")
        r.set_defaults(handler=cmd_post, kind=name)


def _print_rows(rows: list[TicketRow]) -> str:
    if not rows:
        return "no tickets"
    return table(
        ["#", "Subject", "Customer", "Priority", "Status", "Assignee", "Next due"],
        [
            [r.key, r.subject, r.customer_name, r.priority, r.status, r.assignee_name or "—",
             when(r.next_due_at)]
            for r in rows
        ],
        [10, 44, 24, 8, 8, 20, 16],
    )


def _print_detail(d: TicketDetail) -> str:
    t = d.ticket
    lines = [
        f"{t.key}  {t.subject}",
        f"customer: {t.customer_name} ({t.customer_plan})   status: {t.status}   "
        f"priority: {t.priority}   assignee: {t.assignee_name or '—'}",
        f"channel: {t.channel}   tags: {', '.join(t.tags) or '—'}   created: {when(t.created_at)}"
        f"   next due: {when(t.next_due_at)} ({t.next_due_target or 'none'})",
        "",
    ]
    for e in d.events:
        who = e.author_name or ("customer" if e.kind == "customer_message" else "system")
        if e.body:
            lines.append(f"[{when(e.created_at)}] {e.kind.replace('_', ' ')} — {who}")
            lines += ["    " + line for line in e.body.splitlines()]
        else:
            lines.append(
                f"[{when(e.created_at)}] {who}: {e.kind.replace('_', ' ')} "
                f"{e.old_value or '—'} → {e.new_value or '—'}"
            )
    return "\n".join(lines)


def cmd_create(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    customer = wb.customers.get(args.customer)
    assignee = wb.agents.get(args.assignee).id if args.assignee else None
    row = wb.tickets.create(
        subject=args.subject,
        customer_id=customer.id,
        body=_text(args.body),
        priority=args.priority,
        channel=args.channel,
        assignee_id=assignee,
        tags=_split_tags(args.tags),
    )
    emit(args, row, lambda: f"created {row.key}: {row.subject}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    base = VIEWS[args.view]
    assignee = None
    if args.assignee:
        assignee = wb.actor_id if args.assignee == "me" else wb.agents.get(args.assignee).id
    f = TicketFilter(
        statuses=tuple(args.status) if args.status else base.statuses,
        priorities=tuple(args.priority or ()),
        assignee_id=assignee,
        unassigned=base.unassigned,
        customer_id=wb.customers.get(args.customer).id if args.customer else None,
        tag=args.tag,
        text=args.search,
        order=base.order,
        descending=base.descending,
    )
    rows = wb.tickets.list(f, limit=max(1, args.limit))
    emit(args, rows, lambda: _print_rows(rows))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    detail = wb.tickets.get(args.ticket)
    emit(args, detail, lambda: _print_detail(detail))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench

    if not any(v is not None for v in (args.status, args.priority, args.assignee, args.tags,
                                       args.subject)):
        raise CliError("nothing to change: give --status, --priority, --assignee, --tags "
                       "or --subject")
    wb = open_workbench(args)
    unassign = args.assignee is not None and args.assignee.lower() == "none"
    assignee = wb.agents.get(args.assignee).id if args.assignee and not unassign else None
    row = wb.tickets.update(
        args.ticket,
        status=args.status,
        priority=args.priority,
        assignee_id=assignee,
        unassign=unassign,
        tags=_split_tags(args.tags),
        subject=args.subject,
    )
    emit(args, row, lambda: f"updated {row.key}: {row.status}, {row.priority}, "
         f"{row.assignee_name or 'unassigned'}")
    return 0


def cmd_post(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    body = _text(args.body)
    if args.kind == "reply":
        event = wb.tickets.reply(args.ticket, body, status=args.status)
    else:
        event = wb.tickets.note(args.ticket, body)
    emit(args, event, lambda: f"{args.kind} added to {args.ticket}")
    return 0
