"""Checks on user-typed text shared by every entry point (GUI, CLI, import)."""

from __future__ import annotations

import re
import unicodedata

MAX_LINE_CHARS = 500
MAX_BODY_CHARS = 200_000

# Embedding, override and isolate controls can make a name read differently from what it
# is (the "Trojan Source" trick); marks like U+200F that Persian text needs are allowed.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_line(value: str, what: str, *, required: bool = True, limit: int = MAX_LINE_CHARS) -> str:
    """A one-line field (name, subject...): trimmed, NFC, no bidi overrides or newlines."""
    text = unicodedata.normalize("NFC", value).strip()
    if required and not text:
        raise ValueError(f"{what} is empty; please write one")
    if len(text) > limit:
        raise ValueError(f"{what} is {len(text):,} characters long; the limit is {limit:,}")
    m = _BIDI_CONTROLS.search(text)
    if m:
        raise ValueError(
            f"{what} contains an invisible bidirectional control character "
            f"(U+{ord(m.group()):04X}) at position {m.start() + 1}; remove it"
        )
    if "\n" in text or "\r" in text:
        raise ValueError(f"{what} must be a single line")
    return text


def clean_body(value: str, what: str = "the text", *, required: bool = True) -> str:
    """A multi-line text (reply, note, article body): NFC, bounded in size."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    if required and not text.strip():
        raise ValueError(f"{what} is empty")
    if len(text) > MAX_BODY_CHARS:
        raise ValueError(
            f"{what} is {len(text):,} characters long; the limit is {MAX_BODY_CHARS:,} "
            "(attach large content as a file instead)"
        )
    return text


def clean_email(value: str) -> str:
    text = value.strip().lower()
    if not _EMAIL.match(text) or len(text) > 320:
        raise ValueError(f"{value!r} is not an e-mail address")
    return text


def clean_tags(values: list[str]) -> list[str]:
    """Tags: lower-case, no spaces or commas, unique, sorted."""
    out: set[str] = set()
    for raw in values:
        tag = unicodedata.normalize("NFC", raw).strip().lower()
        if not tag:
            continue
        if any(c.isspace() or c == "," for c in tag) or len(tag) > 50:
            raise ValueError(f"tag {raw!r} must be one word of at most 50 characters")
        out.add(tag)
    return sorted(out)
