"""The knowledge page: browse the tree, read, edit with a live preview, translate, archive,
restore a version — and the reading time it records.

The page runs on the seeded team with a synchronous op runner, so every service call it
makes has finished when the next line of the test runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.kb.category_tree import ARTICLE, CATEGORY
from ui.kb.suggestions import ArticleSuggestions
from ui.ops import OpRunner
from ui.pages.knowledge import KnowledgePage, knowledge_page
from workbench.services.context import Workbench
from workbench.services.kb import KbService


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Shelf:
    kb: KbService
    billing: str
    refunds: str
    refund: str
    printer: str


@pytest.fixture
def shelf(wb: Workbench, team: Team) -> Shelf:
    kb = KbService(wb)
    billing = kb.create_category("Billing")
    refunds = kb.create_category("Refunds", billing.id)
    refund = kb.create("Refund a card payment", "# Refunds\n\nHi {customer.first_name|there}, "
                       "the money is **on its way**.", category_id=refunds.id, tags=["refunds"])
    printer = kb.create("Printer offline", "Restart the spooler.", tags=["hardware"],
                        internal=True)
    return Shelf(kb, billing.id, refunds.id, refund.id, printer.id)


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, shelf: Shelf) -> KnowledgePage:
    widget = KnowledgePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_tree_holds_nested_categories_and_their_articles(
    page: KnowledgePage, shelf: Shelf
) -> None:
    assert page.tree.select(CATEGORY, shelf.refunds)
    assert page.tree.current_category() == shelf.refunds
    assert sorted(page.tree.visible_articles()) == sorted([shelf.refund, shelf.printer])
    page.filter.setText("HARDW")  # a tag, any case
    assert page.tree.visible_articles() == [shelf.printer]
    page.filter.clear()


def test_selecting_an_article_shows_it(page: KnowledgePage, shelf: Shelf) -> None:
    page.tree.select(ARTICLE, shelf.refund)
    view = page.article
    assert view.title.text() == "Refund a card payment"
    assert "Billing/Refunds" in view.meta.text() and "Dana Ortiz" in view.meta.text()
    assert "#refunds" in view.links.text()
    assert "on its way" in view.body.toPlainText()
    assert "**" not in view.body.toPlainText()  # rendered, not shown as source


def test_editing_previews_live_flags_unknown_placeholders_and_saves_a_version(
    page: KnowledgePage, shelf: Shelf
) -> None:
    page.tree.select(ARTICLE, shelf.refund)
    page.article.edit.click()
    editor = page.editor
    assert page.right.currentWidget() is editor
    editor.body.setPlainText("Dear {customer.frist_name},\n\n*Refunds* take 5 days.")
    editor.refresh_preview()
    assert "Refunds take 5 days." in editor.preview.toPlainText()
    assert editor.warning.isVisible() and "{customer.frist_name}" in editor.warning.text()
    editor.body.setPlainText("Dear {customer.first_name},\n\n*Refunds* take 5 days.")
    editor.refresh_preview()
    assert not editor.warning.isVisible()
    editor.save.click()
    assert page.right.currentWidget() is page.article
    saved = shelf.kb.get(shelf.refund)
    assert saved.version == 2 and saved.body.startswith("Dear {customer.first_name}")
    assert "version 2" in page.article.meta.text()


def test_a_refused_save_keeps_the_editor_open_with_the_reason(
    page: KnowledgePage, shelf: Shelf
) -> None:
    page.tree.select(CATEGORY, shelf.billing)
    page.new_article.click()
    page.editor.body.setPlainText("No title yet")
    page.editor.save.click()
    assert page.right.currentWidget() is page.editor
    assert page.editor.error.isVisible() and "title is empty" in page.editor.error.text()
    page.editor.title.setText("Invoice address")
    page.editor.save.click()
    created = next(a for a in shelf.kb.articles() if a.title == "Invoice address")
    assert created.category_id == shelf.billing
    assert page.tree.current_ref() == (ARTICLE, created.id)


def test_translations_archive_and_history(page: KnowledgePage, shelf: Shelf) -> None:
    page.tree.select(ARTICLE, shelf.refund)
    page.add_translation("fa")
    assert page.right.currentWidget() is page.editor  # the copy opens to be translated
    page.editor.title.setText("بازپرداخت کارت")
    page.editor.save.click()
    persian = page.article.article
    assert persian is not None and persian.language == "fa"
    assert "English" in page.article.links.text()  # the link back
    page.article.article_requested.emit(shelf.refund)
    assert page.article.title.text() == "Refund a card payment"

    page.article.archive.click()
    assert shelf.kb.get(shelf.refund).archived
    assert page.article.archive.text() == "Bring &back"
    assert shelf.refund not in page.tree.visible_articles()
    page.article.archive.click()
    assert not shelf.kb.get(shelf.refund).archived

    shelf.kb.update(shelf.refund, body="Second text")
    page.open_article(shelf.refund)
    dialog = page.show_history()
    assert dialog is not None and dialog.list.count() == 2
    dialog.list.setCurrentRow(1)
    dialog.restore.click()
    restored = shelf.kb.get(shelf.refund)
    assert restored.version == 3 and "on its way" in restored.body


def test_reading_time_is_recorded_when_the_view_ends(
    qtbot: QtBot, ctx: AppContext, shelf: Shelf
) -> None:
    clock = FakeClock()
    page = KnowledgePage(ctx, monotonic=clock)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    QCoreApplication.sendEvent(page.window(), QEvent(QEvent.Type.WindowActivate))
    page.tree.select(ARTICLE, shelf.refund)
    clock.now += 42
    page.tree.select(ARTICLE, shelf.printer)  # the first view ends: 42 s
    clock.now += 3
    page.article.edit.click()  # editing is not reading; 3 s is only a glance anyway
    assert (shelf.kb.get(shelf.refund).views, shelf.kb.get(shelf.printer).views) == (1, 0)


def test_changes_made_elsewhere_refresh_the_tree(page: KnowledgePage, shelf: Shelf) -> None:
    added = shelf.kb.create("Made by a sync", "...", category_id=shelf.billing)
    assert added.id in page.tree.visible_articles()


def test_without_a_context_the_page_is_an_empty_state(qtbot: QtBot) -> None:
    widget = knowledge_page()
    qtbot.addWidget(widget)
    assert not isinstance(widget, KnowledgePage)


def test_suggestions_list_articles_for_a_ticket(
    qtbot: QtBot, runner: OpRunner, wb: Workbench, team: Team, shelf: Shelf
) -> None:
    ticket = wb.tickets.create("Printer offline again", team.customers[0].id)
    suggestions = ArticleSuggestions(runner)
    qtbot.addWidget(suggestions)
    suggestions.set_ticket(ticket.id)
    assert [s.id for s in suggestions.suggestions] == [shelf.printer]
    assert "internal" in suggestions.list.item(0).text()
    with qtbot.waitSignal(suggestions.insert_requested) as signal:
        suggestions.list.itemActivated.emit(suggestions.list.item(0))
    assert signal.args == [shelf.printer]
    nothing = wb.tickets.create("Qwxz", team.customers[0].id)
    suggestions.set_ticket(nothing.id)
    assert suggestions.list.count() == 0 and not suggestions.empty.isHidden()
