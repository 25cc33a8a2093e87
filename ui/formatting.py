"""How instants and durations read on screen: "in 3h 12m", "overdue 2h", "5m ago", dates.

Pure functions of an instant and "now" (both epoch milliseconds, UTC), so a frozen clock
gives the same text every time. Dates are shown in the workstation's time zone and locale.
"""

from __future__ import annotations

import time
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt
from PySide6.QtGui import QGuiApplication

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
NO_VALUE = "—"


def isolate(text: str) -> str:
    """*text* as a bidi isolate (FSI … PDI): a Persian name inside an English sentence keeps
    its own direction without flipping the sentence's (Unicode UAX #9, rules X5c and P2)."""
    return f"\u2068{text}\u2069"


def in_ui_direction(text: str) -> str:
    """*text* starting with the interface's direction mark (LRM or RLM), so a composed line
    such as "آرش کریمی · Premium" reads in the UI's direction even where a text engine
    ignores isolates (Qt's rich-text labels decide a paragraph's direction by its first
    strong character)."""
    rtl = QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    return ("\u200f" if rtl else "\u200e") + text


def app_locale() -> QLocale:
    """The user's locale; the bare "C" locale (nothing configured) reads as British English."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return locale


def _tr(text: str) -> str:
    return QCoreApplication.translate("time", text)


def duration_text(ms: int) -> str:
    """A span in its two largest units: "2d 4h", "3h 12m", "45m", "<1m"."""
    ms = abs(ms)
    if ms < MINUTE_MS:
        return _tr("<1m")
    days, rest = divmod(ms, DAY_MS)
    hours, rest = divmod(rest, HOUR_MS)
    minutes = rest // MINUTE_MS
    if days:
        parts = [_tr("%1d").replace("%1", str(days))]
        if hours:
            parts.append(_tr("%1h").replace("%1", str(hours)))
    elif hours:
        parts = [_tr("%1h").replace("%1", str(hours))]
        if minutes:
            parts.append(_tr("%1m").replace("%1", str(minutes)))
    else:
        parts = [_tr("%1m").replace("%1", str(minutes))]
    return " ".join(parts)


def due_text(due_ms: int | None, now_ms: int) -> str:
    """The countdown to a deadline: "in 3h 12m", "overdue 2h", or "—" when none runs."""
    if due_ms is None:
        return NO_VALUE
    delta = due_ms - now_ms
    if delta >= 0:
        return _tr("in %1").replace("%1", duration_text(delta))
    return _tr("overdue %1").replace("%1", duration_text(delta))


def is_overdue(due_ms: int | None, now_ms: int) -> bool:
    return due_ms is not None and due_ms < now_ms


def local_datetime(ms: int) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(ms).toLocalTime()


def ago_text(ms: int, now_ms: int) -> str:
    """How long ago: "just now", "5m ago", "3h ago"; older than a day, the date."""
    delta = now_ms - ms
    if delta < MINUTE_MS:
        return _tr("just now")
    if delta < DAY_MS:
        return _tr("%1 ago").replace("%1", duration_text(delta))
    return date_text(ms, now_ms)


def date_text(ms: int, now_ms: int) -> str:
    """A short date: "23 Nov" this year, "23 Nov 2025" otherwise (locale order).

    The local date comes from the C library (the same zone Qt reads) and each date's text is
    remembered: a queue shows a column of these, repainted every second."""
    when, now = time.localtime(ms / 1000), time.localtime(now_ms / 1000)
    return _date_label(when.tm_year, when.tm_mon, when.tm_mday, when.tm_year == now.tm_year,
                       QLocale().name())


@lru_cache(maxsize=2048)
def _date_label(year: int, month: int, day: int, this_year: bool, locale_name: str) -> str:
    fmt = "d MMM" if this_year else "d MMM yyyy"
    return app_locale().toString(QDate(year, month, day), fmt)


def datetime_text(ms: int | None) -> str:
    """A full local date and time in the locale's short format."""
    if ms is None:
        return NO_VALUE
    return app_locale().toString(local_datetime(ms), QLocale.FormatType.ShortFormat)


def time_text(ms: int) -> str:
    """The local time of day in the locale's short format ("16:42")."""
    return app_locale().toString(local_datetime(ms).time(), QLocale.FormatType.ShortFormat)
