"""Hand-offs: pass a customer to a colleague with a written summary they acknowledge.

``HandoffService(wb)`` is reached as ``wb.handoffs``. Handing over changes the customer's
owner through the one write path (so the change log and the timeline show it) and can move
the giver's open tickets of that customer too. A lead or manager can reassign every
customer of a departing agent at once: :meth:`preview_bulk` builds the plan (receivers and
a summary per customer drafted from the timeline), :meth:`apply_bulk` writes it in one
transaction and leaves no customer of that agent without an owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.domain.clock import iso_utc
from workbench.domain.enums import EventKind, Role
from workbench.domain.validation import clean_body
from workbench.services.errors import NotFound, PermissionDenied, ValidationError
from workbench.services.history import HistoryService, acting_agent, customer_or_404
from workbench.services.history_dto import BulkItem, BulkPlan, HandoffInfo
from workbench.store import history_queries as hq
from workbench.store.changelog import Writer
from workbench.store.models import Agent, Customer, Handoff, TicketEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

MIN_SUMMARY = 20
MAX_SUMMARY = 10_000
LEAD_ROLES = frozenset({Role.LEAD.value, Role.MANAGER.value})
STRATEGIES = ("balanced", "round-robin")
CONTACT_KINDS = ("customer_message", "public_reply", "call")


def clean_summary(text: str) -> str:
    """A hand-off summary: context, open promises and next step — so not a one-liner."""
    try:
        summary = clean_body(text, "the hand-off summary").strip()
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if len(summary) < MIN_SUMMARY:
        raise ValidationError(
            f"the hand-off summary has {len(summary)} characters; write at least "
            f"{MIN_SUMMARY}: the context, what was promised and the next step"
        )
    if len(summary) > MAX_SUMMARY:
        raise ValidationError(f"the hand-off summary is longer than {MAX_SUMMARY:,} "
                              "characters; link a note or ticket for the details")
    return summary


def _receiver(s: Session, agent_id: str) -> Agent:
    agent = s.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"no agent {agent_id!r}")
    if not agent.active:
        raise ValidationError(f"{agent.name} is not an active agent; choose a colleague "
                              "who is still on the team")
    return agent


def _require_lead(agent: Agent) -> None:
    if agent.role not in LEAD_ROLES:
        raise PermissionDenied("only a lead or a manager may do this")


class HandoffService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self._history = HistoryService(wb)

    # -- one customer -------------------------------------------------------------------
    def create(
        self, customer_ref: str, to_agent_id: str, summary: str, include_tickets: bool = False
    ) -> HandoffInfo:
        """Hand a customer to *to_agent_id*; the customer's owner becomes the receiver."""
        text = clean_summary(summary)
        with self.wb.write() as w:
            actor = acting_agent(w.session, w.actor_id)
            c = customer_or_404(w.session, customer_ref)
            to = _receiver(w.session, to_agent_id)
            if c.owner_id not in (None, actor.id) and actor.role not in LEAD_ROLES:
                raise PermissionDenied("only the customer's owner, a lead or a manager may "
                                       "hand this customer over")
            if to.id == c.owner_id:
                raise ValidationError(f"{to.name} already owns {c.name}")
            if to.id == actor.id:
                raise ValidationError("a hand-off goes to a colleague; to take the customer "
                                      "yourself, change the owner instead")
            h, moved = self._hand_over(w, actor, c, to, text, include_tickets)
            return _infos(w.session, [h], {h.id: moved})[0]

    def _hand_over(
        self, w: Writer, actor: Agent, c: Customer, to: Agent, summary: str, with_tickets: bool
    ) -> tuple[Handoff, int]:
        giver = c.owner_id
        h = w.insert(Handoff(
            customer_id=c.id, from_agent_id=giver, to_agent_id=to.id, created_by_id=actor.id,
            summary=summary, include_tickets=with_tickets, created_at=w.now_ms,
            acknowledged_at=None,
        ))
        w.update(c, owner_id=to.id, updated_at=w.now_ms)
        moved = 0
        if with_tickets and giver is not None:
            # Written here rather than through wb.tickets.update so the whole hand-off is one
            # transaction; the event mirrors what TicketService records for a reassignment.
            for t in hq.open_tickets_of(w.session, c.id, giver):
                w.insert(TicketEvent(
                    ticket_id=t.id, kind=EventKind.ASSIGNEE_CHANGE.value, author_id=actor.id,
                    body="", old_value=giver, new_value=to.id, created_at=w.now_ms,
                ))
                w.update(t, assignee_id=to.id, updated_at=w.now_ms)
                moved += 1
        return h, moved

    def acknowledge(self, handoff_ref: str) -> HandoffInfo:
        """The receiver confirms they read the summary (a second call changes nothing)."""
        with self.wb.write() as w:
            actor = acting_agent(w.session, w.actor_id)
            h = hq.find_handoff(w.session, handoff_ref)
            if h is None:
                raise NotFound(f"no hand-off {handoff_ref!r} (give its id or the last 8 "
                               "characters of it)")
            if h.to_agent_id != actor.id:
                raise PermissionDenied("only the colleague who received the hand-off may "
                                       "acknowledge it")
            if h.acknowledged_at is None:
                w.update(h, acknowledged_at=w.now_ms)
            return _infos(w.session, [h])[0]

    # -- who sees what ------------------------------------------------------------------
    def inbox(self, agent_id: str | None = None) -> list[HandoffInfo]:
        """Pending hand-offs to *agent_id* (default: the acting agent), oldest first."""
        with self.wb.read() as s:
            me = agent_id or acting_agent(s, self.wb.actor_id).id
            return _infos(s, hq.pending_handoffs(s, to_agent=me))

    def pending_for(self, agent_id: str | None = None) -> list[HandoffInfo]:
        """Pending hand-offs the agent gave, made or received."""
        with self.wb.read() as s:
            me = agent_id or acting_agent(s, self.wb.actor_id).id
            return _infos(s, hq.pending_handoffs(s, involving=me))

    def pending_for_leads(self) -> list[HandoffInfo]:
        """Every pending hand-off of the team (leads and managers only)."""
        with self.wb.read() as s:
            _require_lead(acting_agent(s, self.wb.actor_id))
            return _infos(s, hq.pending_handoffs(s))

    def for_customer(self, customer_ref: str) -> list[HandoffInfo]:
        with self.wb.read() as s:
            return _infos(s, hq.handoffs_of(s, customer_or_404(s, customer_ref).id))

    # -- bulk ---------------------------------------------------------------------------
    def preview_bulk(
        self,
        from_agent_id: str,
        to_agent_ids: Sequence[str],
        include_tickets: bool = False,
        strategy: str = "balanced",
    ) -> BulkPlan:
        """Who gets each of *from_agent_id*'s customers, with a drafted summary each.

        ``balanced`` gives each customer to the receiver owning fewest customers so far
        (counting the plan); ``round-robin`` deals them out in turn, in name order.
        """
        if strategy not in STRATEGIES:
            raise ValidationError(f"strategy must be one of {', '.join(STRATEGIES)}")
        with self.wb.read() as s:
            _require_lead(acting_agent(s, self.wb.actor_id))
            giver = s.get(Agent, from_agent_id)
            if giver is None:
                raise NotFound(f"no agent {from_agent_id!r}")
            receivers = self._receivers(s, giver, to_agent_ids)
            customers = [(c.id, c.name) for c in hq.customers_owned_by(s, giver.id)]
            load = hq.owned_counts(s, [a.id for a in receivers])
        items: list[BulkItem] = []
        for i, (cid, cname) in enumerate(customers):
            if strategy == "round-robin":
                to = receivers[i % len(receivers)]
            else:
                to = min(receivers, key=lambda a: load[a.id])  # first listed wins a tie
            load[to.id] += 1
            summary, open_count = self._draft(cid, giver.name)
            items.append(BulkItem(cid, cname, to.id, to.name, summary, open_count))
        return BulkPlan(giver.id, giver.name, include_tickets, strategy, items)

    @staticmethod
    def _receivers(s: Session, giver: Agent, ids: Sequence[str]) -> list[Agent]:
        if not ids:
            raise ValidationError("name at least one colleague to receive the customers")
        if len(set(ids)) != len(ids):
            raise ValidationError("a receiver is named twice")
        out = [_receiver(s, i) for i in ids]
        if any(a.id == giver.id for a in out):
            raise ValidationError(f"{giver.name} cannot receive their own customers")
        return out

    def _draft(self, customer_id: str, giver_name: str) -> tuple[str, int]:
        """A summary from the timeline: last contact, open tickets, last note."""
        last = self._history.timeline(customer_id, kinds=CONTACT_KINDS, limit=1).entries
        notes = self._history.notes(customer_id, limit=1)
        with self.wb.read() as s:
            tickets = [(t.number, t.id, t.subject, t.status)
                       for t in hq.open_tickets_of(s, customer_id)]
        lines = [f"Reassigned from {giver_name} (bulk hand-off)."]
        if last:
            e = last[0]
            who = f" by {e.who_name}" if e.who_name else ""
            lines.append(f"Last contact: {e.title}{who}, {iso_utc(e.at)[:16]} UTC.")
        else:
            lines.append("Last contact: none recorded.")
        if tickets:
            listed = "; ".join(
                f"{f'#{n}' if n is not None else 'P-' + tid[-8:]} {subj} ({status})"
                for n, tid, subj, status in tickets
            )
            lines.append(f"Open tickets: {listed}.")
        else:
            lines.append("Open tickets: none.")
        if notes:
            body = " ".join(notes[0].body.split())
            lines.append(f"Last note: {body[:300] + '…' if len(body) > 300 else body}")
        else:
            lines.append("Last note: none.")
        return "\n".join(lines), len(tickets)

    def apply_bulk(self, plan: BulkPlan) -> list[HandoffInfo]:
        """Write a (possibly edited) plan in one transaction; a stale plan is refused."""
        summaries = {item.customer_id: clean_summary(item.summary) for item in plan.items}
        with self.wb.write() as w:
            actor = acting_agent(w.session, w.actor_id)
            _require_lead(actor)
            owned = {c.id: c for c in hq.customers_owned_by(w.session, plan.from_agent_id)}
            planned = [item.customer_id for item in plan.items]
            if set(planned) != set(owned) or len(planned) != len(owned):
                raise ValidationError(f"{plan.from_agent_name}'s customers changed since "
                                      "the preview; preview the hand-off again")
            handoffs: list[Handoff] = []
            moved: dict[str, int] = {}
            for item in plan.items:
                to = _receiver(w.session, item.to_agent_id)
                if to.id == plan.from_agent_id:
                    raise ValidationError(f"{to.name} cannot receive their own customers")
                h, n = self._hand_over(w, actor, owned[item.customer_id], to,
                                       summaries[item.customer_id], plan.include_tickets)
                handoffs.append(h)
                moved[h.id] = n
            w.session.flush()
            if hq.customers_owned_by(w.session, plan.from_agent_id):  # pragma: no cover
                raise RuntimeError("bulk hand-off left customers with the departing agent")
            return _infos(w.session, handoffs, moved)


def _infos(
    s: Session, rows: Sequence[Handoff], moved: dict[str, int] | None = None
) -> list[HandoffInfo]:
    names = hq.agent_names(s, [a for h in rows for a in (h.from_agent_id, h.to_agent_id)])
    customers = hq.customer_names(s, [h.customer_id for h in rows])
    return [
        HandoffInfo(
            id=h.id, customer_id=h.customer_id, customer_name=customers.get(h.customer_id, "?"),
            from_agent_id=h.from_agent_id,
            from_agent_name=names.get(h.from_agent_id) if h.from_agent_id else None,
            to_agent_id=h.to_agent_id, to_agent_name=names.get(h.to_agent_id, "?"),
            created_by_id=h.created_by_id, summary=h.summary,
            include_tickets=h.include_tickets, created_at=h.created_at,
            acknowledged_at=h.acknowledged_at, tickets_moved=(moved or {}).get(h.id, 0),
        )
        for h in rows
    ]
