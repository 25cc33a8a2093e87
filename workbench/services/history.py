"""Customer history: the one timeline per customer, and the notes the team keeps on them.

``HistoryService(wb)`` (reached as ``wb.history``) reads a page of the timeline at a time —
newest first, filtered by kind, searched in any script — and adds or edits customer notes
through the one write path (only a note's author may edit it).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.sla import ClockState, SlaReport
from workbench.domain.validation import clean_body
from workbench.services.errors import NotFound, PermissionDenied, ValidationError
from workbench.services.history_dto import (
    NoteInfo,
    TimelineCursor,
    TimelineEntry,
    TimelineKind,
    TimelinePage,
)
from workbench.store import history_queries as hq
from workbench.store.models import Agent, Customer, CustomerNote, Ticket

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

ALL_KINDS = frozenset(k.value for k in TimelineKind)
MAX_PAGE = 500
_SURVEY_MAX = {"csat": 5, "nps": 10, "ces": 7}


def acting_agent(session: Session, actor_id: str | None) -> Agent:
    """The agent making this change; refused when nobody, or a deactivated agent, acts."""
    if actor_id is None:
        raise ValidationError("no agent is acting; sign in or pass --as AGENT")
    agent = session.get(Agent, actor_id)
    if agent is None or not agent.active:
        raise PermissionDenied("the acting agent is not an active member of this team")
    return agent


def customer_or_404(session: Session, ref: str) -> Customer:
    c = hq.find_customer(session, ref)
    if c is None:
        raise NotFound(f"no customer with id or e-mail {ref!r}")
    return c


def format_seconds(seconds: int) -> str:
    """``1h 2m 5s``, ``5m``, ``30s``: durations as people say them."""
    h, rest = divmod(max(0, seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (s, "s")) if v]
    return " ".join(parts) or "0s"


def sla_outcome(report: SlaReport) -> str:
    """One word for a ticket's SLA so far: breached, warning, running, paused or met."""
    states = {c.state for c in report.clocks}
    if ClockState.BREACHED in states:
        return "breached"
    if ClockState.WARNING in states:
        return "warning"
    if any(c.live for c in report.clocks):
        return "running"
    if ClockState.PAUSED in states:
        return "paused"
    return "met" if ClockState.MET in states else "n/a"


def _key(number: int | None, ticket_id: str | None) -> str:
    if number is not None:
        return f"#{number}"
    return f"P-{ticket_id[-8:]}" if ticket_id else "—"


