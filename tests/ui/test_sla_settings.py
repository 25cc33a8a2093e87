"""Service levels in Settings: managers edit and save the policy and calendar, others read."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.settings import SettingsPage
from ui.ticket.calendar_form import parse_hours
from workbench.domain.enums import Priority, TicketStatus
from workbench.domain.sla import BreachAction, SlaTarget
from workbench.services.context import Workbench


def settings_of(window: MainWindow) -> SettingsPage:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    return page


@pytest.fixture
def as_manager(wb: Workbench, ctx: AppContext) -> None:
    manager = wb.agents.create("Lukas Becker", "lukas@example.com", "manager")
    wb.actor_id = manager.id
    ctx.set_agent(manager)


def test_an_agent_sees_the_policy_read_only(window: MainWindow) -> None:
    sla = settings_of(window).sla
    assert not sla.editable
    assert not sla.policy_form.isEnabled() and not sla.save_button.isEnabled()
    assert "read-only" in sla.access.text()
    first = sla.policy_form.targets[(Priority.URGENT, SlaTarget.FIRST_RESPONSE)]
    assert (first.amount.value(), first.unit.currentText()) == (15, "minutes")


@pytest.mark.usefixtures("as_manager")
def test_a_manager_edits_and_saves_policy_and_calendar(
    window: MainWindow, wb: Workbench, team: Team
) -> None:
    wb.tickets.create("Open question", team.customers[0].id)
    sla = settings_of(window).sla
    assert sla.editable and sla.save_button.isEnabled()
    target = sla.policy_form.targets[(Priority.URGENT, SlaTarget.FIRST_RESPONSE)]
    target.amount.setValue(30)
    sla.policy_form.warning.setValue(80)
    sla.policy_form.action.setCurrentIndex(
        sla.policy_form.action.findData(BreachAction.RAISE_PRIORITY.value))
    sla.policy_form.pauses[TicketStatus.ON_HOLD].setChecked(False)
    sla.calendar_form.zone.setCurrentText("Europe/Berlin")
    sla.calendar_form.days[0].setText("09:00-12:00, 13:00-17:00")
    sla.calendar_form.add_holidays([date(2026, 4, 3)])

    sla.save()

    policy, calendar = wb.sla.active()
    assert policy.target_seconds(Priority.URGENT, SlaTarget.FIRST_RESPONSE) == 30 * 60
    assert policy.warning_fraction == 0.8
    assert policy.breach_action is BreachAction.RAISE_PRIORITY
    assert policy.pause_statuses == {TicketStatus.PENDING}
    assert calendar.zone == "Europe/Berlin"
    assert [str(i) for i in calendar.weekly[0]] == ["09:00-12:00", "13:00-17:00"]
    assert date(2026, 4, 3) in calendar.holidays
    assert sla.status.text() == "Saved. 1 open tickets were re-timed."


@pytest.mark.usefixtures("as_manager")
def test_invalid_hours_are_explained_and_nothing_is_saved(
    window: MainWindow, wb: Workbench
) -> None:
    sla = settings_of(window).sla
    sla.calendar_form.days[2].setText("09:00-13:00, 12:00-17:00")
    sla.save()
    assert "Wednesday" in sla.status.text() and "overlaps" in sla.status.text()
    assert wb.sla.active()[1].weekly[2] == wb.sla.active()[1].weekly[0]  # still 24/7


@pytest.mark.usefixtures("as_manager")
def test_holidays_are_imported_for_a_country(qtbot: QtBot, window: MainWindow) -> None:
    form = settings_of(window).sla.calendar_form
    form.country.setCurrentText("DE")
    form.year.setValue(2026)
    form.import_country()
    assert date(2026, 12, 25) in form.holiday_dates()
    assert "holidays added" in settings_of(window).sla.status.text()


def test_weekly_hours_parse_split_shifts_and_closed_days() -> None:
    assert parse_hours("09:00-12:00, 13:00–17:00") == [("09:00", "12:00"), ("13:00", "17:00")]
    assert parse_hours("  ") == []
    with pytest.raises(ValueError, match="not an interval"):
        parse_hours("9 to 5")
