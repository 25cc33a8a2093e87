"""The push side: batches of the outbox out, the server's answers in.

A batch carries, for each updated field, the version its author saw (``base``), computed
from the log; that is how the other side tells a concurrent edit from a later one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import Text, cast, func, select, update
from sqlalchemy.orm import Session

from workbench.store.changelog import Writer
from workbench.store.models import Change
from workbench.sync.locallog import by_entity, chunks
from workbench.sync.protocol import PushResponse
from workbench.sync.restore import field_version, rebuild_row, rejected_conflict


@dataclass
class PushReport:
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0


def pending_count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Change).where(
        Change.pushed_at.is_(None), Change.remote.is_(False))) or 0


@dataclass(slots=True)
class Entry:
    """An outbox entry as read for a push (a light row, not an ORM object).

    The fields stay the JSON text SQLite holds: a push sends that text as it is
    (:func:`wire_body`), and only the rare refusal or rewrite needs them as a dict.
    """

    seq: int
    op_id: str
    node: str
    entity: str
    row_id: str
    kind: str
    fields_json: str
    hlc: str
    actor_id: str | None

    @property
    def fields(self) -> dict[str, Any]:
        value = json.loads(self.fields_json)
        return value if isinstance(value, dict) else {}


def next_batch(s: Session, limit: int) -> list[Entry]:
    q = (select(Change.seq, Change.op_id, Change.node, Change.entity, Change.row_id,
                Change.kind, cast(Change.fields, Text), Change.hlc, Change.actor_id)
         .where(Change.pushed_at.is_(None), Change.remote.is_(False))
         .order_by(Change.seq).limit(limit))
    return [Entry(*row) for row in s.execute(q)]


def _bases(s: Session, batch: list[Entry]) -> dict[int, dict[str, str | None]]:
    """For each update of *batch* (by seq): the version of each of its fields it overwrote."""
    updates = [c for c in batch if c.kind == "update"]
    bases: dict[int, dict[str, str | None]] = {}
    if updates:
        keys = {(c.entity, c.row_id) for c in updates}
        history: dict[tuple[str, str], list[tuple[int, dict[str, Any], str]]] = {}
        for entity, ids in by_entity(keys).items():
            for part in chunks(ids):
                q = select(Change.row_id, Change.seq, Change.fields, Change.hlc).where(
                    Change.entity == entity, Change.row_id.in_(part))
                for row_id, seq, fields, hlc in s.execute(q):
                    history.setdefault((entity, row_id), []).append((seq, fields or {}, hlc))
        wanted = {c.seq for c in updates}
        for entries in history.values():
            running: dict[str, str] = {}
            for seq, fields, hlc in sorted(entries, key=lambda e: e[0]):
                if seq in wanted:
                    bases[seq] = {name: running.get(name) for name in fields}
                for name in fields:
                    if hlc > running.get(name, ""):
                        running[name] = hlc
    return bases


def to_wire(s: Session, batch: list[Entry]) -> list[dict[str, Any]]:
    """The batch as protocol changes, each update with the field versions it overwrote."""
    bases = _bases(s, batch)
    out: list[dict[str, Any]] = []
    for c in batch:
        change = {"op_id": c.op_id, "node": c.node, "entity": c.entity, "row_id": c.row_id,
                  "kind": c.kind, "fields": c.fields, "hlc": c.hlc, "actor_id": c.actor_id}
        if c.seq in bases:
            change["base"] = bases[c.seq]
        out.append(change)
    return out


def wire_body(s: Session, batch: list[Entry], batch_seq: int) -> bytes:
    """The push request for *batch* as JSON bytes: what :func:`to_wire` describes, with
    each change's stored fields text spliced in as it is (decoding and encoding them again
    was most of a push's workstation time)."""
    bases = _bases(s, batch)
    enc = encode_basestring
    parts: list[str] = []
    for c in batch:
        actor = "null" if c.actor_id is None else enc(c.actor_id)
        base = f',"base":{json.dumps(bases[c.seq], ensure_ascii=False)}' if c.seq in bases else ""
        fields = c.fields_json if c.fields_json not in (None, "null") else "{}"
        parts.append(f'{{"op_id":{enc(c.op_id)},"node":{enc(c.node)},"entity":{enc(c.entity)},'
                     f'"row_id":{enc(c.row_id)},"kind":{enc(c.kind)},"hlc":{enc(c.hlc)},'
                     f'"actor_id":{actor}{base},"fields":{fields}}}')
    return f'{{"batch_seq":{int(batch_seq)},"changes":[{",".join(parts)}]}}'.encode()


def record_results(w: Writer, batch: list[Entry], resp: PushResponse) -> PushReport:
    """Mark accepted entries pushed, take in server rewrites, turn refusals into conflicts."""
    s = w.session
    report = PushReport()
    by_op = {c.op_id: c for c in batch}
    done = [by_op[r.op_id].seq for r in resp.results
            if r.status != "rejected" and r.op_id in by_op]
    for part in chunks(done):
        s.execute(update(Change).where(Change.seq.in_(part)).values(pushed_at=w.now_ms))
    for r in resp.results:
        ch = by_op.get(r.op_id)
        if ch is None:
            continue
        if r.status == "applied":
            report.pushed += 1
        elif r.status == "duplicate":
            report.duplicates += 1
        if r.status != "rejected" and r.rewritten:
            _take_rewrite(w, ch, r.rewritten)
        elif r.status == "rejected":
            report.rejected += 1
            _refused(w, ch, r.code or "rejected")
    return report


def _take_rewrite(w: Writer, ch: Entry, rewritten: dict[str, Any]) -> None:
    from workbench.sync import schema

    info = schema.entity(ch.entity)
    if info is None:
        return
    values = {k: v for k, v in rewritten.items() if k in info.columns}
    w.session.execute(update(Change).where(Change.seq == ch.seq)
                      .values(fields={**ch.fields, **values}))
    w.session.execute(info.table.update().where(info.table.c.id == ch.row_id).values(values))
    w.changes.add(ch.entity, ch.row_id)


def _refused(w: Writer, ch: Entry, code: str) -> None:
    s = w.session
    if s.get(Change, ch.seq) is None:
        return  # already removed with a row an earlier refusal took away
    s.delete(s.get(Change, ch.seq))
    s.flush()
    state = rebuild_row(s, ch.entity, ch.row_id, w.now_ms)
    w.changes.add(ch.entity, ch.row_id)
    if ch.kind == "update" and state is not None:
        for name, value in ch.fields.items():
            rejected_conflict(s, ch.entity, ch.row_id, name, value, state.get(name), ch.hlc,
                              field_version(s, ch.entity, ch.row_id, name), code, w.now_ms)
    else:
        rejected_conflict(s, ch.entity, ch.row_id, "*", ch.fields or None, state, ch.hlc, "",
                          code, w.now_ms)
