"""The ticket view's side panel about the customer: who they are and how they like contact.

Filled from ``wb.customers.get`` (profile, preferences, open tickets). Preferences that
change how the agent should answer (do-not-contact, preferred channel, language, contact
hours) are shown by name first; any other preference follows as it is stored. Every user
value is bidi-isolated, so a Persian name never reorders the line around it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import formatting, labels
from ui.formatting import isolate
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.services.dto import CustomerInfo

_PREFERENCE_TITLES = {
    "do_not_contact": QT_TRANSLATE_NOOP("CustomerPanel", "Do not contact"),
    "do_not_call": QT_TRANSLATE_NOOP("CustomerPanel", "Do not call"),
    "do_not_email": QT_TRANSLATE_NOOP("CustomerPanel", "Do not e-mail"),
    "preferred_channel": QT_TRANSLATE_NOOP("CustomerPanel", "Preferred channel"),
    "contact_hours": QT_TRANSLATE_NOOP("CustomerPanel", "Contact hours"),
    "language": QT_TRANSLATE_NOOP("CustomerPanel", "Language"),
}
CALLS_LATER = QT_TRANSLATE_NOOP("CustomerPanel", "comes with customer history")


def _value_text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return formatting.NO_VALUE
    if isinstance(value, list):
        return ", ".join(isolate(str(v)) for v in value)
    return isolate(str(value))


def local_time_text(zone: str, now_ms: int) -> str:
    """The customer's wall-clock time now ("16:42 Asia/Tehran"), or just the zone."""
    tz = QTimeZone(zone.encode())
    if not tz.isValid():
        return zone
    when = QDateTime.fromMSecsSinceEpoch(now_ms).toTimeZone(tz)
    return f"{formatting.app_locale().toString(when.time(), 'HH:mm')} · {zone}"


class CustomerPanel(QWidget):
    """Profile and preferences of the ticket's customer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLabel()
        self.name.setObjectName("customer-name")
        self.name.setWordWrap(True)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.prefs = QFormLayout()
        self.prefs.setContentsMargins(0, 0, 0, 0)
        self.log_call = QPushButton(self.tr("Log a call…"))
        self.log_call.setObjectName("log-call")
        self.log_call.setEnabled(False)
        self.log_call.setToolTip(self.tr(CALLS_LATER))
        self.prefs_title = QLabel(f"<b>{html.escape(self.tr('Preferences'))}</b>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addLayout(self.form)
        layout.addWidget(self.prefs_title)
        layout.addLayout(self.prefs)
        layout.addWidget(self.log_call, 0, Qt.AlignmentFlag.AlignLeft)
        self.values: dict[str, QLabel] = {}

    def show_customer(self, c: CustomerInfo, now_ms: int) -> None:
        self.name.setText(formatting.in_ui_direction(
            f"<b>{html.escape(isolate(c.name))}</b> · {html.escape(labels.plan_label(c.plan))}"))
        rows = [
            ("organisation", self.tr("Organisation"), isolate(c.organisation or "")
             if c.organisation else formatting.NO_VALUE),
            ("email", self.tr("E-mail"), c.email or formatting.NO_VALUE),
            ("phone", self.tr("Phone"), c.phone or formatting.NO_VALUE),
            ("local_time", self.tr("Local time"), local_time_text(c.time_zone, now_ms)),
            ("language", self.tr("Language"), c.language),
            ("owner", self.tr("Owner"), isolate(c.owner_name) if c.owner_name
             else formatting.NO_VALUE),
            ("open_tickets", self.tr("Open tickets"), str(c.open_tickets)),
            ("tags", self.tr("Tags"), ", ".join(isolate(t) for t in c.tags)
             or formatting.NO_VALUE),
        ]
        _fill(self.form, [(title, text) for _key, title, text in rows], self.values,
              [key for key, _t, _x in rows])
        prefs = dict(c.preferences)
        ordered = [k for k in _PREFERENCE_TITLES if k in prefs] + sorted(
            k for k in prefs if k not in _PREFERENCE_TITLES)
        items = [(self.tr(_PREFERENCE_TITLES.get(k, k)), _value_text(prefs[k])) for k in ordered]
        if not items:
            items = [(self.tr("None recorded"), "")]
        _fill(self.prefs, items, self.values, [f"pref:{k}" for k in ordered] or ["pref:none"])
        warn = any(prefs.get(k) is True for k in ("do_not_contact", "do_not_call",
                                                   "do_not_email"))
        self.prefs_title.setStyleSheet("color: #c62828;" if warn else "")

    def enable_calls(self, on_click: Any) -> None:
        """A call service exists: the button opens its dialog."""
        self.log_call.setEnabled(True)
        self.log_call.setToolTip(self.tr("Record a phone call with this customer"))
        self.log_call.clicked.connect(on_click)


def _fill(form: QFormLayout, items: list[tuple[str, str]], values: dict[str, QLabel],
          keys: list[str]) -> None:
    while form.rowCount():
        form.removeRow(0)
    for key, (title, text) in zip(keys, items, strict=True):
        label = QLabel(formatting.in_ui_direction(text) if text else "")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        values[key] = label
        form.addRow(title, label)
