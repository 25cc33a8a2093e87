"""The sync part of the status bar: the state (a button with the sync menu), a clock-skew
warning, and — loudly — the insecure-keyring warning when $WORKBENCH_INSECURE_KEYRING=1.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from ui.sync.controller import SyncController
from ui.sync.texts import Tone, skew_text, status_line, status_tip, tr
from workbench.sync.status import INSECURE_ENV, SyncStatus, insecure_allowed

INSECURE_STYLE = ("QLabel { background: #c62828; color: white; font-weight: 600; "
                  "border-radius: 3px; padding: 1px 8px; }")
SKEW_STYLE = "QLabel { color: #b45309; font-weight: 600; }"


def dot_icon(colour: str, size: int = 10) -> QIcon:
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def insecure_keyring_label() -> QLabel:
    """A red status bar item saying the token may be stored unencrypted."""
    label = QLabel(tr("⚠ Insecure keyring (test mode)"))
    label.setObjectName("insecure-keyring")
    label.setStyleSheet(INSECURE_STYLE)
    label.setToolTip(tr("%1=1 is set: the sign-in token may be kept by a keyring that does "
                        "not encrypt it. This is for tests and CI only; never use it on a "
                        "workstation with real data.").replace("%1", INSECURE_ENV))
    return label


class SyncStatusItem(QWidget):
    """State, skew and keyring warnings; a click on the state opens the sync menu."""

    def __init__(self, controller: SyncController, actions: Iterable[QAction],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.insecure = insecure_keyring_label()
        self.insecure.setVisible(insecure_allowed())
        self.skew = QLabel()
        self.skew.setObjectName("clock-skew")
        self.skew.setStyleSheet(SKEW_STYLE)
        self.skew.hide()
        self.state = QToolButton()
        self.state.setObjectName("sync-state")
        self.state.setAutoRaise(True)
        self.state.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.state.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.state)
        self.menu.setObjectName("sync-menu")
        self.menu.setToolTipsVisible(True)
        for action in actions:
            self.menu.addAction(action)
        self.state.setMenu(self.menu)
        self.state.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.insecure)
        layout.addWidget(self.skew)
        layout.addWidget(self.state)
        controller.status_changed.connect(self.show_status)
        controller.account_changed.connect(self._account_changed)
        self.show_status(controller.status)

    def _account_changed(self, _account: object) -> None:
        self.show_status(self.controller.status)

    def show_status(self, status: SyncStatus) -> None:
        line, tone = status_line(status)
        self.tone = tone
        self.state.setText(line)
        self.state.setIcon(dot_icon(tone.value))
        retry = self.controller.next_attempt_at
        self.state.setToolTip(status_tip(status, self.controller.account.server_url,
                                         int(retry * 1000) if retry is not None else None))
        text, tip = skew_text(status)
        self.skew.setText(text)
        self.skew.setToolTip(tip)
        self.skew.setVisible(bool(text))
        self.insecure.setVisible(insecure_allowed())

    @property
    def text(self) -> str:
        return self.state.text()


__all__ = ["SyncStatusItem", "Tone", "dot_icon", "insecure_keyring_label"]
