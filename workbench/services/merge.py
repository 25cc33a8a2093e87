"""Merging duplicate customers: everything of the duplicate moves to the survivor.

``MergeService(wb)`` is reached as ``wb.merge``. :meth:`MergeService.preview` shows what
will move and which preferences conflict; :meth:`MergeService.merge` applies it in one
transaction on the one write path:

* tickets (their events follow them), notes, calls, hand-offs and survey answers get the
  survivor's id (``w.update`` of the customer link only). Survey answers are facts that
  never change, but *which customer* gave them is what a merge corrects, so
  ``survey_answers`` is a mutable entity whose only ever-changed field is ``customer_id``;
  the server accepts such a re-link of notes, calls, hand-offs and answers from any agent
  while still refusing changes to their content. Keeping them on the duplicate instead
  would leave a half-deleted customer that every customer query must learn to skip;
* the duplicate's preferences move; on a conflict the chosen value wins and the other one
  is written into the merge note, so no value is lost;
* blanks of the survivor (e-mail, phone, organisation, owner) are filled, tags unioned;
* an internal note on the survivor records the merge and the duplicate's fields;
* the duplicate is deleted with a tombstone, so no replica revives it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from workbench.domain.clock import iso_utc
from workbench.services.errors import ValidationError
from workbench.services.history import acting_agent, customer_or_404
from workbench.services.history_dto import MergePreview, MergeResult, PreferenceConflict
from workbench.store import history_queries as hq
from workbench.store.models import Customer, CustomerNote, CustomerPreference

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

SIDES = ("survivor", "duplicate")
# Filled on the survivor from the duplicate only when the survivor has none.
_FILLABLE = ("email", "phone", "organisation", "owner_id")
_MOVED_LABELS = {
    "tickets": "tickets", "customer_notes": "notes", "calls": "calls",
    "handoffs": "hand-offs", "survey_answers": "survey answers",
    "customer_preferences": "preferences",
}


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pair(s: Session, survivor_ref: str, duplicate_ref: str) -> tuple[Customer, Customer]:
    survivor = customer_or_404(s, survivor_ref)
    duplicate = customer_or_404(s, duplicate_ref)
    if survivor.id == duplicate.id:
        raise ValidationError("a customer cannot be merged into itself")
    return survivor, duplicate


def _prefs(s: Session, customer_id: str) -> dict[str, CustomerPreference]:
    return {p.key: p for p in hq.rows_of_customer(s, CustomerPreference, customer_id)}


def _conflicts(s: Session, survivor: Customer, duplicate: Customer) -> list[PreferenceConflict]:
    mine, theirs = _prefs(s, survivor.id), _prefs(s, duplicate.id)
    return [
        PreferenceConflict(key, mine[key].value, theirs[key].value)
        for key in sorted(mine.keys() & theirs.keys())
        if mine[key].value != theirs[key].value
    ]


def _filled(survivor: Customer, duplicate: Customer) -> dict[str, Any]:
    out: dict[str, Any] = {
        f: getattr(duplicate, f) for f in _FILLABLE
        if getattr(survivor, f) in (None, "") and getattr(duplicate, f) not in (None, "")
    }
    tags = sorted(set(survivor.tags) | set(duplicate.tags))
    if tags != sorted(survivor.tags):
        out["tags"] = tags
    if duplicate.active_since < survivor.active_since:
        # The relationship began when the earlier record did (retention counts from it).
        out["active_since"] = duplicate.active_since
    return out


class MergeService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    def preview(self, survivor_ref: str, duplicate_ref: str) -> MergePreview:
        """What merging would do: rows moving, preference conflicts to choose, blanks filled."""
        with self.wb.read() as s:
            survivor, duplicate = _pair(s, survivor_ref, duplicate_ref)
            return MergePreview(
                survivor_id=survivor.id, survivor_name=survivor.name,
                duplicate_id=duplicate.id, duplicate_name=duplicate.name,
                conflicts=_conflicts(s, survivor, duplicate),
                moving=hq.count_linked(s, duplicate.id),
                filled_fields=_filled(survivor, duplicate),
            )

    def merge(
        self,
        survivor_ref: str,
        duplicate_ref: str,
        choices: Mapping[str, str] | None = None,
        *,
        prefer: str | None = None,
    ) -> MergeResult:
        """Merge *duplicate_ref* into *survivor_ref*.

        *choices* maps each conflicting preference key to ``"survivor"`` or
        ``"duplicate"``; *prefer* decides the conflicts not named there. A conflict left
        undecided is refused, and nothing is written.
        """
        with self.wb.write() as w:
            s = w.session
            actor = acting_agent(s, w.actor_id)
            survivor, duplicate = _pair(s, survivor_ref, duplicate_ref)
            conflicts = _conflicts(s, survivor, duplicate)
            decided = _decide(conflicts, choices or {}, prefer)
            filled = _filled(survivor, duplicate)
            record = _describe(s, duplicate)

            moved: dict[str, int] = {}
            for model in hq.CUSTOMER_LINKED:
                if model is CustomerPreference:
                    continue
                rows = hq.rows_of_customer(s, model, duplicate.id)
                for row in rows:
                    w.update(row, customer_id=survivor.id)
                moved[model.__tablename__] = len(rows)
            # The survivor's tickets may now be repeat contacts of each other (a derived fact).
            self.wb.sla.refresh_repeat_contacts(w, survivor.id)

            mine, lost, taken = _prefs(s, survivor.id), [], []
            moved_prefs = 0
            for key, pref in sorted(_prefs(s, duplicate.id).items()):
                kept = mine.get(key)
                if kept is None:
                    w.update(pref, customer_id=survivor.id)
                    moved_prefs += 1
                    continue
                if kept.value != pref.value:
                    if decided[key] == "duplicate":
                        lost.append(f"{key}: {_show(kept.value)} (this record's)")
                        w.update(kept, value=pref.value, updated_at=w.now_ms)
                        taken.append(key)
                    else:
                        lost.append(f"{key}: {_show(pref.value)} (the merged record's)")
                w.delete(pref)
            moved["customer_preferences"] = moved_prefs

            w.update(survivor, **filled, updated_at=w.now_ms)
            body = _note_body(duplicate, record, moved, taken, lost, w.now_ms)
            note = w.insert(CustomerNote(customer_id=survivor.id, author_id=actor.id, body=body,
                                         created_at=w.now_ms, updated_at=w.now_ms))
            s.flush()
            left = {k: n for k, n in hq.count_linked(s, duplicate.id).items() if n}
            if left:  # pragma: no cover - a table linked to customers that this code missed
                raise RuntimeError(f"merge would orphan rows of {sorted(left)}")
            w.delete(duplicate)
            return MergeResult(survivor.id, duplicate.id, moved, note.id, taken)


def _decide(
    conflicts: list[PreferenceConflict], choices: Mapping[str, str], prefer: str | None
) -> dict[str, str]:
    keys = {c.key for c in conflicts}
    stray = sorted(set(choices) - keys)
    if stray:
        raise ValidationError(f"no conflicting preference called {', '.join(stray)}")
    for side in [*choices.values(), *([prefer] if prefer else [])]:
        if side not in SIDES:
            raise ValidationError(f"choose 'survivor' or 'duplicate', not {side!r}")
    decided = {k: choices.get(k) or prefer for k in keys}
    open_keys = sorted(k for k, v in decided.items() if v is None)
    if open_keys:
        raise ValidationError("choose which value to keep for the conflicting preferences: "
                              + ", ".join(open_keys))
    return {k: str(v) for k, v in decided.items()}


def _describe(s: Session, c: Customer) -> list[str]:
    owner = hq.agent_names(s, [c.owner_id]).get(c.owner_id or "", "—")
    return [
        f"id: {c.id}", f"name: {c.name}", f"e-mail: {c.email or '—'}",
        f"phone: {c.phone or '—'}", f"organisation: {c.organisation or '—'}",
        f"plan: {c.plan}", f"time zone: {c.time_zone}", f"language: {c.language}",
        f"owner: {owner}", f"tags: {', '.join(c.tags) or '—'}",
        f"active since: {iso_utc(c.active_since)[:10]}", f"created: {iso_utc(c.created_at)[:10]}",
    ]


def _note_body(
    duplicate: Customer, record: list[str], moved: dict[str, int], taken: list[str],
    lost: list[str], now_ms: int,
) -> str:
    counts = ", ".join(f"{n} {_MOVED_LABELS[k]}" for k, n in moved.items() if n) or "nothing"
    lines = [
        f"Merged {duplicate.name} <{duplicate.email or 'no e-mail'}> into this customer on "
        f"{iso_utc(now_ms)[:16].replace('T', ' ')} UTC.",
        f"Moved here: {counts}.",
        "The merged record:",
        *(f"  {line}" for line in record),
    ]
    if taken:
        lines.append("Preferences taken from the merged record: " + ", ".join(taken) + ".")
    if lost:
        lines.append("Preference values not kept:")
        lines += [f"  {line}" for line in lost]
    return "\n".join(lines)
