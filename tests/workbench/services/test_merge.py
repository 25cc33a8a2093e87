"""Merging duplicate customers: preview, conflict choices, the merge record, and the
property that nothing of either customer is lost."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.services.calls import CallService
from workbench.services.context import Workbench
from workbench.services.errors import NotFound, ValidationError
from workbench.services.handoffs import HandoffService
from workbench.services.history import HistoryService
from workbench.services.merge import MergeService
from workbench.store.models import Change, SurveyAnswer, Tombstone

START = parse_iso("2026-03-02T09:00:00Z")
# A merge re-points survey answers to the survivor, so their customer link must be mutable
# (models/tickets.py); until then the merge tests cannot run — the first test says so.
relinkable = pytest.mark.skipif(SurveyAnswer.__sync__ != "mutable",
                                reason="survey_answers is still append-only")
SUMMARY = "Moving accounts between desks; nothing promised, next: call on Monday."


def add_survey(wb: Workbench, customer_id: str, score: int) -> str:
    with wb.write() as w:
        return w.insert(SurveyAnswer(kind="nps", score=score, customer_id=customer_id,
                                     comment="", answered_at=w.now_ms)).id


def test_survey_answers_can_follow_their_customer_into_a_merge() -> None:
    assert SurveyAnswer.__sync__ == "mutable", (
        "make SurveyAnswer.__sync__ 'mutable' in workbench/store/models/tickets.py: a merge "
        "re-points customer_id (see workbench/services/merge.py)"
    )


@pytest.fixture
def pair(wb: Workbench, team: dict[str, str]) -> tuple[str, str]:
    """Ana (survivor, owned by nobody) and her duplicate record made by a colleague."""
    ana = team["customer"]
    dup = wb.customers.create("Ana P. Lima", "ana.lima@work.example", phone="+55 11 5555",
                              owner_id=team["agent"], tags=["vip"]).id
    wb.customers.set_preference(ana, "preferred_channel", "email")
    wb.customers.set_preference(ana, "language", "pt")
    wb.customers.set_preference(dup, "preferred_channel", "phone")
    wb.customers.set_preference(dup, "language", "pt")
    wb.customers.set_preference(dup, "do_not_call", False)
    wb.tickets.create("Duplicate's ticket", dup, body="Hello")
    HistoryService(wb).add_note(dup, "Met her at the fair")
    add_survey(wb, dup, 9)
    return ana, dup


def test_the_preview_shows_what_moves_and_what_conflicts(
    wb: Workbench, pair: tuple[str, str]
) -> None:
    preview = MergeService(wb).preview(*pair)
    assert [(c.key, c.survivor_value, c.duplicate_value) for c in preview.conflicts] == [
        ("preferred_channel", "email", "phone")]
    assert preview.moving == {"tickets": 1, "customer_notes": 1, "calls": 0, "handoffs": 0,
                              "survey_answers": 1, "customer_preferences": 3}
    assert preview.filled_fields["phone"] == "+55 11 5555"
    assert preview.filled_fields["tags"] == ["vip"]


@relinkable
def test_merging_moves_everything_records_it_and_removes_the_duplicate(
    wb: Workbench, team: dict[str, str], pair: tuple[str, str]
) -> None:
    ana, dup = pair
    result = MergeService(wb).merge(ana, dup, {"preferred_channel": "duplicate"})
    assert result.preferences_taken == ["preferred_channel"]
    merged = wb.customers.get(ana)
    assert merged.preferences == {"preferred_channel": "phone", "language": "pt",
                                  "do_not_call": False}
    assert (merged.phone, merged.owner_id, merged.tags) == ("+55 11 5555", team["agent"], ["vip"])
    assert merged.open_tickets == 1
    with pytest.raises(NotFound):
        wb.customers.get(dup)
    note = HistoryService(wb).notes(ana)[0]
    assert note.id == result.note_id
    assert note.body.startswith("Merged Ana P. Lima <ana.lima@work.example> into this "
                                "customer on 2026-03-02 09:00 UTC.")
    assert "Moved here: 1 tickets, 1 notes, 1 survey answers, 1 preferences." in note.body
    assert 'preferred_channel: "email" (this record\'s)' in note.body
    with wb.read() as s:
        assert s.get(Tombstone, ("customers", dup)) is not None
        kinds = s.scalars(select(Change.kind).where(Change.row_id == dup)).all()
    assert kinds[-1] == "delete"
    survey = HistoryService(wb).timeline(ana, kinds=["survey"]).entries
    assert [e.detail["score"] for e in survey] == [9]


@relinkable
def test_an_undecided_conflict_is_refused_and_nothing_changes(
    wb: Workbench, pair: tuple[str, str]
) -> None:
    ana, dup = pair
    merge = MergeService(wb)
    with pytest.raises(ValidationError, match="preferred_channel"):
        merge.merge(ana, dup)
    with pytest.raises(ValidationError, match="no conflicting preference called lang"):
        merge.merge(ana, dup, {"lang": "survivor"}, prefer="survivor")
    with pytest.raises(ValidationError, match="'survivor' or 'duplicate'"):
        merge.merge(ana, dup, {"preferred_channel": "mine"})
    with pytest.raises(ValidationError, match="itself"):
        merge.merge(ana, ana)
    assert wb.customers.get(dup).preferences["preferred_channel"] == "phone"
    assert merge.merge(ana, dup, prefer="survivor").preferences_taken == []
    assert wb.customers.get(ana).preferences["preferred_channel"] == "email"


# -- the property: nothing is lost ---------------------------------------------------------
KEYS = ("preferred_channel", "language", "do_not_call", "contact_hours")
VALUES = st.sampled_from(["email", "phone", True, False, "09:00-17:00", 7])
SIDE = st.fixed_dictionaries({
    "tickets": st.lists(st.integers(0, 2), max_size=3),  # replies on each ticket
    "notes": st.integers(0, 2),
    "calls": st.integers(0, 2),
    "handoff": st.booleans(),
    "surveys": st.integers(0, 2),
    "prefs": st.dictionaries(st.sampled_from(KEYS), VALUES),
})


def seed(wb: Workbench, clock: FrozenClock, c: str, side: dict[str, Any], to: str) -> set[str]:
    """Create one customer's related rows; return the ids of all of them."""
    ids: set[str] = set()
    for replies in side["tickets"]:
        t = wb.tickets.create("Issue", c, body="Please help")
        for i in range(replies):
            wb.tickets.reply(t.id, f"Reply {i}")
        ids |= {t.id, *(e.id for e in wb.tickets.get(t.id).events)}
    for i in range(side["notes"]):
        ids.add(HistoryService(wb).add_note(c, f"Note {i}").id)
    for _ in range(side["calls"]):
        ids.add(CallService(wb).log(c, direction="inbound", started_at=clock.now_ms() - 60_000,
                                    duration_s=30, outcome="follow-up").id)
    if side["handoff"]:
        ids.add(HandoffService(wb).create(c, to, SUMMARY).id)
    for i in range(side["surveys"]):
        ids.add(add_survey(wb, c, i))
    for key, value in side["prefs"].items():
        wb.customers.set_preference(c, key, value)
    clock.advance(1)
    return ids


