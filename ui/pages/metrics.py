"""The metrics page (KPI tiles and charts): an empty state until its issue lands.

It must not import matplotlib: the charts will load it lazily when the page is first shown.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStyle, QWidget

from ui.pages.empty_state import EmptyStatePage


def metrics_page(parent: QWidget | None = None) -> EmptyStatePage:
    def tr(text: str) -> str:
        return QCoreApplication.translate("metrics", text)

    return EmptyStatePage(
        tr("Metrics"),
        tr("Response and resolution times, SLA compliance, backlog, CSAT, NPS and the other "
           "team KPIs will appear here, filterable by period, team and agent."),
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        parent,
    )
