"""Push a batch of changes, pull the log after a cursor, page through a snapshot."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from workbench.sync.protocol import (
    MAX_PAGE,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotResponse,
)
from workbench.sync.server import feed
from workbench.sync.server.api.deps import ActorDep, DbDep, NowDep, SettingsDep
from workbench.sync.server.push import OutOfOrder, push_batch

router = APIRouter(prefix="/sync", tags=["sync"])


def _json(body: Any) -> Response:
    """A ready JSON body: big pages skip a second validation of the response model."""
    if isinstance(body, str):
        return Response(body, media_type="application/json")
    if isinstance(body, BaseModel):
        # Optional fields left empty are omitted (a result per pushed change: an applied
        # one is its op id, status and seq); the schema's defaults fill them back in.
        return Response(body.model_dump_json(exclude_none=True), media_type="application/json")
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """*schema* with its ``$defs`` written in place (OpenAPI resolves ``$ref`` from the
    document root, so a schema given by hand carries no local definitions)."""
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result


async def push_request(request: Request) -> PushRequest:
    """The push body, parsed and validated straight from its JSON bytes.

    FastAPI's own body handling decodes the JSON into Python objects and validates those
    again (a third of a big push's request time); pydantic validates the bytes directly.
    Errors are the usual 422.
    """
    try:
        return PushRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
        ) from None


@router.post("/push", response_model=PushResponse,
             responses={409: {"description": "a batch is missing before this one"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": _inline_refs(PushRequest.model_json_schema())}}}})
def push(body: Annotated[PushRequest, Depends(push_request)], actor: ActorDep, db: DbDep,
         settings: SettingsDep, now: NowDep) -> Response:
    """Apply a batch in one transaction; each change is answered applied, duplicate or
    rejected (with a code and reason). Idempotent by op_id."""
    if not actor.device_id:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "this token is not bound to a device")
    try:
        with db.writer() as s:
            result = push_batch(s, actor, body, now, settings.max_future_ms)
        return _json(result)
    except OutOfOrder as exc:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            {"code": "out_of_order", "expected": exc.expected,
                             "message": str(exc)}) from None


@router.get("/pull", response_model=PullResponse)
def pull(actor: ActorDep, db: DbDep, settings: SettingsDep, now: NowDep,
         after: Annotated[int, Query(ge=0, le=2**62)] = 0,
         limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None) -> Response:
    """Changes after the cursor *after*, oldest first, without this device's own."""
    with db.reader() as s:
        body = feed.pull(s, after, limit or settings.pull_page, actor.device_id or None, now)
    return _json(body)


@router.get("/snapshot", response_model=SnapshotResponse)
def snapshot(actor: ActorDep, db: DbDep, settings: SettingsDep, now: NowDep,
             entity: Annotated[str | None, Query(max_length=64)] = None,
             after: Annotated[str | None, Query(max_length=36)] = None,
             limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None) -> Response:
    """Current rows page by page; start with no parameters, then follow next_entity and
    next_after. Pull from the first page's head afterwards."""
    try:
        with db.reader() as s:
            page = feed.snapshot(s, entity, after, limit or settings.snapshot_page, now)
        return _json(page)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
