"""Hand every customer of a departing or absent agent to colleagues at once (leads only).

Pick the agent, one or several receivers, a strategy (balanced by current load, or
round-robin) and whether their open tickets go too; **Preview** asks
``wb.handoffs.preview_bulk`` for the plan — customer → new owner, with a summary the
service drafted from the timeline. Every new owner and summary can be changed in the table
before **Apply** writes the plan in one transaction (``wb.handoffs.apply_bulk``).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.customer.common import Banner, Tone, agent_text, fill_agents, refuse_inline
from workbench.services.dto import AgentInfo
from workbench.services.history_dto import BulkItem, BulkPlan, HandoffInfo

STRATEGIES = (("balanced", "Balanced (fewest customers first)"), ("round-robin", "Round-robin"))


class BulkHandoffDialog(QDialog):
    """Preview, adjust and apply a bulk hand-off; ``applied`` lists the hand-offs made."""

    def __init__(self, ctx: AppContext, agents: list[AgentInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._agents = ctx, agents
        self.plan: BulkPlan | None = None
        self.applied: list[HandoffInfo] = []
        self.setWindowTitle(self.tr("Bulk hand-off"))
        self.resize(900, 720)
        self.giver = QComboBox()
        fill_agents(self.giver, agents)
        self.giver.currentIndexChanged.connect(self._fill_receivers)
        self.receiver_list = QListWidget()
        self.receiver_list.setMaximumHeight(120)
        self.strategy = QComboBox()
        for value, title in STRATEGIES:
            self.strategy.addItem(self.tr(title), value)
        self.include = QCheckBox(self.tr("Move their open tickets of these customers too"))
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(self.preview)
        form = QFormLayout()
        form.addRow(self.tr("Customers of"), self.giver)
        form.addRow(self.tr("Hand them to"), self.receiver_list)
        form.addRow(self.tr("Strategy"), self.strategy)
        form.addRow("", self.include)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addStretch(1)
        form.addRow("", preview_row)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("bulk-plan")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Customer"), self.tr("New owner"), self.tr("Open tickets")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(1, 240)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_summary(row))
        self.load = QLabel()
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(self.tr("Select a customer to read or edit the summary"))
        self.summary.setMaximumHeight(110)
        self.summary.textChanged.connect(self._summary_edited)
        self.error = Banner(Tone.ERROR)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.load)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("Summary for the new owner")))
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._items: list[BulkItem] = []
        self._shown_row = -1
        self._fill_receivers()

    def _fill_receivers(self) -> None:
        giver = self.giver.currentData()
        self.receiver_list.clear()
        for agent in self._agents:
            if agent.active and agent.id != giver:
                item = QListWidgetItem(agent_text(agent))
                item.setData(Qt.ItemDataRole.UserRole, agent.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.receiver_list.addItem(item)

    def set_receivers(self, agent_ids: list[str]) -> None:
        for i in range(self.receiver_list.count()):
            item = self.receiver_list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in agent_ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen_receivers(self) -> list[str]:
        items = [self.receiver_list.item(i) for i in range(self.receiver_list.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items
                if i.checkState() == Qt.CheckState.Checked]

    # -- preview -------------------------------------------------------------------------
    def preview(self) -> None:
        self.error.clear_text()
        giver, to = self.giver.currentData(), self.chosen_receivers()
        strategy, include = self.strategy.currentData(), self.include.isChecked()
        self._ctx.runner.run_op(
            lambda wb: wb.handoffs.preview_bulk(giver, to, include, strategy),
            self._show_plan, lambda e: refuse_inline(self.error, e), owner=self,
        )

    def _show_plan(self, plan: BulkPlan) -> None:
        self.plan, self._items, self._shown_row = plan, list(plan.items), -1
        receivers = [a for a in self._agents if a.id in {i.to_agent_id for i in plan.items}
                     or a.id in self.chosen_receivers()]
        self.table.setRowCount(len(plan.items))
        for row, item in enumerate(plan.items):
            name = QTableWidgetItem(item.customer_name)
            self.table.setItem(row, 0, name)
            combo = QComboBox()
            fill_agents(combo, receivers, current=item.to_agent_id)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._owner_edited(r))
            self.table.setCellWidget(row, 1, combo)
            count = QTableWidgetItem(str(item.open_tickets))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 2, count)
        self.summary.clear()
        self._update_load()
        if plan.items:
            self.table.setCurrentCell(0, 0)
            self.apply_button.setEnabled(True)
        else:
            self.apply_button.setEnabled(False)
            self.error.show_text(self.tr("%1 owns no customer: nothing to hand over.")
                                 .replace("%1", plan.from_agent_name), Tone.INFO)

    def _owner_edited(self, row: int) -> None:
        combo = self.table.cellWidget(row, 1)
        if isinstance(combo, QComboBox):
            agent = next(a for a in self._agents if a.id == combo.currentData())
            self._items[row] = replace(self._items[row], to_agent_id=agent.id,
                                       to_agent_name=agent.name)
            self._update_load()

    def _show_summary(self, row: int) -> None:
        self._shown_row = -1  # no write-back while the text is being replaced
        self.summary.setPlainText(self._items[row].summary if 0 <= row < len(self._items)
                                  else "")
        self._shown_row = row

    def _summary_edited(self) -> None:
        row = self._shown_row
        if 0 <= row < len(self._items):
            self._items[row] = replace(self._items[row], summary=self.summary.toPlainText())

    def _update_load(self) -> None:
        if self.plan is None:
            return
        load = replace(self.plan, items=self._items).load()
        self.load.setText(self.tr("Customers each receives: %1").replace(
            "%1", " · ".join(f"{name} {n}" for name, n in sorted(load.items()))))

    # -- apply ---------------------------------------------------------------------------
    def edited_plan(self) -> BulkPlan | None:
        return replace(self.plan, items=list(self._items)) if self.plan else None

    def apply(self) -> None:
        plan = self.edited_plan()
        if plan is None:
            return
        self.error.clear_text()
        self._ctx.runner.run_op(lambda wb: wb.handoffs.apply_bulk(plan), self._applied,
                                lambda e: refuse_inline(self.error, e), owner=self,
                                initiator=self)

    def _applied(self, handoffs: list[HandoffInfo]) -> None:
        self.applied = handoffs
        self.accept()