@relinkable
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survivor=SIDE, duplicate=SIDE,
       choice=st.fixed_dictionaries({k: st.sampled_from(["survivor", "duplicate"])
                                     for k in KEYS}))
def test_every_row_of_both_customers_is_reachable_from_the_survivor(
    survivor: dict[str, Any], duplicate: dict[str, Any], choice: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(START)
        wb = Workbench.open(Path(tmp) / "wb.sqlite3", clock=clock)
        try:
            lead = wb.agents.create("Dana Smith", "dana@example.com", "lead").id
            other = wb.agents.create("Ravi Das", "ravi@example.com", "agent").id
            wb.actor_id = lead
            s = wb.customers.create("Ana Lima", "ana@example.org").id
            d = wb.customers.create("Ana Lima", "ana@work.example").id
            ids = seed(wb, clock, s, survivor, other) | seed(wb, clock, d, duplicate, other)
            conflicts = {c.key for c in MergeService(wb).preview(s, d).conflicts}
            MergeService(wb).merge(s, d, {k: choice[k] for k in conflicts})

            entries = HistoryService(wb).timeline(s, limit=500).entries
            reachable = {e.id for e in entries}
            for e in entries:
                if e.kind == "ticket":
                    reachable |= {ev.id for ev in wb.tickets.get(e.id).events}
            assert ids <= reachable
            expected = dict(survivor["prefs"])
            for key, value in duplicate["prefs"].items():
                if key not in expected or choice[key] == "duplicate":
                    expected[key] = value
            assert wb.customers.get(s).preferences == expected
            with pytest.raises(NotFound):
                wb.customers.get(d)
        finally:
            wb.close()
