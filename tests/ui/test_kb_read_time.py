"""Read time counts only while the article is on screen in the active window.

A fake monotonic clock moves time by hand; window activation, minimising and page switches
are real Qt events delivered to a real window, so the wiring is tested along with the sums.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.kb.read_time import ReadTimeTracker


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorded() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def tracker(clock: FakeClock, recorded: list[tuple[str, int]]) -> ReadTimeTracker:
    return ReadTimeTracker(lambda article, seconds: recorded.append((article, seconds)), clock)


def test_time_counts_only_while_every_condition_holds(
    tracker: ReadTimeTracker, clock: FakeClock, recorded: list[tuple[str, int]]
) -> None:
    tracker.set_window_shown(True)
    tracker.set_page_shown(True)
    tracker.set_article("a1")
    clock.advance(30)  # window not active yet: nothing counts
    assert tracker.seconds() == 0 and not tracker.counting
    tracker.set_window_active(True)
    clock.advance(4)
    tracker.set_window_active(False)  # the agent looks at the mail client: paused
    clock.advance(600)
    tracker.set_window_active(True)
    clock.advance(3)
    tracker.set_window_shown(False)  # minimised: paused
    clock.advance(100)
    tracker.set_window_shown(True)
    clock.advance(2)
    assert tracker.seconds() == 9
    tracker.set_article("a2")  # another article: the view of a1 ends
    assert recorded == [("a1", 9)]
    clock.advance(4.5)
    tracker.finish()  # a glance under 5 s is not a read
    assert recorded == [("a1", 9)]


def test_leaving_the_page_ends_the_view_and_coming_back_starts_another(
    tracker: ReadTimeTracker, clock: FakeClock, recorded: list[tuple[str, int]]
) -> None:
    for setter in (tracker.set_window_shown, tracker.set_window_active, tracker.set_page_shown):
        setter(True)
    tracker.set_article("a1")
    clock.advance(12.7)
    tracker.set_page_shown(False)
    clock.advance(50)
    tracker.set_page_shown(True)
    clock.advance(5)
    tracker.finish()
    assert recorded == [("a1", 12), ("a1", 5)]


def _window(qtbot: QtBot) -> tuple[QWidget, QStackedWidget, QWidget, QWidget]:
    window = QWidget()
    stack = QStackedWidget()
    page, other = QWidget(), QWidget()
    stack.addWidget(page)
    stack.addWidget(other)
    QVBoxLayout(window).addWidget(stack)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, stack, page, other


def _send(window: QWidget, kind: QEvent.Type) -> None:
    QCoreApplication.sendEvent(window, QEvent(kind))


def test_qt_events_drive_the_tracker(
    qtbot: QtBot, tracker: ReadTimeTracker, clock: FakeClock, recorded: list[tuple[str, int]]
) -> None:
    window, stack, page, other = _window(qtbot)
    tracker.watch(page)
    _send(window, QEvent.Type.WindowActivate)
    tracker.set_article("a1")
    assert tracker.counting
    clock.advance(6)
    _send(window, QEvent.Type.WindowDeactivate)  # another application in front
    clock.advance(60)
    assert tracker.seconds() == 6
    _send(window, QEvent.Type.WindowActivate)
    clock.advance(2)
    window.setWindowState(Qt.WindowState.WindowMinimized)
    assert not tracker.counting
    clock.advance(300)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.show()
    assert tracker.counting
    clock.advance(1)
    stack.setCurrentWidget(other)  # another page: the view ends and is recorded
    assert recorded == [("a1", 9)]
    clock.advance(100)
    stack.setCurrentWidget(page)
    clock.advance(7)
    window.close()
    assert recorded == [("a1", 9), ("a1", 7)]
