"""Demo tickets in chronological chunks, with what happens around them.

:class:`TicketFactory` spreads ticket creation over the last year (growing volume, quieter
weekends, a daily rhythm), picks a customer active at that moment, plays the ticket with
:class:`~workbench.demo.timeline.Simulator`, derives the ticket's fields from the kept
events exactly as the ticket service would, and adds the rows that hang off a ticket:
calls, survey answers, canned-answer uses and article views. Open tickets get their
queue deadline from the real SLA clock.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from workbench.demo.common import (
    DAY,
    HOUR,
    MINUTE,
    WINDOW_DAYS,
    Row,
    between,
    cumulative,
    lognormal,
    prepare,
)
from workbench.demo.ids import IdMint
from workbench.demo.knowledge import Knowledge
from workbench.demo.people import Customers, Staff
from workbench.demo.timeline import (
    AC,
    CLOSED,
    PC,
    PR,
    SC,
    SOLVED,
    Event,
    Pools,
    Simulator,
    stop_at_status,
)
from workbench.demo.vocab import Vocab
from workbench.domain.enums import Priority
from workbench.domain.sla import BusinessCalendar, SlaPolicy
from workbench.services.sla import ticket_facts
from workbench.store.changelog import PreparedRows
from workbench.store.models import (
    ArticleView,
    Base,
    Call,
    CannedUse,
    SurveyAnswer,
    Ticket,
    TicketEvent,
)

PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_WEIGHTS = (5, 20, 55, 20)
CHANNELS = ("email", "web", "chat", "phone", "social", "walk-in")
CHANNEL_WEIGHTS = (36, 18, 18, 17, 7, 4)
FORCED_STATUSES = ("new", "open", "pending", "on-hold", "solved")
_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.5, 0.4)  # Monday first
# Tickets per UTC hour: customers from Los Angeles to Phnom Penh flatten the day.
_HOURLY = (3, 3, 4, 5, 7, 8, 9, 10, 10, 10, 9, 9, 9, 9, 9, 8, 7, 6, 5, 4, 4, 3, 3, 3)
_OUTCOMES = ("follow-up", "escalated", "resolved", "voicemail", "no-answer")
_OUTCOME_CUM = cumulative((40, 10, 25, 15, 10))
_CSAT = {False: cumulative((2, 3, 8, 30, 57)), True: cumulative((12, 15, 23, 30, 20))}
_NPS = {False: cumulative((1, 1, 1, 1, 2, 3, 4, 8, 15, 24, 40)),
        True: cumulative((6, 5, 6, 7, 8, 12, 12, 14, 12, 10, 8))}
_CES = {False: cumulative((30, 30, 20, 10, 5, 3, 2)), True: cumulative((5, 10, 15, 20, 20, 15, 15))}
_created = itemgetter("created_at")


@dataclass
class Chunk:
    """The rows of one transaction, in the order foreign keys need them."""

    tickets: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    calls: list[Row] = field(default_factory=list)
    surveys: list[Row] = field(default_factory=list)
    canned: list[Row] = field(default_factory=list)
    views: list[Row] = field(default_factory=list)

    def prepared(self) -> Prepared:
        """Each table's rows as executemany batches, parents first."""
        tables = ((Ticket, self.tickets), (TicketEvent, self.events), (Call, self.calls),
                  (SurveyAnswer, self.surveys), (CannedUse, self.canned),
                  (ArticleView, self.views))
        return [(model, prepare(model, rows)) for model, rows in tables if rows]


Prepared = list[tuple[type[Base], list[PreparedRows]]]


