"""The metrics panel: tiles, period, role, exports and drill-down on a hand-made month
(tests/workbench/services/metrics_views_data.py, shared with the service oracles;
now is Mar 6 10:00, the lead Dana Ortiz acts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from metrics_views_data import Month, seed_month  # tests/workbench/services, see conftest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.metrics.tiles import BAD, GOOD
from ui.pages.metrics import MetricsPage
from workbench.cli.metrics import as_csv
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def month(wb: Workbench, clock: FrozenClock, team: Team) -> Month:
    return seed_month(wb, clock, manager=team.lead.id)


def open_page(qtbot: QtBot, ctx: AppContext) -> MetricsPage:
    page = MetricsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, month: Month) -> MetricsPage:
    shown = open_page(qtbot, ctx)
    shown.set_period(*MARCH)
    return shown


def tile_text(page: MetricsPage, key: str) -> tuple[str, str]:
    tile = page.tiles.tiles[key]
    return tile.value.text(), tile.change.text()


def test_tiles_show_the_hand_computed_figures_of_the_period(page: MetricsPage) -> None:
    assert page.data is not None and page.data.report.first_day == MARCH[0]
    # First replies 3600, 7200, 21600 and 1800 s: median 5400 s; February's was 1800 s.
    assert tile_text(page, "first_response_time_median_s") == ("1h 30m", "▲ 1h")
    assert page.tiles.tiles["first_response_time_median_s"].verdict == -1  # slower: worse
    # CSAT 5, 4, 2 in March (66.7 %) against February's single 1 (0 %).
    assert tile_text(page, "csat_pct") == ("66.7 %", "▲ 66.7 pts")
    assert page.tiles.tiles["csat_pct"].verdict == 1
    assert tile_text(page, "tickets_created") == ("4", "▲ 3")
    assert tile_text(page, "tickets_solved")[0] == "3"
    assert tile_text(page, "fcr_pct")[0] == "66.7 %"  # T1 and T2 of T1, T2, T4
    assert tile_text(page, "hold_time_mean_s")[0] == "36 s"
    assert tile_text(page, "backlog_open") == ("1", "now")  # T3; no previous period
    assert page.tiles.tiles["csat_pct"].change.styleSheet() == f"color: {GOOD.name()};"
    assert (page.tiles.tiles["first_response_time_median_s"].change.styleSheet()
            == f"color: {BAD.name()};")


def test_speed_tiles_sit_next_to_quality_tiles(page: MetricsPage) -> None:
    keys = list(page.tiles.tiles)
    assert page.tiles.columns() % 2 == 0
    for speed, quality in (("first_response_time_median_s", "fcr_pct"),
                           ("resolution_time_median_s", "csat_pct")):
        assert keys.index(quality) == keys.index(speed) + 1
        assert keys.index(speed) % 2 == 0  # the pair starts a column pair: never split


def test_the_agent_table_lists_each_agents_figures(page: MetricsPage, month: Month) -> None:
    model = page.agent_model
    rows = {model.row_at(r).agent_id: r for r in range(model.rowCount())}
    ravi = rows[month.ravi]
    cells = [model.index(ravi, c).data() for c in range(model.columnCount())]
    assert cells == ["Ravi Das", "2", "2", "1h 30m", "4h", "100.0 %", "66.7 %", "5", "36 s",
                     "4.00"]


def test_changing_the_period_recomputes(page: MetricsPage) -> None:
    page.period.period.setCurrentIndex(page.period.period.findData("today"))
    assert page.data is not None
    assert (page.data.report.first_day, page.data.report.last_day) == (date(2026, 3, 6),) * 2
    assert tile_text(page, "tickets_created")[0] == "0"
    assert "2026-03-06" in page.status.text()
    page.period.period.setCurrentIndex(page.period.period.findData("7d"))
    assert page.data.report.first_day == date(2026, 2, 28)
    assert tile_text(page, "tickets_created")[0] == "4"


def test_a_filter_change_recomputes(page: MetricsPage, month: Month) -> None:
    agent = page.filters.agent
    agent.setCurrentIndex(agent.findData(month.ravi))
    assert page.data is not None and page.data.filters.agent_id == month.ravi
    assert tile_text(page, "tickets_created")[0] == "2"


def test_an_agent_sees_only_their_own_figures(
    qtbot: QtBot, ctx: AppContext, month: Month, wb: Workbench
) -> None:
    ctx.set_agent(wb.agents.get(month.ravi))
    page = open_page(qtbot, ctx)
    page.set_period(*MARCH)
    assert not page.filters.agent.isEnabled() and not page.filters.team.isEnabled()
    assert page.filters.agent.currentData() == month.ravi
    assert page.data is not None and page.data.filters.agent_id == month.ravi
    assert tile_text(page, "tickets_created")[0] == "2"  # T1 and T2, not T3 and T4
    assert [page.agent_model.row_at(r).agent_id
            for r in range(page.agent_model.rowCount())] == [month.ravi]
    # A lead again: the team's figures come back.
    ctx.set_agent(wb.agents.get("dana@example.com"))
    assert page.filters.agent.isEnabled()
    assert tile_text(page, "tickets_created")[0] == "4"


def test_asking_the_same_again_computes_nothing_until_the_figures_change(
    page: MetricsPage, wb: Workbench, month: Month, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agent's role arriving or the team list filling asks for the same period and
    filters again: on a million tickets that would be seconds of work for nothing."""
    from workbench.services import metrics_views

    computed: list[date] = []
    panel = metrics_views.MetricsViews.panel

    def counted(self: metrics_views.MetricsViews, first: date, *args: object) -> object:
        computed.append(first)
        return panel(self, first, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(metrics_views.MetricsViews, "panel", counted)
    page.refresh()
    page.filters.set_choices(metrics_views.MetricsViews(wb).teams(), wb.agents.list())
    page._agent_changed(page.ctx.agent)
    assert computed == []
    customer = wb.tickets.get(month.tickets["T1"]).ticket.customer_id
    wb.tickets.create("One more", customer)  # as if a colleague's ticket arrived
    page.refresh()
    assert computed == [MARCH[0]]


def test_the_newest_request_wins(page: MetricsPage) -> None:
    """A result that arrives after a newer request is dropped (the worker may finish an older
    op later than the UI asked for a newer one)."""
    assert page.data is not None
    march = page.data
    page.period.period.setCurrentIndex(page.period.period.findData("today"))
    today = page.data
    page._loaded(page._generation - 1, march)  # the older result, arriving late
    assert page.data is today
    assert tile_text(page, "tickets_created")[0] == "0"


def test_csv_export_has_every_figure_as_the_cli_prints_it(
    page: MetricsPage, tmp_path: Path
) -> None:
    target = tmp_path / "march.csv"
    page.export_csv(target)
    assert page.data is not None
    text = target.read_text(encoding="utf-8")
    assert text == as_csv(page.data.report) + "\n"
    lines = text.splitlines()
    assert lines[0] == "key,value,prev,change"
    assert "tickets_created,4,1,3" in lines
    assert "first_response_time_median_s,5400.0,1800.0,3600.0" in lines


def test_png_and_pdf_exports_are_valid_files(page: MetricsPage, tmp_path: Path) -> None:
    png, pdf = tmp_path / "chart.png", tmp_path / "report.pdf"
    page.export_png("created_vs_solved", png)
    page.export_pdf(pdf)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 7  # tiles + 6 charts
    assert str(pdf) in page.status.text()


def send_mouse(widget: QWidget, kind: QEvent.Type, where: QPoint,
               button: Qt.MouseButton) -> None:
    """A real Qt mouse event (QTest's moves do not reach a widget offscreen)."""
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, QPointF(where), QPointF(widget.mapToGlobal(where)), button,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def canvas_point(view: object, x: float, y: float) -> QPoint:
    canvas = view.canvas  # type: ignore[attr-defined]
    ratio = canvas.device_pixel_ratio
    return QPoint(int(x / ratio), int(canvas.height() - y / ratio))


def test_hover_shows_the_value_and_a_click_lists_the_tickets_of_the_day(
    qtbot: QtBot, ctx: AppContext, month: Month
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.page("metrics").charts_ready, timeout=10_000):  # type: ignore[attr-defined]
        window.show_page("metrics")
    page = window.page("metrics")
    assert isinstance(page, MetricsPage)
    page.set_period(*MARCH)
    from ui.metrics.charts import display_point

    view = page.chart("created_vs_solved")
    view.canvas.draw()
    hit = next(h for h in view.hits if h.drill == ("created", {"day": 1}))
    where = canvas_point(view, *display_point(hit))
    send_mouse(view.canvas, QEvent.Type.MouseMove, where, Qt.MouseButton.NoButton)
    assert view.hover_text() == "2026-03-02\nCreated: 3\nClick to list the tickets"
    send_mouse(view.canvas, QEvent.Type.MouseButtonPress, where, Qt.MouseButton.LeftButton)
    send_mouse(view.canvas, QEvent.Type.MouseButtonRelease, where, Qt.MouseButton.LeftButton)
    dialog = page.drill_dialog
    t = month.tickets
    assert [row.id for row in dialog.model.rows] == [t["T1"], t["T2"], t["T3"]]
    assert dialog.windowTitle() == "Tickets created on 2026-03-02"
    dialog.table.doubleClicked.emit(dialog.model.index(1, 0))
    from ui.ticket.view import TicketView

    opened = [v.ticket_id for v in window.findChildren(TicketView) if v.isVisible()]
    assert opened == [t["T2"]]
    dialog.close()
    for view_window in window.findChildren(TicketView):
        view_window.close()


def test_every_chart_draws_on_its_tab(qtbot: QtBot, page: MetricsPage) -> None:
    qtbot.waitUntil(lambda: page.charts_loaded, timeout=10_000)
    for index in range(len(page._tab_pages)):
        page.tabs.setCurrentIndex(index)
    assert set(page.charts) == set(page._tab_pages)
    assert all(chart.hits for chart in page.charts.values())



def test_the_first_chart_shows_created_and_solved_per_day_before_the_rest_is_computed(
    qtbot: QtBot, page: MetricsPage, wb: Workbench, month: Month
) -> None:
    """On a million tickets the whole result takes seconds; the first tab needs only two
    counts per day, which arrive first and are drawn at once (then replaced)."""
    from workbench.services.metrics_views import MetricsViews

    qtbot.waitUntil(lambda: page.charts_loaded, timeout=10_000)
    assert page.data is not None
    whole = page.data
    page._generation += 1  # a new request (another filter) whose result is not here yet
    first_look = MetricsViews(wb).volume(*MARCH)
    page._previewed(page._generation, first_look)

    chart = page.charts["created_vs_solved"]
    assert chart.property("drawn_generation") == page._generation
    bars = {hit.text for hit in chart.hits}
    assert "2026-03-02\nCreated: 3" in bars  # T1, T2 and T3
    page.drill("created", {"day": 1})  # no drill-down into a period still being computed
    assert page.data is whole

    page._loaded(page._generation, whole)  # the whole result: drawn over the first look
    assert chart.property("drawn_generation") == page._generation
    assert page.data is whole


def test_a_long_period_draws_the_daily_volume_as_lines_with_a_point_per_day(
    qtbot: QtBot, page: MetricsPage
) -> None:
    """A quarter of bars would be hundreds of rectangles to draw on every redraw."""
    from matplotlib.lines import Line2D

    qtbot.waitUntil(lambda: page.charts_loaded, timeout=10_000)
    page.set_period(date(2026, 1, 1), date(2026, 3, 31))
    chart = page.charts["created_vs_solved"]
    assert page.data is not None and len(page.data.days) == 65  # up to today, Mar 6
    assert {type(hit.artist) for hit in chart.hits} == {Line2D}
    assert len(chart.hits) == 2 * 65
    assert "2026-03-02\nCreated: 3" in {hit.text for hit in chart.hits}
    page.set_period(*MARCH)
    assert {type(hit.artist) for hit in chart.hits} != {Line2D}  # a month: bars again
