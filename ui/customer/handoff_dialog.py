"""Hand a customer to a colleague with a written summary they will acknowledge.

The summary starts as a template with three headings — Context, Open promises, Next step —
and each needs a line under it ("none" is an answer) before the dialog sends it: a hand-off
is only as good as what the colleague reads. ``wb.handoffs.create`` makes the colleague the
owner and, if asked, moves the open tickets the previous owner had of this customer.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.customer.common import Banner, Tone, fill_agents, refuse_inline
from ui.formatting import in_ui_direction, isolate
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.services.dto import AgentInfo, CustomerInfo
from workbench.services.history_dto import HandoffInfo

HEADINGS = (
    QT_TRANSLATE_NOOP("HandoffDialog", "Context"),
    QT_TRANSLATE_NOOP("HandoffDialog", "Open promises"),
    QT_TRANSLATE_NOOP("HandoffDialog", "Next step"),
)


def template(headings: tuple[str, ...]) -> str:
    return "\n\n".join(f"{h}:\n" for h in headings)


def empty_sections(text: str, headings: tuple[str, ...]) -> list[str]:
    """The headings with nothing written under them (a deleted heading counts as empty)."""
    starts = []
    for h in headings:
        m = re.search(rf"^\s*{re.escape(h)}\s*:", text, re.MULTILINE | re.IGNORECASE)
        starts.append((m.start(), m.end()) if m else None)
    empty = []
    for i, h in enumerate(headings):
        span = starts[i]
        if span is None:
            empty.append(h)
            continue
        following = [s[0] for s in starts[i + 1:] if s is not None and s[0] > span[1]]
        body = text[span[1]:min(following) if following else len(text)]
        if not body.strip():
            empty.append(h)
    return empty


class HandoffDialog(QDialog):
    """Pick a colleague, write the summary, optionally move the open tickets."""

    def __init__(self, ctx: AppContext, customer: CustomerInfo, agents: list[AgentInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self.customer = ctx, customer
        self.created: HandoffInfo | None = None
        self.headings = tuple(self.tr(h) for h in HEADINGS)
        self.setWindowTitle(self.tr("Hand off %1").replace("%1", customer.name))
        self.setMinimumWidth(520)
        intro = QLabel(in_ui_direction(
            self.tr("%1 becomes the colleague's customer now; they confirm once they have "
                    "read your summary.").replace("%1", isolate(customer.name))))
        intro.setWordWrap(True)
        self.colleague = QComboBox()
        me = ctx.agent.id if ctx.agent else None
        fill_agents(self.colleague, agents, exclude=(me, customer.owner_id))
        self.summary = QPlainTextEdit(template(self.headings))
        self.summary.setObjectName("handoff-summary")
        self.summary.setMinimumHeight(200)
        self.include = QCheckBox(self.tr("Also hand over the owner's open tickets of this "
                                         "customer (%1 open)").replace(
                                             "%1", str(customer.open_tickets)))
        self.include.setEnabled(customer.open_tickets > 0 and customer.owner_id is not None)
        form = QFormLayout()
        form.addRow(self.tr("Colleague"), self.colleague)
        form.addRow(self.tr("Summary"), self.summary)
        form.addRow("", self.include)
        self.error = Banner(Tone.ERROR)
        self.error.setObjectName("handoff-error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Hand off"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if self.colleague.count() == 0:
            self.error.show_text(self.tr("There is no colleague to hand this customer to."))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        # The cursor waits under the first heading.
        cursor = self.summary.textCursor()
        cursor.setPosition(len(self.headings[0]) + 2)
        self.summary.setTextCursor(cursor)
        self.summary.setFocus()

    def submit(self) -> None:
        self.error.clear_text()
        text = self.summary.toPlainText()
        missing = empty_sections(text, self.headings)
        if missing:
            self.error.show_text(self.tr("Write a line under %1 (“none” is fine): the "
                                         "colleague needs it.").replace("%1", ", ".join(missing)))
            self.summary.setFocus()
            return
        to = self.colleague.currentData()
        customer_id, include = self.customer.id, self.include.isChecked()
        self._ctx.runner.run_op(
            lambda wb: wb.handoffs.create(customer_id, to, text, include_tickets=include),
            self._created, lambda e: refuse_inline(self.error, e), owner=self, initiator=self,
        )

    def _created(self, info: HandoffInfo) -> None:
        self.created = info
        self.accept()
