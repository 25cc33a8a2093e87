"""The event thread of a ticket as rich text: messages as cards, changes as quiet lines.

Customer messages, public replies and internal notes each get their own tint and label, so
an internal note can never be mistaken for something the customer saw. Colours are mixed
from the current palette, so the thread reads well in light and dark. Every piece of user
text is escaped; Qt lays out each paragraph in its own direction, so Persian reads RTL.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ui import formatting, labels
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.domain.enums import EventKind
from workbench.services.dto import EventInfo, TicketDetail

MESSAGE_KINDS = {EventKind.CUSTOMER_MESSAGE, EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE}
NOTE_AMBER = QColor(0xF2, 0xB1, 0x34)
EARLIER_ANCHOR = "#earlier"


def _tr(text: str) -> str:
    return QCoreApplication.translate("thread", text)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """*a* moved *amount* (0..1) of the way towards *b*."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def _ui_dir() -> str:
    """The interface's direction for lines we compose (message bodies keep their own)."""
    rtl = QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    return "rtl" if rtl else "ltr"


def text_direction(text: str) -> str:
    """"rtl" or "ltr" from the first strongly directional character (UAX #9, rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return _ui_dir()


def _body(value: str) -> str:
    """A message body as paragraphs, each laid out in its own direction."""
    paragraphs = [p for p in re.split(r"\n\s*\n", value.strip("\n")) if p.strip()]
    return "".join(
        f'<p dir="{text_direction(p)}">{html.escape(p).replace(chr(10), "<br/>")}</p>'
        for p in paragraphs
    )


def _value(kind: str, value: str | None, agents: Mapping[str, str]) -> str:
    if value is None or value == "":
        return _tr("nobody") if kind == EventKind.ASSIGNEE_CHANGE else _tr("nothing")
    if kind == EventKind.STATUS_CHANGE:
        return labels.status_label(value)
    if kind == EventKind.PRIORITY_CHANGE:
        return labels.priority_label(value)
    if kind == EventKind.ASSIGNEE_CHANGE:
        return formatting.isolate(agents.get(value, _tr("a former agent")))
    return formatting.isolate(value)


_CHANGE_TEXT: dict[str, str] = {
    EventKind.STATUS_CHANGE: QT_TRANSLATE_NOOP("thread", "%1 changed the status from %2 to %3"),
    EventKind.PRIORITY_CHANGE: QT_TRANSLATE_NOOP(
        "thread", "%1 changed the priority from %2 to %3"),
    EventKind.ASSIGNEE_CHANGE: QT_TRANSLATE_NOOP(
        "thread", "%1 reassigned the ticket from %2 to %3"),
    EventKind.TAGS_CHANGE: QT_TRANSLATE_NOOP("thread", "%1 changed the tags from %2 to %3"),
    EventKind.SUBJECT_CHANGE: QT_TRANSLATE_NOOP("thread", "%1 changed the subject from %2 to %3"),
}
_OTHER_CHANGE = QT_TRANSLATE_NOOP("thread", "%1 changed %2 to %3")


def _change_line(e: EventInfo, agents: Mapping[str, str], muted: QColor) -> str:
    who = html.escape(formatting.isolate(e.author_name or _tr("Someone")))
    template = _tr(_CHANGE_TEXT.get(e.kind, _OTHER_CHANGE))
    old = f"<b>{html.escape(_value(e.kind, e.old_value, agents))}</b>"
    new = f"<b>{html.escape(_value(e.kind, e.new_value, agents))}</b>"
    line = template.replace("%1", who).replace("%2", old).replace("%3", new)
    when = html.escape(formatting.datetime_text(e.created_at))
    return (f'<p dir="{_ui_dir()}" style="color:{muted.name()}; margin:4px 10px 10px 10px;">'
            f"{line} · {when}</p>")


def _message_card(e: EventInfo, customer: str, palette: QPalette) -> str:
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    muted = mix(text, base, 0.45)
    kind = EventKind(e.kind)
    if kind is EventKind.CUSTOMER_MESSAGE:
        background = mix(base, text, 0.06)
        author, label, accent = customer, _tr("Customer"), muted
    elif kind is EventKind.PUBLIC_REPLY:
        background = mix(base, palette.color(QPalette.ColorRole.Highlight), 0.14)
        author, label, accent = e.author_name or _tr("Agent"), _tr("Public reply"), muted
    else:
        background = mix(base, NOTE_AMBER, 0.22)
        author, label = e.author_name or _tr("Agent"), _tr("Internal note · not sent")
        accent = mix(NOTE_AMBER, text, 0.45)
    when = html.escape(formatting.datetime_text(e.created_at))
    return (
        f'<table width="100%" cellspacing="0" cellpadding="10" '
        f'style="background-color:{background.name()}; margin-bottom:10px;">'
        f'<tr><td><p dir="{_ui_dir()}"><b>{html.escape(formatting.isolate(author))}</b>'
        f'<span style="color:{accent.name()};">&nbsp;&nbsp;{label} · {when}</span></p>'
        f"{_body(e.body)}</td></tr></table>"
    )


def render_thread(
    detail: TicketDetail, agents: Mapping[str, str], palette: QPalette, *,
    last: int | None = None,
) -> str:
    """The thread, oldest first, as HTML for a QTextBrowser.

    With *last*, only the newest *last* events are rendered, under a link
    (``#earlier``) saying how many earlier ones there are: a long thread opens at once and
    the reader asks for the past when they want it.
    """
    muted = mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base),
                0.45)
    events = detail.events
    hidden = max(0, len(events) - last) if last is not None else 0
    parts = []
    if hidden:
        link = _tr("Show %1 earlier messages and changes").replace("%1", f"{hidden:,}")
        parts.append(f'<p dir="{_ui_dir()}" style="margin:4px 10px 12px 10px;">'
                     f'<a href="{EARLIER_ANCHOR}">{html.escape(link)}</a></p>')
    for e in events[hidden:]:
        if e.kind in MESSAGE_KINDS:
            parts.append(_message_card(e, detail.ticket.customer_name, palette))
        else:
            parts.append(_change_line(e, agents, muted))
    if not events:
        parts.append(f'<p style="color:{muted.name()};">'
                     f"{html.escape(_tr('No messages yet.'))}</p>")
    return "".join(parts)
