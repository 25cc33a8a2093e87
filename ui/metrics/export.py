"""Exports of the metrics panel: every figure as CSV (the rows of ``workbench metrics
--format csv``), one chart as PNG, the whole panel as a one-file PDF report.

matplotlib is imported inside the functions that draw, so importing this module costs
nothing until an export runs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from ui.metrics.tiles import TILES, Unit, change_text, value_text
from workbench.services.metrics import CURRENT_ONLY, MetricsReport

if TYPE_CHECKING:
    from ui.metrics.charts import Colours
    from workbench.services.metrics_views import PanelData

Value = int | float | None


def tr(text: str) -> str:
    return QCoreApplication.translate("metrics", text)


def figures_csv(report: MetricsReport) -> str:
    """key,value,prev,change: one row per figure, as the CLI's CSV (empty: no data)."""
    flat = report.flat()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "value", "prev", "change"])
    for key, value in report.figures.items():
        writer.writerow([key, _cell(value), _cell(flat.get(f"{key}_prev")),
                         _cell(flat.get(f"{key}_change"))])
    return out.getvalue().rstrip("\n")


def _cell(value: Value) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def write_csv(report: MetricsReport, path: Path) -> None:
    path.write_text(figures_csv(report) + "\n", encoding="utf-8")


def write_png(chart_id: str, data: PanelData, colours: Colours, path: Path) -> None:
    from ui.metrics.charts import draw_offscreen

    figure = draw_offscreen(chart_id, data, colours)
    figure.savefig(path, format="png", dpi=150, facecolor=figure.get_facecolor())


def write_pdf(data: PanelData, colours: Colours, path: Path, title: str) -> None:
    """Page 1: the tiles as a table of figures; then one page per chart."""
    from matplotlib.backends.backend_pdf import PdfPages

    from ui.metrics.charts import CHARTS, draw_offscreen

    with PdfPages(path) as pdf:
        pdf.savefig(_tiles_page(data, colours, title), facecolor=colours.face)
        for chart_id, _title, _fn in CHARTS:
            figure = draw_offscreen(chart_id, data, colours, size=(11.69, 5.5))
            pdf.savefig(figure, facecolor=figure.get_facecolor())
        info = pdf.infodict()
        info["Title"] = title
        info["Creator"] = "Support Workbench"


def _tiles_page(data: PanelData, colours: Colours, title: str) -> object:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.69, 8.27))  # A4 landscape
    figure.set_facecolor(colours.face)
    report = data.report
    figure.text(0.04, 0.95, title, fontsize=16, weight="bold", color=colours.text)
    flat = report.flat()
    columns, rows = 4, (len(TILES) + 3) // 4
    for n, spec in enumerate(TILES):
        col, row = n % columns, n // columns
        x, y = 0.04 + col * 0.24, 0.86 - row * (0.8 / rows)
        value = report.figures.get(spec.key)
        figure.text(x, y, tr(spec.title), fontsize=8.5, color=colours.text, alpha=0.7)
        figure.text(x, y - 0.035, value_text(value, spec.unit), fontsize=14, weight="bold",
                    color=colours.text)
        if spec.key in CURRENT_ONLY:
            note = tr("now")
        else:
            note = change_text(flat.get(f"{spec.key}_change"), spec.unit)
            prev = flat.get(f"{spec.key}_prev")
            if prev is not None and spec.unit is not Unit.COUNT:
                note += "  (" + tr("before: %1").replace("%1", value_text(prev, spec.unit)) + ")"
        figure.text(x, y - 0.065, note, fontsize=8, color=colours.text, alpha=0.8)
    return figure