def _title(r: dict[str, Any], names: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    """(title, body, detail) of one union row, by kind."""
    kind, key = r["kind"], _key(r["ticket_number"], r["ticket_id"])
    body = r["body"] or ""
    if kind == "ticket":
        return (f"Ticket {key} opened: {r['subject']}", "",
                {"number": r["ticket_number"], "status": r["status"], "priority": r["label"],
                 "channel": r["label2"]})
    if kind in hq.EVENT_KINDS:
        what = {"customer_message": "Customer message", "public_reply": "Reply",
                "internal_note": "Internal note"}[kind]
        return f"{what} on {key}: {r['subject']}", body, {"number": r["ticket_number"],
                                                         "status": r["status"]}
    if kind == "customer_note":
        edited = r["num1"] is not None and r["num1"] != r["at"]
        return ("Note (edited)" if edited else "Note"), body, {"updated_at": r["num1"]}
    if kind == "call":
        resolved = bool(r["flag"])
        title = (f"{str(r['label']).capitalize()} call, {format_seconds(r['num1'])}"
                 f" (hold {format_seconds(r['num2'])}) — {r['status']}"
                 + (", resolved on the call" if resolved else ""))
        if r["ticket_id"]:
            title += f" — {key}"
        return title, body, {"direction": r["label"], "duration_s": r["num1"],
                             "hold_s": r["num2"], "outcome": r["status"],
                             "resolved_on_call": resolved, "number": r["ticket_number"]}
    if kind == "handoff":
        giver = names.get(r["label"] or "", "nobody")
        taker = names.get(r["label2"] or "", "?")
        state = "acknowledged" if r["num1"] is not None else "pending"
        return (f"Handed over from {giver} to {taker} ({state})", body,
                {"from_agent_id": r["label"], "to_agent_id": r["label2"],
                 "acknowledged_at": r["num1"], "include_tickets": bool(r["flag"])})
    if kind == "owner_change":
        owner = r["label2"]
        title = f"Owner set to {names.get(owner, owner)}" if owner else "Owner removed"
        return title, "", {"owner_id": owner}
    if kind == "survey":
        top = _SURVEY_MAX.get(r["status"], 0)
        return (f"{str(r['status']).upper()} answer: {r['num1']}/{top}", body,
                {"survey_kind": r["status"], "score": r["num1"]})
    value = json.loads(body).get("value") if body else None
    return (f"Preference {r['subject']} set to {json.dumps(value, ensure_ascii=False)}", "",
            {"key": r["subject"], "value": value})


class HistoryService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    # -- the timeline -------------------------------------------------------------------
    def timeline(
        self,
        customer_ref: str,
        *,
        kinds: Collection[str] | None = None,
        search: str = "",
        before: TimelineCursor | None = None,
        limit: int = 50,
    ) -> TimelinePage:
        """One page of a customer's history, newest first; pass ``next_cursor`` for more."""
        wanted = ALL_KINDS if not kinds else frozenset(kinds)
        unknown = wanted - ALL_KINDS
        if unknown:
            raise ValidationError(
                f"unknown timeline kind {', '.join(sorted(unknown))}; "
                f"use {', '.join(k.value for k in TimelineKind)}"
            )
        if len(search) > 500:
            raise ValidationError("the search text is longer than 500 characters")
        limit = max(1, min(limit, MAX_PAGE))
        with self.wb.read() as s:
            c = customer_or_404(s, customer_ref)
            cursor = (before.at, before.id) if before else None
            # One row more than asked tells whether another page exists.
            rows = hq.timeline_rows(s, c.id, wanted, search=search, before=cursor,
                                    limit=limit + 1)
            more = len(rows) > limit
            rows = rows[:limit]
            names = hq.agent_names(s, [v for r in rows for v in (r["label"], r["label2"])
                                       if r["kind"] in ("handoff", "owner_change")])
            sla = self._sla_outcomes(s, [r["id"] for r in rows if r["kind"] == "ticket"])
            entries = []
            for r in rows:
                title, body, detail = _title(r, names)
                if r["kind"] == "ticket":
                    detail["sla"] = sla.get(r["id"])
                entries.append(TimelineEntry(
                    kind=r["kind"], at=r["at"], id=r["id"], who_id=r["who"],
                    who_name=r["who_name"], title=title, body=body, ref_id=r["ref_id"],
                    ticket_id=r["ticket_id"], detail=detail,
                ))
        last = entries[-1] if entries and more else None
        return TimelinePage(entries, TimelineCursor(last.at, last.id) if last else None)

    def _sla_outcomes(self, s: Session, ticket_ids: list[str]) -> dict[str, str]:
        if not ticket_ids:
            return {}
        now = self.wb.now_ms()
        tickets = s.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)))
        return {t.id: sla_outcome(self.wb.sla.report_for(s, t, now)) for t in tickets}

    # -- customer notes -----------------------------------------------------------------
    def add_note(self, customer_ref: str, body: str) -> NoteInfo:
        text = self._clean(body)
        with self.wb.write() as w:
            author = acting_agent(w.session, w.actor_id)
            c = customer_or_404(w.session, customer_ref)
            note = w.insert(CustomerNote(customer_id=c.id, author_id=author.id, body=text,
                                         created_at=w.now_ms, updated_at=w.now_ms))
            return _note_info(note, author.name)

    def edit_note(self, note_id: str, body: str) -> NoteInfo:
        """Change a note's text; only its author may (the server enforces the same)."""
        text = self._clean(body)
        with self.wb.write() as w:
            agent = acting_agent(w.session, w.actor_id)
            note = w.session.get(CustomerNote, note_id.strip())
            if note is None:
                raise NotFound(f"no customer note {note_id!r}")
            if note.author_id != agent.id:
                raise PermissionDenied("only the author of a note may edit it")
            if w.update(note, body=text):
                w.update(note, updated_at=w.now_ms)
            return _note_info(note, agent.name)

    def notes(self, customer_ref: str, limit: int = 200) -> list[NoteInfo]:
        """A customer's notes, newest first."""
        with self.wb.read() as s:
            c = customer_or_404(s, customer_ref)
            notes = hq.notes_of(s, c.id, limit)
            names = hq.agent_names(s, [n.author_id for n in notes])
            return [_note_info(n, names.get(n.author_id)) for n in notes]

    @staticmethod
    def _clean(body: str) -> str:
        try:
            return clean_body(body, "the note").strip()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _note_info(n: CustomerNote, author_name: str | None) -> NoteInfo:
    return NoteInfo(n.id, n.customer_id, n.author_id, author_name, n.body, n.created_at,
                    n.updated_at)
