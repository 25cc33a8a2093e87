"""Desktop notifications, with an in-app banner where the desktop has no tray.

:class:`Notifier` shows a message through ``QSystemTrayIcon.showMessage`` when a system
tray is available; otherwise (a tray-less desktop, the offscreen test platform) it shows
a :class:`Banner` across the top of the window: non-modal, dismissable, with a button that
opens what the message is about. Either way ``activated(key)`` is emitted when the user
clicks through, and every message is kept in ``sent`` (tests and the log read it).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStyle,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

log = logging.getLogger(__name__)
BANNER_MS = 15_000
AMBER_STYLE = "QFrame#notify-banner { background: #fff3cd; border: 1px solid #e89a0c; }"
RED_STYLE = "QFrame#notify-banner { background: #fde0e0; border: 1px solid #d32f2f; }"
TEXT_STYLE = "color: #1f1f1f;"


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    key: str  # what clicking through opens (a ticket id)
    urgent: bool = False


class Banner(QFrame):
    """A strip over the top of a window: the latest notice, "Open" and a close button."""

    open_clicked = Signal(str)

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("notify-banner")
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet(TEXT_STYLE)
        self.open_button = QToolButton()
        self.open_button.setText(self.tr("Open"))
        close = QToolButton()
        close.setAutoRaise(True)
        close.setText("×")
        close.setToolTip(self.tr("Dismiss"))
        close.setStyleSheet(TEXT_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(close)
        self._key = ""
        self.open_button.clicked.connect(self._open)
        close.clicked.connect(self.hide)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        host.installEventFilter(self)
        self.hide()

    def _open(self) -> None:
        self.hide()
        self.open_clicked.emit(self._key)

    def show_notice(self, notice: Notice) -> None:
        self._key = notice.key
        self.setStyleSheet(RED_STYLE if notice.urgent else AMBER_STYLE)
        self.label.setText(f"<b>{html.escape(notice.title)}</b><br/>{html.escape(notice.text)}")
        self._place()
        self.show()
        self.raise_()
        self._timer.start(BANNER_MS)

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        width = min(560, host.width() - 24)
        self.setFixedWidth(max(width, 200))
        self.adjustSize()
        self.move(host.width() - self.width() - 12, 36)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False


class Notifier(QObject):
    """Tells the user about something that needs them now, once per call."""

    activated = Signal(str)

    def __init__(self, host: Callable[[], QWidget | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._tray: QSystemTrayIcon | None = None
        self._banner: Banner | None = None
        self._last_key = ""
        self.sent: list[Notice] = []

    @staticmethod
    def tray_available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def notify(self, notice: Notice) -> None:
        self.sent.append(notice)
        log.info("notification: %s — %s", notice.title, notice.text)
        self._last_key = notice.key
        if self.tray_available():
            tray = self._ensure_tray()
            icon = (QSystemTrayIcon.MessageIcon.Critical if notice.urgent
                    else QSystemTrayIcon.MessageIcon.Warning)
            tray.showMessage(notice.title, notice.text, icon, BANNER_MS)
            return
        banner = self._ensure_banner()
        if banner is not None:
            banner.show_notice(notice)

    @property
    def banner(self) -> Banner | None:
        return self._banner

    def _ensure_tray(self) -> QSystemTrayIcon:
        if self._tray is None:
            app = QApplication.instance()
            icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
            if icon.isNull():
                icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.messageClicked.connect(lambda: self.activated.emit(self._last_key))
            self._tray.show()
        return self._tray

    def _ensure_banner(self) -> Banner | None:
        host = self._host()
        if host is None:
            return None
        if self._banner is None or self._banner.parentWidget() is not host:
            self._banner = Banner(host)
            self._banner.open_clicked.connect(self.activated)
        return self._banner
