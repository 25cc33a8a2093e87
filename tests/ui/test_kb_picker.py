"""The canned-answer picker on the real composer: open, type, Enter inserts the filled answer.

Runs on the seeded team (the lead Dana Ortiz acting) with a synchronous op runner, so each
keystroke's search and each preview render have finished when the next line runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.kb.answer_picker import AnswerPicker, AnswerPickerBinding, attach_answer_picker
from ui.ops import OpRunner
from ui.widgets.composer import Composer
from workbench.services.context import Workbench
from workbench.services.kb import KbService


@dataclass
class Desk:
    wb: Workbench
    kb: KbService
    ticket_id: str
    ticket_key: str
    refund: str
    printer: str
    organisation: str


@pytest.fixture
def desk(wb: Workbench, team: Team) -> Desk:
    kb = KbService(wb)
    elodie = team.customers[2]
    ticket = wb.tickets.create("Refund please", elodie.id)
    refund = kb.create("Refund a payment", "# Refund a payment\n\nHi {customer.first_name},\n\n"
                       "the refund for {ticket.key} is **on its way**.\n\n{agent.first_name}",
                       tags=["billing"])
    printer = kb.create("Printer offline", "Restart the spooler, {customer.first_name|there}.",
                        tags=["hardware"])
    organisation = kb.create("Organisation details", "Is {customer.organisation} right?",
                             tags=["account"])
    kb.create("بازپرداخت وجه", "سلام {customer.first_name}", language="fa", tags=["refund"])
    return Desk(wb, kb, ticket.id, ticket.key, refund.id, printer.id, organisation.id)


@pytest.fixture
def composer(qtbot: QtBot) -> Composer:
    widget = Composer()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def binding(composer: Composer, runner: OpRunner, desk: Desk, team: Team) -> AnswerPickerBinding:
    return attach_answer_picker(composer, runner, lambda: desk.ticket_id, lambda: team.lead.id)


def _open_with_ctrl_space(qtbot: QtBot, composer: Composer,
                          binding: AnswerPickerBinding) -> AnswerPicker:
    qtbot.keyClick(composer, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert binding.picker is not None and binding.picker.isVisible()
    return binding.picker


def test_ctrl_space_type_enter_inserts_the_filled_answer(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    picker = _open_with_ctrl_space(qtbot, composer, binding)
    qtbot.keyClicks(picker.search, "refund")  # 3+ characters: the full-text index
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    expected = f"Hi Élodie,\n\nthe refund for {desk.ticket_key} is on its way.\n\nDana\n"
    assert composer.toPlainText() == expected
    assert not picker.isVisible()
    assert [(a.article_id, a.text) for a in binding.answers.answers] == [(desk.refund, expected)]


def test_slash_opens_the_picker_and_answers_stack_in_one_reply(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    qtbot.keyClicks(composer, "Hello! ")
    qtbot.keyClicks(composer, "/")  # after whitespace: opens the picker
    picker = binding.picker
    assert picker is not None
    qtbot.keyClicks(picker.search, "pr")  # short: title-word prefix in memory
    assert picker.current_article() == desk.printer
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert composer.toPlainText() == "Hello! Restart the spooler, Élodie.\n"  # "/" replaced
    picker = _open_with_ctrl_space(qtbot, composer, binding)
    qtbot.keyClicks(picker.search, "acc")  # a tag, through the index
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert composer.toPlainText().endswith("spooler, Élodie.\nIs «customer.organisation?» right?\n")
    assert len(binding.answers) == 2


def test_a_missing_value_is_marked_in_the_preview_and_the_reply(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    qtbot.keyClicks(composer, "Bonjour")
    qtbot.keyClick(composer, Qt.Key.Key_Return)
    picker = _open_with_ctrl_space(qtbot, composer, binding)
    qtbot.keyClicks(picker.search, "organisation")
    assert picker.preview.toPlainText() == "Is «customer.organisation?» right?\n"
    assert len(picker.preview.extraSelections()) == 1
    assert "customer.organisation" in picker.note.text()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    text = composer.toPlainText()
    start = text.index("«")
    assert composer.missing_marks() == [(start, start + len("«customer.organisation?»"))]


def test_arrow_keys_choose_and_escape_inserts_nothing(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    picker = _open_with_ctrl_space(qtbot, composer, binding)
    titles = [plain(picker.results.item(i).text()).split("   ·")[0]
              for i in range(picker.results.count())]
    assert titles == ["Organisation details", "Printer offline", "Refund a payment",
                      "بازپرداخت وجه"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.current_article() == desk.printer
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible() and composer.toPlainText() == ""
    qtbot.keyClicks(picker.search, "zzz-nothing")  # closed but alive until deleted
    assert binding.answers.answers == []


def test_persian_and_prefix_search_find_other_scripts(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    picker = _open_with_ctrl_space(qtbot, composer, binding)
    picker.search.setText("با")  # QTest types ASCII only
    assert picker.results.count() == 1 and "بازپرداخت" in picker.results.item(0).text()
    picker.search.clear()
    qtbot.keyClicks(picker.search, "ref")  # the Persian article's tag and the English title
    picker.apply_filter()
    assert picker.results.count() == 2


def test_sent_replies_record_each_answer_and_whether_it_was_edited(
    qtbot: QtBot, composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    binding.insert_article(desk.printer)  # as the ticket view's suggestions do
    binding.insert_article(desk.refund)
    sent = composer.toPlainText().replace("on its way", "sent today")
    binding.record_sent(sent)
    assert len(binding.answers) == 0
    assert desk.kb.get(desk.printer).uses == 1 and desk.kb.get(desk.refund).uses == 1
    with desk.wb.read() as s:
        from sqlalchemy import text

        rows = s.execute(text("SELECT article_id, edited, ticket_id FROM canned_uses")).all()
    assert sorted((r[0], bool(r[1]), r[2]) for r in rows) == sorted(
        [(desk.printer, False, desk.ticket_id), (desk.refund, True, desk.ticket_id)])


def test_clearing_the_composer_forgets_the_answers(
    composer: Composer, binding: AnswerPickerBinding, desk: Desk
) -> None:
    binding.insert_article(desk.printer)
    assert len(binding.answers) == 1
    composer.clear()
    assert len(binding.answers) == 0


def test_the_picker_works_on_its_own(qtbot: QtBot, runner: OpRunner, desk: Desk) -> None:
    picker = AnswerPicker(runner, None, None)
    qtbot.addWidget(picker)
    picker.show()
    with qtbot.waitSignal(picker.answer_chosen) as signal:
        qtbot.keyClicks(picker.search, "Org")
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    article_id, text, spans = signal.args
    assert article_id == desk.organisation
    assert [text[a:b] for a, b in spans] == ["«customer.organisation?»"]
