"""The /api/v1 router: every resource router under one prefix."""

from __future__ import annotations

from fastapi import APIRouter

from workbench.sync.server.api.routes import auth, health, numbers, sync

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(auth.router)
api_router.include_router(sync.router)
api_router.include_router(numbers.router)
