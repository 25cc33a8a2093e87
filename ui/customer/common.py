"""Small pieces every customer screen shares: message banners, agent choosers, role checks.

A :class:`Banner` is the one way these screens say something inline — a validation error
from a service under the field it concerns, a contact warning above the call form, a
pending hand-off on the profile — in a tinted box that reads in light and dark themes.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ui import errors, labels
from ui.formatting import app_locale, in_ui_direction, isolate
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.services.dto import AgentInfo

LEAD_ROLES = frozenset({"lead", "manager"})
PREFERENCE_TITLES = {
    "preferred_channel": QT_TRANSLATE_NOOP("Preferences", "Preferred channel"),
    "contact_hours": QT_TRANSLATE_NOOP("Preferences", "Contact hours"),
    "language": QT_TRANSLATE_NOOP("Preferences", "Language"),
    "do_not_call": QT_TRANSLATE_NOOP("Preferences", "Do not call"),
    "do_not_email": QT_TRANSLATE_NOOP("Preferences", "Do not e-mail"),
    "do_not_contact": QT_TRANSLATE_NOOP("Preferences", "Do not contact"),
}


class Tone(Enum):
    """What a banner is about; each has its accent colour and a translucent tint."""

    ERROR = ("#c62828", "rgba(211, 47, 47, 0.12)")
    WARNING = ("#b45309", "rgba(245, 158, 11, 0.16)")
    INFO = ("#1565c0", "rgba(30, 136, 229, 0.12)")
    SUCCESS = ("#2e7d32", "rgba(67, 160, 71, 0.14)")


class Banner(QLabel):
    """A word-wrapped message in a tinted box with an accent bar; hidden while empty."""

    def __init__(self, tone: Tone = Tone.ERROR, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_tone(tone)
        self.hide()

    def set_tone(self, tone: Tone) -> None:
        accent, tint = tone.value
        self.tone = tone
        self.setStyleSheet(
            f"QLabel {{ background: {tint}; border-left: 3px solid {accent}; "
            f"border-radius: 3px; padding: 6px 8px; }}"
        )

    def show_text(self, text: str, tone: Tone | None = None) -> None:
        if tone is not None:
            self.set_tone(tone)
        self.setText(in_ui_direction(text))
        self.setVisible(bool(text))

    def show_lines(self, lines: Iterable[str], tone: Tone | None = None) -> None:
        """One line each; every line starts in the UI's direction, even one that begins
        with a Persian name (each line of a label is its own bidi paragraph)."""
        self.show_text("\n".join(in_ui_direction(f"⚠ {line}") for line in lines), tone)

    def clear_text(self) -> None:
        self.clear()
        self.hide()


def refuse_inline(banner: Banner, exc: BaseException) -> None:
    """A service refusal shown in *banner*; anything that is not one is reported as a bug."""
    if errors.is_known(exc):
        banner.show_text(errors.sentence(str(exc)), Tone.ERROR)
    else:
        errors.report(exc, banner)


def is_lead(agent: AgentInfo | None) -> bool:
    return agent is not None and agent.role in LEAD_ROLES


def agent_text(agent: AgentInfo) -> str:
    """"Name (role)" with the name isolated, so an RTL name keeps the line in order."""
    return in_ui_direction(f"{isolate(agent.name)} ({labels.role_label(agent.role)})")


def fill_agents(
    combo: QComboBox,
    agents: Iterable[AgentInfo],
    *,
    exclude: Iterable[str | None] = (),
    current: str | None = None,
    none_text: str | None = None,
) -> None:
    """Put *agents* (less *exclude*) in *combo*, item data = agent id, keeping *current*."""
    skip = {a for a in exclude if a}
    combo.clear()
    if none_text is not None:
        combo.addItem(none_text, None)
    for agent in agents:
        if agent.id not in skip and agent.active:
            combo.addItem(agent_text(agent), agent.id)
    if current is not None:
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)


def preference_title(key: str) -> str:
    """A known preference by its name ("Contact hours"); any other key as it is stored."""
    title = PREFERENCE_TITLES.get(key)
    return QCoreApplication.translate("Preferences", title) if title else key


def mm_ss(seconds: int) -> str:
    """A live call length: "04:05", "1:02:03" past an hour."""
    h, rest = divmod(max(0, seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def local_time_text(zone: str, now_ms: int) -> str:
    """The customer's wall-clock time ("16:42 (Tue)") in *zone*; "" for an unknown zone."""
    tz = QTimeZone(zone.encode())
    if not tz.isValid():
        return ""
    when = QDateTime.fromMSecsSinceEpoch(now_ms).toTimeZone(tz)
    return app_locale().toString(when, "HH:mm (ddd)")
