"""Light and dark appearance: follow the system's colour scheme unless the user chose one.

Qt 6.5+ reports the system scheme (``QStyleHints.colorScheme``) and signals its changes.
Dark uses the Fusion style with a dark palette, which looks the same on every platform;
light goes back to the platform's own style and palette.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ui.preferences import Preferences, Theme


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion: near-white text on charcoal, a clear blue selection."""
    p = QPalette()
    window, base = QColor(0x2B, 0x2D, 0x31), QColor(0x1F, 0x21, 0x24)
    text = QColor(0xE8, 0xE8, 0xE8)
    disabled = QColor(0x80, 0x84, 0x8A)
    highlight = QColor(0x3D, 0x7F, 0xD9)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(0x27, 0x29, 0x2D),
        QPalette.ColorRole.ToolTipBase: QColor(0x3A, 0x3D, 0x42),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x35, 0x38, 0x3D),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x6B, 0x6B),
        QPalette.ColorRole.Light: QColor(0x45, 0x48, 0x4E),
        QPalette.ColorRole.Midlight: QColor(0x3A, 0x3D, 0x42),
        QPalette.ColorRole.Mid: QColor(0x30, 0x33, 0x37),
        QPalette.ColorRole.Dark: QColor(0x18, 0x19, 0x1B),
        QPalette.ColorRole.Shadow: QColor(0x0E, 0x0F, 0x10),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
        QPalette.ColorRole.Link: QColor(0x7A, 0xB4, 0xFF),
        QPalette.ColorRole.LinkVisited: QColor(0xB3, 0x9D, 0xFF),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Applies the chosen theme to the application and re-applies it when the system flips."""

    changed = Signal(bool)  # True when the effective appearance is dark

    def __init__(self, app: QApplication, preferences: Preferences) -> None:
        super().__init__(app)
        self._app = app
        self._preferences = preferences
        style = app.style()
        self._native_style = style.name() if style is not None else "Fusion"
        self._dark: bool | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def theme(self) -> Theme:
        return self._preferences.theme

    def set_theme(self, theme: Theme) -> None:
        self._preferences.theme = theme
        self.apply()

    def is_dark(self) -> bool:
        theme = self._preferences.theme
        return theme is Theme.DARK or (theme is Theme.SYSTEM and system_prefers_dark())

    def apply(self) -> None:
        dark = self.is_dark()
        if dark == self._dark:
            return
        self._dark = dark
        if dark:
            self._app.setStyle("Fusion")
            self._app.setPalette(dark_palette())
        else:
            self._app.setStyle(self._native_style)
            style = self._app.style()
            if style is not None:
                self._app.setPalette(style.standardPalette())
        self.changed.emit(dark)

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._preferences.theme is Theme.SYSTEM:
            self.apply()
