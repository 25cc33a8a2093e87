"""The settings page: data location, the acting agent and the theme."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.main_window import MainWindow
from ui.pages.settings import SettingsPage
from ui.preferences import Preferences, Theme
from workbench.config import Paths
from workbench.services.context import Workbench


def settings_of(window: MainWindow) -> SettingsPage:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    return page


def test_shows_where_the_data_lives(window: MainWindow, paths: Paths) -> None:
    page = settings_of(window)
    assert page.data_dir.text() == str(paths.data_dir)
    assert page.database.text() == str(paths.database)


def test_choosing_another_agent_changes_who_acts_everywhere(
    window: MainWindow, wb: Workbench, team: Team
) -> None:
    page = settings_of(window)
    names = [plain(page.agent_box.itemText(i)) for i in range(page.agent_box.count())]
    assert names == ["Dana Ortiz (lead)", "Sam Okafor (agent)"]
    assert page.agent_box.currentIndex() == 0

    page.agent_box.setCurrentIndex(1)

    assert wb.actor_id == team.agent.id
    assert wb.agents.local_agent() == team.agent
    label = window.statusBar().findChild(QLabel, "acting-agent")
    assert label is not None and "Sam Okafor (agent)" in plain(label.text())


def test_the_theme_choice_is_kept_in_qsettings(qtbot: QtBot, window: MainWindow) -> None:
    page = settings_of(window)
    page.theme_box.setCurrentIndex(page.theme_box.findData(Theme.DARK.value))
    assert Preferences(QSettings()).theme is Theme.DARK
