"""How sync states and conflicts read in the app (translated, local times).

The core words its own messages in English for the command line; the app builds its
sentences here from the same facts, through ``tr``, with times in the user's zone.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from ui import formatting, labels
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.sync.status import Phase, SyncStatus

if TYPE_CHECKING:  # the store stays off the start-up path: the status bar needs none of it
    from workbench.sync.conflicts import ConflictInfo

_CONTEXT = "sync"

_FIELDS = {
    "priority": QT_TRANSLATE_NOOP("sync", "priority"),
    "status": QT_TRANSLATE_NOOP("sync", "status"),
    "subject": QT_TRANSLATE_NOOP("sync", "subject"),
    "assignee_id": QT_TRANSLATE_NOOP("sync", "assignee"),
    "owner_id": QT_TRANSLATE_NOOP("sync", "owner"),
    "tags": QT_TRANSLATE_NOOP("sync", "tags"),
    "name": QT_TRANSLATE_NOOP("sync", "name"),
    "email": QT_TRANSLATE_NOOP("sync", "e-mail"),
    "phone": QT_TRANSLATE_NOOP("sync", "phone"),
    "plan": QT_TRANSLATE_NOOP("sync", "plan"),
    "organisation": QT_TRANSLATE_NOOP("sync", "organisation"),
    "time_zone": QT_TRANSLATE_NOOP("sync", "time zone"),
    "language": QT_TRANSLATE_NOOP("sync", "language"),
}
_REASONS = {
    "forbidden": QT_TRANSLATE_NOOP("sync", "your role may not make this change"),
    "not_author": QT_TRANSLATE_NOOP("sync", "only the author may change it"),
    "append_only": QT_TRANSLATE_NOOP("sync", "it can only be added, never changed"),
    "clock": QT_TRANSLATE_NOOP("sync", "this computer's clock was too far ahead"),
    "deleted": QT_TRANSLATE_NOOP("sync", "the record was deleted"),
    "missing": QT_TRANSLATE_NOOP("sync", "a record it refers to is not on the server"),
    "unique": QT_TRANSLATE_NOOP("sync", "another record already uses this value"),
    "in_use": QT_TRANSLATE_NOOP("sync", "other records still refer to it"),
    "invalid": QT_TRANSLATE_NOOP("sync", "the server found it invalid"),
    "exists": QT_TRANSLATE_NOOP("sync", "the record already exists"),
}

_COUNTS = {  # (one, many): no plural catalogue ships yet, so English never reads "(s)"
    "offline": (QT_TRANSLATE_NOOP("sync", "Offline · %n change waiting"),
                QT_TRANSLATE_NOOP("sync", "Offline · %n changes waiting")),
    "waiting": (QT_TRANSLATE_NOOP("sync", "%n waiting"),
                QT_TRANSLATE_NOOP("sync", "%n waiting")),
    "conflicts": (QT_TRANSLATE_NOOP("sync", "%n conflict"),
                  QT_TRANSLATE_NOOP("sync", "%n conflicts")),
    "unsent": (QT_TRANSLATE_NOOP("sync", "%n local change not sent yet"),
               QT_TRANSLATE_NOOP("sync", "%n local changes not sent yet")),
    "ahead": (
        QT_TRANSLATE_NOOP("sync", "Your clock is %n minute ahead of the team server's."),
        QT_TRANSLATE_NOOP("sync", "Your clock is %n minutes ahead of the team server's."),
    ),
    "behind": (
        QT_TRANSLATE_NOOP("sync", "Your clock is %n minute behind the team server's."),
        QT_TRANSLATE_NOOP("sync", "Your clock is %n minutes behind the team server's."),
    ),
}


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(_CONTEXT, text, disambiguation, n)


def count(n: int, key: str) -> str:
    """The singular or plural sentence *key* of :data:`_COUNTS`, with %n replaced by *n*."""
    one, many = _COUNTS[key]
    return (tr(one) if n == 1 else tr(many)).replace("%n", str(n))


class Tone(Enum):
    """The colour of a sync state: its dot in the status bar."""

    QUIET = "#78909c"
    GOOD = "#2e7d32"
    BUSY = "#1565c0"
    WARN = "#b45309"
    BAD = "#c62828"


def status_line(status: SyncStatus) -> tuple[str, Tone]:
    """The status bar's words for *status*, and its tone."""
    phase = status.phase
    if phase is Phase.NOT_JOINED:
        line, tone = tr("Not configured"), Tone.QUIET
    elif phase is Phase.SIGN_IN:
        line, tone = tr("Sign-in needed"), Tone.WARN
    elif phase is Phase.SYNCING:
        line, tone = tr("Syncing…"), Tone.BUSY
    elif phase is Phase.OFFLINE:
        line, tone = count(status.pending, "offline"), Tone.QUIET
    elif phase is Phase.SYNCED and status.last_synced_ms is not None:
        line, tone = tr("Synced %1").replace(
            "%1", formatting.time_text(status.last_synced_ms)), Tone.GOOD
        if status.pending:
            line += " · " + count(status.pending, "waiting")
    elif phase is Phase.SYNCED:
        line, tone = tr("Synced"), Tone.GOOD
    else:
        line, tone = tr("Sync failed"), Tone.BAD
    if status.open_conflicts:
        line += " · " + count(status.open_conflicts, "conflicts")
        if tone is Tone.GOOD:
            tone = Tone.WARN
    return line, tone


