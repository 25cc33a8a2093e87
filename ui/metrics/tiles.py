"""KPI tiles: a value, its change against the previous period and a sparkline of the days.

Each tile knows whether up is good for its KPI, so the arrow's colour says better or worse,
not just up or down. Tiles come in (speed, quality) pairs that the grid never splits: a fast
first reply always sits next to first-contact resolution or CSAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.formatting import duration_text
from ui.i18n import QT_TRANSLATE_NOOP

NO_VALUE = "—"
GOOD = QColor(0x2E, 0x9E, 0x5B)
BAD = QColor(0xD9, 0x48, 0x3B)
TILE_MIN_WIDTH = 168


class Unit(Enum):
    DURATION = "duration"  # seconds
    PERCENT = "percent"  # 0..100
    COUNT = "count"
    NUMBER = "number"  # one decimal
    SCORE = "score"  # a mean on a short scale: two decimals
    NPS = "nps"  # -100..100, points


class Better(Enum):
    UP = 1
    DOWN = -1
    NEITHER = 0  # a change is neither good nor bad (volume)


@dataclass(frozen=True)
class TileSpec:
    key: str  # a MetricsReport figure
    title: str  # marked for translation in the "metrics" context
    unit: Unit
    better: Better
    series: str | None  # a PanelData.daily series for the sparkline, if any


def _t(text: str) -> str:
    return QT_TRANSLATE_NOOP("metrics", text)


# In pairs: speed, then the quality figure beside it (the grid keeps each pair on one row).
TILES: tuple[TileSpec, ...] = (
    TileSpec("first_response_time_median_s", _t("First response (median)"), Unit.DURATION,
             Better.DOWN, "first_response_time_median_s"),
    TileSpec("fcr_pct", _t("First-contact resolution"), Unit.PERCENT, Better.UP, "fcr_pct"),
    TileSpec("resolution_time_median_s", _t("Resolution (median)"), Unit.DURATION, Better.DOWN,
             "resolution_time_median_s"),
    TileSpec("csat_pct", _t("CSAT"), Unit.PERCENT, Better.UP, "csat_pct"),
    TileSpec("handle_time_mean_s", _t("Handle time (mean)"), Unit.DURATION, Better.NEITHER,
             "handle_time_mean_s"),
    TileSpec("repeat_contact_pct", _t("Repeat contacts"), Unit.PERCENT, Better.DOWN,
             "repeat_contact_pct"),
    TileSpec("hold_time_mean_s", _t("Hold time (mean)"), Unit.DURATION, Better.DOWN,
             "hold_time_mean_s"),
    TileSpec("ces_mean", _t("Customer effort (CES)"), Unit.SCORE, Better.UP, "ces_mean"),
    TileSpec("sla_first_response_pct", _t("SLA first response"), Unit.PERCENT, Better.UP, None),
    TileSpec("sla_next_update_pct", _t("SLA next update"), Unit.PERCENT, Better.UP, None),
    TileSpec("sla_resolution_pct", _t("SLA resolution"), Unit.PERCENT, Better.UP, None),
    TileSpec("sla_breaches", _t("SLA breaches"), Unit.COUNT, Better.DOWN, None),
    TileSpec("backlog_open", _t("Open now"), Unit.COUNT, Better.DOWN, "backlog_by_day"),
    TileSpec("unattended_over_24h", _t("Unattended > 24 h"), Unit.COUNT, Better.DOWN, None),
    TileSpec("tickets_created", _t("Created"), Unit.COUNT, Better.NEITHER, "created_by_day"),
    TileSpec("tickets_solved", _t("Solved"), Unit.COUNT, Better.UP, "solved_by_day"),
    TileSpec("tickets_reopened", _t("Reopened"), Unit.COUNT, Better.DOWN, "reopened_by_day"),
    TileSpec("tickets_per_agent", _t("Tickets per agent"), Unit.NUMBER, Better.NEITHER,
             "created_by_day"),
    TileSpec("nps", _t("NPS"), Unit.NPS, Better.UP, "nps"),
    TileSpec("agent_satisfaction_mean", _t("Agent satisfaction"), Unit.SCORE, Better.UP,
             "agent_satisfaction_mean"),
    TileSpec("retention_pct", _t("Customer retention"), Unit.PERCENT, Better.UP, None),
    TileSpec("kb_articles_read", _t("KB articles read"), Unit.COUNT, Better.NEITHER,
             "kb_articles_read"),
    TileSpec("kb_read_time_s", _t("KB read time"), Unit.DURATION, Better.NEITHER,
             "kb_read_time_s"),
    TileSpec("canned_uses", _t("Canned answers used"), Unit.COUNT, Better.NEITHER,
             "canned_uses"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("metrics", text)


def value_text(value: float | None, unit: Unit) -> str:
    """A figure as a person reads it: "3h 12m", "87.5 %", "1,204", "+12"."""
    if value is None:
        return NO_VALUE
    if unit is Unit.DURATION:
        return _seconds(value)
    if unit is Unit.PERCENT:
        return tr("%1 %").replace("%1", f"{value:.1f}")
    if unit is Unit.COUNT:
        return f"{int(value):,}"
    if unit is Unit.NPS:
        return f"{value:+.0f}"
    if unit is Unit.SCORE:
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _seconds(value: float) -> str:
    """Under a minute in seconds (hold times are), else "3h 12m"."""
    if value < 59.5:
        return tr("%1 s").replace("%1", f"{value:.0f}")
    return duration_text(round(value * 1000))


def change_text(change: float | None, unit: Unit) -> str:
    """The change against the previous period: "▲ 12 min", "▼ 3.5 pts", "= 0"."""
    if change is None:
        return ""
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    size = abs(change)
    if unit is Unit.DURATION:
        amount = _seconds(size)
    elif unit in (Unit.PERCENT, Unit.NPS):
        amount = tr("%1 pts").replace("%1", f"{size:.1f}")
    elif unit is Unit.COUNT:
        amount = f"{int(size):,}"
    else:
        amount = f"{size:.2f}" if unit is Unit.SCORE else f"{size:.1f}"
    if unit in (Unit.PERCENT, Unit.NPS) and 0 < size < 0.05:
        amount = tr("%1 pts").replace("%1", f"{size:.2f}")
    return f"{arrow} {amount}"


def verdict(change: float | None, better: Better) -> int:
    """+1 better, -1 worse, 0 neither (or no change, or no data)."""
    if change is None or change == 0 or better is Better.NEITHER:
        return 0
    return 1 if (change > 0) == (better is Better.UP) else -1


class Sparkline(QWidget):
    """A small line of the daily values, painted directly (no chart library)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float | None] = []
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(120, 22)

    def set_values(self, values: Sequence[float | None]) -> None:
        self.values = list(values)
        self.update()

    def paintEvent(self, _event: object) -> None:
        known = [(k, v) for k, v in enumerate(self.values) if v is not None]
        if len(known) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        low = min(v for _, v in known)
        high = max(v for _, v in known)
        span = (high - low) or 1.0
        last = max(len(self.values) - 1, 1)

        def point(k: int, v: float) -> QPointF:
            return QPointF(rect.left() + rect.width() * k / last,
                           rect.bottom() - rect.height() * (v - low) / span)

        path = QPainterPath(point(*known[0]))
        for k, v in known[1:]:
            path.lineTo(point(k, v))
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(colour, 1.6))
        painter.drawPath(path)
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(point(*known[-1]), 2.2, 2.2)
        painter.end()


