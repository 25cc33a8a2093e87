"""Known sync conditions, each with a message fit to show to the user as it is.

None of them ever carries the token or the password (nor the Authorization header).
"""

from __future__ import annotations


class SyncError(Exception):
    """Base of every known sync failure."""


class NotConfigured(SyncError):
    """This workstation has not been joined to a team server yet."""


class SignInRequired(SyncError):
    """No token, or the server refused it (expired, revoked, account disabled)."""


class ServerUnreachable(SyncError):
    """No answer: offline, DNS, refused connection, timeout, TLS failure."""


class ServerRefused(SyncError):
    """The server understood and said no (a 4xx other than 401)."""

    def __init__(self, message: str, status: int, code: str | None = None,
                 detail: object = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.detail = detail


class ServerFailed(SyncError):
    """The server answered with an error of its own (5xx) or with something not ours."""


class InsecureKeyring(SyncError):
    """The only keyring available stores secrets in plain text (or there is none)."""


class LocalOnlyDatabase(SyncError):
    """This database holds demo data, which never leaves the workstation."""
