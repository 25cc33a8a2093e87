"""Liveness and the server clock (no sign-in needed)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from workbench import __version__
from workbench.sync.protocol import HealthResponse
from workbench.sync.server.api.deps import DbDep, NowDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: DbDep, now: NowDep) -> HealthResponse:
    with db.reader() as s:
        s.execute(text("SELECT 1"))
    return HealthResponse(server_time_ms=now, status="ok", version=__version__)
