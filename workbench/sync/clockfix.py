"""Keeping this workstation's stamps near the server's time.

Every answer carries the server's clock; the offset (server minus local, at the middle of
the round trip) is kept in ``sync_state`` and applied to the HLC. Changes stamped while the
clock was far ahead (before the offset was known) would be refused by the server, so the
unpushed ones are stamped again, in their original order, from the corrected clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from workbench.domain.hlc import MAX_DRIFT_MS, HybridLogicalClock, Stamp
from workbench.store.changelog import HLC_KEY, load_state, save_state
from workbench.store.models import Change, Conflict, Tombstone

if TYPE_CHECKING:
    from workbench.services.context import Workbench

OFFSET_KEY = "clock_offset_ms"
# Stay this far inside the server's tolerance, for the time the push itself takes.
MARGIN_MS = 60_000


def load_offset(wb: Workbench) -> int:
    with wb.read() as s:
        value = load_state(s, OFFSET_KEY)
    return int(value) if value else 0


def apply_offset(wb: Workbench, offset_ms: int) -> None:
    wb.hlc.offset_ms = offset_ms
    with wb.db.session() as s:
        save_state(s, OFFSET_KEY, str(offset_ms))


def measure_offset(local_before_ms: int, local_after_ms: int, server_ms: int) -> int:
    return server_ms - (local_before_ms + local_after_ms) // 2


def restamp_if_ahead(wb: Workbench) -> int:
    """Stamp the outbox again when this clock ran ahead of the server; returns how many."""
    bound = wb.clock.now_ms() + wb.hlc.offset_ms + MAX_DRIFT_MS - MARGIN_MS
    if Stamp.decode(wb.hlc.last()).wall_ms <= bound:
        return 0
    with wb.write() as w:
        s = w.session
        floor = s.scalar(select(func.max(Change.hlc)).where(Change.pushed_at.is_not(None)))
        clock = HybridLogicalClock(wb.node_id, wb.clock, floor)
        clock.offset_ms = wb.hlc.offset_ms
        wb.hlc = w.hlc = clock
        outbox = list(s.execute(select(Change.seq, Change.hlc, Change.entity, Change.row_id,
                                       Change.kind)
                                .where(Change.pushed_at.is_(None), Change.remote.is_(False))
                                .order_by(Change.seq)))
        for seq, old, entity, row_id, kind in outbox:
            new = clock.now()
            s.execute(update(Change).where(Change.seq == seq).values(hlc=new))
            s.execute(update(Conflict).where(Conflict.local_hlc == old).values(local_hlc=new))
            if kind == "delete":
                s.execute(update(Tombstone).where(Tombstone.entity == entity,
                                                  Tombstone.row_id == row_id).values(hlc=new))
        save_state(s, HLC_KEY, clock.last())
        return len(outbox)
