"""``workbench kb import PATH...``, ``workbench kb list`` and ``workbench kb show ID``.

Import reads Markdown files and folders (``*.md`` found recursively) with an optional
front matter block; see :mod:`workbench.services.kb_import` for the format and why a run
with any malformed file imports nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.format import table, when
from workbench.services.kb import KbService
from workbench.services.kb_dto import ArticleInfo, ArticleSummary, ImportReport

SHORT_ID = 8  # the end of an id is its random part: unique in practice, accepted by `show`


def register(sub: Any) -> None:
    kb = sub.add_parser(
        "kb", help="knowledge-base articles (canned answers)",
        description="Import, list and show knowledge-base articles.",
    )
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    imp = kb_sub.add_parser(
        "import", help="import Markdown files or folders",
        description=(
            "Import Markdown files (folders: every *.md inside, recursively). A file may "
            "start with a front matter block between '---' lines: title, category "
            "(Billing/Refunds), tags ([a, b] or a, b), language, internal (true/false). "
            "Re-importing an unchanged file changes nothing; a changed file updates its "
            "article. If any file is malformed, nothing is imported."
        ),
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    imp.add_argument("--json", action="store_true", help="print JSON")
    imp.set_defaults(handler=cmd_import)

    ls = kb_sub.add_parser("list", help="list articles")
    ls.add_argument("--archived", action="store_true", help="include archived articles")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=cmd_list)

    show = kb_sub.add_parser("show", help="show one article")
    show.add_argument("article", metavar="ID", help="article id (or its last 8 characters)")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=cmd_show)


def _service(wb: Any) -> KbService:
    found = getattr(wb, "kb", None)
    return found if isinstance(found, KbService) else KbService(wb)


def render_list(articles: list[ArticleSummary], paths: dict[str, str]) -> str:
    if not articles:
        return "no articles"
    rows = [
        [a.id[-SHORT_ID:], a.title, paths.get(a.category_id or "", "—"), a.language,
         "internal" if a.internal else "public", f"v{a.version}", when(a.updated_at)
         + (" (archived)" if a.archived else "")]
        for a in articles
    ]
    headers = ["ID", "TITLE", "CATEGORY", "LANG", "AUDIENCE", "VER", "UPDATED"]
    return table(headers, rows, [SHORT_ID, 48, 28, 6, 8, 5, 30])


def render_article(a: ArticleInfo) -> str:
    lines = [
        a.title,
        f"id        {a.id}",
        f"category  {a.category_path or '—'}",
        f"language  {a.language}   {'internal' if a.internal else 'public'}   v{a.version}"
        + ("   ARCHIVED" if a.archived else ""),
        f"tags      {', '.join(a.tags) or '—'}",
        f"author    {a.author_name or '—'}   last edited by {a.editor_name or '—'} "
        f"on {when(a.updated_at)}",
        f"read      {a.views} time(s), inserted {a.uses} time(s)",
    ]
    if a.translations:
        linked = ", ".join(f"{t.language}: {t.title} ({t.id[-SHORT_ID:]})"
                           for t in a.translations)
        lines.append(f"also in   {linked}")
    if a.source_path:
        lines.append(f"source    {a.source_path}")
    return "\n".join(lines) + "\n\n" + a.body.rstrip()


def render_report(report: ImportReport) -> str:
    lines = [f"{f.outcome:<9} {f.title}  ({f.path})" for f in report.files]
    lines += [f"warning: {w}" for w in report.warnings]
    if report.categories_created:
        lines.append("new categories: " + ", ".join(report.categories_created))
    lines.append(", ".join(f"{report.count(o)} {o}" for o in ("created", "updated", "unchanged")))
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    wb = open_workbench(args)
    report = _service(wb).import_paths(list(args.paths))
    emit(args, report, lambda: render_report(report))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    kb = _service(open_workbench(args))
    articles = kb.articles(include_archived=args.archived)
    paths = {c.id: c.path for c in kb.categories()}
    emit(args, articles, lambda: render_list(articles, paths))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.cli import emit, open_workbench

    article = _service(open_workbench(args)).get(args.article)
    emit(args, article, lambda: render_article(article))
    return 0
