"""Merge a duplicate customer into the record that stays.

Opened from a profile with "Merge into…": that customer is the duplicate; the agent
searches for the one to keep. The preview (``wb.merge.preview``) lists what moves, which
blanks get filled, and every preference both records hold with different values, each
with a choice of which value to keep. **Merge** applies it (``wb.merge.merge``) in one
transaction; the value not kept is written into the merge note, so nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.customer.common import Banner, Tone, preference_title, refuse_inline
from ui.formatting import in_ui_direction, isolate
from ui.widgets.customer_picker import CustomerPicker
from workbench.services.dto import CustomerInfo
from workbench.services.history_dto import MergePreview, MergeResult

_TABLES = {"tickets": "tickets", "customer_notes": "notes", "calls": "calls",
           "handoffs": "hand-offs", "survey_answers": "survey answers",
           "customer_preferences": "preferences"}


def value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class MergeDialog(QDialog):
    """Pick the customer to keep, review the preview, choose conflicting values, merge."""

    merged = Signal(str)  # the id of the customer kept

    def __init__(self, ctx: AppContext, duplicate: CustomerInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self.duplicate = ctx, duplicate
        self.preview_data: MergePreview | None = None
        self.result_data: MergeResult | None = None
        self.choices: dict[str, QButtonGroup] = {}
        self._survivor_id: str | None = None
        self.setWindowTitle(self.tr("Merge %1 into…").replace("%1", duplicate.name))
        self.resize(620, 600)
        intro = QLabel(in_ui_direction(self.tr(
            "Everything of %1 — tickets, notes, calls, hand-offs, survey answers and "
            "preferences — moves to the customer you pick, and %1 is removed.")
            .replace("%1", isolate(duplicate.name))))
        intro.setWordWrap(True)
        self.picker = CustomerPicker(ctx.runner)
        self.picker.chosen.connect(self._chosen)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.conflict_box = QGroupBox(self.tr("Preferences both records hold: keep which?"))
        self.conflict_grid = QGridLayout(self.conflict_box)
        self.conflict_box.hide()
        self.error = Banner(Tone.ERROR)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.merge_button.setEnabled(False)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("Keep this customer:")))
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.conflict_box)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Duplicates mostly share a name: start with the records that have this one.
        self.picker.set_query(duplicate.name)

    def _chosen(self, survivor: CustomerInfo | None) -> None:
        if survivor is not None and self._survivor_id == survivor.id:
            return  # the picker repeats its choice after every search
        self._survivor_id = survivor.id if survivor else None
        self.error.clear_text()
        self.preview_data = None
        self.merge_button.setEnabled(False)
        self.summary.clear()
        self.conflict_box.hide()
        if survivor is None:
            return
        if survivor.id == self.duplicate.id:
            self.error.show_text(self.tr("That is the record being merged; pick the other "
                                         "one, the customer to keep."), Tone.INFO)
            return
        duplicate_id = self.duplicate.id
        self._ctx.runner.run_op(lambda wb: wb.merge.preview(survivor.id, duplicate_id),
                                self._show_preview, lambda e: refuse_inline(self.error, e),
                                owner=self)

    def _show_preview(self, p: MergePreview) -> None:
        self.preview_data = p
        moving = ", ".join(f"{n} {self.tr(_TABLES.get(k, k))}" for k, n in p.moving.items()
                           if n) or self.tr("nothing")
        lines = [self.tr("Moving to %1: %2.").replace("%1", isolate(p.survivor_name))
                 .replace("%2", moving)]
        if p.filled_fields:
            lines.append(self.tr("Filled in from the duplicate: %1.").replace(
                "%1", ", ".join(sorted(p.filled_fields))))
        self.summary.setText(in_ui_direction("\n".join(lines)))
        while self.conflict_grid.count():
            item = self.conflict_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.choices = {}
        for row, c in enumerate(p.conflicts):
            keep = QRadioButton(in_ui_direction(
                self.tr("%1 (kept record)").replace("%1", isolate(value_text(c.survivor_value)))))
            take = QRadioButton(in_ui_direction(
                self.tr("%1 (this duplicate)").replace("%1",
                                                       isolate(value_text(c.duplicate_value)))))
            keep.setObjectName(f"keep-{c.key}")
            take.setObjectName(f"take-{c.key}")
            keep.setChecked(True)
            group = QButtonGroup(self.conflict_box)
            group.addButton(keep, 0)
            group.addButton(take, 1)
            self.choices[c.key] = group
            title = QLabel(preference_title(c.key))
            title.setStyleSheet("font-weight: 600;")
            self.conflict_grid.addWidget(title, row, 0)
            self.conflict_grid.addWidget(keep, row, 1)
            self.conflict_grid.addWidget(take, row, 2)
        self.conflict_box.setVisible(bool(p.conflicts))
        self.merge_button.setEnabled(True)

    def chosen_sides(self) -> dict[str, str]:
        return {key: "duplicate" if group.checkedId() == 1 else "survivor"
                for key, group in self.choices.items()}

    def merge(self) -> None:
        p = self.preview_data
        if p is None:
            return
        self.error.clear_text()
        choices = self.chosen_sides()
        self._ctx.runner.run_op(
            lambda wb: wb.merge.merge(p.survivor_id, p.duplicate_id, choices),
            self._merged, lambda e: refuse_inline(self.error, e), owner=self, initiator=self,
        )

    def _merged(self, result: MergeResult) -> None:
        self.result_data = result
        self.merged.emit(result.survivor_id)
        self.accept()
