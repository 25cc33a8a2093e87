"""The operation runner: service calls off the UI thread, results and changes back on it."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.ops import OpRunner
from workbench.services.context import Workbench
from workbench.services.errors import ValidationError


def test_synchronous_mode_runs_inline_and_tags_changes_with_the_initiator(
    wb: Workbench, team: Team
) -> None:
    runner = OpRunner(synchronous=True)
    runner.attach(wb)
    seen: list[tuple[bool, object]] = []
    results: list[str] = []
    runner.changes_applied.connect(lambda c, by: seen.append((c.touches("tickets"), by)))
    initiator = object()

    runner.run_op(lambda w: w.tickets.create("Help", team.customers[0].id).key,
                  results.append, initiator=initiator)

    assert results == ["#1"]
    assert seen == [(True, initiator)]
    runner.shutdown()


def test_changes_made_outside_an_op_have_no_initiator(wb: Workbench, team: Team) -> None:
    runner = OpRunner(synchronous=True)
    runner.attach(wb)
    seen: list[object] = []
    runner.changes_applied.connect(lambda _c, by: seen.append(by))
    wb.tickets.create("Help", team.customers[0].id)
    assert seen == [None]
    runner.shutdown()


def test_a_known_error_goes_to_on_error_and_nothing_to_on_success(
    wb: Workbench, team: Team
) -> None:
    runner = OpRunner(synchronous=True)
    runner.attach(wb)
    errors: list[BaseException] = []
    runner.run_op(lambda w: w.tickets.create("  ", team.customers[0].id),
                  lambda _t: pytest.fail("created"), errors.append)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert wb.tickets.list() == []
    runner.shutdown()


def test_ops_asked_before_the_database_opens_run_after_it(wb: Workbench) -> None:
    runner = OpRunner(synchronous=True)
    results: list[int] = []
    runner.run_op(lambda w: w.customers.count(), results.append)
    assert results == []
    runner.attach(wb)
    assert results == [0]
    runner.shutdown()


def test_threaded_mode_runs_on_one_worker_and_answers_on_the_ui_thread(
    qtbot: QtBot, wb: Workbench, team: Team
) -> None:
    runner = OpRunner()
    runner.attach(wb)
    worker_threads: list[str] = []
    answered_on: list[threading.Thread] = []
    changes: list[threading.Thread] = []
    runner.changes_applied.connect(lambda _c, _by: changes.append(threading.current_thread()))

    def create(w: Workbench) -> str:
        worker_threads.append(threading.current_thread().name)
        return w.tickets.create("Help", team.customers[0].id).key

    for _ in range(3):
        runner.run_op(create, lambda _key: answered_on.append(threading.current_thread()))
    qtbot.waitUntil(lambda: len(answered_on) == 3 and len(changes) == 3)

    assert len(set(worker_threads)) == 1
    assert worker_threads[0].startswith("workbench-ops")
    assert all(t is threading.main_thread() for t in answered_on + changes)
    assert [t.key for t in wb.tickets.list(limit=10)] != []
    runner.shutdown()
    assert not any(t.name.startswith("workbench-ops") for t in threading.enumerate())


def test_callbacks_of_a_destroyed_owner_are_skipped(qtbot: QtBot, wb: Workbench) -> None:
    from PySide6.QtWidgets import QWidget

    runner = OpRunner()
    runner.attach(wb)
    owner = QWidget()
    called: list[int] = []
    gate = threading.Event()
    runner.run_op(lambda w: gate.wait(5) and w.customers.count(), called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    gate.set()
    done: list[bool] = []
    runner.run_op(lambda w: True, done.append)
    qtbot.waitUntil(lambda: done == [True])
    assert called == []
    runner.shutdown()


def _alive(obj: object) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))
