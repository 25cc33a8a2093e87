"""Conflicts the agent sees and settles: keep theirs, or use mine again.

Two kinds share the ``conflicts`` table: a local value replaced by a concurrent remote one
(resolution None until settled), and a change the server refused (resolution ``rej:CODE``).
Settling one commits through :meth:`Workbench.write`, so the app hears of it as a change to
the ``conflicts`` entity (every banner and the Conflicts view refresh from that).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.clock import iso_utc
from workbench.domain.hlc import Stamp
from workbench.services.errors import NotFound, ValidationError
from workbench.store.models import Agent, Conflict, Customer, Ticket, syncable_models
from workbench.sync.restore import REJECTED

if TYPE_CHECKING:
    from workbench.services.context import Workbench

ENTITY = "conflicts"  # the name settled conflicts are announced under in a ChangeSet

REASONS = {
    "forbidden": "your role may not make this change",
    "not_author": "only the author may change it",
    "append_only": "it can only be added, never changed",
    "clock": "this computer's clock was too far ahead",
    "deleted": "the record was deleted",
    "missing": "a record it refers to does not exist on the server",
    "unique": "another record already uses this value",
    "in_use": "other records still refer to it",
    "invalid": "the server found it invalid",
    "exists": "the record already exists",
}


@dataclass(frozen=True)
class ConflictInfo:
    id: str
    entity: str
    row_id: str
    field: str
    local_value: Any
    remote_value: Any
    remote_actor_id: str | None
    remote_actor_name: str | None
    at_ms: int  # when the winning value was made (its stamp's wall time)
    refused: bool
    code: str | None
    resolved: bool
    message: str
    record: str = ""  # what the record is called: "#42 Printer on fire", "Ana Lima"
    local_text: str = ""  # the values as a person reads them (agent ids become names)
    remote_text: str = ""

    @property
    def can_use_mine(self) -> bool:
        """A refused change cannot be sent again as it was; a lost field value can."""
        return not self.refused and self.field != "*" and not self.resolved


def _text(value: Any, field: str, names: dict[str, str]) -> str:
    if value is None:
        return "nothing"
    if field.endswith("_id") and isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "nothing"
    return str(value)


def _record(s: Session, entity: str, row_id: str) -> str:
    if entity == "tickets":
        t = s.execute(select(Ticket.number, Ticket.subject).where(Ticket.id == row_id)).first()
        if t is not None:
            return f"#{t.number} {t.subject}" if t.number is not None else t.subject
    elif entity == "customers":
        name = s.scalar(select(Customer.name).where(Customer.id == row_id))
        if name is not None:
            return name
    return f"{entity.rstrip('s').replace('_', ' ')} {row_id[:8]}"


def _info(s: Session, c: Conflict, names: dict[str, str]) -> ConflictInfo:
    refused = (c.resolution or "").startswith(REJECTED)
    code = (c.resolution or "")[len(REJECTED):] if refused else None
    at = Stamp.decode(c.remote_hlc).wall_ms if c.remote_hlc else c.created_at
    who = names.get(c.remote_actor_id or "", "a colleague")
    noun = c.entity.rstrip("s").replace("_", " ")
    local, remote = _text(c.local_value, c.field, names), _text(c.remote_value, c.field, names)
    if refused:
        why = REASONS.get(code or "", code or "refused")
        what = f"your {c.field}" if c.field != "*" else f"your {noun}"
        message = f"{what} change was refused by the server: {why}"
    else:
        message = (f"your {c.field} {local} was replaced by {who}'s "
                   f"{remote} at {iso_utc(at)[11:16]} UTC")
    return ConflictInfo(c.id, c.entity, c.row_id, c.field, c.local_value, c.remote_value,
                        c.remote_actor_id, names.get(c.remote_actor_id or ""), at, refused,
                        code, c.resolved_at is not None, message,
                        _record(s, c.entity, c.row_id), local, remote)


def list_conflicts(wb: Workbench, include_resolved: bool = False, *,
                   entity: str | None = None, row_id: str | None = None) -> list[ConflictInfo]:
    """Open conflicts (oldest first), of every record or of one (*entity*, *row_id*)."""
    with wb.read() as s:
        q = select(Conflict).order_by(Conflict.created_at, Conflict.id)
        if not include_resolved:
            q = q.where(Conflict.resolved_at.is_(None))
        if row_id is not None:
            q = q.where(Conflict.row_id == row_id)
        if entity is not None:
            q = q.where(Conflict.entity == entity)
        rows = list(s.scalars(q))
        if not rows:
            return []
        names: dict[str, str] = {i: n for i, n in s.execute(select(Agent.id, Agent.name))}
        return [_info(s, c, names) for c in rows]


def open_count(wb: Workbench) -> int:
    with wb.read() as s:
        return s.scalar(select(func.count()).select_from(Conflict)
                        .where(Conflict.resolved_at.is_(None))) or 0


def keep_theirs(wb: Workbench, conflict_id: str) -> None:
    """Accept the value that won (or the server's refusal): the conflict is settled."""
    with wb.write() as w:
        c = w.session.get(Conflict, conflict_id)
        if c is None:
            raise NotFound(f"no conflict {conflict_id!r}")
        if c.resolved_at is not None:
            return
        c.resolved_at = w.now_ms
        if not (c.resolution or "").startswith(REJECTED):
            c.resolution = "theirs"
        w.changes.add(ENTITY, c.id)


def use_mine(wb: Workbench, conflict_id: str) -> None:
    """Write the local value again through the write path, with a new (higher) stamp.

    The new change is in the outbox like any edit: the next sync sends it, and as its
    stamp is newer than the value that won, it wins everywhere.
    """
    with wb.write() as w:
        c = w.session.get(Conflict, conflict_id)
        if c is None:
            raise NotFound(f"no conflict {conflict_id!r}")
        if c.resolved_at is not None:
            raise ValidationError("this conflict is already settled")
        if (c.resolution or "").startswith(REJECTED) or c.field == "*":
            raise ValidationError("the server refused this change; it cannot be sent again "
                                  "as it was")
        model = syncable_models().get(c.entity)
        row = w.session.get(model, c.row_id) if model else None
        if row is None:
            raise NotFound("the record no longer exists")
        w.update(row, **{c.field: c.local_value})
        if isinstance(row, Ticket):
            wb.sla.refresh_deadline(w, row)
        c.resolved_at, c.resolution = w.now_ms, "mine"
        w.changes.add(ENTITY, c.id)
