"""The sign-in token lives in the OS keyring, one entry per server URL, and nowhere else.

A keyring backend that keeps secrets in plain text (keyrings.alt's file backends, or none
at all) is refused, unless $WORKBENCH_INSECURE_KEYRING=1 says this is a test or CI machine;
then every use logs a loud warning.
"""

from __future__ import annotations

import logging
import os
from typing import Protocol
from urllib.parse import urlsplit

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from workbench.sync.errors import InsecureKeyring

log = logging.getLogger(__name__)

INSECURE_ENV = "WORKBENCH_INSECURE_KEYRING"
SERVICE_PREFIX = "support-workbench-sync"
USERNAME = "token"


class TokenStore(Protocol):
    """Where the token of one server is kept."""

    def get(self) -> str | None: ...
    def set(self, token: str) -> None: ...
    def delete(self) -> None: ...


def normalize_url(url: str) -> str:
    """Scheme, host and port in lower case, no trailing slash: one keyring entry per server."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not a server URL (like https://sync.example.com)")
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def service_name(url: str) -> str:
    return f"{SERVICE_PREFIX}:{normalize_url(url)}"


def _is_insecure(backend: KeyringBackend) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "keyrings.alt" in name or "plaintext" in name.lower() or "null" in name.lower():
        return True
    children = getattr(backend, "backends", None)
    if children:  # a chainer is as safe as what it would write to first
        return _is_insecure(children[0])
    try:
        return float(backend.priority) < 1
    except Exception:
        return True


def checked_backend() -> KeyringBackend:
    """The keyring backend, refusing an insecure one outside tests."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "keyring.backends.fail" in name:
        raise InsecureKeyring("no keyring is available on this system to keep the sign-in "
                              "token (install and unlock a Secret Service, e.g. GNOME Keyring)")
    if _is_insecure(backend):
        if os.environ.get(INSECURE_ENV) != "1":
            raise InsecureKeyring(
                f"the keyring backend {name} keeps secrets in plain text; refusing to store "
                f"the sign-in token there (set {INSECURE_ENV}=1 only on test machines)")
        log.warning("INSECURE: %s=1, the sign-in token is kept by %s, which is not "
                    "encrypted. Never use this outside tests.", INSECURE_ENV, name)
    return backend


class KeyringTokenStore:
    """The token of *server_url* in the OS keyring."""

    def __init__(self, server_url: str) -> None:
        self.service = service_name(server_url)

    def get(self) -> str | None:
        try:
            return checked_backend().get_password(self.service, USERNAME)
        except KeyringError as exc:
            raise InsecureKeyring(f"the keyring could not be read ({type(exc).__name__})") from None

    def set(self, token: str) -> None:
        try:
            checked_backend().set_password(self.service, USERNAME, token)
        except KeyringError as exc:
            raise InsecureKeyring(f"the keyring refused the token ({type(exc).__name__})") from None

    def delete(self) -> None:
        try:
            checked_backend().delete_password(self.service, USERNAME)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            raise InsecureKeyring(
                f"the keyring could not be changed ({type(exc).__name__})") from None


class MemoryTokenStore:
    """A token kept in memory only (embedding and tests; nothing survives the process)."""

    def __init__(self, token: str | None = None) -> None:
        self._token = token

    def get(self) -> str | None:
        return self._token

    def set(self, token: str) -> None:
        self._token = token

    def delete(self) -> None:
        self._token = None
