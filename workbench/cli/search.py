"""``workbench search QUERY`` and ``workbench reindex``.

Matches are shown in bold on a terminal and between [brackets] otherwise; ``--json`` keeps
the snippet's STX/ETX markers (U+0002, U+0003) for the consumer to render.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.domain.search_query import render_marks
from workbench.services.search import KINDS, ReindexReport, SearchHit, SearchService

BOLD, PLAIN = "\x1b[1m", "\x1b[0m"


def register(sub: Any) -> None:
    s = sub.add_parser(
        "search",
        help="find tickets, customers and knowledge-base articles",
        description=(
            'Words must all match; "a phrase" in quotes; word* for a prefix; a OR b; -word '
            "or NOT word to exclude; #123 for a ticket number. Any other character is text. "
            "Put -- before a query that starts with '-'."
        ),
    )
    s.add_argument("query", nargs="+", help="what to look for (any script)")
    s.add_argument("--kind", choices=KINDS, help="only this kind of record")
    s.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(handler=cmd_search)

    r = sub.add_parser("reindex", help="rebuild the full-text search indexes")
    r.add_argument("--json", action="store_true", help="print JSON")
    r.set_defaults(handler=cmd_reindex)


def _service(wb: Any) -> SearchService:
    found = getattr(wb, "search", None)
    return found if isinstance(found, SearchService) else SearchService(wb)


def render_hits(hits: list[SearchHit], bold: bool) -> str:
    if not hits:
        return "no matches"
    start, end = (BOLD, PLAIN) if bold else ("[", "]")
    lines = []
    for h in hits:
        lines.append(f"{h.kind:<9}{h.title}")
        lines.append(" " * 9 + render_marks(h.snippet, start, end))
    return "\n".join(lines)


def render_report(report: ReindexReport) -> str:
    counts = ", ".join(f"{n:,} {table}" for table, n in report.counts.items())
    lines = [f"indexed {counts} in {report.seconds:.1f} s"]
    if report.repaired:
        lines.append(f"recreated missing {', '.join(report.repaired)}")
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    hits = _service(wb).search(" ".join(args.query), kind=args.kind, limit=args.limit)
    emit(args, hits, lambda: render_hits(hits, sys.stdout.isatty()))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    report = _service(wb).rebuild()
    emit(args, report, lambda: render_report(report))
    return 0
