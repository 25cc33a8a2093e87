"""The composer: bounded pastes, the canned-answer trigger, placeholder marks."""

from __future__ import annotations

import time

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.main_window import MainWindow
from ui.ticket.reply_box import ReplyBox
from ui.ticket.view import open_ticket
from ui.widgets.composer import Composer
from workbench.services.context import Workbench

FIVE_MB = "x" * 5_000_000


def composer(qtbot: QtBot) -> Composer:
    editor = Composer()
    qtbot.addWidget(editor)
    editor.show()
    return editor


def paste(editor: Composer, text: str) -> None:
    mime = QMimeData()
    mime.setText(text)
    editor.insertFromMimeData(mime)


def test_a_five_megabyte_paste_is_refused_at_once_with_a_message(qtbot: QtBot) -> None:
    box = ReplyBox()
    qtbot.addWidget(box)
    box.show()
    box.composer.setPlainText("Dear Ana,")
    box.composer.moveCursor(QTextCursor.MoveOperation.End)
    started = time.perf_counter()
    with qtbot.waitSignal(box.composer.refused) as refusal:
        paste(box.composer, FIVE_MB)
    assert time.perf_counter() - started < 0.5  # never laid out: no frozen UI
    assert box.composer.toPlainText() == "Dear Ana,"
    assert "5,000,000 characters" in str(refusal.args[0])
    assert box.message.isVisible() and "at most 200,000" in box.message.text()
    paste(box.composer, " thanks")
    assert box.composer.toPlainText() == "Dear Ana, thanks"


def test_slash_at_a_word_start_or_ctrl_space_asks_for_a_canned_answer(qtbot: QtBot) -> None:
    editor = composer(qtbot)
    asked: list[bool] = []
    editor.answer_picker_requested.connect(lambda: asked.append(True))
    QTest.keyClicks(editor, "and/or")
    assert asked == []  # inside a word: just a slash
    QTest.keyClicks(editor, " /")
    assert asked == [True]
    QTest.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert asked == [True, True]
    editor.clear()
    QTest.keyClicks(editor, "/")
    assert len(asked) == 3  # the start of the text counts as a word start


def test_an_inserted_answer_replaces_the_slash_that_asked_for_it(qtbot: QtBot) -> None:
    editor = composer(qtbot)
    QTest.keyClicks(editor, "Hello /")
    assert editor.insert_text("Thanks for your patience.")
    assert editor.toPlainText() == "Hello Thanks for your patience."
    editor.undo()
    assert editor.toPlainText() == "Hello /"  # one undo step
    editor.moveCursor(QTextCursor.MoveOperation.End)
    assert editor.insert_text("!", replace_trigger=False)
    assert editor.toPlainText() == "Hello /!"


def test_missing_placeholders_are_marked_until_the_text_changes(qtbot: QtBot) -> None:
    editor = composer(qtbot)
    editor.setPlainText("Dear {customer.first_name}, your ticket {ticket.number}")
    editor.mark_missing([(5, 26)])
    assert editor.missing_marks() == [(5, 26)]
    QTest.keyClicks(editor, ".")
    assert editor.missing_marks() == []


def test_an_answer_that_would_not_fit_is_refused(qtbot: QtBot) -> None:
    editor = Composer(max_chars=20)
    qtbot.addWidget(editor)
    editor.setPlainText("0123456789")
    with qtbot.waitSignal(editor.refused):
        assert not editor.insert_text("this is far too long to fit")
    assert editor.toPlainText() == "0123456789"


def test_a_refused_send_keeps_the_text_and_says_why(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Closed soon", team.customers[0].id)
    view = open_ticket(window.ctx, ticket.id, window)
    qtbot.addWidget(view)
    wb.tickets.update(ticket.id, status="closed")
    view.reply.composer.setPlainText("One more thing…")
    view.reply.send()
    assert view.reply.composer.toPlainText() == "One more thing…"
    assert view.reply.message.isVisible()
    assert "closed" in view.reply.message.text()
    assert view.reply.send_button.isEnabled()
