"""The team's SLA policy: reports per ticket, manager-only edits, re-timing, escalation."""

from __future__ import annotations

import pytest

from workbench.domain.clock import FrozenClock
from workbench.domain.sla import (
    BreachAction,
    BusinessCalendar,
    ClockState,
    SlaTarget,
    default_policy,
)
from workbench.services.context import Workbench
from workbench.services.errors import PermissionDenied, ValidationError
from workbench.services.sla import ESCALATED_TAG, check_policy_document

MIN = 60_000


def test_a_ticket_report_shows_all_three_clocks(wb: Workbench, team: dict[str, str],
                                                clock: FrozenClock) -> None:
    t = wb.tickets.create("Down", team["customer"], body="help", priority="urgent")
    clock.advance(20 * 60)
    report = wb.sla.report(t.id)
    assert report.first_response.state is ClockState.BREACHED
    assert report.resolution.state in (ClockState.RUNNING, ClockState.WARNING)
    assert report.first_response.explanation


def test_only_managers_change_the_policy(wb: Workbench, team: dict[str, str]) -> None:
    wb.actor_id = team["agent"]
    with pytest.raises(PermissionDenied):
        wb.sla.save(default_policy(), BusinessCalendar.twenty_four_seven())


def test_a_new_calendar_re_times_every_open_ticket(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    # Monday 2026-03-02 09:00 UTC; 4 h first response on 24/7 -> 13:00.
    t = wb.tickets.create("Question", team["customer"], body="?")
    assert t.next_due_at == clock.now_ms() + 240 * MIN
    office = BusinessCalendar.from_hours(
        "UTC", {d: [("09:00", "11:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    assert wb.sla.save(default_policy(), office) == 1
    # Two business hours on Monday (09-11), two more on Tuesday 09-11 -> Tue 11:00.
    assert wb.tickets.get(t.id).ticket.next_due_at == clock.now_ms() + (24 + 2) * 60 * MIN
    assert wb.sla.active()[1] == office


def test_breach_raises_priority_once_when_the_policy_says_so(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    policy = default_policy()
    policy = type(policy)(**{**policy.__dict__, "breach_action": BreachAction.RAISE_PRIORITY})
    wb.sla.save(policy, BusinessCalendar.twenty_four_seven())
    t = wb.tickets.create("Slow", team["customer"], body="x", priority="normal")
    assert wb.sla.escalate_breached() == []
    clock.advance(5 * 3600)
    assert wb.sla.escalate_breached() == [t.id]
    after = wb.tickets.get(t.id).ticket
    assert after.priority == "high" and ESCALATED_TAG in after.tags
    assert wb.sla.escalate_breached() == []


def test_breach_can_return_the_ticket_to_the_team_queue(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    policy = default_policy()
    policy = type(policy)(**{**policy.__dict__,
                             "breach_action": BreachAction.RETURN_TO_TEAM_QUEUE})
    wb.sla.save(policy, BusinessCalendar.twenty_four_seven())
    t = wb.tickets.create("Slow", team["customer"], body="x", assignee_id=team["agent"])
    clock.advance(5 * 3600)
    wb.sla.escalate_breached()
    assert wb.tickets.get(t.id).ticket.assignee_id is None


def test_a_malformed_policy_document_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="not valid"):
        check_policy_document({"targets": {"urgent": {"first_response": -1}}})
    assert check_policy_document(default_policy().to_dict()) == default_policy()
    assert SlaTarget.FIRST_RESPONSE.value == "first_response"


def test_warning_times_mark_the_policy_threshold_of_each_rows_target(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    start = clock.now_ms()
    urgent = wb.tickets.create("Down", team["customer"], priority="urgent")
    pending = wb.tickets.create("Waiting", team["customer"])
    wb.tickets.update(pending.id, status="pending")
    rows = {r.id: r for r in wb.tickets.list()}
    warns = dict(zip(rows, wb.sla.warning_times(list(rows.values())), strict=True))
    # urgent first response: 15 min, warning from 75 % used = 11 min 15 s after creation
    assert warns[urgent.id] == start + 11 * MIN + 15_000
    assert warns[pending.id] is None  # paused: no clock runs toward a deadline


def test_warning_times_count_business_hours(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    wb.actor_id = team["manager"]
    office = BusinessCalendar.from_hours("UTC", {d: [("09:00", "17:00")]
                                                 for d in ("mon", "tue", "wed", "thu", "fri")})
    wb.sla.save(default_policy(), office)
    clock.advance(7 * 3600)  # Monday 16:00, an hour before closing
    t = wb.tickets.create("Question", team["customer"])  # normal: first response 4 h
    [warn] = wb.sla.warning_times([wb.tickets.get(t.id).ticket])
    # 3 of 4 business hours used: 1 h today, 2 h on Tuesday → Tuesday 11:00
    assert warn == clock.now_ms() - 16 * 3600_000 + 24 * 3600_000 + 11 * 3600_000


def test_the_report_of_a_loaded_ticket_matches_the_stored_one(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    t = wb.tickets.create("Down", team["customer"], body="help", priority="high")
    clock.advance(30 * 60)
    wb.tickets.reply(t.id, "on it")
    wb.tickets.update(t.id, priority="urgent")
    clock.advance(10 * 60)
    assert wb.sla.report_of(wb.tickets.get(t.id)) == wb.sla.report(t.id)
