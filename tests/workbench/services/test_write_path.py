"""Every syncable write goes through the one write path and leaves its change entry.

The proof replays the change log: applying every logged insert/update/delete in order must
rebuild exactly the rows in the tables. A write that escaped the log would make them differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.services.errors import ServiceError
from workbench.store.changelog import column_values
from workbench.store.models import Change, syncable_models

START = 1_772_442_000_000


def replay_log(wb: Workbench) -> dict[tuple[str, str], dict[str, Any]]:
    state: dict[tuple[str, str], dict[str, Any]] = {}
    with wb.read() as s:
        for c in s.scalars(select(Change).order_by(Change.seq)):
            key = (c.entity, c.row_id)
            if c.kind == "insert":
                assert key not in state, f"{key} inserted twice"
                state[key] = dict(c.fields)
            elif c.kind == "update":
                assert key in state, f"{key} updated before insert"
                state[key].update(c.fields)
            else:
                state.pop(key)
    return state


def table_rows(wb: Workbench) -> dict[tuple[str, str], dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with wb.read() as s:
        for entity, model in syncable_models().items():
            for obj in s.scalars(select(model)):
                values = column_values(obj)
                for key in model.__derived__:
                    values.pop(key)
                rows[(entity, values["id"])] = json.loads(json.dumps(values))
    return rows


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["customer", "ticket", "reply", "note", "status", "priority", "assign", "tags",
             "pref", "message", "bad_ticket", "update_customer"]
        ),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_replaying_the_change_log_rebuilds_every_syncable_row(
    tmp_path_factory: pytest.TempPathFactory, actions: list[tuple[str, int]]
) -> None:
    path: Path = tmp_path_factory.mktemp("wp") / "wb.sqlite3"
    clock = FrozenClock(START)
    wb = Workbench.open(path, clock=clock)
    wb.actor_id = wb.agents.create("Dana Smith", "dana@example.com", "manager").id
    other = wb.agents.create("Ravi Das", "ravi@example.com").id
    customers = [wb.customers.create("Ana Lima", "ana@example.org").id]
    tickets: list[str] = []
    statuses = ["open", "pending", "on-hold", "solved", "open", "new"]
    for action, n in actions:
        clock.advance(60 + n)
        try:
            if action == "customer":
                customers.append(wb.customers.create(f"Customer {n}", f"c{n}@example.org").id)
            elif action == "update_customer":
                wb.customers.update(customers[n % len(customers)], plan="premium", tags=["vip"])
            elif action == "pref":
                c_id = customers[n % len(customers)]
                wb.customers.set_preference(c_id, "do_not_call", n % 2 == 0)
            elif action == "ticket":
                t = wb.tickets.create(f"Problem {n}", customers[n % len(customers)], body="Hi")
                tickets.append(t.id)
            elif action == "bad_ticket":
                wb.tickets.create("", customers[0])
            elif tickets:
                t_id = tickets[n % len(tickets)]
                if action == "reply":
                    wb.tickets.reply(t_id, f"Answer {n}")
                elif action == "note":
                    wb.tickets.note(t_id, f"Note {n}")
                elif action == "message":
                    wb.tickets.customer_message(t_id, f"Again {n}")
                elif action == "status":
                    wb.tickets.update(t_id, status=statuses[n % len(statuses)])
                elif action == "priority":
                    wb.tickets.update(t_id, priority=["urgent", "high", "normal", "low"][n % 4])
                elif action == "assign":
                    wb.tickets.update(t_id, assignee_id=other)
                elif action == "tags":
                    wb.tickets.update(t_id, tags=[f"t{n % 3}"])
        except ServiceError:
            pass  # refused input must change nothing, which the comparison below checks
    assert replay_log(wb) == table_rows(wb)
    wb.close()


def test_each_change_entry_carries_node_stamp_actor_and_changed_fields_only(
    wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Printer on fire", team["customer"])
    wb.tickets.update(t.id, priority="urgent")
    with wb.read() as s:
        last = s.scalars(
            select(Change).where(Change.entity == "tickets").order_by(Change.seq.desc())
        ).first()
    assert last is not None
    assert last.kind == "update"
    assert set(last.fields) <= {"priority", "updated_at"}
    assert last.node == wb.node_id
    assert last.actor_id == team["manager"]
    assert last.hlc.endswith(wb.node_id)
    assert last.pushed_at is None  # waits in the outbox


def test_refused_input_writes_nothing(wb: Workbench, team: dict[str, str]) -> None:
    with wb.read() as s:
        before = s.query(Change).count()
    with pytest.raises(ServiceError):
        wb.tickets.create("x" * 501, team["customer"])
    with pytest.raises(ServiceError):
        wb.customers.create("Ana Again", "ana@example.org")  # e-mail taken
    with wb.read() as s:
        assert s.query(Change).count() == before


def test_the_hlc_survives_a_restart(tmp_path: Path) -> None:
    clock = FrozenClock(START)
    wb = Workbench.open(tmp_path / "wb.sqlite3", clock=clock)
    wb.agents.create("Dana Smith", "dana@example.com")
    last = wb.hlc.last()
    node = wb.node_id
    wb.close()
    clock.set(START - 3_600_000)  # the machine's clock went back an hour
    again = Workbench.open(tmp_path / "wb.sqlite3", clock=clock)
    assert again.node_id == node
    assert again.hlc.now() > last
    again.close()
