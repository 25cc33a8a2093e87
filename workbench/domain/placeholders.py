"""Placeholders in canned answers: ``{customer.first_name}`` filled in when an article is inserted.

The grammar is small and total — every text parses, nothing here raises on article text:

* ``{name}`` is a placeholder when *name* is dotted identifiers (``customer.first_name``)
  or one of the few known single words (``today``); ``{id}`` in a code sample stays text.
  Spaces inside the braces are allowed; names are case-insensitive.
* ``{name|fallback}`` uses *fallback* when the value is missing (``{customer.first_name|there}``);
  an empty fallback (``{customer.organisation|}``) deliberately leaves nothing.
* ``{{`` and ``}}`` are literal braces; any other brace that does not close a placeholder
  (``{``, ``}``, ``{"json": 1}``) is plain text.

:func:`render` never blanks a value silently: a placeholder without a value and without a
fallback is left in the text as ``«customer.first_name?»`` and its span is reported, so the
composer can highlight what the agent still has to fill in. Unknown names (a typo such as
``{customer.frist_name}``) have no value either: :func:`unknown_placeholders` lets the
editor flag them while the article is being written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

MAX_FALLBACK_CHARS = 200
MISSING_OPEN, MISSING_CLOSE = "«", "?»"

# Name -> what it stands for (shown in the editor's help and the docs).
KNOWN: dict[str, str] = {
    "customer.first_name": "the customer's first name",
    "customer.name": "the customer's full name",
    "customer.email": "the customer's e-mail address",
    "customer.phone": "the customer's phone number",
    "customer.organisation": "the customer's organisation",
    "customer.plan": "the customer's plan",
    "ticket.number": "the ticket's number (1234)",
    "ticket.key": "the ticket's reference as the app shows it (#1234)",
    "ticket.subject": "the ticket's subject",
    "ticket.priority": "the ticket's priority",
    "ticket.status": "the ticket's status",
    "agent.name": "your full name",
    "agent.first_name": "your first name",
    "agent.email": "your e-mail address",
    "team.name": "your team's name",
    "today": "today's date (YYYY-MM-DD, in the customer's time zone)",
}

_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_TOKEN = re.compile(
    r"\{\{|\}\}|\{[ \t]*(?P<name>" + _NAME + r")[ \t]*"
    r"(?:\|(?P<fallback>[^{}\n]{0," + str(MAX_FALLBACK_CHARS) + r"}))?\}"
)


_BARE = frozenset(name for name in KNOWN if "." not in name)


def _is_placeholder(name: str) -> bool:
    return "." in name or name.lower() in _BARE


_MISSING = re.compile(re.escape(MISSING_OPEN) + _NAME + re.escape(MISSING_CLOSE))


@dataclass(frozen=True)
class Placeholder:
    """One placeholder as written: its (lower-case) name, fallback and span in the text."""

    name: str
    fallback: str | None
    start: int
    end: int

    @property
    def source(self) -> str:
        """The canonical spelling: ``{name}`` or ``{name|fallback}``."""
        return "{" + self.name + ("" if self.fallback is None else "|" + self.fallback) + "}"


@dataclass(frozen=True)
class Rendered:
    """Text with its placeholders filled; *missing_spans* are (start, end) character offsets
    (Python string indices) of the ``«name?»`` marks left where no value was known."""

    text: str
    missing_spans: tuple[tuple[int, int], ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing_spans


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in *text*, in order (escaped braces and stray braces are skipped)."""
    found = []
    for m in _TOKEN.finditer(text):
        name = m.group("name")
        if name is None or not _is_placeholder(name):
            continue
        fallback = m.group("fallback")
        found.append(
            Placeholder(name.lower(), None if fallback is None else fallback.strip(),
                        m.start(), m.end())
        )
    return found


def unknown_placeholders(text: str, known: Mapping[str, object] = KNOWN) -> list[Placeholder]:
    """The placeholders whose name is not one the app can fill (typos, other tools' syntax)."""
    return [p for p in find_placeholders(text) if p.name not in known]


