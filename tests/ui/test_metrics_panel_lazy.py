"""matplotlib stays out of the app until the Metrics page is opened, then its first chart
comes up quickly (the import included)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import faulthandler, json, sys, time
    faulthandler.dump_traceback_later(60, exit=True)  # a hang fails the test, with a trace
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1] + "/qs")
    QCoreApplication.setOrganizationName("metrics-lazy-test")
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.ops import OpRunner
    from ui.preferences import Preferences
    from workbench.config import resolve_paths
    from workbench.domain.clock import FrozenClock, parse_iso
    from workbench.services.context import Workbench

    clock = FrozenClock(parse_iso("2026-03-06T10:00:00Z"))
    paths = resolve_paths(Path(sys.argv[1]) / "data")
    wb = Workbench.open(paths.database, clock=clock)
    lead = wb.agents.create("Dana Ortiz", "dana@example.com", "lead")
    runner = OpRunner(synchronous=True)
    runner.attach(wb)
    ctx = AppContext(runner, paths, clock, Preferences())
    ctx.mark_ready(lead)
    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    before = "matplotlib" in sys.modules
    wall, cpu = time.perf_counter(), time.process_time()
    window.show_page("metrics")
    page = window.page("metrics")
    while not page.charts_loaded and time.perf_counter() - wall < 30:
        app.processEvents()
    took = (time.perf_counter() - wall, time.process_time() - cpu)
    print(json.dumps({"before": before, "after": "matplotlib.backends.backend_qtagg" in sys.modules,
                      "first_chart_wall_s": took[0], "first_chart_cpu_s": took[1],
                      "chart_built": "created_vs_solved" in page.charts}))
    runner.shutdown()
    wb.close()
""")


def test_matplotlib_loads_only_when_the_metrics_page_opens(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                            text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                         **_env()})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["before"] is False  # the window and the queue: none
    assert seen["after"] is True and seen["chart_built"] is True


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
