"""Settings: where the data lives, who this workstation acts as, the team server it syncs
with, the appearance, and the team's service levels.

The acting agent is stored by the core (``wb.agents.set_local_agent``) so the CLI agrees;
the theme is a UI preference kept in QSettings. The "Service levels" tab edits the SLA
policy and business calendar (:class:`~ui.ticket.sla_settings.SlaSettings`): managers
save them, everyone else reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import labels
from ui.context import AppContext
from ui.formatting import in_ui_direction, isolate
from ui.ops import Changes
from ui.preferences import Theme
from ui.sync.settings_section import TeamServerSection
from ui.ticket.sla_settings import SlaSettings
from workbench.services.dto import AgentInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(label.foregroundRole(), palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def _path_field(text: str) -> QLineEdit:
    """A path to read and copy: selectable, scrolls instead of widening the window."""
    field = QLineEdit(text)
    field.setReadOnly(True)
    field.setFrame(False)
    field.setToolTip(text)
    field.setCursorPosition(0)
    field.setMinimumWidth(420)
    palette = field.palette()
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    field.setPalette(palette)
    return field


class SettingsPage(QWidget):
    """Data location, acting agent and theme; service levels on their own tab."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._filling = False

        data = QGroupBox(self.tr("Data"))
        data_form = _form(data)
        self.data_dir = _path_field(str(ctx.paths.data_dir))
        self.database = _path_field(str(ctx.paths.database))
        open_folder = QPushButton(self.tr("Open data folder"))
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(ctx.paths.data_dir)))
        )
        data_form.addRow(self.tr("Data directory"), self.data_dir)
        data_form.addRow(self.tr("Database"), self.database)
        data_form.addRow("", open_folder)

        acting = QGroupBox(self.tr("Acting agent"))
        acting_form = _form(acting)
        self.agent_box = QComboBox()
        self.agent_box.setMinimumWidth(320)
        self.agent_box.currentIndexChanged.connect(self._agent_chosen)
        acting_form.addRow(self.tr("Act as"), self.agent_box)
        acting_form.addRow(_hint(self.tr("Replies, notes and changes made on this workstation "
                                         "are recorded as this agent until someone signs in.")))

        appearance = QGroupBox(self.tr("Appearance"))
        appearance_form = _form(appearance)
        self.theme_box = QComboBox()
        for theme, title in ((Theme.SYSTEM, self.tr("Follow the system")),
                             (Theme.LIGHT, self.tr("Light")), (Theme.DARK, self.tr("Dark"))):
            self.theme_box.addItem(title, theme.value)
        self.theme_box.setCurrentIndex(self.theme_box.findData(ctx.preferences.theme.value))
        self.theme_box.currentIndexChanged.connect(self._theme_chosen)
        appearance_form.addRow(self.tr("Theme"), self.theme_box)
        appearance_form.addRow(_hint(self.tr("“Follow the system” switches between light and "
                                             "dark with your desktop.")))

        general = QWidget()
        column = QVBoxLayout()
        for box in (data, acting, TeamServerSection(ctx), appearance):
            column.addWidget(box)
        column.addStretch(1)
        row = QHBoxLayout(general)
        row.setContentsMargins(12, 12, 12, 12)
        row.addLayout(column, 3)
        row.addStretch(1)

        self.sla = SlaSettings(ctx)
        sla_page = QWidget()
        sla_row = QHBoxLayout(sla_page)
        sla_row.setContentsMargins(12, 12, 12, 12)
        sla_row.addWidget(self.sla)
        scroll = QScrollArea()
        scroll.setWidget(sla_page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(scroll, self.tr("Service levels"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.addWidget(self.tabs)

        ctx.agent_changed.connect(self._select_current_agent)
        ctx.runner.changes_applied.connect(self._on_changes)
        self.load_agents()

    def load_agents(self) -> None:
        self._ctx.runner.run_op(lambda wb: wb.agents.list(), self._fill_agents, owner=self)

    def _fill_agents(self, agents: list[AgentInfo]) -> None:
        self._filling = True
        try:
            self.agent_box.clear()
            for agent in agents:
                self.agent_box.addItem(
                    in_ui_direction(f"{isolate(agent.name)} ({labels.role_label(agent.role)})"),
                    agent,
                )
            self.agent_box.setEnabled(bool(agents))
            if not agents:
                self.agent_box.addItem(self.tr("No agents yet"))
        finally:
            self._filling = False
        self._select_current_agent(self._ctx.agent)

    def _select_current_agent(self, agent: AgentInfo | None) -> None:
        self._filling = True
        try:
            for i in range(self.agent_box.count()):
                item = self.agent_box.itemData(i)
                if isinstance(item, AgentInfo) and agent is not None and item.id == agent.id:
                    self.agent_box.setCurrentIndex(i)
        finally:
            self._filling = False

    def _agent_chosen(self, index: int) -> None:
        agent = self.agent_box.itemData(index)
        if self._filling or not isinstance(agent, AgentInfo):
            return
        if self._ctx.agent is not None and agent.id == self._ctx.agent.id:
            return

        def switch(wb: Workbench) -> AgentInfo:
            wb.agents.set_local_agent(agent.id)
            wb.actor_id = agent.id
            return agent

        self._ctx.runner.run_op(switch, self._ctx.set_agent, owner=self)

    def _theme_chosen(self, index: int) -> None:
        theme = Theme(self.theme_box.itemData(index))
        if self._ctx.theme is not None:
            self._ctx.theme.set_theme(theme)
        else:
            self._ctx.preferences.theme = theme

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if changes.touches("agents"):
            self.load_agents()
