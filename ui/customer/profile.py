"""Edit a customer's profile: contact details, organisation, plan, time zone, owner, tags.

Only the fields the agent changed are sent, in one ``wb.customers.update`` through the op
runner. Obvious slips (an empty name) are caught before sending; whatever the service
refuses is shown under the field it names (or above the buttons when it names none), and
nothing is written. The customer's local time sits beside the time zone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui import errors, formatting, labels
from ui.context import AppContext
from ui.customer.common import Banner, Tone, fill_agents, local_time_text
from workbench.services.dto import AgentInfo, CustomerInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

PLANS = ("free", "standard", "premium", "enterprise")
# Words of a service message that say which field it is about, checked in this order.
FIELD_WORDS = (
    ("email", ("e-mail",)), ("time_zone", ("time zone",)), ("plan", ("plan",)),
    ("language", ("language",)), ("tags", ("tag",)), ("owner_id", ("owner",)),
    ("phone", ("phone",)), ("organisation", ("organisation",)), ("name", ("name",)),
)


def field_of(message: str) -> str | None:
    """The form field a service message is about, if it names one."""
    low = message.lower()
    return next((key for key, words in FIELD_WORDS if any(w in low for w in words)), None)


class ProfileForm(QWidget):
    """The editable profile of one customer."""

    saved = Signal(object)  # CustomerInfo

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.customer: CustomerInfo | None = None
        self.name, self.email, self.phone = QLineEdit(), QLineEdit(), QLineEdit()
        self.organisation, self.language, self.tags = QLineEdit(), QLineEdit(), QLineEdit()
        self.language.setMaxLength(16)
        self.language.setPlaceholderText(self.tr("e.g. fa, km, en"))
        self.tags.setPlaceholderText(self.tr("Tags, separated by commas"))
        self.plan = QComboBox()
        for plan in PLANS:
            self.plan.addItem(labels.plan_label(plan), plan)
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(sorted(bytes(z.data()).decode()
                                       for z in QTimeZone.availableTimeZoneIds()))
        self.time_zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.time_zone.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.local_time = QLabel()
        self.local_time.setObjectName("profile-local-time")
        self.owner = QComboBox()
        self.churned = QCheckBox(self.tr("Churned (no longer a customer)"))
        self.since = QLabel()
        self.widgets: dict[str, QWidget] = {
            "name": self.name, "email": self.email, "phone": self.phone,
            "organisation": self.organisation, "plan": self.plan,
            "time_zone": self.time_zone, "language": self.language, "owner_id": self.owner,
            "tags": self.tags,
        }
        self.field_errors: dict[str, Banner] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        titles = {
            "name": self.tr("Name"), "email": self.tr("E-mail"), "phone": self.tr("Phone"),
            "organisation": self.tr("Organisation"), "plan": self.tr("Plan"),
            "time_zone": self.tr("Time zone"), "language": self.tr("Language"),
            "owner_id": self.tr("Owner"), "tags": self.tr("Tags"),
        }
        for key, widget in self.widgets.items():
            field: QWidget = widget
            if key == "time_zone":
                field = QWidget()
                row = QHBoxLayout(field)
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(widget, 1)
                row.addWidget(self.local_time)
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(field)
            error = Banner(Tone.ERROR)
            error.setObjectName(f"error-{key}")
            column.addWidget(error)
            self.field_errors[key] = error
            form.addRow(titles[key], box)
        form.addRow(self.tr("Customer since"), self.since)
        form.addRow("", self.churned)
        self.error = Banner(Tone.ERROR)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Reset)
        self.buttons.accepted.connect(self.save)
        reset = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        reset.setText(self.tr("Revert"))
        reset.clicked.connect(lambda: self.set_customer(self.customer, self._agents))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.addStretch(1)
        self._agents: list[AgentInfo] = []

    def set_customer(self, c: CustomerInfo | None, agents: list[AgentInfo]) -> None:
        self.customer, self._agents = c, agents
        self.clear_errors()
        if c is None:
            return
        self.name.setText(c.name)
        self.email.setText(c.email or "")
        self.phone.setText(c.phone or "")
        self.organisation.setText(c.organisation or "")
        self.plan.setCurrentIndex(max(self.plan.findData(c.plan), 0))
        self.time_zone.setCurrentText(c.time_zone)
        self.language.setText(c.language)
        fill_agents(self.owner, agents, current=c.owner_id, none_text=self.tr("No owner"))
        if c.owner_id is None:
            self.owner.setCurrentIndex(0)
        self.tags.setText(", ".join(c.tags))
        self.churned.setChecked(c.churned_at is not None)
        since = formatting.datetime_text(c.active_since)
        if c.churned_at is not None:
            since += " · " + self.tr("churned %1").replace(
                "%1", formatting.datetime_text(c.churned_at))
        self.since.setText(since)
        self.update_clock()

    def update_clock(self) -> None:
        text = local_time_text(self.time_zone.currentText().strip(), self._ctx.now_ms())
        self.local_time.setText(self.tr("now %1").replace("%1", text) if text else "")

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the customer as loaded."""
        c = self.customer
        if c is None:
            return {}
        now: dict[str, Any] = {
            "name": self.name.text().strip(), "email": self.email.text().strip() or None,
            "phone": self.phone.text().strip() or None,
            "organisation": self.organisation.text().strip() or None,
            "plan": self.plan.currentData(), "time_zone": self.time_zone.currentText().strip(),
            "language": self.language.text().strip(), "owner_id": self.owner.currentData(),
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
        }
        out = {k: v for k, v in now.items() if v != getattr(c, k)}
        if sorted(set(now["tags"])) == sorted(c.tags):  # the service keeps tags sorted
            out.pop("tags", None)
        if self.churned.isChecked() != (c.churned_at is not None):
            out["churned_at"] = self._ctx.now_ms() if self.churned.isChecked() else None
        return out

    def clear_errors(self) -> None:
        self.error.clear_text()
        for banner in self.field_errors.values():
            banner.clear_text()

    def show_error(self, message: str) -> None:
        key = field_of(message)
        target = self.field_errors.get(key or "", self.error)
        target.show_text(errors.sentence(message), Tone.ERROR)
        if key in self.widgets:
            self.widgets[key].setFocus()

    def save(self) -> None:
        self.clear_errors()
        c, changed = self.customer, self.changes()
        if c is None:
            return
        if not changed:
            self.error.show_text(self.tr("Nothing to save: no field was changed."), Tone.INFO)
            return
        if "name" in changed and not changed["name"]:
            self.show_error(self.tr("The customer's name is empty; please write one"))
            return
        customer_id = c.id

        def update(wb: Workbench) -> CustomerInfo:
            return wb.customers.update(customer_id, **changed)

        self._ctx.runner.run_op(update, self._saved, self._refused, owner=self,
                                initiator=self)

    def _saved(self, info: CustomerInfo) -> None:
        self.set_customer(info, self._agents)
        self.error.show_text(self.tr("Saved."), Tone.SUCCESS)
        self.saved.emit(info)

    def _refused(self, exc: BaseException) -> None:
        if errors.is_known(exc):
            self.show_error(str(exc))
        else:
            errors.report(exc, self)
