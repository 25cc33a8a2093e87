"""The FastAPI application: routes, the server-time header, and uniform error bodies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from workbench import __version__
from workbench.domain.clock import Clock, SystemClock
from workbench.sync.protocol import API_PREFIX, SERVER_TIME_HEADER
from workbench.sync.server.api.main import api_router
from workbench.sync.server.core.config import Settings
from workbench.sync.server.core.db import ServerDatabase

log = logging.getLogger(__name__)


def create_app(settings: Settings, clock: Clock | None = None,
               db: ServerDatabase | None = None) -> FastAPI:
    """The app for *settings*; the database schema must be migrated already."""
    app = FastAPI(title="Support Workbench team server", version=__version__,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs",
                  redoc_url=None)
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.db = db or ServerDatabase(settings.db_url)
    app.include_router(api_router, prefix=API_PREFIX)

    def now() -> int:
        return int(app.state.clock.now_ms())

    @app.middleware("http")
    async def server_time(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers[SERVER_TIME_HEADER] = str(now())
        return response

    def error(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
        body = {"detail": jsonable_encoder(detail), "server_time_ms": now()}
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, exc.detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Echoing the input back could repeat a password; keep only where and what.
        detail = [{"loc": e.get("loc"), "msg": e.get("msg"), "type": e.get("type")}
                  for e in exc.errors()]
        return error(422, detail)

    @app.exception_handler(Exception)
    async def bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed", exc_info=exc)
        return error(500, "internal error; see the server log")

    return app
