"""Client-generated, time-ordered identifiers (UUID version 7, RFC 9562)."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def uuid7(now_ms: int | None = None) -> str:
    """Return a new UUIDv7 as its canonical 36-character string.

    Within one millisecond the 74 random bits are incremented rather than redrawn, so ids
    made by one process in the same millisecond sort in creation order (RFC 9562, method 2
    "monotonic random"). An explicit earlier *now_ms* (imports, demo history) is honoured:
    the id carries that time, with fresh random bits.
    """
    global _last_ms, _last_rand
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        fresh = int.from_bytes(os.urandom(10), "big") >> 6  # 74 random bits
        rand = _last_rand + 1 if ms == _last_ms else fresh
        rand &= (1 << 74) - 1
        _last_ms, _last_rand = ms, rand
    rand_a = (rand >> 62) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def uuid7_many(now_ms: int, count: int) -> list[str]:
    """*count* ids of the millisecond *now_ms*, in order: :func:`uuid7` for a whole batch
    (one lock, no ``uuid.UUID`` objects), as the change log of a bulk insert needs."""
    global _last_ms, _last_rand
    with _lock:
        fresh = int.from_bytes(os.urandom(10), "big") >> 6
        start = _last_rand + 1 if now_ms == _last_ms else fresh
        _last_ms, _last_rand = now_ms, (start + count - 1) & ((1 << 74) - 1)
    high = (now_ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | 0b10 << 62
    out = []
    for rand in range(start, start + count):
        rand &= (1 << 74) - 1
        h = f"{high | ((rand >> 62) & 0xFFF) << 64 | (rand & ((1 << 62) - 1)):032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def uuid7_time_ms(value: str) -> int:
    """The creation instant (epoch ms) embedded in a UUIDv7 string."""
    return uuid.UUID(value).int >> 80


def is_uuid(value: str) -> bool:
    """True when *value* parses as a UUID string."""
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
