"""The push use case: one batch from one device, applied in one locked transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from workbench.sync.gcpause import paused_gc
from workbench.sync.protocol import ChangeResult, PushRequest, PushResponse
from workbench.sync.server.authz import Actor
from workbench.sync.server.merge import BatchApplier
from workbench.sync.server.models import Device, LogEntry, Rejection


class OutOfOrder(Exception):
    """A batch arrived before the one the device must send next (one was lost)."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"expected batch {expected} from this device")
        self.expected = expected


def push_batch(
    session: Session, actor: Actor, req: PushRequest, now_ms: int, max_future_ms: int
) -> PushResponse:
    """Apply *req* idempotently: known op ids answer as before, new ones are decided now.

    A batch numbered at or below the device's last one is a replay (a retry whose answer
    was lost, or a workstation restored from a backup): its new changes are still applied,
    since op ids make that safe. A batch beyond the next number means one went missing.
    """
    device = session.get(Device, actor.device_id, with_for_update=True)
    if device is None:
        raise OutOfOrder(1)
    replayed = req.batch_seq <= device.last_batch_seq
    if req.batch_seq > device.last_batch_seq + 1:
        raise OutOfOrder(device.last_batch_seq + 1)
    if not replayed:
        device.last_batch_seq = req.batch_seq
    device.last_seen_at = now_ms

    with paused_gc():
        return _push(session, actor, req, now_ms, max_future_ms, replayed)


def _push(session: Session, actor: Actor, req: PushRequest, now_ms: int, max_future_ms: int,
          replayed: bool) -> PushResponse:
    ops = [c.op_id for c in req.changes]
    applier = BatchApplier(session, actor, now_ms, max_future_ms)
    logged: dict[str, Any] = {}
    refused: dict[str, Any] = {}
    if ops:
        log_t: Table = LogEntry.__table__  # type: ignore[assignment]
        rej_t: Table = Rejection.__table__  # type: ignore[assignment]
        logged = {r.op_id: r for r in applier.lookup(log_t, "op_id", ops,
                                                     ["op_id", "seq", "fields"])}
        refused = {r.op_id: r for r in applier.lookup(
            rej_t, "op_id", ops, ["op_id", "code", "reason", "http_status"])}
    fresh = [c for c in req.changes if c.op_id not in logged and c.op_id not in refused]
    applier.preload(fresh)
    results: list[ChangeResult] = []
    seen: set[str] = set()
    for c in req.changes:
        if c.op_id in logged or c.op_id in seen:
            entry = logged.get(c.op_id)
            fields = entry.fields if entry else c.fields
            rewritten = {k: v for k, v in fields.items() if c.fields.get(k) != v} or None
            results.append(ChangeResult(op_id=c.op_id, status="duplicate",
                                        seq=entry.seq if entry else None, rewritten=rewritten))
        elif c.op_id in refused:
            r = refused[c.op_id]
            results.append(ChangeResult(op_id=c.op_id, status="rejected", code=r.code,
                                        reason=r.reason, http_status=r.http_status))
        else:
            results.append(applier.apply(c))
        seen.add(c.op_id)
    head, seqs = applier.flush()
    it = iter(seqs)
    for res in results:
        if res.status == "applied":
            res.seq = next(it)
    return PushResponse(server_time_ms=now_ms, batch_seq=req.batch_seq, replayed=replayed,
                        head=head, results=results)
