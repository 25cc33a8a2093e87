"""What a user typed into a search box, parsed into a query that can never be malformed.

The grammar is deliberately small; everything outside it is plain text to look for:

* words are ANDed: ``printer offline``
* ``"a quoted phrase"``; a quote left open runs to the end (search-as-you-type)
* ``word*`` or ``"a phrase"*``: a prefix (the trigram index matches substrings, so a
  prefix needs nothing more; the star is accepted and dropped)
* ``a OR b``; ``-word``, ``-"a phrase"`` or ``NOT word`` exclude; ``AND`` is the default
* ``#123`` or ``123`` also names ticket number 123

Operators are upper case and only count where they join terms (a lone ``OR`` or a trailing
``NOT`` is dropped, a query that is only ``NOT`` looks for "not"). ``NEAR``, ``:``, ``^``,
``(`` and every other character are text. :meth:`SearchQuery.fts` writes each term as an
FTS5 string literal, so the MATCH expression is well-formed for any input.

Terms shorter than :data:`MIN_INDEXED_CHARS` characters have no trigram, so the index cannot
look them up: they are left to a substring scan (:attr:`SearchQuery.short_groups`).
Highlight markers are :data:`MARK_START` and :data:`MARK_END` (STX/ETX), which never occur in
text a person types; renderers turn them into bold, brackets or a styled span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_INDEXED_CHARS = 3  # the trigram tokenizer needs 3 characters to make one token
MAX_QUERY_CHARS = 500  # a 5 MB paste is cut, not refused: search boxes must not raise
MAX_TERM_CHARS = 100
MAX_TERMS = 16
MARK_START = "\x02"
MARK_END = "\x03"
ELLIPSIS = "…"

# Invisible marks that pasted RTL text carries but stored text does not (LRM/RLM, bidi
# embeddings and isolates); ZWNJ/ZWJ stay: Persian and Indic words are spelled with them.
_INVISIBLE = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
)
_NUMBER = re.compile(r"#?(\d{1,9})")


@dataclass(frozen=True)
class Term:
    """One thing to find: a word or a phrase (case-insensitive substring)."""

    text: str
    phrase: bool = False
    prefix: bool = False

    @property
    def indexed(self) -> bool:
        """True when the trigram index can look it up (3 characters or more)."""
        return len(self.text) >= MIN_INDEXED_CHARS

    def fts(self) -> str:
        """The term as an FTS5 string literal: quotes doubled, nothing else special."""
        return '"' + self.text.replace('"', '""') + '"'


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: every group must match (AND); a group matches if any term does."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    number: int | None = None

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every term to find (for ranking and highlighting), each once."""
        return tuple(dict.fromkeys(t for g in self.groups for t in g))

    @property
    def indexed_groups(self) -> tuple[tuple[Term, ...], ...]:
        """The groups the index can evaluate: their short terms dropped, empty groups too.

        A short term ANDed with a long one only narrows the result: the caller checks it on
        what the index found. A short term ORed with a long one is dropped (``ab OR printer``
        finds printers only): the index cannot enumerate what holds ``ab``.
        """
        out = (tuple(t for t in g if t.indexed) for g in self.groups)
        return tuple(g for g in out if g)

    @property
    def short_groups(self) -> tuple[tuple[Term, ...], ...]:
        """The groups for the substring fallback, used when no group can use the index."""
        return self.groups if not self.indexed_groups else ()

    def fts(self) -> str | None:
        """The FTS5 MATCH expression, or None when no term can use the index."""
        groups = self.indexed_groups
        if not groups:
            return None
        parts = [
            g[0].fts() if len(g) == 1 else "(" + " OR ".join(t.fts() for t in g) + ")"
            for g in groups
        ]
        expr = " AND ".join(parts)
        # FTS5's NOT is binary and left-associative: (a AND b) NOT x NOT y.
        unwanted = "".join(f" NOT {t.fts()}" for t in self.excluded if t.indexed)
        return f"({expr}){unwanted}" if unwanted else expr


