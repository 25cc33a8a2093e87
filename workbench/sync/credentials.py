"""The sign-in token lives in the OS keyring, one entry per server URL, and nowhere else.

A keyring backend that keeps secrets in plain text (keyrings.alt's file backends, or none
at all) is refused, unless $WORKBENCH_INSECURE_KEYRING=1 says this is a test or CI machine;
then every use logs a loud warning (and the app shows it: :func:`insecure_allowed`).

What to trust lives here too: a team's own CA file is checked before it is saved
(:func:`check_ca_file`), and when a server cannot be reached :func:`certificate_problem`
tells a certificate the system does not trust apart from a server that is down.
"""

from __future__ import annotations

import logging
import socket
import ssl
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from workbench.sync.errors import InsecureKeyring
from workbench.sync.status import INSECURE_ENV as INSECURE_ENV
from workbench.sync.status import insecure_allowed as insecure_allowed

log = logging.getLogger(__name__)

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
        if not insecure_allowed():
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


# -- trust ---------------------------------------------------------------------------------
def check_ca_file(path: str) -> str:
    """*path* as an absolute path when it holds PEM certificates, else ValueError saying why."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValueError(f"the CA file {path} does not exist")
    try:
        ssl.create_default_context(cafile=str(file))
    except (ssl.SSLError, OSError, UnicodeDecodeError):
        raise ValueError(f"the CA file {path} is not a PEM file of certificates") from None
    return str(file.resolve())


def certificate_problem(server_url: str, ca_file: str | None = None,
                        timeout_s: float = 5.0) -> str | None:
    """Why a TLS connection to *server_url* is refused, or None when TLS is not the problem.

    Used after a sign-in found the server unreachable, so the user reads "its certificate
    is not trusted (self-signed certificate)" instead of "cannot be reached".
    """
    parts = urlsplit(normalize_url(server_url))
    if parts.scheme != "https" or parts.hostname is None:
        return None
    try:
        context = ssl.create_default_context(cafile=ca_file or None)
    except (ssl.SSLError, OSError):
        return "the CA file cannot be read"
    try:
        with (socket.create_connection((parts.hostname, parts.port or 443), timeout_s) as raw,
              context.wrap_socket(raw, server_hostname=parts.hostname)):
            return None
    except ssl.SSLCertVerificationError as exc:
        return f"its certificate is not trusted ({exc.verify_message})"
    except ssl.SSLError as exc:
        if exc.reason == "WRONG_VERSION_NUMBER":  # a plain-HTTP server on that port
            return "the server does not answer HTTPS on this port (does the address start " \
                   "with http://?)"
        return f"the secure connection failed ({exc.reason or type(exc).__name__})"
    except OSError:
        return None  # not reachable at all: not a certificate problem
