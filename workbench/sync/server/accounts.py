"""Accounts and tokens: adding agents, disabling them, passwords, sign-in and sign-out.

An account is the server-side identity of one ``agents`` row. Adding or disabling an
account also writes the agents row into the change log, so every workstation learns of it.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from workbench.domain.enums import Role
from workbench.domain.ids import uuid7
from workbench.domain.validation import clean_email, clean_line
from workbench.sync.protocol import ChangeIn
from workbench.sync.schema import unique_key
from workbench.sync.server.authz import Actor
from workbench.sync.server.core.security import (
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from workbench.sync.server.merge import BatchApplier
from workbench.sync.server.models import Account, Device, EntityKey, Token
from workbench.sync.server.rowstate import SERVER_NODE, server_stamp

SYSTEM = Actor(account_id="", agent_id="", role=Role.MANAGER.value, device_id=SERVER_NODE,
               system=True)


class AccountError(ValueError):
    """A request about accounts that cannot be done (the text says why)."""


def _server_change(session: Session, now_ms: int, row_id: str, kind: str,
                   fields: dict[str, object]) -> None:
    applier = BatchApplier(session, SYSTEM, now_ms, max_future_ms=0)
    applier.load_rows({("agents", row_id)})
    stamp = server_stamp(applier.rows[("agents", row_id)], now_ms)
    change = ChangeIn(op_id=uuid7(now_ms), node=SERVER_NODE, entity="agents", row_id=row_id,
                      kind=kind, fields=fields, hlc=stamp)  # type: ignore[arg-type]
    applier.preload([change])
    result = applier.apply(change)
    if result.status != "applied":
        raise AccountError(result.reason or "the agent could not be recorded")
    applier.flush()


def add_agent(session: Session, name: str, email: str, role: str, password: str,
              now_ms: int) -> Account:
    """A new account and its agents row (call inside a writer transaction)."""
    name, email = clean_line(name, "the agent's name"), clean_email(email)
    role = Role(role).value
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    if session.scalar(select(Account.id).where(Account.email == email)):
        raise AccountError(f"an account with e-mail {email} already exists")
    # A manager may have added the agent in the app already: the account signs in as it.
    key = unique_key(("email",), {"email": email})
    existing = session.scalar(select(EntityKey.row_id).where(EntityKey.entity == "agents",
                                                             EntityKey.key == key))
    if existing is not None:
        agent_id = existing
        _server_change(session, now_ms, agent_id, "update", {"role": role, "active": True})
    else:
        agent_id = uuid7(now_ms)
        _server_change(session, now_ms, agent_id, "insert", {
            "id": agent_id, "name": name, "email": email, "role": role, "team_id": None,
            "active": True, "created_at": now_ms})
    account = Account(id=uuid7(now_ms), agent_id=agent_id, name=name, email=email, role=role,
                      password_hash=hash_password(password), disabled=False,
                      created_at=now_ms, updated_at=now_ms)
    session.add(account)
    session.flush()
    return account


def find(session: Session, user: str) -> Account | None:
    """An account by e-mail or (case-insensitive) name."""
    user = user.strip()
    return session.scalar(select(Account).where(or_(
        Account.email == user.lower(), func.lower(Account.name) == user.lower())).limit(1))


def disable(session: Session, user: str, now_ms: int) -> Account:
    """Refuse further sign-ins, revoke every token and mark the agent inactive everywhere."""
    account = find(session, user)
    if account is None:
        raise AccountError(f"no account {user!r}")
    _server_change(session, now_ms, account.agent_id, "update", {"active": False})
    account.disabled = True
    session.execute(update(Token).where(Token.account_id == account.id,
                                        Token.revoked_at.is_(None)).values(revoked_at=now_ms))
    return account


def reset_password(session: Session, user: str, password: str, now_ms: int) -> Account:
    account = find(session, user)
    if account is None:
        raise AccountError(f"no account {user!r}")
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    account.password_hash = hash_password(password)
    account.updated_at = now_ms
    session.execute(update(Token).where(Token.account_id == account.id,
                                        Token.revoked_at.is_(None)).values(revoked_at=now_ms))
    return account


def sign_in(session: Session, user: str, password: str, device_id: str, device_name: str,
            now_ms: int, ttl_ms: int, checked: bool = False) -> tuple[Account, str, int] | None:
    """(account, token, expiry) for good credentials of an enabled account, else None.

    *checked* says the caller already verified the password (outside the write lock).
    """
    account = find(session, user)
    if account is None or account.disabled:
        return None
    if not checked and not verify_password(account.password_hash, password):
        return None
    device = session.get(Device, device_id)
    if device is None:
        session.add(Device(id=device_id, account_id=account.id, name=device_name,
                           last_batch_seq=0, created_at=now_ms, last_seen_at=now_ms))
    else:
        device.account_id, device.last_seen_at = account.id, now_ms
    token = new_token()
    expires = now_ms + ttl_ms
    session.add(Token(digest=token_digest(token), account_id=account.id, device_id=device_id,
                      created_at=now_ms, expires_at=expires, revoked_at=None))
    return account, token, expires


def authenticate(session: Session, token: str, now_ms: int) -> tuple[Account, Token] | None:
    """The account and token record behind a bearer token that is valid now."""
    row = session.get(Token, token_digest(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now_ms:
        return None
    account = session.get(Account, row.account_id)
    if account is None or account.disabled:
        return None
    return account, row


def sign_out(session: Session, token: str, now_ms: int) -> None:
    session.execute(update(Token).where(Token.digest == token_digest(token))
                    .values(revoked_at=now_ms))
