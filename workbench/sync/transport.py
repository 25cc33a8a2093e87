"""HTTP to the team server (httpx): typed calls, server time, errors as SyncError.

Certificates are always verified; a team with its own CA names its file. Error messages
name the path and the status, never a header, so the token cannot leak through them.
"""

from __future__ import annotations

import ssl
import time
from functools import cache
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from workbench.sync import protocol as p
from workbench.sync.errors import ServerFailed, ServerRefused, ServerUnreachable, SignInRequired

M = TypeVar("M", bound=BaseModel)


@cache
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """A verifying TLS context (system roots, or the team's CA file); built once each, as
    loading the trust store costs tens of milliseconds."""
    return ssl.create_default_context(cafile=ca_file)


class ServerApi:
    """One server, one token; keeps the last server time seen and the round trip."""

    def __init__(self, base_url: str, token: str | None = None, ca_file: str | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        verify = tls_context(ca_file or None)
        self.token = token
        self._http = httpx.Client(base_url=base_url.rstrip("/") + p.API_PREFIX, verify=verify,
                                  timeout=timeout, transport=transport,
                                  headers={"User-Agent": "support-workbench-sync"})
        self.server_time_ms: int | None = None
        self.sent_at: float = 0.0  # time.time() around the last exchange, for the offset
        self.received_at: float = 0.0

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, model: type[M], *, json: Any = None,
              params: dict[str, Any] | None = None, auth: bool = True,
              content: bytes | None = None) -> M:
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        self.sent_at = time.time()
        try:
            r = self._http.request(method, path, json=json, params=params, headers=headers,
                                   content=content)
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"the team server cannot be reached ({type(exc).__name__})"
                                    ) from None
        self.received_at = time.time()
        stamp = r.headers.get(p.SERVER_TIME_HEADER, "")
        if stamp.isdigit():
            self.server_time_ms = int(stamp)
        if r.status_code == 401:
            raise SignInRequired("sign in to the team server again")
        if r.status_code >= 500:
            raise ServerFailed(f"the team server failed on {path} (HTTP {r.status_code})")
        if r.status_code >= 400:
            try:
                body: Any = r.json()
            except ValueError:
                body = None
            detail = body.get("detail") if isinstance(body, dict) else None
            code = detail.get("code") if isinstance(detail, dict) else None
            text = detail.get("message") if isinstance(detail, dict) else detail
            raise ServerRefused(f"the team server refused {path}: {text or r.status_code}",
                                r.status_code, code, detail)
        try:
            return model.model_validate_json(r.content)
        except ValidationError:
            raise ServerFailed(f"the answer to {path} is not from a Support Workbench server"
                               ) from None

    def health(self) -> p.HealthResponse:
        return self._call("GET", "/health", p.HealthResponse, auth=False)

    def login(self, user: str, password: str, device_id: str, device_name: str
              ) -> p.LoginResponse:
        body = p.LoginRequest(user=user, password=password, device_id=device_id,
                              device_name=device_name)
        return self._call("POST", "/auth/login", p.LoginResponse, json=body.model_dump(),
                          auth=False)

    def logout(self) -> None:
        self._call("POST", "/auth/logout", p.Timed)

    def me(self) -> p.MeResponse:
        return self._call("GET", "/auth/me", p.MeResponse)

    def push(self, batch_seq: int, changes: list[dict[str, Any]]) -> p.PushResponse:
        """Push a batch given as plain change dicts (the protocol's ChangeIn fields)."""
        return self._call("POST", "/sync/push", p.PushResponse,
                          json={"batch_seq": batch_seq, "changes": changes})

    def push_body(self, body: bytes) -> p.PushResponse:
        """Push a batch already encoded as a PushRequest JSON body (outbox.wire_body)."""
        return self._call("POST", "/sync/push", p.PushResponse, content=body)

    def pull(self, after: int, limit: int) -> p.PullResponse:
        return self._call("GET", "/sync/pull", p.PullResponse,
                          params={"after": after, "limit": limit})

    def snapshot(self, entity: str | None, after: str | None, limit: int) -> p.SnapshotResponse:
        params: dict[str, Any] = {"limit": limit}
        if entity:
            params["entity"] = entity
        if after:
            params["after"] = after
        return self._call("GET", "/sync/snapshot", p.SnapshotResponse, params=params)

    def lease(self, count: int) -> p.LeaseResponse:
        return self._call("POST", "/numbers/lease", p.LeaseResponse, json={"count": count})
