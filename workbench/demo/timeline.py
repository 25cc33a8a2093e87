"""The life of one demo ticket: its event thread from the first message to closing.

:meth:`Simulator.run` plays a ticket forward from its creation with delays drawn against
the SLA policy's targets (so some targets are met and some breached): the customer's
first message, assignment, the first public reply, rounds of waiting on the customer
(pending) or a third party (on hold), a priority change or reassignment now and then,
the solving reply, a reopen for a few, and closing a few days later. Each status,
priority and assignee change carries the value it replaced, so the thread is consistent
with the ticket's fields by construction. The caller cuts the thread at "now".
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence

from workbench.demo.common import DAY, HOUR, MINUTE, between, lognormal
from workbench.demo.people import Staff

CM, PR, IN = "customer_message", "public_reply", "internal_note"
SC, PC, AC = "status_change", "priority_change", "assignee_change"
NEW, OPEN, PENDING, ON_HOLD = "new", "open", "pending", "on-hold"
SOLVED, CLOSED = "solved", "closed"
OPEN_STATUSES = frozenset({NEW, OPEN, PENDING, ON_HOLD})

# (at ms, kind, author id or None for the customer, body, old value, new value)
Event = tuple[int, str, str | None, str, str | None, str | None]
# (events, status at creation, assignee at creation, phone call (start, ms) or None,
#  whether the customer had reason to be unhappy, first-contact resolution on the phone)
Run = tuple[list[Event], str, str | None, tuple[int, int] | None, bool, bool]

_ROUNDS = (0,) * 68 + (1,) * 22 + (2,) * 7 + (3,) * 3
_ESCALATE = {"low": "normal", "normal": "high", "high": "urgent", "urgent": "high"}
Pools = tuple[Sequence[str], Sequence[str], Sequence[str]]  # messages, replies, notes


class Simulator:
    """Plays tickets forward; one instance per demo (it holds the rng and the staff)."""

    def __init__(
        self,
        rng: random.Random,
        staff: Staff,
        targets: dict[str, tuple[int, int, int]],
        signatures: list[list[str]],
    ) -> None:
        self.rnd = rng.random
        self.ids = staff.ids
        self.handlers = staff.handlers
        self.cum = staff.handler_cum
        self.total = staff.handler_cum[-1]
        self.leads = [staff.ids[i] for i in (staff.leads or staff.handlers)]
        self.targets = targets  # priority -> (first response, next update, resolution) ms
        self.signatures = signatures  # [language][agent] -> "\n\nsign-off\nName"

    def agent(self) -> int:
        return self.handlers[bisect(self.cum, self.rnd() * self.total)]

    def run(
        self, t0: int, priority: str, channel: str, pools: Pools, greet: str, li: int,
        want: str | None,
    ) -> Run:
        rnd, ids, targets = self.rnd, self.ids, self.targets
        msgs, reps, notes = pools
        n_msgs, n_reps = len(msgs), len(reps)
        sigs = self.signatures[li]
        fr_t, nu_t, res_t = targets[priority]
        events: list[Event] = []
        add = events.append
        agent = self.agent()
        aid = ids[agent]
        phone = channel == "phone"
        live = phone or channel == "walk-in"
        routed = want != NEW and (live or rnd() < 0.7)  # skills routing assigns most
        status = OPEN if routed else NEW
        status0, assignee0 = status, (aid if routed else None)
        add((t0, CM, None, msgs[int(rnd() * n_msgs)], None, None))
        call = None
        if phone:
            duration = min(max(int(lognormal(rnd, 6 * MINUTE, 0.7)), MINUTE), 40 * MINUTE)
            start = t0 - min(MINUTE, duration // 2)
            t_fr = start + duration
            call = (start, duration)
        elif live:
            t_fr = t0 + between(rnd, 5 * MINUTE, 30 * MINUTE)
        else:
            factor = lognormal(rnd, 0.45, 0.9) * (0.25 if channel == "chat" else 1.0)
            t_fr = t0 + max(MINUTE, int(fr_t * factor))
        unhappy = t_fr - t0 > fr_t
        if not routed and (want is not None or rnd() >= 0.04):  # a few are never assigned
            by = aid if rnd() < 0.6 else self.leads[int(rnd() * len(self.leads))]
            add((t0 + int((t_fr - t0) * (0.1 + 0.6 * rnd())), AC, by, "", None, aid))
        rounds = _ROUNDS[int(rnd() * 100)]
        if want in (PENDING, ON_HOLD):
            rounds = max(rounds, 1)
        fcr = phone and want in (None, SOLVED) and rnd() < 0.4
        quick = fcr or (rounds == 0 and want in (None, SOLVED) and rnd() < 0.7)
        add((t_fr, PR, aid, greet + reps[int(rnd() * n_reps)] + sigs[agent], None, None))
        t = t_fr
        if quick:
            add((t, SC, aid, "", status, SOLVED))
        else:
            if status == NEW:
                add((t, SC, aid, "", NEW, OPEN))
            changed = False
            for r in range(rounds):
                if rnd() < 0.2:
                    t += between(rnd, MINUTE, 30 * MINUTE)
                    add((t, IN, aid, notes[int(rnd() * len(notes))], None, None))
                if (want == ON_HOLD and r == 0) or (want is None and rnd() < 0.04):
                    t += between(rnd, MINUTE, HOUR)
                    add((t, SC, aid, "", OPEN, ON_HOLD))
                    if rnd() < 0.15:  # waiting on engineering or a supplier for weeks
                        t += between(rnd, 5 * DAY, 40 * DAY)
                    else:
                        t += between(rnd, HOUR, 4 * DAY)
                    add((t, SC, aid, "", ON_HOLD, OPEN))
                    t += between(rnd, MINUTE, 20 * MINUTE)
                    add((t, PR, aid, greet + reps[int(rnd() * n_reps)] + sigs[agent], None, None))
                    continue
                pending = (want == PENDING and r == 0) or (want is None and rnd() < 0.3)
                if pending:
                    add((t, SC, aid, "", OPEN, PENDING))
                t += min(max(int(lognormal(rnd, 3 * HOUR, 1.2)), 2 * MINUTE), 6 * DAY)
                add((t, CM, None, msgs[int(rnd() * n_msgs)], None, None))
                if pending:
                    add((t, SC, None, "", PENDING, OPEN))
                if not changed and rnd() < 0.06:
                    changed = True
                    t += MINUTE
                    new = _ESCALATE[priority]
                    add((t, PC, self.leads[int(rnd() * len(self.leads))], "", priority, new))
                    priority = new
                    fr_t, nu_t, res_t = targets[priority]
                if rnd() < 0.03:
                    other = self.agent()
                    if other != agent:
                        t += MINUTE
                        lead = self.leads[int(rnd() * len(self.leads))]
                        add((t, AC, lead, "", aid, ids[other]))
                        agent, aid = other, ids[other]
                wait = int(nu_t * lognormal(rnd, 0.3, 1.0))
                unhappy = unhappy or wait > nu_t
                t += max(3 * MINUTE, wait)
                add((t, PR, aid, greet + reps[int(rnd() * n_reps)] + sigs[agent], None, None))
            if rounds and rnd() < 0.6:  # that last answer was the solution
                add((t, SC, aid, "", OPEN, SOLVED))
            else:
                target = t0 + int(res_t * lognormal(rnd, 0.45, 0.9))
                t = max(t + between(rnd, 10 * MINUTE, 2 * HOUR), target)
                add((t, PR, aid, greet + reps[int(rnd() * n_reps)] + sigs[agent], None, None))
                add((t, SC, aid, "", OPEN, SOLVED))
            unhappy = unhappy or t - t0 > res_t
        if want is None and rnd() < 0.06:
            t += min(max(int(lognormal(rnd, DAY, 1.0)), HOUR), 5 * DAY)
            add((t, CM, None, msgs[int(rnd() * n_msgs)], None, None))
            add((t, SC, None, "", SOLVED, OPEN))
            t += max(3 * MINUTE, int(nu_t * lognormal(rnd, 0.3, 1.0)))
            add((t, PR, aid, greet + reps[int(rnd() * n_reps)] + sigs[agent], None, None))
            add((t, SC, aid, "", OPEN, SOLVED))
            unhappy = True
        if want is None and rnd() < 0.5:  # the rest stay solved (no auto-close rule)
            add((t + between(rnd, 3 * DAY, 7 * DAY), SC, aid, "", SOLVED, CLOSED))
        return events, status0, assignee0, call, unhappy, fcr


def stop_at_status(events: list[Event], status: str, want: str, t0: int, now: int) -> list[Event]:
    """The thread up to the first moment the ticket is in status *want*, fitted before now.

    Used for the newest tickets, so that a small demo still shows every status in the
    queue; the kept events are squeezed proportionally when they would run past now.
    """
    cut = len(events)
    for i, event in enumerate(events):
        if event[1] == SC:
            status = event[5] or status
        if status == want:
            cut = i + 1
            break
    kept = events[:cut]
    span, room = kept[-1][0] - t0, now - MINUTE - t0
    if span <= room or span <= 0:
        return kept
    scale = room / span
    return [(t0 + int((e[0] - t0) * scale), e[1], e[2], e[3], e[4], e[5]) for e in kept]
