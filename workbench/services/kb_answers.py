"""Articles as canned answers: placeholder values, the reply text, suggestions, reads, uses.

Reached through :class:`~workbench.services.kb.KbService` (``render_for_ticket``,
``suggest_for_ticket``, ``record_view``, ``record_use``), which keeps the articles
themselves. Answers are inserted as plain text (the composer's and the thread's format):
:func:`markdown_to_text` drops the Markdown syntax, keeping lists and links readable.

Suggestions search the article index with the ticket's most distinctive words — the
subject's first, then the last customer message's, longest first, without common words —
ORed, so an article matching any of them is a candidate and BM25 ranks those matching
more (and rarer) words higher. Translations of one topic share tags, so only the best
article of each translation group is kept, preferring the customer's language.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.domain.kpi import MIN_READ_SECONDS
from workbench.domain.placeholders import KNOWN, Rendered, first_name, render
from workbench.domain.search_query import MIN_INDEXED_CHARS
from workbench.services.errors import NotFound, ValidationError
from workbench.services.kb_dto import ArticleSuggestion
from workbench.store import kb_queries as kq
from workbench.store import ticket_queries as tq
from workbench.store.models import ArticleView, CannedUse

if TYPE_CHECKING:
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)

MAX_READ_SECONDS = 24 * 3600
MAX_TERMS = 8
LONG_RUN = 20  # a run this long without spaces (Khmer, Thai) is a clause, not a word
RUN_PIECE = 8
LANGUAGE_BOOST = 1.5
# Words too common to tell one ticket from another (the index ignores nothing itself).
_STOPWORD_TEXT = """
a about after again all also am an and any are as at be because been before being but by can
cannot could did do does doing dont for from get got had has have having hello help here hi
how i if in into is it its just me my need no not now of on or our please problem regards
same so some still than thank thanks that the their them then there these they this those
to too tried trying up us very was we were what when where which while who why will with
would yes yet you your
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def placeholder_values(wb: Workbench, ticket_ref: str | None,
                       agent_id: str | None) -> dict[str, str | None]:
    """Every known placeholder's value (None where the ticket or agent does not say)."""
    values: dict[str, str | None] = dict.fromkeys(KNOWN)
    zone = "UTC"
    with wb.read() as s:
        if ticket_ref:
            t = tq.find_ticket(s, ticket_ref)
            facts = kq.ticket_facts(s, t.id) if t is not None else None
            if facts is None:
                raise NotFound(f"no ticket {ticket_ref!r}")
            number = facts["number"]
            key = f"#{number}" if number is not None else f"P-{facts['id'][-8:]}"
            values.update({
                "ticket.number": str(number) if number is not None else key,
                "ticket.key": key,
                "ticket.subject": facts["subject"],
                "ticket.priority": facts["priority"],
                "ticket.status": facts["status"],
                "team.name": facts["team_name"],
                "customer.name": facts["customer_name"],
                "customer.first_name": first_name(facts["customer_name"], facts["language"]),
                "customer.email": facts["email"],
                "customer.phone": facts["phone"],
                "customer.organisation": facts["organisation"],
                "customer.plan": facts["plan"],
            })
            zone = facts["time_zone"] or zone
        agent = kq.agent_facts(s, agent_id) if agent_id else None
        if agent is not None:
            values.update({"agent.name": agent["name"], "agent.first_name": first_name(
                agent["name"]), "agent.email": agent["email"]})
            values["team.name"] = values["team.name"] or agent["team_name"]
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    values["today"] = datetime.fromtimestamp(wb.now_ms() / 1000, tz).date().isoformat()
    return values


def answer_body(title: str, body: str) -> str:
    """The part of an article that goes into a reply: a first "# title" line is the
    article's heading, not something to say to the customer."""
    lines = body.lstrip("\n").split("\n")
    if lines and lines[0].startswith("# ") and lines[0][2:].strip() == title.strip():
        return "\n".join(lines[1:]).lstrip("\n")
    return body


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_BULLET = re.compile(r"^(\s*)[*+]\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
_CODE = re.compile(r"`([^`]+)`")
_ESCAPED = re.compile(r"\\([\\`*_#>\[\]()!+.-])")
_SET_ASIDE = 0xF0000  # a private-use plane, which articles do not use
_SET_ASIDE_CHARS = re.compile("[\U000F0000-\U000F007F]")


def markdown_to_text(markdown: str) -> str:
    """Markdown as the plain text a reply carries: headings, emphasis, code marks and link
    syntax dropped (a link keeps its address in brackets), bullets as "- ", numbered lists
    and line breaks kept. Placeholders pass through untouched (single underscores, as in
    ``first_name``, are never emphasis here)."""
    out: list[str] = []
    # Escaped characters are set aside first, so "\\*" never opens an emphasis (unless the
    # text already uses that private-use range: then escapes stay as they are).
    aside = not _SET_ASIDE_CHARS.search(markdown)
    if aside:
        markdown = _ESCAPED.sub(lambda m: chr(_SET_ASIDE + ord(m.group(1))), markdown)
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            continue
        if _RULE.match(line):
            out.append("—" * 3)
            continue
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _QUOTE.sub("", line)
        line = _BULLET.sub(r"\1- ", line)
        line = _IMAGE.sub(r"\1", line)
        line = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2)
                         else f"{m.group(1)} ({m.group(2)})", line)
        line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        out.append(line.rstrip())
    text = "\n".join(out)
    return _SET_ASIDE_CHARS.sub(lambda m: chr(ord(m.group()) - _SET_ASIDE), text) if aside else text