def clean_text(text: str) -> str:
    """NFC, no control characters, lone surrogates or invisible bidi marks; bounded."""
    text = text[: MAX_QUERY_CHARS * 2]
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cs" or ord(ch) in _INVISIBLE:
            continue
        out.append(" " if cat == "Cc" else ch)
    return unicodedata.normalize("NFC", "".join(out))[:MAX_QUERY_CHARS]


def _tokens(text: str) -> list[tuple[str, bool, bool]]:
    """Split into (text, quoted, excluded) tokens; a quote opens a phrase only at a token's
    start (``15"`` stays a word), and a leading minus excludes (``-word``, ``-"a b"``)."""
    tokens: list[tuple[str, bool, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        minus = text[i] == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-"
        if minus:
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            after = end + 1
            if after < n and text[after] == "*":
                after += 1
            tokens.append((text[i + 1 : end] + text[end + 1 : after], True, minus))
            i = after
            continue
        start = i
        while i < n and not text[i].isspace():
            i += 1
        tokens.append((text[start:i], False, minus))
    return tokens


def _term(raw: str, quoted: bool) -> Term | None:
    prefix = raw.endswith("*")
    body = raw.rstrip("*") if prefix else raw
    body = " ".join(body.split()) if quoted else body
    body = body[:MAX_TERM_CHARS]
    if not body.strip():
        return None
    return Term(body, phrase=quoted, prefix=prefix)


def parse(text: str) -> SearchQuery:
    """Parse what a user typed; never raises, whatever the text."""
    text = clean_text(text)
    tokens = _tokens(text)
    ops = {"AND", "OR", "NOT"}
    number = None
    m = _NUMBER.fullmatch(text.strip())
    if m:
        number = int(m.group(1))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    pending_not = False
    for idx, (raw, quoted, minus) in enumerate(tokens):
        if not quoted and not minus and raw in ops and len(tokens) > 1:
            has_next = idx + 1 < len(tokens)
            if raw == "OR":
                pending_or = bool(groups) and has_next
            elif raw == "NOT":
                pending_not = has_next
            continue
        negative = pending_not or minus
        term = _term(raw, quoted)
        if term is None:
            continue
        if negative:
            excluded.append(term)
        elif pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = pending_not = False
    out: list[tuple[Term, ...]] = []
    seen: set[tuple[Term, ...]] = set()
    for group in groups:
        key = tuple(dict.fromkeys(group))
        if key not in seen:
            seen.add(key)
            out.append(key)
    return SearchQuery(tuple(out[:MAX_TERMS]), tuple(dict.fromkeys(excluded))[:MAX_TERMS], number)


def fold(text: str) -> str:
    """Lower case with one character per character, so positions map back to *text*."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def count(folded: str, term: Term) -> int:
    """How often *term* occurs in already :func:`fold`-ed text."""
    return folded.count(fold(term.text))


def _spans(folded: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = fold(term.text)
        start = folded.find(needle)
        while start >= 0 and len(spans) < 200:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, terms: tuple[Term, ...], width: int = 120) -> str:
    """A one-line excerpt of *text* around the first match, matches between the markers."""
    text = " ".join(text.split())
    spans = _spans(fold(text), terms)
    start = 0
    if spans and spans[0][0] > width // 3:
        start = spans[0][0] - width // 3
        # Start at a word boundary where the script has them; mid-word in Khmer is fine.
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if 0 <= space < start + 15 else start
    end = min(len(text), start + width)
    out = [ELLIPSIS] if start > 0 else []
    pos = start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out += [text[pos:a], MARK_START, text[a:b], MARK_END]
        pos = b
    out.append(text[pos:end])
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out)


def render_marks(text: str, start: str, end: str) -> str:
    """Replace the highlight markers, e.g. with ANSI bold or brackets."""
    return text.replace(MARK_START, start).replace(MARK_END, end)
