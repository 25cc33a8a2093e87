"""Conflicts the agent sees and settles: keep theirs, or use mine again.

Two kinds share the ``conflicts`` table: a local value replaced by a concurrent remote one
(resolution None until settled), and a change the server refused (resolution ``rej:CODE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.clock import iso_utc
from workbench.domain.hlc import Stamp
from workbench.services.errors import NotFound, ValidationError
from workbench.store.models import Agent, Conflict, Ticket, syncable_models
from workbench.sync.restore import REJECTED

if TYPE_CHECKING:
    from workbench.services.context import Workbench

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


def _text(value: Any) -> str:
    return "nothing" if value is None else str(value)


def _info(c: Conflict, names: dict[str, str]) -> ConflictInfo:
    refused = (c.resolution or "").startswith(REJECTED)
    code = (c.resolution or "")[len(REJECTED):] if refused else None
    at = Stamp.decode(c.remote_hlc).wall_ms if c.remote_hlc else c.created_at
    who = names.get(c.remote_actor_id or "", "a colleague")
    noun = c.entity.rstrip("s").replace("_", " ")
    if refused:
        why = REASONS.get(code or "", code or "refused")
        what = f"your {c.field}" if c.field != "*" else f"your {noun}"
        message = f"{what} change was refused by the server: {why}"
    else:
        message = (f"your {c.field} {_text(c.local_value)} was replaced by {who}'s "
                   f"{_text(c.remote_value)} at {iso_utc(at)[11:16]} UTC")
    return ConflictInfo(c.id, c.entity, c.row_id, c.field, c.local_value, c.remote_value,
                        c.remote_actor_id, names.get(c.remote_actor_id or ""), at, refused,
                        code, c.resolved_at is not None, message)


def list_conflicts(wb: Workbench, include_resolved: bool = False) -> list[ConflictInfo]:
    with wb.read() as s:
        q = select(Conflict).order_by(Conflict.created_at, Conflict.id)
        if not include_resolved:
            q = q.where(Conflict.resolved_at.is_(None))
        rows = list(s.scalars(q))
        names: dict[str, str] = {i: n for i, n in s.execute(select(Agent.id, Agent.name))}
        return [_info(c, names) for c in rows]


def open_count(wb: Workbench) -> int:
    return len(list_conflicts(wb))


def keep_theirs(wb: Workbench, conflict_id: str) -> None:
    """Accept the value that won (or the server's refusal): the conflict is settled."""
    with wb.db.session() as s:
        c = s.get(Conflict, conflict_id)
        if c is None:
            raise NotFound(f"no conflict {conflict_id!r}")
        c.resolved_at = wb.now_ms()
        if not (c.resolution or "").startswith(REJECTED):
            c.resolution = "theirs"


def use_mine(wb: Workbench, conflict_id: str) -> None:
    """Write the local value again through the write path, with a new (higher) stamp."""
    with wb.write() as w:
        c = w.session.get(Conflict, conflict_id)
        if c is None:
            raise NotFound(f"no conflict {conflict_id!r}")
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
