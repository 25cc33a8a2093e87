"""The metrics panel's matplotlib charts: drawing, hover values and click-to-drill.

This module imports matplotlib, so only the panel's chart code imports it, and only once the
page is on screen (the shell must start without it). Each chart is drawn by one function
from a ``PanelData`` onto a ``Figure`` and returns its *hits*: the bars and points a hover
names and a click drills into. The same functions draw the PNG and PDF exports.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from matplotlib import font_manager, rcParams
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import Event, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from ui.formatting import duration_text
from ui.labels import priority_label, unassigned
from ui.metrics.tiles import Unit, value_text
from workbench.domain.enums import Priority
from workbench.services.metrics_views import PanelData

Drill = tuple[str, dict[str, Any]]  # (kind, arguments of MetricsViews.drill)
# Agents' names come in many scripts: DejaVu first, then a Noto font per script if installed
# (matplotlib falls back glyph by glyph along the list).
_FALLBACK = ("DejaVu Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew",
             "Noto Sans Armenian", "Noto Sans Bengali", "Noto Sans Devanagari",
             "Noto Sans Ethiopic", "Noto Sans Khmer", "Noto Sans Thai", "Noto Sans Georgian",
             "Noto Sans CJK SC", "Noto Sans CJK JP")


def _use_font_fallback() -> None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    rcParams["font.family"] = [f for f in _FALLBACK if f in installed] or ["sans-serif"]


_use_font_fallback()


def tr(text: str) -> str:
    return QCoreApplication.translate("metrics", text)


@dataclass(frozen=True)
class Colours:
    """What a chart is painted with, taken from the Qt palette (light or dark theme)."""

    face: str
    text: str
    grid: str
    series: tuple[str, ...] = ("#3D7FD9", "#E0883A", "#2E9E5B", "#9C6ADE")

    @classmethod
    def of(cls, palette: QPalette) -> Colours:
        face = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        grid = QColor(text)
        grid.setAlphaF(0.18)
        return cls(face.name(), text.name(), grid.name(QColor.NameFormat.HexArgb))

    def grid_rgba(self) -> tuple[float, float, float, float]:
        c = QColor(self.grid)
        return c.redF(), c.greenF(), c.blueF(), c.alphaF()


# Up to this many days the daily volume is drawn as bars; beyond, as lines: a year of bars
# is 730 rectangles, half a second of drawing on every redraw.
BARS_UP_TO_DAYS = 62


@dataclass
class Hit:
    """A bar or a point: what hovering shows, what a click drills into."""

    artist: Artist
    text: str
    drill: Drill | None
    index: int | None = None  # the point of a line (None: the whole artist)


@dataclass
class Drawn:
    hits: list[Hit] = field(default_factory=list)


ChartFn = Callable[[Figure, PanelData, Colours], Drawn]


def _axes(fig: Figure, colours: Colours, *, nrows: int = 1, ncols: int = 1) -> list[Axes]:
    fig.set_facecolor(colours.face)
    axes = [fig.add_subplot(nrows, ncols, n + 1) for n in range(nrows * ncols)]
    for ax in axes:
        ax.set_facecolor(colours.face)
        ax.tick_params(colors=colours.text, labelsize=8)
        for spine in ax.spines.values():
            spine.set_color(colours.grid_rgba())
        ax.spines["top"].set_visible(False)
        ax.spines["right"].set_visible(False)
        ax.grid(axis="y", color=colours.grid_rgba(), linewidth=0.6)
        ax.set_axisbelow(True)
        ax.title.set_color(colours.text)
        ax.title.set_fontsize(10)
        ax.yaxis.label.set_color(colours.text)
    return axes


def _legend(ax: Axes, colours: Colours, **kw: Any) -> None:
    legend = ax.legend(fontsize=8, frameon=False, **kw)
    for text in legend.get_texts():
        text.set_color(colours.text)


def _day_ticks(ax: Axes, days: list[str]) -> None:
    step = max(1, len(days) // 10)
    ticks = list(range(0, len(days), step))
    ax.set_xticks(ticks, [days[k][5:] for k in ticks])


def _empty(ax: Axes, colours: Colours) -> None:
    ax.text(0.5, 0.5, tr("No data in this period"), ha="center", va="center",
            color=colours.text, alpha=0.7, transform=ax.transAxes)


def created_vs_solved(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    (ax,) = _axes(fig, colours)
    ax.set_title(tr("Tickets created and solved per day"))
    created = [v or 0 for _, v in data.daily.get("created_by_day", [])]
    solved = [v or 0 for _, v in data.daily.get("solved_by_day", [])]
    days = data.days
    out = Drawn()
    width = 0.4
    for offset, values, label, kind, colour in (
        (-width / 2, created, tr("Created"), "created", colours.series[0]),
        (width / 2, solved, tr("Solved"), "solved", colours.series[2]),
    ):
        if len(values) > BARS_UP_TO_DAYS:  # a long period: two lines, not hundreds of bars
            (line,) = ax.plot(range(len(values)), values, marker="o", markersize=2,
                              linewidth=1.2, label=label, color=colour)
            out.hits += [Hit(line, f"{days[k]}\n{label}: {int(v):,}", (kind, {"day": k}),
                             index=k) for k, v in enumerate(values)]
            continue
        bars = ax.bar([k + offset for k in range(len(values))], values, width, label=label,
                      color=colour)
        for k, bar in enumerate(bars):
            out.hits.append(Hit(bar, f"{days[k]}\n{label}: {int(values[k]):,}",
                                (kind, {"day": k})))
    if days:
        _day_ticks(ax, days)
        _legend(ax, colours, loc="upper left")
    else:
        _empty(ax, colours)
    return out


def backlog_trend(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    (ax,) = _axes(fig, colours)
    ax.set_title(tr("Open tickets at the end of each day"))
    values = [v or 0 for _, v in data.daily.get("backlog_by_day", [])]
    out = Drawn()
    if not values:
        _empty(ax, colours)
        return out
    (line,) = ax.plot(range(len(values)), values, marker="o", markersize=3.5,
                      color=colours.series[1])
    ax.fill_between(range(len(values)), values, color=colours.series[1], alpha=0.12)
    for k, value in enumerate(values):
        out.hits.append(Hit(line, f"{data.days[k]}\n{tr('Open')}: {int(value):,}",
                            ("backlog", {"day": k}), index=k))
    _day_ticks(ax, data.days)
    ax.set_ylim(bottom=0)
    return out


def _bucket_labels() -> list[str]:
    from workbench.services.metrics_views import DURATION_BUCKETS

    edges = [duration_text(s * 1000) for s in DURATION_BUCKETS]
    labels = [f"< {edges[0]}"]
    labels += [f"{a}–{b}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"≥ {edges[-1]}"]


def time_distributions(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    axes = _axes(fig, colours, ncols=2)
    labels = _bucket_labels()
    out = Drawn()
    for ax, what, title, colour in (
        (axes[0], "first_response", tr("First response time"), colours.series[0]),
        (axes[1], "resolution", tr("Resolution time"), colours.series[2]),
    ):
        ax.set_title(title)
        counts = [n for _, n in data.distributions.get(what, [])]
        bars = ax.bar(range(len(counts)), counts, color=colour)
        for k, bar in enumerate(bars):
            out.hits.append(Hit(bar, f"{labels[k]}\n{tr('Tickets')}: {counts[k]:,}",
                                (what, {"bucket": k})))
        ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
        if not any(counts):
            _empty(ax, colours)
    return out


def sla_by_priority(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    (ax,) = _axes(fig, colours)
    ax.set_title(tr("SLA compliance by priority"))
    figures = data.report.figures
    out = Drawn()
    targets = (("first_response", tr("First response")), ("next_update", tr("Next update")),
               ("resolution", tr("Resolution")))
    width = 0.26
    priorities = list(Priority)
    for n, (target, label) in enumerate(targets):
        values = [figures.get(f"sla_{target}_pct_{p.value}") for p in priorities]
        xs = [k + (n - 1) * width for k in range(len(priorities))]
        bars = ax.bar(xs, [v or 0 for v in values], width, label=label, color=colours.series[n])
        for k, bar in enumerate(bars):
            shown = value_text(values[k], Unit.PERCENT)
            out.hits.append(Hit(bar, f"{priority_label(priorities[k].value)} · {label}\n{shown}",
                                ("priority", {"priority": priorities[k].value})))
    ax.set_xticks(range(len(priorities)), [priority_label(p.value) for p in priorities])
    ax.set_ylim(0, 122)  # room for the legend above the 100 % line
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("%")
    _legend(ax, colours, loc="upper center", ncols=3)
    return out


def satisfaction_trend(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    (ax,) = _axes(fig, colours)
    ax.set_title(tr("CSAT and NPS per day"))
    out = Drawn()
    if not data.days:
        _empty(ax, colours)
        return out
    for key, label, kind, colour, unit in (
        ("csat_pct", tr("CSAT %"), "csat", colours.series[2], Unit.PERCENT),
        ("nps", tr("NPS"), "nps", colours.series[3], Unit.NPS),
    ):
        points = data.daily.get(key, [])
        xs = [k for k, (_, v) in enumerate(points) if v is not None]
        ys = [v for _, v in points if v is not None]
        (line,) = ax.plot(xs, ys, marker="o", markersize=4, label=label, color=colour)
        for n, k in enumerate(xs):
            out.hits.append(Hit(line, f"{data.days[k]}\n{label}: {value_text(ys[n], unit)}",
                                (kind, {"day": k}), index=n))
    ax.axhline(0, color=colours.grid_rgba(), linewidth=0.8)
    ax.set_ylim(-105, 130)
    ax.set_yticks(range(-100, 101, 50))
    ax.set_xlim(-0.5, len(data.days) - 0.5)
    _day_ticks(ax, data.days)
    _legend(ax, colours, loc="upper center", ncols=2)
    return out


def hold_by_agent(fig: Figure, data: PanelData, colours: Colours) -> Drawn:
    (ax,) = _axes(fig, colours)
    ax.set_title(tr("Mean hold time by agent"))
    rows = [r for r in data.agents if r.calls and r.agent_id is not None]
    rows.sort(key=lambda r: r.hold_time_mean_s or 0)
    out = Drawn()
    if not rows:
        _empty(ax, colours)
        return out
    values = [r.hold_time_mean_s or 0 for r in rows]
    bars = ax.barh(range(len(rows)), values, color=colours.series[0])
    for k, bar in enumerate(bars):
        row = rows[k]
        text = (f"{row.name or unassigned()}\n{value_text(values[k], Unit.DURATION)} · "
                + tr("%1 calls").replace("%1", str(row.calls)))
        out.hits.append(Hit(bar, text, ("calls", {"agent_id": row.agent_id})))
    ax.set_yticks(range(len(rows)), [r.name for r in rows])
    ax.grid(axis="x", color=colours.grid_rgba(), linewidth=0.6)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(tr("seconds"), color=colours.text, fontsize=8)
    return out


# Charts whose labels have a known size get fixed margins: the constrained layout engine
# triples the cost of a draw, which a filter change pays on the chart on screen.
FIXED_MARGINS = {"created_vs_solved", "backlog", "sla", "satisfaction"}


def _layout(figure: Figure, chart_id: str) -> None:
    if chart_id in FIXED_MARGINS:
        figure.set_layout_engine("none")
        width, height = figure.get_size_inches() * figure.dpi
        figure.subplots_adjust(left=min(0.2, 52 / width), right=1 - min(0.1, 14 / width),
                               bottom=min(0.35, 30 / height), top=1 - min(0.3, 30 / height))
    else:
        figure.set_layout_engine("constrained")


# (id, tab title, drawing function): the panel's tabs, in order.
CHARTS: tuple[tuple[str, str, ChartFn], ...] = (
    ("created_vs_solved", "Created vs solved", created_vs_solved),
    ("backlog", "Backlog", backlog_trend),
    ("times", "Response times", time_distributions),
    ("sla", "SLA by priority", sla_by_priority),
    ("satisfaction", "CSAT & NPS", satisfaction_trend),
    ("hold", "Hold time by agent", hold_by_agent),
)
CHART_FUNCTIONS = {chart_id: fn for chart_id, _title, fn in CHARTS}


def hit_at(hits: list[Hit], event: MouseEvent) -> Hit | None:
    """The bar or point under the mouse, if any."""
    for hit in hits:
        inside, details = hit.artist.contains(event)
        if not inside:
            continue
        if hit.index is None:
            return hit
        if hit.index in details.get("ind", []):
            return hit
    return None


class ChartView(QWidget):
    """One chart on screen: a canvas, a hover annotation and click-to-drill."""

    drill_requested = Signal(str, dict)

    def __init__(self, chart_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart_id = chart_id
        self.figure = Figure(figsize=(8, 3.2))
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.hits: list[Hit] = []
        self._note: Annotation | None = None
        self.canvas.mpl_connect("motion_notify_event", self._hover)
        self.canvas.mpl_connect("button_press_event", self._click)
        self.canvas.mpl_connect("resize_event", self._resized)

    def show_data(self, data: PanelData, colours: Colours) -> None:
        self.figure.clear()
        self._note = None
        _layout(self.figure, self.chart_id)
        self.hits = CHART_FUNCTIONS[self.chart_id](self.figure, data, colours).hits
        self._colours = colours
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def _resized(self, _event: Event) -> None:
        if self.chart_id in FIXED_MARGINS:  # margins in pixels: recompute for the new size
            _layout(self.figure, self.chart_id)

    def hover_text(self) -> str | None:
        """What the hover annotation shows now (None: hidden)."""
        if self._note is None or not self._note.get_visible():
            return None
        return str(self._note.get_text())

    def _hover(self, event: Event) -> None:
        if not isinstance(event, MouseEvent):
            return
        hit = hit_at(self.hits, event) if event.inaxes is not None else None
        if hit is None:
            if self._note is not None and self._note.get_visible():
                self._note.set_visible(False)
                self.canvas.draw_idle()  # type: ignore[no-untyped-call]
            return
        assert event.xdata is not None and event.ydata is not None
        ax = event.inaxes
        if ax is None:
            return
        if self._note is None or self._note.axes is not ax:
            if self._note is not None:
                self._note.remove()
            self._note = ax.annotate(
                "", xy=(0, 0), xytext=(10, 10), textcoords="offset points", fontsize=8,
                color=self._colours.text, zorder=10,
                bbox={"boxstyle": "round,pad=0.4", "fc": self._colours.face,
                      "ec": self._colours.grid_rgba()})
        self._note.xy = (event.xdata, event.ydata)
        self._note.set_text(hit.text + ("\n" + tr("Click to list the tickets")
                                        if hit.drill else ""))
        # Flip the box to the left on the right half, so it never leaves the chart.
        right_half = event.x > self.canvas.width() * self.canvas.device_pixel_ratio / 2
        self._note.set_position((-10, 10) if right_half else (10, 10))
        self._note.set_horizontalalignment("right" if right_half else "left")
        self._note.set_visible(True)
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def _click(self, event: Event) -> None:
        if not isinstance(event, MouseEvent) or event.inaxes is None or event.button != 1:
            return
        hit = hit_at(self.hits, event)
        if hit is not None and hit.drill is not None:
            kind, args = hit.drill
            self.drill_requested.emit(kind, dict(args))


def draw_offscreen(chart_id: str, data: PanelData, colours: Colours,
                   size: tuple[float, float] = (10, 4)) -> Figure:
    """A chart on a figure of its own (for the exports), not tied to any widget."""
    figure = Figure(figsize=size)
    _layout(figure, chart_id)
    CHART_FUNCTIONS[chart_id](figure, data, colours)
    return figure


def display_point(hit: Hit) -> tuple[float, float]:
    """Where a hit is on the canvas, in display pixels (the centre of a bar, a line's point):
    what a test clicks."""
    if isinstance(hit.artist, Line2D):
        assert hit.index is not None and hit.artist.axes is not None
        xs, ys = hit.artist.get_data()
        x, y = float(xs[hit.index]), float(ys[hit.index])  # type: ignore[index,arg-type]
        px, py = hit.artist.axes.transData.transform((x, y))
        return float(px), float(py)
    box = hit.artist.get_window_extent()
    return float(box.x0 + box.width / 2), float(box.y0 + box.height / 2)
