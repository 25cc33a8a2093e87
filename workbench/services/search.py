"""Search across tickets (subject and thread), customers and knowledge-base articles.

``wb.search.search("printer offline")`` returns :class:`SearchHit` records, best first.

How a query runs (the figures are in ``bench/bench_search.py``):

* Terms of 3 characters or more go to the FTS5 trigram indexes, which match substrings in
  any script. Each index yields its newest :data:`CANDIDATES` matches (stopping there is
  what keeps a term found in a third of a million tickets as fast as a rare one); those are
  ranked with BM25 (k1 1.2, b 0.75, per-column weights as FTS5 takes them), document
  frequencies estimated from how densely the matches fall among the newest rows.
  Trade-off: for a term in more than :data:`CANDIDATES` rows, the best hit among the
  newest ones wins over an older, better one.
* A query whose every term is shorter (``a``, ``ab``, a single Khmer letter) has no trigram:
  a substring scan of titles and names in the newest :data:`SHORT_WINDOW` rows of each
  table serves it, bounded in time whatever the database size.
* A ticket's subject counts :data:`SUBJECT_BOOST` times its best message; all the terms
  must occur in the subject or in one message (internal notes included: agents see them).

Scores are "higher is better" and comparable within one search. Snippets carry the
:data:`~workbench.domain.search_query.MARK_START`/``MARK_END`` highlight markers. An
article's snippet is cut from its text as a reader sees it (:func:`markdown_text`), not
from its Markdown source.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from workbench.domain.search_query import SearchQuery, Term, fold, highlight, parse
from workbench.services.errors import ServiceError, ValidationError
from workbench.store import search_index as si
from workbench.store.changelog import Writer

if TYPE_CHECKING:
    from workbench.services.context import Workbench

KINDS = ("ticket", "customer", "article")
MAX_LIMIT = 200
# Rows each index ranks (its newest matches): more ranks common terms better, but costs
# time linearly; long article bodies cost the most to count in.
CANDIDATES: dict[str, int] = {
    si.TICKETS.name: 400,
    si.EVENTS.name: 250,
    si.CUSTOMERS.name: 250,
    si.ARTICLES.name: 150,
}
# Rows the short-text scan reads, newest first: its worst case (text found nowhere) reads
# them all, so the window bounds the time whatever the size of the table.
SHORT_WINDOW: dict[str, int] = {
    si.TICKETS.name: 15_000,
    si.CUSTOMERS.name: 20_000,
    si.ARTICLES.name: 5_000,  # long rows: reading a title reads its page of body too
}
SHORT_SCAN = 50  # rows the short scan ranks: the newest that contain the text
SUBJECT_BOOST = 3.0
NUMBER_SCORE = 1e6  # "#123" names a ticket: that ticket comes first
K1, B = 1.2, 0.75
# Column weights (as FTS5's bm25() takes them): a title or name outweighs a body.
WEIGHTS: dict[str, tuple[float, ...]] = {
    si.TICKETS.name: (1.0,),
    si.EVENTS.name: (1.0,),
    si.CUSTOMERS.name: (3.0, 2.0, 2.0, 1.0),
    si.ARTICLES.name: (4.0, 1.0, 2.0),
}
# The columns the short-text scan reads: titles, names and e-mail addresses, which is what
# one or two typed characters are the start of; never long bodies.
SHORT_COLUMNS: dict[str, tuple[str, ...]] = {
    si.TICKETS.name: ("subject",),
    si.CUSTOMERS.name: ("name", "email"),
    si.ARTICLES.name: ("title",),
}


class SearchUnavailable(ServiceError):
    """The index is missing or damaged: searching cannot work until it is rebuilt."""


@dataclass(frozen=True)
class SearchHit:
    """One result. ``title``: "#12 subject", a customer's name or an article's title."""

    kind: str
    id: str
    title: str
    snippet: str
    score: float
    number: int | None = None


@dataclass(frozen=True)
class ReindexReport:
    """What ``rebuild`` did: rows indexed per table, seconds, objects it had to recreate."""

    counts: dict[str, int]
    seconds: float
    repaired: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$",
                         re.MULTILINE)
_BLOCK = re.compile(  # a heading or list item line: its marker and its text
    r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d{1,3}[.)][ \t]+)(.*?)"
    r"(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_LINK_DEFINITION = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"\*\*|__|~~")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\w)|(?<=\w)\*(?![\w*])|(?<![\w_])_(?=\w)|(?<=\w)_(?![\w_])")
_CELL = re.compile(r"[ \t]*\|[ \t]*")


def markdown_text(markdown: str, title: str | None = None) -> str:
    """An article's Markdown as the reader sees it, on one line: no heading, list or quote
    markers, emphasis, code fences or backticks, link targets, images or HTML tags (their
    text stays). Headings and list items end with " · " so that they do not run into what
    follows. A first heading repeating *title* is left out (the hit shows the title)."""
    text = _FENCE.sub("", markdown)
    text = _RULE.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINK_DEFINITION.sub("", text)
    if title is not None:
        first = text.lstrip().split("\n", 1)
        if first[0].lstrip("#").strip() == title.strip() and first[0].startswith("#"):
            text = first[1] if len(first) > 1 else ""
    text = _BLOCK.sub(lambda m: m.group(1) + " · " if m.group(1) else "", text)
    text = _QUOTE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _STRONG.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("`", "")
    text = "\n".join(_CELL.sub(" · ", line).strip(" ·") if line.count("|") >= 2 else line
                     for line in text.split("\n"))
    return " ".join(text.split()).strip(" ·")


def _like_needles(term: Term) -> list[str]:
    # LIKE folds ASCII case only; Armenian, Cyrillic or accented Latin need the other form
    # (as typed in lower case, or capitalised as names and titles begin). Each form is one
    # more pass over every row scanned, so all-capitals is not tried.
    t = term.text
    return [t] if t.isascii() else list(dict.fromkeys([t.lower(), t.capitalize()]))


def _count_needles(term: Term) -> list[str]:
    """The folded term first (it meets SQL lower()), then the case forms lower() misses."""
    folded = fold(term.text)
    if term.text.isascii():
        return [folded]
    return list(dict.fromkeys([folded, term.text.upper(), term.text.capitalize()]))


class SearchService:
    """Full-text search for the search box, the command palette and ``workbench search``.

    Reads only; safe to call from a worker thread (each call opens its own session).
    """

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self._mean_length: dict[str, float] = {}

    # -- searching -----------------------------------------------------------------------
    def search(self, query: str, kind: str | None = None, limit: int = 20) -> list[SearchHit]:
        """The best *limit* hits for what the user typed; never fails on the text itself."""
        if kind is not None and kind not in KINDS:
            raise ValidationError(f"{kind!r} is not a kind of record; use {', '.join(KINDS)}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        q = parse(query)
        if q.empty:
            return []
        hits: list[SearchHit] = []
        try:
            with self.wb.read() as s:
                if kind in (None, "ticket"):
                    hits += self._tickets(s, q, limit)
                for spec, name in ((si.CUSTOMERS, "customer"), (si.ARTICLES, "article")):
                    if kind in (None, name):
                        hits += self._hits(s, q, spec, name, limit)
        except DatabaseError as exc:
            reason = str(exc.orig)
            if not any(sign in reason for sign in ("search_", "fts5", "malformed")):
                raise
            raise SearchUnavailable(
                f"the search index is missing or damaged ({reason}); "
                "run 'workbench reindex' to rebuild it"
            ) from exc
        hits.sort(key=lambda h: -h.score)  # stable: equal scores keep newest first
        return hits[:limit]

    def _ranked(self, s: Session, q: SearchQuery, spec: si.IndexSpec, limit: int) -> list[si.Hit]:
        """The best *limit* rows of one index with their BM25 score, best first."""
        terms = q.terms
        needles = [_count_needles(t) for t in terms]
        weights, avgdl = WEIGHTS[spec.name], self._avgdl(s, spec)
        match = q.fts()
        if match is None:  # every term is too short for the index: scan titles and names
            columns = SHORT_COLUMNS.get(spec.name)
            if not columns:
                return []
            groups = [[v for t in g for v in _like_needles(t)] for g in q.short_groups]
            reject = [v for t in q.excluded for v in _like_needles(t)]
            scoring = si.Scoring(needles, [1.0] * len(terms), weights, avgdl, K1, B)
            return si.containing(s, spec, columns, groups, scoring, SHORT_WINDOW[spec.name],
                                 max(limit, SHORT_SCAN), reject).hits[:limit]
        # Terms the index could not use still narrow what it found.
        require = [[v for t in g for v in _like_needles(t)]
                   for g in q.groups if not any(t.indexed for t in g)]
        reject = [v for t in q.excluded if not t.indexed for v in _like_needles(t)]
        cap = CANDIDATES[spec.name]
        single = len(terms) == 1 and match == terms[0].fts()
        # One term: its idf only scales every score, so the ranking query itself tells how
        # often it occurs; several: each one's frequency is looked up first.
        idf = [1.0] if single else self._idf(s, spec, terms, cap)
        scoring = si.Scoring(needles, idf, weights, avgdl, K1, B)
        ranked = si.matching(s, spec, match, scoring, cap, limit, require, reject)
        if not single:
            return ranked.hits
        factor = self._idf_of(s, spec, ranked.found, ranked.oldest, cap)
        return [si.Hit(h.rowid, h.key, h.score * factor) for h in ranked.hits]

    def _idf(self, s: Session, spec: si.IndexSpec, terms: Sequence[Term],
             cap: int) -> list[float]:
        return [
            self._idf_of(s, spec, *si.match_extent(s, spec, t.fts(), cap), cap)
            if t.indexed else 1.0
            for t in terms
        ]

    def _idf_of(self, s: Session, spec: si.IndexSpec, found: int, oldest: int,
                cap: int) -> float:
        total = max(si.max_rowid(s, spec.table), 1)
        # Past the cap, estimate the frequency from how densely the matches fall among the
        # newest rows rather than counting them all (which is what makes bm25() slow).
        df = found if found < cap else found * total / max(total - oldest + 1, 1)
        # Lucene's smoothed idf: unlike FTS5's it stays positive for a term found in most
        # rows, so small tables (a team's first tickets) still rank sensibly.
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    def _avgdl(self, s: Session, spec: si.IndexSpec) -> float:
        if spec.name not in self._mean_length:
            self._mean_length[spec.name] = max(si.mean_length(s, spec), 1.0)
        return self._mean_length[spec.name]

    def _tickets(self, s: Session, q: SearchQuery, limit: int) -> list[SearchHit]:
        score: dict[str, float] = {}
        message: dict[str, int] = {}  # ticket -> rowid of its best-matching message
        for r in self._ranked(s, q, si.TICKETS, limit):
            score[r.key] = SUBJECT_BOOST * r.score
        if q.fts() is not None:  # message bodies are searched through the index only
            # Twice as many: one ticket's several messages must not crowd out the others.
            for r in self._ranked(s, q, si.EVENTS, 2 * limit):
                if r.key not in message:  # best first: the first one is the best
                    message[r.key] = r.rowid
                    score[r.key] = score.get(r.key, 0.0) + r.score
        if q.number is not None:
            found = si.ticket_by_number(s, q.number)
            if found is not None:
                score[found] = NUMBER_SCORE
        best = sorted(score, key=lambda k: -score[k])[:limit]
        heads = si.ticket_heads(s, best)
        bodies = si.texts(s, si.EVENTS, [message[t] for t in best if t in message])
        hits = []
        for ticket_id in best:
            if ticket_id not in heads:
                continue
            number, subject = heads[ticket_id]
            key = f"#{number}" if number is not None else f"P-{ticket_id[-8:]}"
            shown = bodies.get(message.get(ticket_id, -1), (subject,))[0]
            hits.append(SearchHit("ticket", ticket_id, f"{key} {subject}",
                                  highlight(shown, q.terms), score[ticket_id], number))
        return hits

    def _hits(self, s: Session, q: SearchQuery, spec: si.IndexSpec, kind: str,
              limit: int) -> list[SearchHit]:
        ranked = self._ranked(s, q, spec, limit)
        texts = si.texts(s, spec, [r.rowid for r in ranked])
        out = []
        for r in ranked:
            if r.rowid not in texts:
                continue
            fields = texts[r.rowid]
            if kind == "customer":
                shown = " · ".join(t for t in fields if t)
            else:  # an article: the body, else the tags or the title that matched
                title, body, tags = fields
                with suppress(ValueError, TypeError):  # not JSON: show it as it is
                    tags = ", ".join(str(t) for t in json.loads(tags or "[]"))
                body = markdown_text(body or "", title)
                shown = next((t for t in (body, tags, title) if _has(t, q.terms)), body)
            out.append(SearchHit(kind, r.key, fields[0], highlight(shown, q.terms), r.score))
        return out

    # -- upkeep --------------------------------------------------------------------------
    def rebuild(self) -> ReindexReport:
        """Recreate any missing index or trigger and refill every index from its table."""
        started = time.perf_counter()
        with self.wb.write() as w:
            repaired = si.ensure_schema(w.session)
            counts = si.rebuild(w.session)
        self._mean_length.clear()
        return ReindexReport(counts, time.perf_counter() - started, repaired)

    @contextmanager
    def bulk_load(self, *, appended_only: bool = True) -> Iterator[Writer]:
        """A write transaction with the index triggers suspended, for loads of many rows.

        Use it for tens of thousands of rows (demo data, a large import); the new rows are
        indexed in one pass when the block ends. See :func:`search_index.bulk_load`.
        """
        with self.wb.write() as w, si.bulk_load(w.session, appended_only=appended_only):
            yield w
        self._mean_length.clear()


def _has(text: str, terms: Sequence[Term]) -> bool:
    folded = fold(text)
    return any(fold(t.text) in folded for t in terms)
