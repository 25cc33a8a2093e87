"""The live-call panel of the call dialog: Start, Hold, Resume, End and a running mm:ss.

It drives the service's :class:`~workbench.services.calls.CallTimer` on the app's clock (so
a test moves a frozen clock and sees the same figures) and repaints twice a second from a
QTimer. When the call ends it hands the measured timing to whoever listens (``ended``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.customer.common import mm_ss
from workbench.domain.clock import Clock
from workbench.services.calls import CallTimer
from workbench.services.history_dto import CallTiming

TICK_MS = 500


class CallTimerPanel(QGroupBox):
    """Times a call as it happens."""

    started = Signal()
    ended = Signal(object)  # CallTiming

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Live call"), parent)
        self.timer = CallTimer(clock)
        self.display = QLabel("00:00")
        self.display.setObjectName("call-elapsed")
        font = QFont(self.display.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.display.setFont(font)
        self.state = QLabel(self.tr("Not started — start when the call begins"))
        self.state.setObjectName("call-state")
        self.hold_label = QLabel()
        self.start_button = QPushButton(self.tr("Start"))
        self.hold_button = QPushButton(self.tr("Hold"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.end_button = QPushButton(self.tr("End"))
        self.start_button.clicked.connect(self.start)
        self.hold_button.clicked.connect(self.hold)
        self.resume_button.clicked.connect(self.resume)
        self.end_button.clicked.connect(self.end)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.hold_button, self.resume_button, self.end_button):
            buttons.addWidget(b)
        text = QVBoxLayout()
        text.addWidget(self.state)
        text.addWidget(self.hold_label)
        row = QHBoxLayout()
        row.addWidget(self.display)
        row.addSpacing(12)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self.repaint_time)
        self._sync()

    @property
    def live(self) -> bool:
        return self.timer.state in ("talking", "on_hold")

    def start(self) -> None:
        self.timer.start()
        self._tick.start()
        self._sync()
        self.started.emit()

    def hold(self) -> None:
        self.timer.hold()
        self._sync()

    def resume(self) -> None:
        self.timer.resume()
        self._sync()

    def end(self) -> CallTiming:
        timing = self.timer.end()
        self._tick.stop()
        self._sync()
        self.ended.emit(timing)
        return timing

    def stop(self) -> None:
        """Stop repainting (the dialog is closing)."""
        self._tick.stop()

    def repaint_time(self) -> None:
        self.display.setText(mm_ss(self.timer.elapsed_s))
        hold = self.timer.hold_s
        self.hold_label.setText(self.tr("On hold %1").replace("%1", mm_ss(hold)) if hold else "")

    def _sync(self) -> None:
        state = self.timer.state
        self.start_button.setEnabled(state == "idle")
        self.hold_button.setEnabled(state == "talking")
        self.resume_button.setEnabled(state == "on_hold")
        self.end_button.setEnabled(state in ("talking", "on_hold"))
        self.state.setText({
            "idle": self.tr("Not started — start when the call begins"),
            "talking": self.tr("Talking"),
            "on_hold": self.tr("On hold — the customer is waiting"),
            "ended": self.tr("Ended — the form below has the times"),
        }[state])
        colour = {"talking": "#2e7d32", "on_hold": "#b45309"}.get(state, "")
        self.display.setStyleSheet(f"color: {colour};" if colour else "")
        self.repaint_time()