def forced_count(total: int) -> int:
    """How many of the newest tickets are steered into each open status (see timeline)."""
    return min(36, total // 8)


class TicketFactory:
    """Turns arrival times into chunks of ticket rows; one instance per demo."""

    def __init__(
        self, rng: random.Random, mint: IdMint, vocab: Vocab, staff: Staff,
        customers: Customers, kb: Knowledge, sla: tuple[SlaPolicy, BusinessCalendar], now: int,
    ) -> None:
        self.rng, self.rnd, self.mint, self.now = rng, rng.random, mint, now
        self.staff, self.cust, self.kb = staff, customers, kb
        self.policy, self.calendar = sla
        self.languages = vocab.languages
        self.team_id = staff.team_id
        self.pools: list[Pools] = [(lg.messages, lg.replies, lg.notes) for lg in self.languages]
        signatures = [
            [f"\n\n{lg.signoff}\n{first}" for first in staff.first_names] for lg in self.languages
        ]
        targets = {}
        for p in PRIORITIES:
            t = self.policy.targets_for(Priority(p))
            targets[p] = (t.first_response * 1000, t.next_update * 1000, t.resolution * 1000)
        self.sim = Simulator(rng, staff, targets, signatures)
        tags = vocab.team.ticket_tags
        no_tags: list[str] = []
        self.tag_sets = [no_tags] * 7 + [sorted(rng.sample(tags, 1 + i % 3)) for i in range(57)]
        self.canned = [kb.canned.get(lg.code) or kb.readable for lg in self.languages]
        self.forced = 0

    # -- when tickets arrive ------------------------------------------------------------
    def times(self, total: int) -> Iterator[tuple[int, str | None]]:
        """(created_at, steered status or None) for every ticket, oldest first."""
        forced = forced_count(total)
        recent = sorted(between(self.rnd, self.now - 47 * HOUR, self.now - 5 * MINUTE)
                        for _ in range(forced))
        steered = ((t, FORCED_STATUSES[i % len(FORCED_STATUSES)]) for i, t in enumerate(recent))
        return heapq.merge(self._natural(total - forced), steered, key=lambda item: item[0])

    def _natural(self, total: int) -> Iterator[tuple[int, str | None]]:
        start = self.now - WINDOW_DAYS * DAY
        weights = [
            (0.7 + 0.6 * d / WINDOW_DAYS) * _WEEKDAY[((start + d * DAY) // DAY + 3) % 7]
            for d in range(WINDOW_DAYS)
        ]
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [int(x) for x in exact]
        by_remainder = sorted(range(WINDOW_DAYS), key=lambda d: counts[d] - exact[d])
        for d in by_remainder[: total - sum(counts)]:
            counts[d] += 1
        rnd = self.rnd
        first_hour = start // HOUR % 24
        hourly = cumulative([_HOURLY[(first_hour + h) % 24] for h in range(24)])
        top = hourly[-1]
        for d, n in enumerate(counts):
            day = start + d * DAY
            times = sorted(day + bisect(hourly, rnd() * top) * HOUR + int(rnd() * HOUR)
                           for _ in range(n))
            for t in times:
                yield min(t, self.now - MINUTE), None

    def _customer(self, t: int) -> int:
        cust, rnd = self.cust, self.rnd
        cum, top = cust.cum_weights, cust.cum_weights[-1]
        for _ in range(6):
            c = bisect(cum, rnd() * top)
            if cust.active_since[c] <= t < cust.until[c]:
                return c
        return cust.steady[int(rnd() * len(cust.steady))] if cust.steady else 0

    # -- one transaction's worth ----------------------------------------------------------
    def chunk(self, items: list[tuple[int, str | None]], first_number: int) -> Chunk:
        rng, rnd, now, mint = self.rng, self.rnd, self.now, self.mint
        out = Chunk()
        n = len(items)
        priorities = rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS, k=n)
        channels = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS, k=n)
        cust, langs, pools, run = self.cust, self.languages, self.pools, self.sim.run
        # Events of the whole chunk in time order: ids carry the time, so the primary key
        # is appended to.
        events: list[Row] = []
        for k, (t0, want) in enumerate(items):
            priority, channel = priorities[k], channels[k]
            if want is not None:
                priority = PRIORITIES[self.forced % len(PRIORITIES)]
                channel = CHANNELS[self.forced % len(CHANNELS)]
                if want == "new" and channel in ("phone", "walk-in"):
                    channel = "web"
                self.forced += 1
            c = self._customer(t0)
            li = cust.lang[c]
            greet = langs[li].greet(cust.first[c]) + "\n\n"
            thread, status, assignee, call, unhappy, fcr = run(
                t0, priority, channel, pools[li], greet, li, want)
            if want is not None:
                thread = stop_at_status(thread, status, want, t0, now)
            elif thread[-1][0] > now:
                thread = [e for e in thread if e[0] <= now]
            tid = mint.at(t0)
            first_response = solved_at = None
            reopened = 0
            replies: list[tuple[int, str]] = []
            for at, kind, author, body, old, new in thread:
                events.append(
                    {"ticket_id": tid, "kind": kind, "author_id": author, "body": body,
                     "old_value": old, "new_value": new, "created_at": at})
                if kind == PR:
                    replies.append((at, author))  # type: ignore[arg-type]
                    if first_response is None:
                        first_response = at
                elif kind == SC:
                    if new in (SOLVED, CLOSED):
                        solved_at = solved_at or at
                    elif old == SOLVED:
                        solved_at = None
                        reopened += 1
                    status = new  # type: ignore[assignment]
                elif kind == PC:
                    priority = new  # type: ignore[assignment]
                elif kind == AC:
                    assignee = new
            out.tickets.append({
                "id": tid, "number": first_number + k, "subject": self._subject(li),
                "status": status, "priority": priority, "channel": channel,
                "customer_id": cust.ids[c], "assignee_id": assignee, "team_id": self.team_id,
                "tags": self.tag_sets[int(rnd() * len(self.tag_sets))], "created_at": t0,
                "updated_at": thread[-1][0], "first_response_at": first_response,
                "solved_at": solved_at, "reopen_count": reopened,
                **self.derived(t0, priority, status, thread, first_response, solved_at,
                               reopened),
            })
            self._around(out, c, li, tid, t0, replies, call, fcr, unhappy, solved_at)
        events.sort(key=_created)
        for row, rid in zip(events, mint.many_at([r["created_at"] for r in events]), strict=True):
            row["id"] = rid
        out.events = events
        out.calls.sort(key=_created)
        out.surveys.sort(key=itemgetter("answered_at"))
        out.canned.sort(key=itemgetter("used_at"))
        out.views.sort(key=itemgetter("viewed_at"))
        return out

    def _subject(self, li: int) -> str:
        subjects = self.languages[li].subjects
        return subjects[int(self.rnd() * len(subjects))]

    def derived(self, t0: int, priority: str, status: str, thread: list[Event],
                first_response: int | None, solved_at: int | None, reopened: int) -> Row:
        """The ticket's derived columns (``Ticket.__derived__``), exactly as the ticket
        service keeps them (``services.sla.ticket_facts``). ``repeat_contact`` needs the
        customer's later tickets: the generator completes it once all are written.
        """
        events = [(e[0], e[1], e[4], e[5], e[2]) for e in thread]
        return ticket_facts(t0, priority, status, events, self.policy, self.calendar,
                            self.now, solved_at=solved_at, reopen_count=reopened,
                            first_response_at=first_response)

    # -- what hangs off a ticket ----------------------------------------------------------
    def _around(self, out: Chunk, c: int, li: int, tid: str, t0: int,
                replies: list[tuple[int, str]], call: tuple[int, int] | None, fcr: bool,
                unhappy: bool, solved_at: int | None) -> None:
        rnd, now, mint, cid = self.rnd, self.now, self.mint, self.cust.ids[c]
        notes = self.languages[li].notes
        if call is not None and replies and call[0] + call[1] <= now:
            start, ms = call
            outcome = "resolved" if fcr else "follow-up" if rnd() < 0.8 else "escalated"
            out.calls.append(self._call(cid, replies[0][1], tid, "inbound", start, ms, outcome,
                                        fcr, notes))
        elif len(replies) > 1 and rnd() < 0.08:
            at, agent = replies[int(rnd() * len(replies))]
            outcome = _OUTCOMES[bisect(_OUTCOME_CUM, rnd() * _OUTCOME_CUM[-1])]
            ms = self._duration(outcome)
            if at + ms <= now:
                out.calls.append(self._call(cid, agent, tid, "outbound", at, ms, outcome,
                                            outcome == "resolved" and rnd() < 0.7, notes))
        if replies and rnd() < 0.03:  # a call about something else, never made a ticket
            at = t0 - between(rnd, HOUR, 30 * DAY)
            if at >= self.cust.active_since[c]:
                outcome = _OUTCOMES[bisect(_OUTCOME_CUM, rnd() * _OUTCOME_CUM[-1])]
                out.calls.append(self._call(
                    cid, replies[0][1], None, "inbound" if rnd() < 0.6 else "outbound", at,
                    self._duration(outcome), outcome, outcome == "resolved", notes))
        for at, agent in replies:
            if rnd() < 0.07:
                canned = self.canned[li]
                out.canned.append({"id": mint.at(at),
                                   "article_id": canned[int(rnd() * len(canned))],
                                   "agent_id": agent, "ticket_id": tid, "edited": rnd() < 0.4,
                                   "used_at": at})
        if replies and rnd() < 0.15:
            first, agent = replies[0]
            pool = self.canned[li] if rnd() < 0.6 else self.kb.readable
            seen = t0 + int((first - t0) * rnd())
            out.views.append({"id": mint.at(seen), "article_id": pool[int(rnd() * len(pool))],
                              "agent_id": agent, "viewed_at": seen,
                              "seconds": min(max(int(self._lognormal(45, 1.0)), 3), 1800)})
        if solved_at is not None and rnd() < 0.2:  # a typical survey response rate
            self._survey(out, cid, tid, li, solved_at, unhappy)

    def _lognormal(self, median: float, sigma: float) -> float:
        return lognormal(self.rnd, median, sigma)

    def _duration(self, outcome: str) -> int:
        if outcome in ("voicemail", "no-answer"):
            return between(self.rnd, MINUTE, 2 * MINUTE)
        return min(max(int(self._lognormal(6 * MINUTE, 0.7)), MINUTE), 40 * MINUTE)

    def _call(self, cid: str, agent: str, tid: str | None, direction: str, start: int, ms: int,
              outcome: str, resolved: bool, notes: tuple[str, ...]) -> Row:
        rnd = self.rnd
        hold = 0 if rnd() < 0.45 or ms < 2 * MINUTE else min(int(self._lognormal(70, 1.0)), 900)
        return {"id": self.mint.at(start + ms), "customer_id": cid, "agent_id": agent,
                "ticket_id": tid,
                "direction": direction, "started_at": start, "duration_s": ms // 1000,
                "hold_s": min(hold, ms // 2000), "outcome": outcome, "resolved_on_call": resolved,
                "notes": notes[int(rnd() * len(notes))] if rnd() < 0.7 else "",
                "created_at": start + ms}

    def _survey(self, out: Chunk, cid: str, tid: str, li: int, solved_at: int,
                unhappy: bool) -> None:
        rnd = self.rnd
        at = solved_at + min(max(int(self._lognormal(4 * HOUR, 1.0)), 5 * MINUTE), 7 * DAY)
        if at > self.now:
            return
        lang = self.languages[li]
        csat = 1 + bisect(_CSAT[unhappy], rnd() * 100)
        comment = ""
        if rnd() < 0.3:
            said = lang.feedback_good if csat >= 4 else lang.feedback_bad
            comment = said[int(rnd() * len(said))]
        answers = [("csat", csat, comment)]
        if rnd() < 0.4:
            answers.append(("nps", bisect(_NPS[unhappy], rnd() * _NPS[unhappy][-1]), ""))
        if rnd() < 0.4:
            answers.append(("ces", 1 + bisect(_CES[unhappy], rnd() * 100), ""))
        for offset, (kind, score, text) in enumerate(answers):
            answered = min(at + offset * 20 * 1000, self.now)
            out.surveys.append({"id": self.mint.at(answered), "kind": kind, "score": score,
                                "customer_id": cid, "ticket_id": tid, "comment": text,
                                "answered_at": answered})
