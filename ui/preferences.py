"""The desktop app's own settings (window layout, theme) kept in QSettings.

Core settings shared with the CLI live in the data directory's ``settings.toml``
(:mod:`workbench.config`); what only concerns this screen lives here. Keys are named once,
values typed on the way out, and a ``version`` key lets later releases upgrade old files
(Picard's ``config_upgrade`` idea).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "support-workbench"
APPLICATION = "workbench"
SETTINGS_VERSION = 1


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class Preferences:
    """Typed access to the UI settings (one QSettings, default scope unless given)."""

    VERSION = "version"
    THEME = "appearance/theme"
    GEOMETRY = "window/geometry"
    STATE = "window/state"
    PAGE = "window/page"

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else QSettings()
        stored = self.settings.value(self.VERSION)
        if stored is None:
            self.settings.setValue(self.VERSION, SETTINGS_VERSION)

    # -- appearance ----------------------------------------------------------------------
    @property
    def theme(self) -> Theme:
        value = self.settings.value(self.THEME, Theme.SYSTEM.value)
        try:
            return Theme(str(value))
        except ValueError:
            return Theme.SYSTEM

    @theme.setter
    def theme(self, theme: Theme) -> None:
        self.settings.setValue(self.THEME, theme.value)

    # -- window layout -------------------------------------------------------------------
    def _bytes(self, key: str) -> QByteArray | None:
        value = self.settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes(self.GEOMETRY)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self.settings.setValue(self.GEOMETRY, value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes(self.STATE)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self.settings.setValue(self.STATE, value)

    @property
    def current_page(self) -> str:
        return str(self.settings.value(self.PAGE, "queue"))

    @current_page.setter
    def current_page(self, page_id: str) -> None:
        self.settings.setValue(self.PAGE, page_id)

    def header_state(self, table: str) -> QByteArray | None:
        return self._bytes(f"tables/{table}/header")

    def set_header_state(self, table: str, value: QByteArray) -> None:
        self.settings.setValue(f"tables/{table}/header", value)

    def sync(self) -> None:
        self.settings.sync()
