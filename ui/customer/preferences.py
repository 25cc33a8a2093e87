"""Edit how a customer wants to be contacted: known preferences with proper editors, plus
free-form key/value pairs.

Known keys are the ones the contact check reads (``wb.calls.contact_warnings``):
preferred channel, contact hours (``"09:00-17:30"``, a pair of time edits), language and
the do-not-contact flags. Any other key is a free-form row (add, edit, remove). Saving
sends only what changed, through ``wb.customers.set_preference`` / ``remove_preference``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ui import labels
from ui.context import AppContext
from ui.customer.common import Banner, Tone, refuse_inline
from workbench.domain.enums import Channel

if TYPE_CHECKING:
    from workbench.services.context import Workbench

FLAGS = ("do_not_call", "do_not_email", "do_not_contact")
KNOWN = ("preferred_channel", "contact_hours", "language", *FLAGS)
Plan = tuple[dict[str, Any], list[str]]  # (key -> value to set, keys to remove)


def parse_hours(value: Any) -> tuple[QTime, QTime] | None:
    if not isinstance(value, str) or "-" not in value:
        return None
    start, _, end = value.partition("-")
    a, b = QTime.fromString(start.strip(), "H:mm"), QTime.fromString(end.strip(), "H:mm")
    return (a, b) if a.isValid() and b.isValid() else None


def shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class PreferencesEditor(QWidget):
    """The preferences of one customer."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.customer_id: str | None = None
        self.loaded: dict[str, Any] = {}
        self.channel = QComboBox()
        self.channel.addItem(self.tr("No preference"), None)
        for channel in Channel:
            self.channel.addItem(labels.channel_label(channel.value), channel.value)
        self.hours_on = QCheckBox(self.tr("Only between"))
        self.hours_from, self.hours_to = QTimeEdit(QTime(9, 0)), QTimeEdit(QTime(17, 0))
        for edit in (self.hours_from, self.hours_to):
            edit.setDisplayFormat("HH:mm")
            edit.setEnabled(False)
            self.hours_on.toggled.connect(edit.setEnabled)
        hours = QHBoxLayout()
        hours.addWidget(self.hours_on)
        hours.addWidget(self.hours_from)
        hours.addWidget(QLabel("–"))
        hours.addWidget(self.hours_to)
        hours.addWidget(QLabel(self.tr("their local time")))
        hours.addStretch(1)
        self.language = QLineEdit()
        self.language.setPlaceholderText(self.tr("Same as the profile"))
        self.flags = {
            "do_not_call": QCheckBox(self.tr("Do not call")),
            "do_not_email": QCheckBox(self.tr("Do not e-mail")),
            "do_not_contact": QCheckBox(self.tr("Do not contact at all")),
        }
        form = QFormLayout()
        form.addRow(self.tr("Preferred channel"), self.channel)
        form.addRow(self.tr("Contact hours"), hours)
        form.addRow(self.tr("Language"), self.language)
        for box in self.flags.values():
            form.addRow("", box)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("free-preferences")
        self.table.setHorizontalHeaderLabels([self.tr("Preference"), self.tr("Value")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 180)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add, remove = QPushButton(self.tr("Add")), QPushButton(self.tr("Remove"))
        add.clicked.connect(lambda: self.add_row("", ""))
        remove.clicked.connect(self.remove_selected)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        self.error = Banner(Tone.ERROR)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Reset)
        self.buttons.accepted.connect(self.save)
        reset = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        reset.setText(self.tr("Revert"))
        reset.clicked.connect(lambda: self.set_preferences(self.customer_id, self.loaded))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Other preferences")))
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def set_preferences(self, customer_id: str | None, prefs: dict[str, Any]) -> None:
        self.customer_id, self.loaded = customer_id, dict(prefs)
        self.error.clear_text()
        index = self.channel.findData(prefs.get("preferred_channel"))
        self.channel.setCurrentIndex(max(index, 0))
        hours = parse_hours(prefs.get("contact_hours"))
        self.hours_on.setChecked(hours is not None)
        if hours is not None:
            self.hours_from.setTime(hours[0])
            self.hours_to.setTime(hours[1])
        language = prefs.get("language")
        self.language.setText(language if isinstance(language, str) else "")
        for key, box in self.flags.items():
            value = prefs.get(key)
            box.setChecked(value is True or str(value).lower() in ("true", "yes", "1"))
        self.table.setRowCount(0)
        for key in sorted(k for k in prefs if k not in KNOWN):
            self.add_row(key, shown(prefs[key]))

    def add_row(self, key: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        key_item = QTableWidgetItem(key)
        self.table.setItem(row, 0, key_item)
        self.table.setItem(row, 1, QTableWidgetItem(value))
        if not key:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(key_item)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or ([self.table.currentRow()] if self.table.currentRow() >= 0 else []):
            self.table.removeRow(row)

    def wanted(self) -> dict[str, Any]:
        """Every preference as the editors show it now (None: not set)."""
        out: dict[str, Any] = {"preferred_channel": self.channel.currentData(),
                               "language": self.language.text().strip() or None}
        out["contact_hours"] = (
            f"{self.hours_from.time().toString('HH:mm')}-{self.hours_to.time().toString('HH:mm')}"
            if self.hours_on.isChecked() else None)
        for key, box in self.flags.items():
            # Unticking a flag that was set records "false"; an unset one stays unset.
            out[key] = True if box.isChecked() else (False if key in self.loaded else None)
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            if key:
                out[key] = value_item.text() if value_item else ""
        return out

    def plan(self) -> Plan:
        """What to write: values that changed, and keys to forget."""
        wanted = self.wanted()
        keys = [self.table.item(r, 0) for r in range(self.table.rowCount())]
        names = [k.text().strip() for k in keys if k is not None and k.text().strip()]
        clash = sorted({k for k in names if names.count(k) > 1 or k in KNOWN})
        if clash:
            raise ValueError(self.tr("Each preference needs its own name; %1 is used twice "
                                     "(or by a field above).").replace("%1", ", ".join(clash)))
        sets = {k: v for k, v in wanted.items()
                if v is not None and (k not in self.loaded or shown(self.loaded[k]) != shown(v))}
        removes = [k for k in self.loaded if wanted.get(k) is None]
        return sets, removes

    def save(self) -> None:
        self.error.clear_text()
        if self.customer_id is None:
            return
        try:
            sets, removes = self.plan()
        except ValueError as exc:
            self.error.show_text(str(exc), Tone.ERROR)
            return
        if not sets and not removes:
            self.error.show_text(self.tr("Nothing to save: no preference was changed."),
                                 Tone.INFO)
            return
        customer_id = self.customer_id

        def write(wb: Workbench) -> dict[str, Any]:
            for key, value in sets.items():
                wb.customers.set_preference(customer_id, key, value)
            for key in removes:
                wb.customers.remove_preference(customer_id, key)
            return wb.customers.get(customer_id).preferences

        self._ctx.runner.run_op(write, self._saved, lambda e: refuse_inline(self.error, e),
                                owner=self, initiator=self)

    def _saved(self, prefs: dict[str, Any]) -> None:
        self.set_preferences(self.customer_id, prefs)
        self.error.show_text(self.tr("Preferences saved."), Tone.SUCCESS)
        self.saved.emit()