def missing_mark(name: str) -> str:
    """How a placeholder without a value shows in an inserted answer: ``«name?»``."""
    return f"{MISSING_OPEN}{name}{MISSING_CLOSE}"


def render(text: str, values: Mapping[str, str | None]) -> Rendered:
    """*text* with each placeholder replaced by its value, else its fallback, else a mark.

    A value that is None or only whitespace counts as missing. Values are inserted as they
    are: braces inside a customer's name are never read as placeholders.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    missing: list[str] = []
    length = 0
    last = 0
    for m in _TOKEN.finditer(text):
        literal = text[last:m.start()]
        out.append(literal)
        length += len(literal)
        last = m.end()
        token = m.group()
        name = m.group("name")
        if name is None:  # "{{" or "}}"
            piece = token[0]
        elif not _is_placeholder(name):  # "{word}" is text
            piece = token
        else:
            name = name.lower()
            value = values.get(name)
            fallback = m.group("fallback")
            if value is not None and value.strip():
                piece = value
            elif fallback is not None:
                piece = fallback.strip()
            else:
                piece = missing_mark(name)
                spans.append((length, length + len(piece)))
                missing.append(name)
        out.append(piece)
        length += len(piece)
    out.append(text[last:])
    return Rendered("".join(out), tuple(spans), tuple(missing))


def missing_marks(text: str) -> list[tuple[int, int]]:
    """Spans of the ``«name?»`` marks still in *text* (a reply holding several answers)."""
    return [m.span() for m in _MISSING.finditer(text)]


def escape(text: str) -> str:
    """*text* written so that :func:`render` gives it back unchanged (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


# Languages whose names are written family name first: the name one is greeted by (the
# given name) is the last part ("Nagy Péter" -> Péter, "Nguyễn Văn An" -> An). By primary
# language subtag (BCP 47: "km", "km-KH", "hu_HU").
FAMILY_NAME_FIRST_LANGUAGES = frozenset({"km", "hu", "vi", "zh", "ja", "ko"})
# Scripts whose names are family name first whatever language tag the record carries:
# Khmer, Han, Hiragana/Katakana and Hangul (start, end) code point ranges.
_FAMILY_FIRST_SCRIPTS = (
    (0x1780, 0x17FF), (0x19E0, 0x19FF),  # Khmer, Khmer symbols
    (0x3040, 0x30FF), (0x31F0, 0x31FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),  # Han
    (0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF),  # Hangul
)


def _in_family_first_script(ch: str) -> bool:
    code = ord(ch)
    return any(start <= code <= end for start, end in _FAMILY_FIRST_SCRIPTS)


def family_name_first(full_name: str, language: str | None = None) -> bool:
    """True when *full_name* is written family name first: by the person's *language*
    (its primary subtag) when that says so, else by the script the name is written in
    (a Khmer or Han name is family name first even on a record tagged "en")."""
    if language:
        primary = language.strip().replace("_", "-").split("-")[0].lower()
        if primary in FAMILY_NAME_FIRST_LANGUAGES:
            return True
    letters = [ch for ch in full_name if ch.isalpha()]
    if not letters:
        return False
    in_script = sum(1 for ch in letters if _in_family_first_script(ch))
    return in_script * 2 > len(letters)


def first_name(full_name: str | None, language: str | None = None) -> str | None:
    """The name a person is greeted by (their given name); None when there is no name.

    "Ana Lima" -> "Ana"; family-name-first names give their last part: a Khmer
    "សុខ ចាន់ថា" -> "ចាន់ថា", and with *language* "hu" "Nagy Péter" -> "Péter"
    (see :func:`family_name_first`). A one-word name is returned whole.
    """
    if full_name is None:
        return None
    words = full_name.split()
    if not words:
        return None
    return words[-1] if family_name_first(full_name, language) else words[0]
