"""The sync wire protocol: request and response bodies, shared by client and server.

Pydantic models validate both directions: the server rejects malformed requests with a 422,
and the client refuses a server answer that does not fit (a garbled proxy page, another
service on the port) with a clear error instead of applying garbage.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"
SERVER_TIME_HEADER = "X-Server-Time-Ms"
MAX_BATCH = 5000
MAX_PAGE = 5000

Id36 = Field(min_length=1, max_length=36)
HLC_PATTERN = r"^[0-9a-f]{13}-[0-9a-f]{4}-[0-9A-Za-z\-]{1,40}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Timed(BaseModel):
    """Every response body carries the server's clock (also in the X-Server-Time-Ms header)."""

    server_time_ms: int


class ChangeIn(_Strict):
    op_id: str = Id36
    node: str = Id36
    entity: str = Field(min_length=1, max_length=64)
    row_id: str = Id36
    kind: Literal["insert", "update", "delete"]
    fields: dict[str, Any] = Field(default_factory=dict)
    hlc: str = Field(pattern=HLC_PATTERN, max_length=64)
    actor_id: str | None = Field(default=None, max_length=36)
    # Per field: the version (HLC) the author saw when writing; tells a concurrent overwrite
    # (a conflict) from a causal one.
    base: dict[str, str | None] | None = None


class PushRequest(_Strict):
    batch_seq: int = Field(ge=1, le=2**62)
    changes: list[ChangeIn] = Field(max_length=MAX_BATCH)


class ChangeResult(BaseModel):
    op_id: str
    status: Literal["applied", "duplicate", "rejected"]
    code: str | None = None
    reason: str | None = None
    http_status: int | None = None
    seq: int | None = None
    # Fields the server set differently (a colliding ticket number gets a fresh one).
    rewritten: dict[str, Any] | None = None


class PushResponse(Timed):
    batch_seq: int
    replayed: bool
    head: int
    results: list[ChangeResult]


class ChangeOut(BaseModel):
    seq: int
    op_id: str
    node: str
    entity: str
    row_id: str
    kind: Literal["insert", "update", "delete"]
    fields: dict[str, Any]
    hlc: str
    actor_id: str | None = None
    base: dict[str, str | None] | None = None


class PullResponse(Timed):
    changes: list[ChangeOut]
    next_cursor: int
    has_more: bool
    head: int


class SnapshotRow(BaseModel):
    entity: str
    row_id: str
    data: dict[str, Any] | None
    versions: dict[str, str]
    deleted_hlc: str | None = None


class SnapshotResponse(Timed):
    rows: list[SnapshotRow]
    next_entity: str | None
    next_after: str | None
    done: bool
    head: int


class LoginRequest(_Strict):
    user: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Id36
    device_name: str = Field(default="", max_length=200)


class AgentPublic(BaseModel):
    id: str
    name: str
    email: str
    role: str


class LoginResponse(Timed):
    token: str
    expires_at_ms: int
    agent: AgentPublic


class MeResponse(Timed):
    agent: AgentPublic
    device_id: str | None


class LeaseRequest(_Strict):
    count: int | None = Field(default=None, ge=1, le=10_000)  # None: the server's lease size


class LeaseResponse(Timed):
    first: int
    last: int


class HealthResponse(Timed):
    status: Literal["ok"]
    version: str


class ErrorBody(Timed):
    detail: Any
    code: str | None = None
