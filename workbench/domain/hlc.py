"""Hybrid logical clock stamps that order changes across workstations.

A stamp is text that sorts correctly as a string: 13 hex digits of wall-clock milliseconds,
4 hex digits of logical counter, then the node id that breaks ties
(``"0019a2b3c4d5e-0000-<node>"``). Comparing two stamps as strings is comparing
(wall, counter, node): the higher stamp wins a field.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from workbench.domain.clock import Clock

_COUNTER_MAX = 0xFFFF
MAX_DRIFT_MS = 5 * 60 * 1000


class ClockDriftError(ValueError):
    """A remote stamp lies too far in the future to be trusted."""


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:013x}-{self.counter:04x}-{self.node}"

    @staticmethod
    def decode(text: str) -> Stamp:
        try:
            wall, counter, node = text.split("-", 2)
            return Stamp(int(wall, 16), int(counter, 16), node)
        except ValueError as exc:
            raise ValueError(f"not an HLC stamp: {text!r}") from exc


class HybridLogicalClock:
    """Issues strictly increasing stamps for one node; folds in stamps seen from others.

    ``offset_ms`` corrects the local wall clock by what the server reported, so a
    workstation whose clock is a day off still stamps near true time.
    """

    def __init__(self, node: str, clock: Clock, last: str | None = None) -> None:
        self.node = node
        self._clock = clock
        self._lock = threading.Lock()
        self.offset_ms = 0
        s = Stamp.decode(last) if last else Stamp(0, 0, node)
        self._wall, self._counter = s.wall_ms, s.counter

    def _physical(self) -> int:
        return self._clock.now_ms() + self.offset_ms

    def now(self) -> str:
        """A new stamp, greater than every stamp issued or received before."""
        with self._lock:
            physical = self._physical()
            if physical > self._wall:
                self._wall, self._counter = physical, 0
            else:
                self._bump()
            return Stamp(self._wall, self._counter, self.node).encode()

    def now_many(self, count: int) -> list[str]:
        """*count* new stamps in increasing order: :meth:`now` for a whole batch."""
        out: list[str] = []
        with self._lock:
            physical = self._physical()
            if physical > self._wall:
                self._wall, self._counter = physical, 0
            else:
                self._bump()
            node = self.node
            for i in range(count):
                if i:
                    self._bump()
                out.append(f"{self._wall:013x}-{self._counter:04x}-{node}")
        return out

    def receive(self, remote: str, max_drift_ms: int = MAX_DRIFT_MS) -> None:
        """Fold in a stamp from elsewhere so later local stamps sort after it."""
        r = Stamp.decode(remote)
        with self._lock:
            physical = self._physical()
            if r.wall_ms > physical + max_drift_ms:
                raise ClockDriftError(
                    f"stamp is {(r.wall_ms - physical) // 1000} s ahead of this clock"
                )
            if r.wall_ms > self._wall:
                self._wall, self._counter = r.wall_ms, r.counter
                self._bump()
            elif r.wall_ms == self._wall:
                self._counter = max(self._counter, r.counter)
                self._bump()

    def last(self) -> str:
        return Stamp(self._wall, self._counter, self.node).encode()

    def _bump(self) -> None:
        if self._counter >= _COUNTER_MAX:
            # Counter exhausted within one millisecond: borrow the next millisecond.
            self._wall += 1
            self._counter = 0
        else:
            self._counter += 1