def status_tip(status: SyncStatus, server_url: str | None, retry_at_ms: int | None) -> str:
    """The longer explanation under the status bar's sync state."""
    phase = status.phase
    lines: list[str] = []
    if phase is Phase.NOT_JOINED:
        lines.append(tr("This workstation is not connected to a team server. Everything is "
                        "saved here; sign in to share it with your team."))
    elif phase is Phase.SIGN_IN:
        lines.append(tr("Sign in to %1 again to send and receive changes.")
                     .replace("%1", server_url or ""))
    elif phase is Phase.OFFLINE:
        lines.append(tr("The team server cannot be reached; your changes are kept here and "
                        "sent when it answers."))
    elif phase is Phase.ERROR and status.message:
        lines.append(tr("The last sync failed: %1").replace("%1", status.message))
    elif server_url:
        lines.append(tr("Team server: %1").replace("%1", server_url))
    if status.pending and phase is not Phase.OFFLINE:
        lines.append(count(status.pending, "unsent"))
    if retry_at_ms is not None and phase in (Phase.OFFLINE, Phase.ERROR):
        lines.append(tr("Next try at %1").replace("%1", formatting.time_text(retry_at_ms)))
    lines.append(tr("Click for sync actions (Ctrl+Shift+S syncs now)."))
    return "\n".join(lines)


def skew_text(status: SyncStatus) -> tuple[str, str]:
    """The clock-skew warning and its explanation ("" when the clock is close enough)."""
    if not status.skew_warning:
        return "", ""
    minutes = max(1, round(abs(status.clock_offset_ms) / 60_000))
    ahead = status.clock_offset_ms < 0  # offset = server time - local time
    text = tr("⚠ Clock off by %1 min").replace("%1", str(minutes))
    tip = count(minutes, "ahead" if ahead else "behind")
    tip += " " + tr("Changes are stamped with the server's time, but reminders and SLA "
                    "countdowns use this clock: set it right.")
    return text, tip


def field_label(field: str) -> str:
    source = _FIELDS.get(field)
    return tr(source) if source else field.replace("_", " ")


def _value(info: ConflictInfo, value: object, text: str) -> str:
    if info.field == "priority" and isinstance(value, str):
        return labels.priority_label(value)
    if info.field == "status" and isinstance(value, str):
        return labels.status_label(value)
    if info.field == "plan" and isinstance(value, str):
        return labels.plan_label(value)
    if value is None:
        return tr("nothing")
    return formatting.isolate(text)


def mine_text(info: ConflictInfo) -> str:
    return _value(info, info.local_value, info.local_text)


def theirs_text(info: ConflictInfo) -> str:
    return _value(info, info.remote_value, info.remote_text)


def conflict_text(info: ConflictInfo, now_ms: int) -> str:
    """"Your priority High was replaced by Dana Smith's Urgent at 10:42." and the like."""
    if info.refused:
        reason = _REASONS.get(info.code or "")
        why = tr(reason) if reason else (info.code or tr("refused"))
        what = (tr("Your %1 change").replace("%1", field_label(info.field))
                if info.field != "*" else tr("Your change"))
        return tr("%1 was refused by the team server: %2.").replace("%1", what).replace(
            "%2", why)
    who = formatting.isolate(info.remote_actor_name) if info.remote_actor_name else tr(
        "a colleague")
    same_day = formatting.date_text(info.at_ms, now_ms) == formatting.date_text(now_ms, now_ms)
    when = (formatting.time_text(info.at_ms) if same_day
            else formatting.datetime_text(info.at_ms))
    return (tr("Your %1 %2 was replaced by %3’s %4 at %5.")
            .replace("%1", field_label(info.field)).replace("%2", mine_text(info))
            .replace("%3", who).replace("%4", theirs_text(info)).replace("%5", when))
