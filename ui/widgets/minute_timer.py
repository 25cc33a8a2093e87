"""A signal at the start of every wall-clock minute (clock labels, countdowns).

A repeating 60 s timer drifts and fires mid-minute; this one re-arms a single shot for the
next minute boundary each time, so a clock showing 16:42 changes as the minute turns.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

SLACK_MS = 20  # fire just after the boundary, never just before it


def ms_to_next_minute(now_ms: int) -> int:
    return 60_000 - now_ms % 60_000 + SLACK_MS


class MinuteTimer(QObject):
    """Emits ``minute`` as each minute of the system clock begins."""

    minute = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self._fire)
        self._arm()

    def _arm(self) -> None:
        self._timer.start(ms_to_next_minute(time.time_ns() // 1_000_000))

    def _fire(self) -> None:
        self._arm()
        self.minute.emit()

    def stop(self) -> None:
        self._timer.stop()