class KpiTile(QFrame):
    """One KPI: title, value, change (coloured by whether it is better) and sparkline."""

    def __init__(self, spec: TileSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"tile-{spec.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(TILE_MIN_WIDTH - 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title = QLabel(tr(spec.title))
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value = QLabel(NO_VALUE)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.value.setFont(font)
        self.change = QLabel()
        small = QFont(self.change.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.change.setFont(small)
        self.sparkline = Sparkline()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 3)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.change)
        layout.addWidget(self.sparkline)
        self.verdict = 0

    def show_figures(self, value: float | None, change: float | None,
                     previous: float | None, series: Sequence[float | None],
                     has_previous: bool) -> None:
        self.value.setText(value_text(value, self.spec.unit))
        self.verdict = verdict(change, self.spec.better)
        text = change_text(change, self.spec.unit)
        if not has_previous:
            text, tip = tr("now"), tr("The open queue as of now: no previous period")
        elif change is None:
            tip = tr("No data to compare with in the previous period")
        else:
            tip = tr("Previous period: %1").replace("%1", value_text(previous, self.spec.unit))
        self.change.setText(text or tr("no comparison"))
        colour = GOOD if self.verdict > 0 else BAD if self.verdict < 0 else None
        if colour is None:
            self.change.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self.change.setStyleSheet("")
        else:
            self.change.setStyleSheet(f"color: {colour.name()};")
        self.setToolTip(f"{tr(self.spec.title)}\n{tip}")
        self.sparkline.set_values(series)  # none: the space stays, so rows line up


class TileGrid(QWidget):
    """The tiles in as many columns as fit, always an even number so pairs stay together."""

    def __init__(self, specs: Sequence[TileSpec] = TILES, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = {spec.key: KpiTile(spec, self) for spec in specs}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self._columns = 0
        self._arrange(6)

    def columns(self) -> int:
        return self._columns

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
        for n, tile in enumerate(self.tiles.values()):
            self._grid.addWidget(tile, n // columns, n % columns)
        for c in range(12):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)
        rows = -(-len(self.tiles) // columns)
        for r in range(len(self.tiles) + 1):  # spare height goes below the last row
            self._grid.setRowStretch(r, 1 if r == rows else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        fit = max(2, event.size().width() // TILE_MIN_WIDTH)
        self._arrange(min(12, fit - fit % 2))
        super().resizeEvent(event)
