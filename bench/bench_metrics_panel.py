"""Metrics panel benchmark: first chart on screen and a filter's redraw, on 1,000,000 tickets.

Each "open" sample is a fresh process (so the matplotlib import is paid, as the first time a
manager opens the panel): the app's op runner (a real worker thread) opens the database, the
metrics page is shown on the last 30 days of the dataset, and the clock stops at the first
``draw_event`` of a chart canvas that carries the computed figures (matplotlib's own signal
that the figure was rendered; the canvas is then blitted on the next paint): the first tab,
tickets created and solved per day, which the page draws from ``MetricsViews.volume`` before
the whole computation ends. Also timed: the tiles filled (``loaded``: every figure), and in
the same process each filter change (priority, then the period: 12 months) until its chart
is redrawn, and until its tiles are.

Baselines from the same run: a fresh process importing matplotlib and drawing one line chart
on a FigureCanvasQTAgg (the least a first chart can cost), and ``MetricsService.compute`` of
the same periods called directly.

The database is the one ``bench/bench_metrics.py`` builds (``--db``, default
/tmp/bench-metrics.sqlite3; built here by that script when missing).

    python bench/bench_metrics_panel.py [--db PATH] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_DB = Path(tempfile.gettempdir()) / "bench-metrics.sqlite3"
MONTH = (date(2025, 12, 2), date(2025, 12, 31))  # the dataset ends on 2025-12-31
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TIMEOUT_S = 120


def _wait(app: Any, done: Any) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while not done():
        app.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the panel")


def child_panel(db: Path) -> dict[str, Any]:
    """One manager opening the panel, then two filter changes (times in ms)."""
    started, cpu0 = time.perf_counter(), time.process_time()
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("bench-metrics-panel")
    app = QApplication(sys.argv[:1])
    from ui.context import AppContext
    from ui.ops import OpRunner
    from ui.pages.metrics import MetricsPage
    from ui.preferences import Preferences
    from workbench.config import resolve_paths
    from workbench.domain.clock import FrozenClock, parse_iso

    clock = FrozenClock(parse_iso("2026-01-01T00:00:00Z"))
    runner = OpRunner(app)
    ctx = AppContext(runner, resolve_paths(tempfile.mkdtemp()), clock, Preferences())

    def open_db() -> Any:
        from workbench.services.context import Workbench

        return Workbench.open(db, clock=clock)

    def manager(wb: Any) -> Any:
        agents = [a for a in wb.agents.list() if a.role in ("manager", "lead")]
        wb.actor_id = agents[0].id if agents else None
        return agents[0] if agents else None

    runner.open(open_db)
    runner.run_op(manager, ctx.mark_ready)
    page = MetricsPage(ctx)
    page.resize(1280, 800)
    page.set_period(*MONTH)  # before it is shown: the first computation is this period
    drawn: list[tuple[float, int]] = []  # (when, generation) of chart renders with figures

    def watch(chart: Any) -> None:
        def on_draw(_event: Any) -> None:
            if chart.property("drawn_generation") == page._generation:
                drawn.append((time.perf_counter(), page._generation))
        chart.canvas.mpl_connect("draw_event", on_draw)

    loaded: list[float] = []
    page.loaded.connect(lambda: loaded.append(time.perf_counter()))
    page.charts_ready.connect(lambda: [watch(c) for c in page.charts.values()])
    shown = time.perf_counter()
    page.show()
    _wait(app, lambda: bool(drawn))
    first_chart = drawn[0][0]
    _wait(app, lambda: bool(loaded))  # the manager reads the panel, then changes a filter
    out: dict[str, Any] = {
        "process_start_to_shown_ms": round((shown - started) * 1000, 1),
        "tiles_ms": round((loaded[0] - shown) * 1000, 1),
        "first_chart_ms": round((first_chart - shown) * 1000, 1),
        "cpu_to_tiles_ms": round((time.process_time() - cpu0) * 1000, 1),
    }
    for name, change in (
        ("priority_filter_redraw_ms", lambda: page.filters.priority.setCurrentIndex(1)),
        ("period_12_months_redraw_ms", lambda: page.set_period(*YEAR)),
        ("priority_back_redraw_ms", lambda: page.filters.priority.setCurrentIndex(0)),
    ):
        before, tiles_before = len(drawn), len(loaded)
        t0 = time.perf_counter()
        change()
        _wait(app, lambda before=before: len(drawn) > before)
        out[name] = round((drawn[before][0] - t0) * 1000, 1)
        _wait(app, lambda tiles_before=tiles_before: len(loaded) > tiles_before)
        out[name.replace("_redraw_ms", "_tiles_ms")] = round((loaded[-1] - t0) * 1000, 1)
    page.close()
    runner.shutdown()
    return out


def child_bare() -> dict[str, Any]:
    """The least a first chart costs: matplotlib imported, one line chart drawn on screen."""
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    shown_at = time.perf_counter()
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2))
    figure.add_subplot().plot(range(30), [n % 7 for n in range(30)])
    canvas = FigureCanvasQTAgg(figure)  # type: ignore[no-untyped-call]
    drawn: list[float] = []
    canvas.mpl_connect("draw_event", lambda _e: drawn.append(time.perf_counter()))
    canvas.resize(1200, 400)
    canvas.show()
    _wait(app, lambda: bool(drawn))
    return {"first_chart_ms": round((drawn[0] - shown_at) * 1000, 1),
            "process_start_to_shown_ms": round((shown_at - started) * 1000, 1)}


def compute_times(db: Path) -> dict[str, float]:
    """MetricsService.compute of the panel's periods, called directly (ms, median of 3)."""
    from workbench.domain.clock import FrozenClock, parse_iso
    from workbench.services.context import Workbench
    from workbench.services.metrics import MetricsService

    wb = Workbench.open(db, clock=FrozenClock(parse_iso("2026-01-01T00:00:00Z")))
    out = {}
    for name, period, kw in (("month", MONTH, {}), ("month_urgent", MONTH, {"priority": "urgent"}),
                             ("year_urgent", YEAR, {"priority": "urgent"}), ("year", YEAR, {})):
        samples = []
        for _ in range(3):
            t0 = time.perf_counter()
            MetricsService(wb).compute(*period, **kw)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - t0) * 1000)
        out[f"compute_{name}_ms"] = round(statistics.median(samples), 1)
    wb.close()
    return out


