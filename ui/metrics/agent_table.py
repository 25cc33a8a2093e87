"""The per-agent table of the metrics panel: a small model over ``AgentFigures`` rows.

A team has tens of agents, so the rows are held whole and sorted by a proxy; the sort key
of every cell is its raw number (None sorts first), the display its formatted text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from ui.i18n import QT_TRANSLATE_NOOP
from ui.labels import unassigned
from ui.metrics.tiles import Unit, value_text
from workbench.services.metrics_views import AgentFigures

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_Column = tuple[str, Callable[[AgentFigures], Any], Unit | None]

COLUMNS: tuple[_Column, ...] = (
    (QT_TRANSLATE_NOOP("metrics", "Agent"), lambda r: r.name, None),
    (QT_TRANSLATE_NOOP("metrics", "Tickets"), lambda r: r.tickets, Unit.COUNT),
    (QT_TRANSLATE_NOOP("metrics", "Solved"), lambda r: r.solved, Unit.COUNT),
    (QT_TRANSLATE_NOOP("metrics", "First response"), lambda r: r.first_response_median_s,
     Unit.DURATION),
    (QT_TRANSLATE_NOOP("metrics", "Resolution"), lambda r: r.resolution_median_s,
     Unit.DURATION),
    (QT_TRANSLATE_NOOP("metrics", "FCR"), lambda r: r.fcr_pct, Unit.PERCENT),
    (QT_TRANSLATE_NOOP("metrics", "CSAT"), lambda r: r.csat_pct, Unit.PERCENT),
    (QT_TRANSLATE_NOOP("metrics", "Calls"), lambda r: r.calls, Unit.COUNT),
    (QT_TRANSLATE_NOOP("metrics", "Hold time"), lambda r: r.hold_time_mean_s, Unit.DURATION),
    (QT_TRANSLATE_NOOP("metrics", "Pulse"), lambda r: r.pulse_mean, Unit.SCORE),
)
_TIPS = {
    3: QT_TRANSLATE_NOOP("metrics", "Median first response of the tickets created"),
    4: QT_TRANSLATE_NOOP("metrics", "Median resolution time of the tickets solved"),
    5: QT_TRANSLATE_NOOP("metrics", "First-contact resolution among the tickets solved"),
    6: QT_TRANSLATE_NOOP("metrics", "Share of 4-5 answers on the agent's tickets"),
    8: QT_TRANSLATE_NOOP("metrics", "Mean hold time of the agent's calls"),
    9: QT_TRANSLATE_NOOP("metrics", "Mean of the agent's pulse answers (1-5)"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("metrics", text)


class AgentTableModel(QAbstractTableModel):
    """One row per agent (and one for unassigned tickets)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AgentFigures] = []

    def set_rows(self, rows: Sequence[AgentFigures]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AgentFigures:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        _title, get, unit = COLUMNS[index.column()]
        value = get(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if unit is None:
                return value if row.agent_id is not None else unassigned()
            return value_text(value, unit)
        if role == SORT_ROLE:
            if unit is None:
                return str(value).lower()
            return float("-inf") if value is None else float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and unit is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section][0])
        if role == Qt.ItemDataRole.ToolTipRole and section in _TIPS:
            return tr(_TIPS[section])
        return None
