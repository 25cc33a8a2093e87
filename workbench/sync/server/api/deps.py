"""Typed dependencies of the routes: database, settings, now, and the signed-in actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from workbench.domain.clock import Clock
from workbench.sync.server import accounts
from workbench.sync.server.authz import Actor
from workbench.sync.server.core.config import Settings
from workbench.sync.server.core.db import ServerDatabase

_bearer = HTTPBearer(auto_error=False, description="the token from /auth/login")


def get_db(request: Request) -> ServerDatabase:
    db: ServerDatabase = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_now(request: Request) -> int:
    clock: Clock = request.app.state.clock
    return clock.now_ms()


DbDep = Annotated[ServerDatabase, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[int, Depends(get_now)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail,
                         headers={"WWW-Authenticate": "Bearer"})


def get_token(creds: BearerDep) -> str:
    if creds is None or not creds.credentials:
        raise unauthorized("sign in first")
    return creds.credentials


TokenDep = Annotated[str, Depends(get_token)]


def get_actor(token: TokenDep, db: DbDep, now: NowDep) -> Actor:
    with db.reader() as s:
        found = accounts.authenticate(s, token, now)
        if found is None:
            raise unauthorized("the sign-in has expired or was revoked; sign in again")
        account, row = found
        return Actor(account_id=account.id, agent_id=account.agent_id, role=account.role,
                     device_id=row.device_id or "")


ActorDep = Annotated[Actor, Depends(get_actor)]