def _spawn(*args: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True,
                          text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=("panel", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "panel":
        print(json.dumps(child_panel(args.db)))
        return 0
    if args.child == "bare":
        print(json.dumps(child_bare()))
        return 0
    if not args.db.exists():
        subprocess.run([sys.executable, str(HERE / "bench_metrics.py"), "--db", str(args.db),
                        "--repeat", "1"], check=True, stdout=subprocess.DEVNULL)
    load_start = os.getloadavg()[0]
    panels = [_spawn("--child", "panel", "--db", str(args.db)) for _ in range(args.runs)]
    bares = [_spawn("--child", "bare") for _ in range(args.runs)]

    def stats(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
        values = [r[key] for r in rows]
        return {"median": round(statistics.median(values), 1), "max": max(values)}

    result: dict[str, Any] = {
        "bench": "metrics_panel", "db": str(args.db), "runs": args.runs,
        "cpus": os.cpu_count(), "load_average_at_start": load_start,
        "budget_ms": {"first_chart": 1000, "filter_redraw": 300},
        "panel": {key: stats(panels, key) for key in panels[0]},
        "bare_matplotlib": {key: stats(bares, key) for key in bares[0]},
        **compute_times(args.db),
        "load_average_at_end": os.getloadavg()[0],
    }
    first = result["panel"]["first_chart_ms"]["median"]
    result["first_chart_vs_bare_matplotlib"] = round(
        first / result["bare_matplotlib"]["first_chart_ms"]["median"], 2)
    result["within_budget"] = {
        "first_chart": first <= 1000,
        "priority_filter_redraw": result["panel"]["priority_filter_redraw_ms"]["median"] <= 300,
        "period_12_months_redraw": result["panel"]["period_12_months_redraw_ms"]["median"] <= 300,
    }
    text = json.dumps(result, indent=2)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_metrics_panel.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
