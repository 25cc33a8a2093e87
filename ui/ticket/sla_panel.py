"""The ticket view's SLA panel: first response, next update and resolution, live.

Each clock shows a chip and the engine's explanation ("due Tue 14:00: 2 h paused while
pending, Saturday and Sunday closed"). The report comes from ``wb.sla.report`` when the
ticket loads or changes; between reports the chips count down once a second by arithmetic
on "now" and the policy's calendar — no query per second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ui import labels
from ui.i18n import QT_TRANSLATE_NOOP
from ui.widgets.sla_chip import Chip, ChipKind, SlaChip, chip_for
from workbench.domain.sla import (
    BusinessCalendar,
    ClockState,
    SlaPolicy,
    SlaReport,
    TargetClock,
    format_duration,
)

TICK_MS = 1000
_TITLES = {
    "first_response": QT_TRANSLATE_NOOP("SlaPanel", "First response"),
    "next_update": QT_TRANSLATE_NOOP("SlaPanel", "Next update"),
    "resolution": QT_TRANSLATE_NOOP("SlaPanel", "Resolution"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("SlaPanel", text)


def warning_at(clock: TargetClock, policy: SlaPolicy, calendar: BusinessCalendar,
               computed_at: int) -> int | None:
    """When a live clock turns amber (business time left = (1 - fraction) × target)."""
    if not clock.live or clock.due_ms is None:
        return None
    margin = round(clock.target_seconds * 1000 * (1.0 - policy.warning_fraction))
    if calendar.is_always_open:
        return clock.due_ms - margin
    left = calendar.business_ms_between(computed_at, clock.due_ms)
    if left <= margin:
        return computed_at
    return calendar.add_business_ms(computed_at, left - margin)


def clock_chip(clock: TargetClock, warn_at: int | None, now_ms: int) -> Chip:
    """What one clock's chip reads at *now_ms*."""
    if clock.live and clock.due_ms is not None:
        return chip_for(clock.due_ms, warn_at, False, now_ms)
    if clock.state is ClockState.MET:
        return Chip(ChipKind.MET, _tr("met"))
    if clock.state is ClockState.PAUSED:
        return Chip(ChipKind.PAUSED, _tr("paused"))
    if clock.state is ClockState.BREACHED:
        return Chip(ChipKind.BREACHED, _tr("breached"))
    return Chip(ChipKind.NONE, _tr("not applicable"))


class SlaPanel(QWidget):
    """Three clocks, their chips counting down while the panel is on screen."""

    def __init__(self, now_ms: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clocks: list[tuple[TargetClock, int | None]] = []
        self._now = now_ms
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.chips: dict[str, SlaChip] = {}
        self.explanations: dict[str, QLabel] = {}
        for n, (key, title) in enumerate(_TITLES.items()):
            caption = QLabel(f"<b>{_tr(title)}</b>")
            chip = SlaChip()
            chip.setObjectName(f"sla-{key}")
            why = QLabel()
            why.setWordWrap(True)
            why.setObjectName(f"sla-{key}-why")
            palette = why.palette()
            palette.setColor(why.foregroundRole(),
                             palette.color(QPalette.ColorRole.PlaceholderText))
            why.setPalette(palette)
            grid.addWidget(caption, 2 * n, 0)
            grid.addWidget(chip, 2 * n, 1)
            grid.addWidget(why, 2 * n + 1, 0, 1, 2)
            grid.setRowMinimumHeight(2 * n + 1, 0)
            self.chips[key], self.explanations[key] = chip, why
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    def show_report(self, report: SlaReport, policy: SlaPolicy,
                    calendar: BusinessCalendar) -> None:
        """Show *report*; the chips count down from it until the next one."""
        self._clocks = [(c, warning_at(c, policy, calendar, report.computed_at_ms))
                        for c in report.clocks]
        for clock, _warn in self._clocks:
            key = clock.target.value
            target = labels.target_label(key)
            self.explanations[key].setText(clock.explanation or "")
            self.explanations[key].setToolTip(
                _tr("The %1 target for this priority is %2 of business time")
                .replace("%1", target).replace("%2", format_duration(clock.target_seconds)))
        self.tick()

    def tick(self) -> None:
        now = self._now()
        for clock, warn in self._clocks:
            self.chips[clock.target.value].set_chip(clock_chip(clock, warn, now))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
