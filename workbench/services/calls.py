"""Calls: log a phone call (linked to a ticket or opening one), time a live call, and warn
before contacting a customer against their stated preferences.

``CallService(wb)`` is reached as ``wb.calls``. :class:`CallTimer` is a small state machine
on an injected clock that the UI's live-call mode drives (start, hold, resume, end).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.domain.clock import Clock, ms_to_datetime
from workbench.domain.enums import CallDirection, CallOutcome, Channel
from workbench.domain.validation import clean_body, clean_line
from workbench.services.errors import NotFound, ValidationError
from workbench.services.history import acting_agent, customer_or_404
from workbench.services.history_dto import CallInfo, CallTiming
from workbench.store import history_queries as hq
from workbench.store import ticket_queries as tq
from workbench.store.models import Call, CustomerPreference

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

MAX_CALL_S = 12 * 3600
FUTURE_SLACK_MS = 60_000  # workstation clocks drift; a minute ahead is not an error
# Preference keys the contact check reads (set with wb.customers.set_preference).
DO_NOT_CONTACT = "do_not_contact"
DO_NOT_CALL = "do_not_call"
DO_NOT_EMAIL = "do_not_email"
CONTACT_HOURS = "contact_hours"
PREFERRED_CHANNEL = "preferred_channel"
# A call or chat interrupts; an e-mail waits until the customer opens it, so contact
# hours are checked only on these channels.
LIVE_CHANNELS = frozenset({Channel.PHONE.value, Channel.CHAT.value})
_HOURS = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")
_UNREACHABLE = frozenset({CallOutcome.VOICEMAIL.value, CallOutcome.NO_ANSWER.value})


class CallTimer:
    """Times one live call: ``start → (hold ↔ resume)* → end`` on an injected clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.state = "idle"
        self.started_at: int | None = None
        self._ended_at: int | None = None
        self._hold_since: int | None = None
        self._hold_ms = 0

    def _expect(self, *states: str) -> None:
        if self.state not in states:
            raise ValidationError(f"the call is {self.state.replace('_', ' ')}; "
                                  f"this needs it {' or '.join(states).replace('_', ' ')}")

    def start(self) -> None:
        self._expect("idle")
        self.started_at, self.state = self._clock.now_ms(), "talking"

    def hold(self) -> None:
        self._expect("talking")
        self._hold_since, self.state = self._clock.now_ms(), "on_hold"

    def resume(self) -> None:
        self._expect("on_hold")
        self._close_hold(self._clock.now_ms())
        self.state = "talking"

    def end(self) -> CallTiming:
        """Stop the call (a call ended while on hold counts that hold) and return its times."""
        self._expect("talking", "on_hold")
        now = self._clock.now_ms()
        self._close_hold(now)
        self._ended_at, self.state = now, "ended"
        return self.timing()

    def _close_hold(self, now: int) -> None:
        if self._hold_since is not None:
            self._hold_ms += now - self._hold_since
            self._hold_since = None

    @property
    def elapsed_s(self) -> int:
        """Seconds since the start (frozen once ended): what the live display shows."""
        if self.started_at is None:
            return 0
        end = self._ended_at if self._ended_at is not None else self._clock.now_ms()
        return (end - self.started_at) // 1000

    @property
    def hold_s(self) -> int:
        """Seconds on hold so far, including a hold still running."""
        running = self._clock.now_ms() - self._hold_since if self._hold_since else 0
        return (self._hold_ms + running) // 1000

    def timing(self) -> CallTiming:
        self._expect("ended")
        assert self.started_at is not None and self._ended_at is not None
        # Rounded to whole seconds, never 0: a call that happened took some time.
        duration = max(1, round((self._ended_at - self.started_at) / 1000))
        return CallTiming(self.started_at, duration, min(round(self._hold_ms / 1000), duration))


def _flag(value: Any) -> bool:
    # Preferences typed in a form or the CLI arrive as text as often as as booleans.
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "on")
    return bool(value)


