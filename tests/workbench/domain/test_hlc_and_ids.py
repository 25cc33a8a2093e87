"""Hybrid logical clock stamps and UUIDv7 ids order changes the way sync relies on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.clock import FrozenClock
from workbench.domain.hlc import ClockDriftError, HybridLogicalClock, Stamp
from workbench.domain.ids import is_uuid, uuid7, uuid7_time_ms


def test_stamps_increase_even_when_the_wall_clock_stands_still() -> None:
    hlc = HybridLogicalClock("node-a", FrozenClock(1_000))
    stamps = [hlc.now() for _ in range(1000)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 1000


def test_stamps_increase_when_the_wall_clock_goes_backwards() -> None:
    clock = FrozenClock(10_000)
    hlc = HybridLogicalClock("n", clock)
    first = hlc.now()
    clock.set(5_000)
    assert hlc.now() > first


def test_a_received_stamp_orders_later_local_stamps_after_it() -> None:
    hlc = HybridLogicalClock("a", FrozenClock(1_000))
    remote = Stamp(2_000, 7, "b").encode()
    hlc.receive(remote)
    assert hlc.now() > remote


def test_a_stamp_far_in_the_future_is_refused() -> None:
    hlc = HybridLogicalClock("a", FrozenClock(0))
    with pytest.raises(ClockDriftError):
        hlc.receive(Stamp(10 * 60 * 1000, 0, "b").encode())


def test_the_clock_resumes_after_its_last_persisted_stamp() -> None:
    first = HybridLogicalClock("a", FrozenClock(5_000))
    last = [first.now() for _ in range(3)][-1]
    again = HybridLogicalClock("a", FrozenClock(1_000), last)
    assert again.now() > last


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    hlc = HybridLogicalClock("a", FrozenClock(1), Stamp(1, 0xFFFF, "a").encode())
    assert Stamp.decode(hlc.now()) == Stamp(2, 0, "a")


@given(
    st.tuples(st.integers(0, 2**44), st.integers(0, 0xFFFF), st.sampled_from(["a", "b", "zz"])),
    st.tuples(st.integers(0, 2**44), st.integers(0, 0xFFFF), st.sampled_from(["a", "b", "zz"])),
)
def test_stamp_text_sorts_like_the_stamp_tuple(
    x: tuple[int, int, str], y: tuple[int, int, str]
) -> None:
    sx, sy = Stamp(*x), Stamp(*y)
    assert (sx.encode() < sy.encode()) == (sx < sy)
    assert Stamp.decode(sx.encode()) == sx


def test_malformed_stamp_text_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not an HLC stamp"):
        Stamp.decode("yesterday")


def test_uuid7_is_a_version_7_uuid_carrying_its_time() -> None:
    value = uuid7(1_700_000_000_123)
    assert is_uuid(value)
    assert value[14] == "7"
    assert value[19] in "89ab"
    assert uuid7_time_ms(value) == 1_700_000_000_123


def test_uuid7_ids_sort_in_creation_order_within_one_millisecond() -> None:
    ids = [uuid7(1_700_000_000_000) for _ in range(500)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 500
