"""Editing the business calendar: time zone, weekly hours (split shifts) and holidays.

Each weekday is one line of intervals — ``09:00-12:00, 13:00-17:00`` — empty when closed.
Holidays are a list of dates; "Import" adds a country's public holidays for a year through
:func:`workbench.domain.sla.holidays_for_country`, run on the worker (the ``holidays``
package loads only then). :meth:`CalendarForm.calendar` builds the domain
:class:`BusinessCalendar`, whose checks say what is wrong (overlapping intervals, a day
written 25:00, a zone that does not exist).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.ops import OpRunner
from workbench.domain.sla import WEEKDAY_KEYS, BusinessCalendar, holidays_for_country

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OFFICE_HOURS = "09:00-17:00"
COUNTRIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT", "IR", "IN", "BD", "AM", "ET", "KH",
             "GH", "CA", "AU")


def _hours_text(calendar: BusinessCalendar, index: int) -> str:
    return ", ".join(str(interval) for interval in calendar.weekly[index])


def parse_hours(text: str) -> list[tuple[str, str]]:
    """"09:00-12:00, 13:00-17:00" as (start, end) pairs; "" is a closed day."""
    pairs = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace("–", "-")
        if not part:
            continue
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"{part!r} is not an interval like 09:00-17:00")
        pairs.append((start.strip(), end.strip()))
    return pairs


class CalendarForm(QWidget):
    """Zone, weekly hours and holidays of the team's calendar."""

    notice = Signal(str)  # what an import did, or why it could not

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._name = ""
        self.zone = QComboBox()
        self.zone.setObjectName("calendar-zone")
        self.zone.setEditable(True)
        self.zone.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.zone.setMinimumContentsLength(16)  # not as wide as the longest of 600 zones
        zones = sorted(available_timezones())
        self.zone.addItems(zones)
        completer = QCompleter(zones, self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        always = QPushButton(self.tr("24/7"))
        office = QPushButton(self.tr("Mon–Fri 9–17"))
        always.clicked.connect(lambda: self._preset("00:00-24:00", "00:00-24:00"))
        office.clicked.connect(lambda: self._preset(OFFICE_HOURS, ""))
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.zone, 1)
        zone_row.addWidget(always)
        zone_row.addWidget(office)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Time zone"), zone_row)
        self.days: list[QLineEdit] = []
        for key, name in zip(WEEKDAY_KEYS, DAY_NAMES, strict=True):
            edit = QLineEdit()
            edit.setObjectName(f"hours-{key}")
            edit.setPlaceholderText(self.tr("closed"))
            edit.setToolTip(self.tr("Opening hours, e.g. 09:00-12:00, 13:00-17:00"))
            self.days.append(edit)
            form.addRow(self.tr(name), edit)
        self.holidays = QListWidget()
        self.holidays.setObjectName("holidays")
        self.holidays.setMaximumHeight(96)
        self.new_holiday = QDateEdit(QDate.currentDate())
        self.new_holiday.setCalendarPopup(True)
        self.new_holiday.setDisplayFormat("yyyy-MM-dd")
        add, self.remove = QPushButton(self.tr("Add")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add_one)
        self.remove.clicked.connect(self._remove_selected)
        self.country = QComboBox()
        self.country.setObjectName("holiday-country")
        self.country.setEditable(True)
        self.country.addItems(COUNTRIES)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.import_button = QPushButton(self.tr("Import holidays for country"))
        self.import_button.clicked.connect(self.import_country)
        edit_row, import_row = QHBoxLayout(), QHBoxLayout()
        edit_row.addWidget(self.new_holiday)
        edit_row.addWidget(add)
        edit_row.addWidget(self.remove)
        edit_row.addStretch(1)
        import_row.addWidget(self.country)
        import_row.addWidget(self.year)
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        holiday_box = QVBoxLayout()
        holiday_box.addWidget(self.holidays)
        holiday_box.addLayout(edit_row)
        holiday_box.addLayout(import_row)
        form.addRow(self.tr("Holidays"), holiday_box)

    def set_calendar(self, calendar: BusinessCalendar) -> None:
        self._name = calendar.name
        self.zone.setCurrentText(calendar.zone)
        for index, edit in enumerate(self.days):
            edit.setText(_hours_text(calendar, index))
        self.holidays.clear()
        self.add_holidays(sorted(calendar.holidays))

    def calendar(self) -> BusinessCalendar:
        """The calendar on screen (ValueError naming the problem when invalid)."""
        hours = {}
        for key, name, edit in zip(WEEKDAY_KEYS, DAY_NAMES, self.days, strict=True):
            try:
                hours[key] = parse_hours(edit.text())
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return BusinessCalendar.from_hours(self.zone.currentText().strip(), hours,
                                           self.holiday_dates(), self._name)

    def holiday_dates(self) -> list[date]:
        items = (self.holidays.item(i) for i in range(self.holidays.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None]

    def add_holidays(self, days: list[date]) -> int:
        """Add *days* not listed yet, keeping the list sorted; how many were new."""
        known = set(self.holiday_dates())
        new = sorted(set(days) - known)
        merged = sorted(known | set(new))
        self.holidays.clear()
        for day in merged:
            item = QListWidgetItem(f"{day:%a} {day.isoformat()}")
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.holidays.addItem(item)
        return len(new)

    def _add_one(self) -> None:
        qdate = self.new_holiday.date()
        self.add_holidays([date(qdate.year(), qdate.month(), qdate.day())])

    def _remove_selected(self) -> None:
        for item in self.holidays.selectedItems():
            self.holidays.takeItem(self.holidays.row(item))

    def import_country(self) -> None:
        country, year = self.country.currentText().strip().upper(), self.year.value()
        self.import_button.setEnabled(False)
        self._runner.run_op(lambda _wb: holidays_for_country(country, [year]), self._imported,
                            self._import_failed, owner=self)

    def _imported(self, days: list[date]) -> None:
        self.import_button.setEnabled(self.isEnabled())
        added = self.add_holidays(days)
        self.notice.emit(self.tr("%1 holidays added; save to apply them.").replace(
            "%1", str(added)))

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(self.isEnabled())
        self.notice.emit(str(exc))

    def _preset(self, weekday: str, weekend: str) -> None:
        for index, edit in enumerate(self.days):
            edit.setText(weekday if index < 5 else weekend)
