"""The metrics page: KPI tiles, matplotlib charts, the per-agent table, period and filters.

Figures are computed off the UI thread by the op runner (``MetricsViews.panel``); each
request carries a generation number, so a newer request supersedes an older one (a result
that arrives late is dropped, and a request still queued does no work). The tiles show as
soon as a result arrives; matplotlib is imported only when the page is first shown, and
each chart tab draws the first time it is opened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QEvent, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.context import AppContext
from ui.formatting import datetime_text
from ui.metrics.agent_table import SORT_ROLE, AgentTableModel
from ui.metrics.controls import FilterBar, PeriodBar
from ui.metrics.tiles import TILES, TileGrid
from ui.ops import Changes
from workbench.domain.enums import Role
from workbench.services.metrics import CURRENT_ONLY
from workbench.services.metrics_views import MetricsFilters, MetricsViews, PanelData

if TYPE_CHECKING:
    from ui.metrics.charts import ChartView, Colours
    from workbench.services.context import Workbench
    from workbench.services.dto import AgentInfo
    from workbench.services.metrics_views import DrillTicket, TeamChoice

# Tables whose changes move a figure: a change while the page is hidden marks it stale.
METRIC_ENTITIES = ("tickets", "ticket_events", "calls", "survey_answers", "agent_pulses",
                   "article_views", "canned_uses", "customers", "agents", "teams")
CHANGE_DELAY_MS = 2_000
MIN_CHART_HEIGHT = 250
PREVIEW_CHART = "created_vs_solved"  # the first tab: drawn from MetricsViews.volume first
CHART_TABS = (("created_vs_solved", "Created vs solved"), ("backlog", "Backlog"),
              ("times", "Response times"), ("sla", "SLA by priority"),
              ("satisfaction", "CSAT && NPS"), ("hold", "Hold time by agent"))


class MetricsPage(QWidget):
    """Managers and leads see the team; an agent sees their own figures."""

    loaded = Signal()  # a result is on screen (tiles, table and the charts built so far)
    charts_ready = Signal()  # matplotlib is loaded and the first chart drawn

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self._stale = True
        # The period and filters last computed, and whether figures changed since: asking
        # the same again (the agent's role arriving, the team list filling) computes nothing.
        self._asked: tuple[date, date, MetricsFilters] | None = None
        self._changed = False
        # The first chart's own numbers (created and solved per day), which arrive well
        # before the rest: drawn at once, replaced when the whole result comes.
        self._preview: PanelData | None = None
        self._preview_generation = -1
        self._data_generation = -1
        self.data: PanelData | None = None
        self.charts: dict[str, ChartView] = {}
        self._colours: Colours | None = None
        self._started = False
        self.charts_loaded = False
        self._sized = False

        today = QDateTime.currentDateTime().date().toPython()
        self.period = PeriodBar(today)  # type: ignore[arg-type]
        self.filters = FilterBar()
        self.progress = QProgressBar()
        self.progress.setObjectName("metrics-progress")
        self.progress.setRange(0, 0)  # busy: the service reports no steps
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("metrics-status")
        self.status.setForegroundRole(self.status.foregroundRole())
        self.export = QToolButton()
        self.export.setText(self.tr("&Export"))
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        menu.addAction(self.tr("Figures as CSV…"), self._ask_csv)
        menu.addAction(self.tr("This chart as PNG…"), self._ask_png)
        menu.addAction(self.tr("PDF report…"), self._ask_pdf)
        self.export.setMenu(menu)
        self.export.setEnabled(False)

        self.tiles = TileGrid(TILES)
        tiles_scroll = QScrollArea()
        tiles_scroll.setObjectName("metrics-tiles")
        tiles_scroll.setWidgetResizable(True)
        tiles_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        tiles_scroll.setWidget(self.tiles)
        tiles_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("metrics-tabs")
        self._tab_pages: dict[str, QWidget] = {}
        for chart_id, title in CHART_TABS:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 4, 0, 0)
            self._tab_pages[chart_id] = holder
            self.tabs.addTab(holder, self.tr(title))
        self.agent_model = AgentTableModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.agent_model)
        proxy.setSortRole(SORT_ROLE)
        self.agent_table = QTableView()
        self.agent_table.setObjectName("metrics-agents")
        self.agent_table.setModel(proxy)
        self.agent_table.setSortingEnabled(True)
        self.agent_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.agent_table.setAlternatingRowColors(True)
        self.agent_table.setShowGrid(False)
        self.agent_table.verticalHeader().setVisible(False)
        header = self.agent_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column in range(1, AgentTableModel().columnCount()):
            self.agent_table.setColumnWidth(column, 96)
        self.tabs.addTab(self.agent_table, self.tr("Agents"))
        self.tabs.currentChanged.connect(lambda _i: self._draw_current_chart())

        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("metrics-split")
        split.addWidget(tiles_scroll)
        split.addWidget(self.tabs)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        self.split = split

        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addSpacing(12)
        top.addWidget(self.filters, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addWidget(split, 1)

        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_DELAY_MS)
        self._change_timer.timeout.connect(self._refresh_if_stale)
        self.period.changed.connect(self.refresh)
        self.filters.changed.connect(self.refresh)
        if ctx is not None:
            self._bind(ctx)

    # -- context ---------------------------------------------------------------------------
    def _bind(self, ctx: AppContext) -> None:
        self._ctx = ctx
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(self._agent_changed)
        today = QDateTime.fromMSecsSinceEpoch(ctx.now_ms()).date().toPython()
        self.period.set_today(today)  # type: ignore[arg-type]
        self._agent_changed(ctx.agent, refresh=False)

    @property
    def ctx(self) -> AppContext:
        if self._ctx is None:  # built by a factory that passed none: the window's context
            found = getattr(self.window(), "ctx", None)
            if not isinstance(found, AppContext):
                raise RuntimeError("the metrics page needs an AppContext")
            self._bind(found)
        assert self._ctx is not None
        return self._ctx

    def _agent_changed(self, agent: AgentInfo | None, *, refresh: bool = True) -> None:
        own = agent if agent is not None and agent.role == Role.AGENT.value else None
        self.filters.restrict_to(own)
        if refresh and self._started:
            self.refresh()

    # -- showing and computing ---------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        ctx = self.ctx
        if not self._started:
            self._started = True
            ctx.runner.run_op(lambda wb: (MetricsViews(wb).teams(), wb.agents.list()),
                              self._choices_loaded, owner=self)
            # Tiles first: the charts (and matplotlib) load once this frame is painted.
            QTimer.singleShot(0, self._start_charts)
        if self._stale:
            self.refresh()

    def _choices_loaded(self, choices: tuple[list[TeamChoice], list[AgentInfo]]) -> None:
        self.filters.set_choices(*choices)

    def refresh(self) -> None:
        """Compute the figures of the chosen period and filters (off the UI thread)."""
        if not self._started:
            self._stale = True
            return
        self._stale = False
        first, last = self.period.days()
        filters = self.filters.filters()
        question = (first, last, filters)
        if question == self._asked and not self._changed:
            return  # asked already and nothing changed since: that answer is (or will be) shown
        self._asked, self._changed = question, False
        self._generation += 1
        generation = self._generation
        self.progress.show()
        self.status.setText(self.tr("Computing %1 to %2…")
                            .replace("%1", first.isoformat()).replace("%2", last.isoformat()))

        def preview(wb: Workbench) -> PanelData | None:
            if generation != self._generation:
                return None
            return MetricsViews(wb, wb.metrics).volume(first, last, filters)

        def compute(wb: Workbench) -> PanelData | None:
            if generation != self._generation:
                return None  # superseded while queued: skip the work
            return MetricsViews(wb, wb.metrics).panel(first, last, filters)

        # A failed preview is not reported: the full computation that follows reports it.
        self.ctx.runner.run_op(preview, lambda data: self._previewed(generation, data),
                               lambda _exc: None, owner=self)

        self.ctx.runner.run_op(compute, lambda data: self._loaded(generation, data),
                               lambda exc: self._failed(generation, exc), owner=self)

    def _loaded(self, generation: int, data: PanelData | None) -> None:
        if generation != self._generation or data is None:
            return  # a newer request is on its way
        self.data = data
        self._data_generation = generation
        self.progress.hide()
        self.export.setEnabled(True)
        report = data.report
        computed = datetime_text(report.computed_at_ms)
        who = (self.tr("your own figures") if self.filters.own_agent is not None
               else self.tr("the team"))
        self.status.setText(
            self.tr("%1 to %2 (%3), %4 · compared with %5 to %6 · computed %7")
            .replace("%1", report.first_day.isoformat()).replace("%2", report.last_day.isoformat())
            .replace("%3", report.time_zone).replace("%4", who)
            .replace("%5", report.previous_first_day.isoformat())
            .replace("%6", report.previous_last_day.isoformat()).replace("%7", computed))
        flat = report.flat()
        for key, tile in self.tiles.tiles.items():
            series = data.daily.get(tile.spec.series or "", [])
            tile.show_figures(report.figures.get(key), flat.get(f"{key}_change"),
                              flat.get(f"{key}_prev"), [v for _, v in series],
                              has_previous=key not in CURRENT_ONLY)
        self.agent_model.set_rows(data.agents)
        if not self._sized:
            self._sized = True
            self._fit_tiles()
        for chart in self.charts.values():
            chart.setProperty("drawn_generation", -1)
        self._draw_current_chart()
        self.loaded.emit()

    def _previewed(self, generation: int, data: PanelData | None) -> None:
        if data is None or generation != self._generation or self._data_generation == generation:
            return  # superseded, or the whole result is already on screen
        self._preview, self._preview_generation = data, generation
        self._draw_current_chart()

    def _fit_tiles(self) -> None:
        """Give the tiles the height they need when the charts keep enough (once: the
        user's own splitter position is theirs)."""
        total = sum(self.split.sizes())
        needed = self.tiles.sizeHint().height() + 2
        if total - needed >= MIN_CHART_HEIGHT:
            self.split.setSizes([needed, total - needed])

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._asked = None  # asking again must compute again
        self.progress.hide()
        self.status.setText(self.tr("The figures could not be computed"))
        errors.report(exc, parent=self)

    # -- charts ------------------------------------------------------------------------------
    def _start_charts(self) -> None:
        """Import matplotlib and build the chart on screen (the others on first view)."""
        from ui.metrics.charts import Colours

        self._colours = Colours.of(self.palette())
        self._draw_current_chart()
        self.charts_loaded = True
        self.charts_ready.emit()

    def chart(self, chart_id: str) -> ChartView:
        """The chart widget of a tab (built now if it never was)."""
        view = self.charts.get(chart_id)
        if view is None:
            from ui.metrics.charts import ChartView

            view = ChartView(chart_id)
            view.setObjectName(f"chart-{chart_id}")
            view.drill_requested.connect(self.drill)
            layout = self._tab_pages[chart_id].layout()
            assert layout is not None
            layout.addWidget(view)
            view.setProperty("drawn_generation", -1)
            self.charts[chart_id] = view
        return view

    def _draw_current_chart(self) -> None:
        if self._colours is None:
            return
        holder = self.tabs.currentWidget()
        chart_id = next((k for k, w in self._tab_pages.items() if w is holder), None)
        if chart_id is None:
            return
        view = self.chart(chart_id)
        data = self.data
        if (chart_id == PREVIEW_CHART and self._preview is not None
                and self._preview_generation > self._data_generation):
            data = self._preview  # newer than the whole result on screen, and enough here
        if data is not None and view.property("drawn_generation") != self._generation:
            view.show_data(data, self._colours)
            view.setProperty("drawn_generation", self._generation)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._colours is not None:
            from ui.metrics.charts import Colours

            self._colours = Colours.of(self.palette())
            for view in self.charts.values():
                view.setProperty("drawn_generation", -1)
            self._draw_current_chart()

    # -- drill-down ------------------------------------------------------------------------
    def drill(self, kind: str, args: dict[str, Any]) -> None:
        """List the tickets behind a bar or point (off the UI thread), then show them."""
        data = self.data
        if data is None or self._data_generation != self._generation:
            return  # the chart shows a first look at a period still being computed
        title = self._drill_title(kind, args, data)
        self.ctx.runner.run_op(lambda wb: MetricsViews(wb).drill(data, kind, **args),
                               lambda rows: self._show_drill(title, rows), owner=self)

    def _drill_title(self, kind: str, args: dict[str, Any], data: PanelData) -> str:
        titles = {
            "created": self.tr("Tickets created on %1"), "solved": self.tr("Tickets solved on %1"),
            "backlog": self.tr("Tickets open at the end of %1"),
            "csat": self.tr("Tickets with a CSAT answer on %1"),
            "nps": self.tr("Tickets with an NPS answer on %1"),
            "first_response": self.tr("Tickets by first response time"),
            "resolution": self.tr("Tickets by resolution time"),
            "calls": self.tr("Tickets of the agent's calls"),
            "priority": self.tr("Tickets of priority %1 created in the period"),
        }
        day = args.get("day")
        text = titles.get(kind, kind)
        if day is not None and 0 <= day < len(data.days):
            text = text.replace("%1", data.days[day])
        return text.replace("%1", str(args.get("priority", "")))

    def _show_drill(self, title: str, rows: list[DrillTicket]) -> None:
        from ui.metrics.drill import DrillDialog

        opener = getattr(self.window(), "open_ticket", None)
        dialog = DrillDialog(title, rows, opener if callable(opener) else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.drill_dialog = dialog
        dialog.open()

    # -- exports -----------------------------------------------------------------------------
    def _ask_path(self, caption: str, name: str, pattern: str) -> Path | None:
        folder = Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, str(folder / name), pattern)
        return Path(chosen) if chosen else None

    def _base_name(self) -> str:
        assert self.data is not None
        r = self.data.report
        return f"metrics-{r.first_day.isoformat()}-{r.last_day.isoformat()}"

    def _ask_csv(self) -> None:
        if self.data is not None and (path := self._ask_path(
                self.tr("Export the figures"), f"{self._base_name()}.csv",
                self.tr("CSV files (*.csv)"))):
            self.export_csv(path)

    def _ask_png(self) -> None:
        holder = self.tabs.currentWidget()
        chart_id = next((k for k, w in self._tab_pages.items() if w is holder), CHART_TABS[0][0])
        if self.data is not None and (path := self._ask_path(
                self.tr("Export the chart"), f"{self._base_name()}-{chart_id}.png",
                self.tr("PNG images (*.png)"))):
            self.export_png(chart_id, path)

    def _ask_pdf(self) -> None:
        if self.data is not None and (path := self._ask_path(
                self.tr("Export the report"), f"{self._base_name()}.pdf",
                self.tr("PDF documents (*.pdf)"))):
            self.export_pdf(path)

    def export_csv(self, path: Path) -> None:
        from ui.metrics.export import write_csv

        assert self.data is not None
        report = self.data.report
        self._export(lambda: write_csv(report, path), path)

    def export_png(self, chart_id: str, path: Path) -> None:
        from ui.metrics.charts import Colours
        from ui.metrics.export import write_png

        data, colours = self.data, Colours.of(self.palette())
        assert data is not None
        self._export(lambda: write_png(chart_id, data, colours, path), path)

    def export_pdf(self, path: Path) -> None:
        from ui.metrics.charts import Colours
        from ui.metrics.export import write_pdf

        data, colours = self.data, Colours.of(self.palette())
        assert data is not None
        r = data.report
        title = (self.tr("Support metrics, %1 to %2").replace("%1", r.first_day.isoformat())
                 .replace("%2", r.last_day.isoformat()))
        self._export(lambda: write_pdf(data, colours, path, title), path)

    def _export(self, write: Any, path: Path) -> None:
        """Write off the UI thread (a PDF of every chart takes a while), then say where."""
        self.ctx.runner.run_op(
            lambda _wb: write(),
            lambda _none: self.status.setText(self.tr("Saved %1").replace("%1", str(path))),
            lambda exc: errors.report(exc, parent=self), owner=self)

    # -- changes -------------------------------------------------------------------------------
    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if any(changes.touches(entity) for entity in METRIC_ENTITIES):
            self._stale = self._changed = True
            if self.isVisible():  # a burst of writes (a sync) costs one recomputation
                self._change_timer.start()

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def set_period(self, first: date, last: date) -> None:
        """Show a custom range (tests, and a caller that links to a period)."""
        self.period.set_period("custom", (first, last))


def metrics_page(ctx: AppContext | None = None, parent: QWidget | None = None) -> MetricsPage:
    """The page the main window shows under "Metrics"."""
    return MetricsPage(ctx, parent)
