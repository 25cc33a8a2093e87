"""``workbench customer create|list|show`` and ``workbench agent create|list``."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.format import table, when
from workbench.services.dto import CustomerInfo


def register(sub: Any) -> None:
    p = sub.add_parser("customer", help="create, list and show customers")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("create", help="add a customer")
    c.add_argument("--name", required=True)
    c.add_argument("--email")
    c.add_argument("--phone")
    c.add_argument("--organisation")
    c.add_argument("--plan", default="standard")
    c.add_argument("--time-zone", default="UTC", help="IANA zone, e.g. Asia/Phnom_Penh")
    c.add_argument("--language", default="en")
    c.add_argument("--owner", help="agent name, e-mail or id")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(handler=cmd_create)

    ls = csub.add_parser("list", help="list customers by name")
    ls.add_argument("--search", default="", help="text in name, e-mail, phone, organisation")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=cmd_list)

    sh = csub.add_parser("show", help="one customer with preferences")
    sh.add_argument("customer", help="id or e-mail")
    sh.add_argument("--json", action="store_true", help="print JSON")
    sh.set_defaults(handler=cmd_show)

    a = sub.add_parser("agent", help="add and list the team's agents")
    asub = a.add_subparsers(dest="action", metavar="ACTION", required=True)
    ac = asub.add_parser("create", help="add an agent to this workstation's team")
    ac.add_argument("--name", required=True)
    ac.add_argument("--email", required=True)
    ac.add_argument("--role", default="agent", choices=["agent", "lead", "manager"])
    ac.add_argument("--json", action="store_true", help="print JSON")
    ac.set_defaults(handler=cmd_agent_create)
    al = asub.add_parser("list", help="list agents")
    al.add_argument("--json", action="store_true", help="print JSON")
    al.set_defaults(handler=cmd_agent_list)


def _detail(c: CustomerInfo) -> str:
    lines = [
        f"{c.name}  <{c.email or 'no e-mail'}>  id {c.id}",
        f"organisation: {c.organisation or '—'}   plan: {c.plan}   phone: {c.phone or '—'}",
        f"time zone: {c.time_zone}   language: {c.language}   owner: {c.owner_name or '—'}",
        f"tags: {', '.join(c.tags) or '—'}   active since: {when(c.active_since)}"
        f"   churned: {when(c.churned_at)}   open tickets: {c.open_tickets}",
    ]
    if c.preferences:
        lines.append("preferences:")
        lines += [f"  {k}: {v}" for k, v in sorted(c.preferences.items())]
    return "\n".join(lines)


def cmd_create(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    owner = wb.agents.get(args.owner).id if args.owner else None
    c = wb.customers.create(
        args.name,
        args.email,
        phone=args.phone,
        organisation=args.organisation,
        plan=args.plan,
        time_zone=args.time_zone,
        language=args.language,
        owner_id=owner,
    )
    emit(args, c, lambda: f"created customer {c.name} ({c.id})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    rows = wb.customers.list(args.search, limit=max(1, args.limit))

    def human() -> str:
        if not rows:
            return "no customers"
        return table(
            ["Name", "E-mail", "Organisation", "Plan", "Owner"],
            [[c.name, c.email or "—", c.organisation or "—", c.plan, c.owner_name or "—"]
             for c in rows],
            [30, 34, 26, 10, 20],
        )

    emit(args, rows, human)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    c = wb.customers.get(args.customer)
    emit(args, c, lambda: _detail(c))
    return 0


def cmd_agent_create(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    a = wb.agents.create(args.name, args.email, args.role)
    emit(args, a, lambda: f"created {a.role} {a.name} <{a.email}>")
    return 0


def cmd_agent_list(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    agents = wb.agents.list()
    emit(args, agents, lambda: table(
        ["Name", "E-mail", "Role"], [[a.name, a.email, a.role] for a in agents], [30, 40, 8]
    ) if agents else "no agents")
    return 0
