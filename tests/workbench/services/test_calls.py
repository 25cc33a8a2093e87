"""Calls: logging with validation, the live-call timer, and contact-preference warnings."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.services.calls import CallService, CallTimer, within_hours
from workbench.services.context import Workbench
from workbench.services.errors import NotFound, ValidationError
from workbench.store.models import Call, Ticket

MIN = 60_000


@pytest.fixture
def calls(wb: Workbench, team: dict[str, str]) -> CallService:
    wb.actor_id = team["agent"]
    return CallService(wb)


def counts(wb: Workbench) -> tuple[int, int]:
    with wb.read() as s:
        return (s.scalar(select(func.count()).select_from(Call)) or 0,
                s.scalar(select(func.count()).select_from(Ticket)) or 0)


def test_a_call_is_logged_against_a_ticket(
    wb: Workbench, team: dict[str, str], calls: CallService, clock: FrozenClock
) -> None:
    t = wb.tickets.create("Invoice wrong", team["customer"])
    call = calls.log(team["customer"], direction="inbound", started_at=clock.now_ms() - 10 * MIN,
                     duration_s=420, hold_s=45, outcome="follow-up", notes="Will check",
                     ticket_ref="#1")
    assert (call.ticket_id, call.ticket_number, call.agent_name) == (t.id, 1, "Ravi Das")
    assert (call.duration_s, call.hold_s, call.resolved_on_call) == (420, 45, False)
    assert calls.list_for("ana@example.org") == [call]


def test_a_call_can_open_a_phone_ticket_assigned_to_the_caller(
    wb: Workbench, team: dict[str, str], calls: CallService, clock: FrozenClock
) -> None:
    call = calls.log(team["customer"], direction="inbound", started_at=clock.now_ms() - 5 * MIN,
                     duration_s=300, outcome="resolved", notes="Reset her password",
                     new_ticket_subject="Password reset")
    ticket = wb.tickets.get(call.ticket_id or "").ticket
    assert (ticket.channel, ticket.assignee_id, ticket.subject) == (
        "phone", team["agent"], "Password reset")
    assert call.resolved_on_call  # the outcome "resolved" implies it


BAD_CALLS: list[tuple[dict[str, Any], str]] = [
    ({"duration_s": 0}, "more than 0 seconds"),
    ({"duration_s": 60, "hold_s": 61}, "cannot be longer than the call"),
    ({"hold_s": -1}, "negative"),
    ({"duration_s": 13 * 3600, "started_at_offset": -14 * 3600_000}, "not plausible"),
    ({"started_at_offset": 2 * MIN}, "in the future"),
    ({"started_at_offset": -MIN, "duration_s": 600}, "would end in the future"),
    ({"outcome": "voicemail", "resolved": True}, "cannot have resolved"),
    ({"direction": "sideways"}, "not a call direction"),
    ({"outcome": "great"}, "not a call outcome"),
    ({"notes": "x" * 200_001}, "limit"),
    ({"ticket_ref": "#1", "new_ticket_subject": "Again"}, "not both"),
    ({"new_ticket_subject": "  "}, "subject is empty"),
]


@pytest.mark.parametrize(("change", "message"), BAD_CALLS)
def test_an_invalid_call_is_refused_with_a_clear_message_and_nothing_written(
    wb: Workbench, team: dict[str, str], calls: CallService, clock: FrozenClock,
    change: dict[str, Any], message: str,
) -> None:
    wb.tickets.create("Existing", team["customer"])
    before = counts(wb)
    args: dict[str, Any] = {"direction": "inbound", "duration_s": 120, "outcome": "resolved",
                            "started_at": clock.now_ms() - 10 * MIN}
    offset = change.pop("started_at_offset", None)
    if offset is not None:
        args["started_at"] = clock.now_ms() + offset
    args.update(change)
    with pytest.raises(ValidationError, match=message):
        calls.log(team["customer"], **args)
    assert counts(wb) == before


def test_a_ticket_of_another_customer_or_a_missing_one_is_refused(
    wb: Workbench, team: dict[str, str], calls: CallService, clock: FrozenClock
) -> None:
    other = wb.customers.create("Bo Chen", "bo@example.cn")
    wb.tickets.create("Theirs", other.id)
    args: dict[str, Any] = {"direction": "outbound", "duration_s": 60, "outcome": "no-answer",
                            "started_at": clock.now_ms() - 5 * MIN}
    with pytest.raises(ValidationError, match="another customer"):
        calls.log(team["customer"], ticket_ref="#1", **args)
    with pytest.raises(NotFound):
        calls.log(team["customer"], ticket_ref="#99", **args)
    assert counts(wb) == (0, 1)


def test_the_timer_measures_talk_and_hold_on_the_injected_clock(clock: FrozenClock) -> None:
    timer = CallTimer(clock)
    timer.start()
    clock.advance(90)
    timer.hold()
    clock.advance(30)
    assert (timer.elapsed_s, timer.hold_s, timer.state) == (120, 30, "on_hold")
    timer.resume()
    clock.advance(60)
    timer.hold()
    clock.advance(15.4)
    timing = timer.end()  # ended while on hold: that hold counts
    assert (timing.duration_s, timing.hold_s) == (195, 45)
    assert timing.started_at == clock.now_ms() - 195_400
    clock.advance(600)
    assert timer.elapsed_s == 195  # frozen once ended


def test_the_timer_refuses_impossible_steps(clock: FrozenClock) -> None:
    timer = CallTimer(clock)
    with pytest.raises(ValidationError, match="idle"):
        timer.hold()
    timer.start()
    with pytest.raises(ValidationError, match="talking"):
        timer.resume()
    timer.end()
    with pytest.raises(ValidationError, match="ended"):
        timer.start()
    short = CallTimer(clock)
    short.start()
    assert short.end().duration_s == 1  # a call that happened took some time


def test_a_timed_call_logs_cleanly(
    wb: Workbench, team: dict[str, str], calls: CallService, clock: FrozenClock
) -> None:
    timer = calls.timer()
    timer.start()
    clock.advance(200)
    timing = timer.end()
    call = calls.log(team["customer"], direction="outbound", started_at=timing.started_at,
                     duration_s=timing.duration_s, hold_s=timing.hold_s, outcome="resolved")
    assert call.duration_s == 200


def test_do_not_call_and_do_not_email_warn_on_their_channel_only(
    wb: Workbench, team: dict[str, str], calls: CallService
) -> None:
    c = team["customer"]
    assert calls.contact_warnings(c, "phone") == []
    wb.customers.set_preference(c, "do_not_call", True)
    wb.customers.set_preference(c, "do_not_email", "yes")  # typed in a form
    assert calls.contact_warnings(c, "phone") == [
        "Ana Lima asked not to be called (do-not-call)."]
    assert calls.contact_warnings(c, "email") == [
        "Ana Lima asked not to be e-mailed (do-not-email)."]
    assert calls.contact_warnings(c, "chat") == []
    wb.customers.set_preference(c, "do_not_contact", True)
    assert len(calls.contact_warnings(c, "chat")) == 1


def test_contact_hours_are_read_in_the_customers_time_zone(
    wb: Workbench, team: dict[str, str], calls: CallService
) -> None:
    c = wb.customers.create("Dara Keo", "dara@example.kh", time_zone="Asia/Phnom_Penh").id
    wb.customers.set_preference(c, "contact_hours", "09:00-17:00")
    inside = parse_iso("2026-03-02T09:00:00Z")  # 16:00 in Phnom Penh
    outside = parse_iso("2026-03-02T11:00:00Z")  # 18:00 there
    assert calls.contact_warnings(c, "phone", inside) == []
    assert calls.contact_warnings(c, "phone", outside) == [
        "It is 18:00 for Dara Keo (Asia/Phnom_Penh), outside their contact hours 09:00-17:00."
    ]
    assert calls.contact_warnings(c, "email", outside) == []  # an e-mail waits to be read
    wb.customers.set_preference(c, "contact_hours", "after lunch")
    assert "cannot be read" in calls.contact_warnings(c, "phone", outside)[0]


def test_a_different_preferred_channel_is_mentioned(
    wb: Workbench, team: dict[str, str], calls: CallService
) -> None:
    wb.customers.set_preference(team["customer"], "preferred_channel", "email")
    assert calls.contact_warnings(team["customer"], "phone") == [
        "Ana Lima prefers email, not phone."]
    assert calls.contact_warnings(team["customer"], "email") == []
    with pytest.raises(ValidationError, match="not a channel"):
        calls.contact_warnings(team["customer"], "pigeon")


@pytest.mark.parametrize(("spec", "hour", "expected"), [
    ("09:00-17:00", 8, False), ("09:00-17:00", 9, True), ("09:00-17:00", 17, False),
    ("9-17", 12, True), ("22:00–06:00", 23, True), ("22:00-06:00", 5, True),
    ("22:00-06:00", 12, False), ("25:00-06:00", 1, None), ("morning", 1, None),
])
def test_contact_hours_parse(spec: str, hour: int, expected: bool | None) -> None:
    from datetime import datetime

    assert within_hours(spec, datetime(2026, 3, 2, hour, 0)) is expected