def render_answer(title: str, body: str, values: dict[str, str | None]) -> Rendered:
    """The reply text of an article: plain text, placeholders filled or marked."""
    return render(markdown_to_text(answer_body(title, body)).strip("\n") + "\n", values)


def _is_word_char(ch: str) -> bool:
    # Letters, combining marks (Khmer, Bengali vowel signs) and digits; ZWNJ/ZWJ spell
    # Persian and Indic words.
    return unicodedata.category(ch)[0] in "LMN" or ch in "\u200c\u200d"


def words(text: str) -> list[str]:
    """The words of *text* in any script, in order."""
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def distinctive_terms(subject: str, message: str | None,
                      limit: int = MAX_TERMS) -> list[str]:
    """The words that best tell what a ticket is about (see the module docstring)."""
    picked: dict[str, str] = {}
    for source in (subject, message or ""):
        candidates = []
        for word in words(source[:5000]):
            if len(word) >= LONG_RUN:
                candidates += [word[i:i + RUN_PIECE] for i in range(0, 3 * RUN_PIECE, RUN_PIECE)]
            else:
                candidates.append(word)
        ranked = sorted(candidates, key=len, reverse=True)
        for word in ranked:
            key = word.casefold()
            if (len(word) < MIN_INDEXED_CHARS or key in STOPWORDS or word.isdigit()
                    or key in picked):
                continue
            picked[key] = word
            if len(picked) >= limit:
                return list(picked.values())
    return list(picked.values())


def suggest_for_ticket(wb: Workbench, ticket_ref: str, limit: int = 5) -> list[ArticleSuggestion]:
    from workbench.services.search import SearchService, SearchUnavailable

    with wb.read() as s:
        t = tq.find_ticket(s, ticket_ref)
        if t is None:
            raise NotFound(f"no ticket {ticket_ref!r}")
        facts = kq.ticket_facts(s, t.id)
        message = kq.last_customer_message(s, t.id)
    terms = distinctive_terms(t.subject, message)
    if not terms or limit < 1:
        return []
    query = " OR ".join('"' + term.replace('"', "") + '"' for term in terms)
    search = getattr(wb, "search", None)
    if not isinstance(search, SearchService):
        search = SearchService(wb)
    try:
        hits = search.search(query, kind="article", limit=max(4 * limit, 20))
    except SearchUnavailable as exc:  # the search box reports it; suggestions just go quiet
        log.warning("no article suggestions: %s", exc)
        return []
    customer_language = (facts or {}).get("language")
    with wb.read() as s:
        flags = kq.article_flags(s, [h.id for h in hits])
    best: dict[str, ArticleSuggestion] = {}
    for h in hits:
        if h.id not in flags:
            continue
        language, internal, group = flags[h.id]
        score = h.score * (LANGUAGE_BOOST if language == customer_language else 1.0)
        key = group or h.id
        if key not in best or score > best[key].score:
            best[key] = ArticleSuggestion(h.id, h.title, h.snippet, language, internal, score)
    return sorted(best.values(), key=lambda a: -a.score)[:limit]


def ticket_language(wb: Workbench, ticket_ref: str) -> str | None:
    with wb.read() as s:
        t = tq.find_ticket(s, ticket_ref)
        facts = kq.ticket_facts(s, t.id) if t is not None else None
    if facts is None:
        raise NotFound(f"no ticket {ticket_ref!r}")
    return str(facts["language"]) if facts["language"] else None


# -- reads and uses (append-only rows) -------------------------------------------------------
def record_view(wb: Workbench, article_id: str, seconds: float) -> bool:
    if not 0 <= seconds <= MAX_READ_SECONDS:
        raise ValidationError(f"{seconds} s is not a possible reading time")
    if seconds < MIN_READ_SECONDS:
        return False
    with wb.write() as w:
        if kq.article(w.session, article_id) is None:
            raise NotFound(f"no article {article_id!r}")
        w.insert(ArticleView(article_id=article_id, agent_id=w.actor_id, viewed_at=w.now_ms,
                             seconds=int(seconds)))
    return True


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def record_use(wb: Workbench, article_id: str, ticket_ref: str | None, inserted_text: str,
               sent_text: str) -> bool:
    edited = _normal(inserted_text).strip() not in _normal(sent_text)
    with wb.write() as w:
        if w.actor_id is None:
            raise ValidationError("no agent is acting; sign in or pass --as AGENT")
        if kq.article(w.session, article_id) is None:
            raise NotFound(f"no article {article_id!r}")
        ticket = tq.find_ticket(w.session, ticket_ref) if ticket_ref else None
        if ticket_ref and ticket is None:
            raise NotFound(f"no ticket {ticket_ref!r}")
        w.insert(CannedUse(article_id=article_id, agent_id=w.actor_id,
                           ticket_id=ticket.id if ticket else None, edited=edited,
                           used_at=w.now_ms))
    return edited
