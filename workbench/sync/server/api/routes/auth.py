"""Sign in, sign out, who am I."""

from __future__ import annotations

from fastapi import APIRouter

from workbench.sync.protocol import AgentPublic, LoginRequest, LoginResponse, MeResponse, Timed
from workbench.sync.server import accounts
from workbench.sync.server.api.deps import (
    ActorDep,
    DbDep,
    NowDep,
    SettingsDep,
    TokenDep,
    unauthorized,
)
from workbench.sync.server.core.security import verify_password
from workbench.sync.server.models import Account

router = APIRouter(prefix="/auth", tags=["auth"])


def _public(a: Account) -> AgentPublic:
    return AgentPublic(id=a.agent_id, name=a.name, email=a.email, role=a.role)


@router.post("/login", responses={401: {"description": "wrong user or password"}})
def login(body: LoginRequest, db: DbDep, settings: SettingsDep, now: NowDep) -> LoginResponse:
    """Exchange a user (e-mail or name) and password for a bearer token for this device."""
    with db.reader() as s:
        # Hash checking is slow on purpose: do it outside the write lock.
        known = accounts.find(s, body.user)
        ok = known is not None and verify_password(known.password_hash, body.password)
        if not ok:
            verify_password(None, body.password)
    if not ok:
        raise unauthorized("wrong user or password")
    with db.writer() as s:
        result = accounts.sign_in(s, body.user, body.password, body.device_id,
                                  body.device_name, now, settings.token_ttl_ms, checked=True)
        if result is None:
            raise unauthorized("wrong user or password")
        account, token, expires = result
        return LoginResponse(server_time_ms=now, token=token, expires_at_ms=expires,
                             agent=_public(account))


@router.post("/logout")
def logout(token: TokenDep, db: DbDep, now: NowDep) -> Timed:
    """Revoke the token of this request."""
    with db.writer() as s:
        accounts.sign_out(s, token, now)
    return Timed(server_time_ms=now)


@router.get("/me")
def me(actor: ActorDep, db: DbDep, now: NowDep) -> MeResponse:
    with db.reader() as s:
        account = s.get(Account, actor.account_id)
        assert account is not None
        return MeResponse(server_time_ms=now, agent=_public(account), device_id=actor.device_id)
