"""What the status bar says about sync, who is signed in, and when to try again after a failure."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from workbench.domain.clock import iso_utc

if TYPE_CHECKING:
    from workbench.services.context import Workbench

SKEW_WARNING_MS = 2 * 60 * 1000
INSECURE_ENV = "WORKBENCH_INSECURE_KEYRING"


def insecure_allowed() -> bool:
    """True when $WORKBENCH_INSECURE_KEYRING=1 allows a plaintext keyring (tests, CI).

    Here rather than in :mod:`~workbench.sync.credentials` so the status bar can say so
    without loading the keyring library at start-up.
    """
    return os.environ.get(INSECURE_ENV) == "1"


class Phase(StrEnum):
    NOT_JOINED = "not-joined"
    SIGN_IN = "sign-in"
    OFFLINE = "offline"
    SYNCING = "syncing"
    SYNCED = "synced"
    ERROR = "error"


@dataclass(frozen=True)
class SyncStatus:
    phase: Phase
    pending: int = 0
    last_synced_ms: int | None = None
    clock_offset_ms: int = 0
    open_conflicts: int = 0
    message: str = ""

    @property
    def skew_warning(self) -> bool:
        return abs(self.clock_offset_ms) > SKEW_WARNING_MS

    def text(self) -> str:
        """One short line for a status bar (times in UTC; the UI may localise)."""
        waiting = f"{self.pending} change{'s' if self.pending != 1 else ''} waiting"
        if self.phase is Phase.OFFLINE:
            line = f"Offline · {waiting}"
        elif self.phase is Phase.SYNCING:
            line = "Syncing…"
        elif self.phase is Phase.SYNCED and self.last_synced_ms is not None:
            line = f"Synced at {iso_utc(self.last_synced_ms)[11:16]} UTC"
        elif self.phase is Phase.SIGN_IN:
            line = "Sign-in needed"
        elif self.phase is Phase.NOT_JOINED:
            line = "Not connected to a team server"
        else:
            line = f"Sync failed: {self.message}" if self.message else "Sync failed"
        if self.skew_warning:
            line += f" · clock off by {abs(self.clock_offset_ms) // 60000} min"
        if self.open_conflicts:
            line += f" · {self.open_conflicts} conflict{'s' if self.open_conflicts > 1 else ''}"
        return line


@dataclass(frozen=True)
class Account:
    """The team server this workstation is joined to and the user who signed in there.

    Neither is a secret: the token itself is only ever in the keyring.
    """

    server_url: str | None
    user: str | None

    @property
    def joined(self) -> bool:
        return self.server_url is not None


def account(wb: Workbench) -> Account:
    from workbench.store.changelog import load_state
    from workbench.sync.engine import USER_KEY
    from workbench.sync.numbers import joined_url

    with wb.read() as s:
        user = load_state(s, USER_KEY)
    return Account(joined_url(wb), user or None)


class Backoff:
    """Exponential backoff with jitter, for a timer: ask :meth:`delay_s`, never sleep."""

    def __init__(self, base_s: float = 2.0, cap_s: float = 300.0,
                 rng: random.Random | None = None) -> None:
        self.base_s, self.cap_s = base_s, cap_s
        self.failures = 0
        self.next_at = 0.0
        self._rng = rng or random.Random()

    def failed(self, now: float) -> float:
        self.failures += 1
        delay = float(min(self.cap_s, self.base_s * 2.0 ** (self.failures - 1)))
        delay *= 0.5 + self._rng.random() / 2  # spread a team's retries apart
        self.next_at = now + delay
        return delay

    def succeeded(self) -> None:
        self.failures, self.next_at = 0, 0.0

    def delay_s(self, now: float) -> float:
        return max(0.0, self.next_at - now)