def _minutes(h: str, m: str | None) -> int:
    hours, minutes = int(h), int(m or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError
    return hours * 60 + minutes


def within_hours(spec: str, local: datetime) -> bool | None:
    """Whether *local* falls in ``"09:00-17:00"`` (may cross midnight); None if unreadable."""
    m = _HOURS.match(spec)
    if not m:
        return None
    try:
        start, end = _minutes(m[1], m[2]), _minutes(m[3], m[4])
    except ValueError:
        return None
    now = local.hour * 60 + local.minute
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def _enum(enum: Any, value: str, what: str) -> str:
    try:
        return str(enum(value).value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(f"{value!r} is not a {what}; use one of {allowed}") from None


class CallService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    def timer(self) -> CallTimer:
        """A fresh timer on this workbench's clock."""
        return CallTimer(self.wb.clock)

    def contact_warnings(
        self, customer_ref: str, channel: str, at_ms: int | None = None
    ) -> list[str]:
        """What to know before contacting a customer on *channel* at *at_ms* (default now)."""
        channel = _enum(Channel, channel, "channel")
        at = self.wb.now_ms() if at_ms is None else at_ms
        with self.wb.read() as s:
            c = customer_or_404(s, customer_ref)
            prefs = {p.key: p.value for p in hq.rows_of_customer(s, CustomerPreference, c.id)}
            name, zone = c.name, c.time_zone
        out: list[str] = []
        if _flag(prefs.get(DO_NOT_CONTACT)):
            out.append(f"{name} asked not to be contacted at all (do-not-contact).")
        if channel == Channel.PHONE.value and _flag(prefs.get(DO_NOT_CALL)):
            out.append(f"{name} asked not to be called (do-not-call).")
        if channel == Channel.EMAIL.value and _flag(prefs.get(DO_NOT_EMAIL)):
            out.append(f"{name} asked not to be e-mailed (do-not-email).")
        hours = prefs.get(CONTACT_HOURS)
        if channel in LIVE_CHANNELS and isinstance(hours, str) and hours.strip():
            try:
                tz = ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                tz, zone = ZoneInfo("UTC"), "UTC"
            local = ms_to_datetime(at).astimezone(tz)
            inside = within_hours(hours, local)
            if inside is None:
                out.append(f"{name}'s contact hours {hours!r} cannot be read; "
                           "write them like 09:00-17:00.")
            elif not inside:
                out.append(f"It is {local:%H:%M} for {name} ({zone}), outside their "
                           f"contact hours {hours.strip()}.")
        preferred = prefs.get(PREFERRED_CHANNEL)
        if isinstance(preferred, str) and preferred.strip() and preferred.strip() != channel:
            out.append(f"{name} prefers {preferred.strip()}, not {channel}.")
        return out

    def log(
        self,
        customer_ref: str,
        *,
        direction: str,
        started_at: int,
        duration_s: int,
        outcome: str,
        hold_s: int = 0,
        resolved: bool = False,
        notes: str = "",
        ticket_ref: str | None = None,
        new_ticket_subject: str | None = None,
        priority: str = "normal",
    ) -> CallInfo:
        """Record a finished call; with *new_ticket_subject* a phone ticket is opened for it.

        Everything is checked before anything is written. The new ticket is created first
        (through ``wb.tickets``, its own transaction), then the call linked to it.
        """
        direction = _enum(CallDirection, direction, "call direction")
        outcome = _enum(CallOutcome, outcome, "call outcome")
        try:
            text = clean_body(notes, "the call notes", required=False).strip()
            subject = (clean_line(new_ticket_subject, "the new ticket's subject")
                       if new_ticket_subject is not None else None)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        self._check_times(started_at, duration_s, hold_s)
        if outcome == CallOutcome.RESOLVED.value:
            resolved = True
        if resolved and outcome in _UNREACHABLE:
            raise ValidationError(f"a call that ended with {outcome} cannot have resolved "
                                  "the issue; untick 'resolved' or change the outcome")
        if ticket_ref and subject:
            raise ValidationError("link the call to an existing ticket or open a new one, "
                                  "not both")
        with self.wb.read() as s:
            agent = acting_agent(s, self.wb.actor_id)
            customer_id = customer_or_404(s, customer_ref).id
            ticket_id = self._ticket_of(s, ticket_ref, customer_id) if ticket_ref else None
        if subject is not None:
            ticket_id = self.wb.tickets.create(
                subject, customer_id, body=text, priority=priority,
                channel=Channel.PHONE.value, assignee_id=agent.id,
            ).id
        with self.wb.write() as w:
            call = w.insert(Call(
                customer_id=customer_id, agent_id=agent.id, ticket_id=ticket_id,
                direction=direction, started_at=started_at, duration_s=duration_s,
                hold_s=hold_s, outcome=outcome, resolved_on_call=resolved, notes=text,
                created_at=w.now_ms,
            ))
            return _call_info(w.session, call)

    def _check_times(self, started_at: int, duration_s: int, hold_s: int) -> None:
        if duration_s <= 0:
            raise ValidationError("the call's duration must be more than 0 seconds")
        if duration_s > MAX_CALL_S:
            raise ValidationError(f"a call of {duration_s // 3600} hours is not plausible; "
                                  "the limit is 12 hours (check the unit)")
        if hold_s < 0:
            raise ValidationError("hold time cannot be negative")
        if hold_s > duration_s:
            raise ValidationError(f"hold time ({hold_s} s) cannot be longer than the call "
                                  f"itself ({duration_s} s)")
        now = self.wb.now_ms()
        if started_at > now + FUTURE_SLACK_MS:
            raise ValidationError("the call's start time is in the future; check the date, "
                                  "time and time zone")
        if started_at + duration_s * 1000 > now + FUTURE_SLACK_MS:
            raise ValidationError("a call with this start and duration would end in the "
                                  "future; check the start time and the duration")

    @staticmethod
    def _ticket_of(s: Session, ref: str, customer_id: str) -> str:
        t = tq.find_ticket(s, ref)
        if t is None:
            raise NotFound(f"no ticket {ref!r}")
        if t.customer_id != customer_id:
            raise ValidationError(f"ticket {ref} belongs to another customer")
        return t.id

    def get(self, call_id: str) -> CallInfo:
        with self.wb.read() as s:
            call = s.get(Call, call_id.strip())
            if call is None:
                raise NotFound(f"no call {call_id!r}")
            return _call_info(s, call)

    def list_for(self, customer_ref: str, limit: int = 200) -> list[CallInfo]:
        """A customer's calls, latest first."""
        with self.wb.read() as s:
            c = customer_or_404(s, customer_ref)
            return [_call_info(s, call) for call in hq.calls_of(s, c.id, limit)]


def _call_info(s: Session, c: Call) -> CallInfo:
    name = hq.agent_names(s, [c.agent_id]).get(c.agent_id)
    number = hq.ticket_numbers(s, [c.ticket_id]).get(c.ticket_id or "")
    return CallInfo(
        id=c.id, customer_id=c.customer_id, agent_id=c.agent_id, agent_name=name,
        ticket_id=c.ticket_id, ticket_number=number, direction=c.direction,
        started_at=c.started_at, duration_s=c.duration_s, hold_s=c.hold_s, outcome=c.outcome,
        resolved_on_call=c.resolved_on_call, notes=c.notes, created_at=c.created_at,
    )
