"""Human-readable rendering of records for the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime


def when(ms: int | None) -> str:
    """Local time, minutes precision; '—' when there is none."""
    if ms is None:
        return "—"
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M")


def width(text: str) -> int:
    """Display width in a terminal (wide East Asian characters take two cells)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def clip(text: str, cells: int) -> str:
    out, used = "", 0
    for c in text:
        w = width(c)
        if used + w > cells - 1 and used + w > cells:
            return out + "…"
        out += c
        used += w
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], limits: Sequence[int]) -> str:
    cells = [[clip(str(v), lim) for v, lim in zip(r, limits, strict=True)] for r in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True))

    return "\n".join([line(headers)] + [line(r) for r in cells]).rstrip()
