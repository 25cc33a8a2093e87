"""Leases of ticket numbers: each device gets blocks it hands out even offline."""

from __future__ import annotations

from fastapi import APIRouter

from workbench.sync.protocol import LeaseRequest, LeaseResponse
from workbench.sync.server.api.deps import ActorDep, DbDep, NowDep, SettingsDep
from workbench.sync.server.counters import take
from workbench.sync.server.models import NumberLease

router = APIRouter(prefix="/numbers", tags=["numbers"])


@router.post("/lease")
def lease(body: LeaseRequest, actor: ActorDep, db: DbDep, settings: SettingsDep,
          now: NowDep) -> LeaseResponse:
    """A new block of consecutive ticket numbers for the calling device."""
    count = min(body.count or settings.lease_size, settings.max_lease)
    with db.writer() as s:
        first = take(s, "ticket_number", count)
        s.add(NumberLease(device_id=actor.device_id, first=first, last=first + count - 1,
                          created_at=now))
    return LeaseResponse(server_time_ms=now, first=first, last=first + count - 1)
