"""Unexpected errors are logged with their traceback and shown once; known ones plainly."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ui import errors
from ui.crash import CrashHandler
from workbench.services.errors import NotFound


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    boxes: list[QMessageBox] = []
    def record(box: QMessageBox) -> int:
        boxes.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return boxes


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text: texts.append(text))
    return texts


def test_a_bug_is_logged_and_shown_in_the_crash_dialog_with_the_log_path(
    qapp: object, tmp_path: Path, shown: list[QMessageBox], caplog: pytest.LogCaptureFixture
) -> None:
    handler = CrashHandler(tmp_path / "logs" / "workbench.log")
    exc = raised(ZeroDivisionError("division by zero"))
    with caplog.at_level(logging.ERROR):
        handler.excepthook(type(exc), exc, exc.__traceback__)

    [box] = shown
    assert str(tmp_path / "logs" / "workbench.log") in box.informativeText()
    assert "ZeroDivisionError: division by zero" in box.detailedText()
    [record] = [r for r in caplog.records if r.name == "ui.crash"]
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_a_known_error_is_shown_plainly_without_a_traceback(
    qapp: object, tmp_path: Path, shown: list[QMessageBox], warnings: list[str]
) -> None:
    handler = CrashHandler(tmp_path / "workbench.log")
    exc = raised(NotFound("no ticket '#99'"))
    handler.excepthook(type(exc), exc, exc.__traceback__)
    assert warnings == ["No ticket '#99'."]
    assert shown == []


def test_an_error_on_another_thread_is_shown_on_the_ui_thread(
    qtbot: QtBot, tmp_path: Path, shown: list[QMessageBox]
) -> None:
    handler = CrashHandler(tmp_path / "workbench.log")
    shown_on: list[threading.Thread] = []
    original = handler._show

    def spy(*args: object) -> None:
        shown_on.append(threading.current_thread())
        original(*args)  # type: ignore[arg-type]

    handler._raised_elsewhere.disconnect()
    handler._raised_elsewhere.connect(spy)
    exc = raised(RuntimeError("worker broke"))
    worker = threading.Thread(target=handler.excepthook,
                              args=(type(exc), exc, exc.__traceback__))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert shown_on == [threading.main_thread()]


def test_service_messages_read_as_sentences() -> None:
    assert errors.sentence("the subject is empty; please write one") == (
        "The subject is empty; please write one.")
    assert errors.sentence("Done!") == "Done!"
