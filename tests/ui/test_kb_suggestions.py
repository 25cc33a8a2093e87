"""Suggested articles in the ticket view: plain passages with the match highlighted, two
lines at most, cut with an ellipsis (never clipped), the whole passage in the tooltip."""

from __future__ import annotations

from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.kb.suggestions import (
    MARKS_ROLE,
    SNIPPET_LINES,
    SNIPPET_ROLE,
    TITLE_ROLE,
    ArticleSuggestions,
    SuggestionDelegate,
    split_marks,
    whole_clusters,
)
from ui.ops import OpRunner
from workbench.domain.search_query import MARK_END, MARK_START
from workbench.services.context import Workbench
from workbench.services.kb import KbService

LONG = ("After five failed sign-in attempts the account is locked for thirty minutes; "
        "wait, then reset the password from the sign-in page and try again. ") * 3


def shown(qtbot: QtBot, runner: OpRunner, ticket_id: str) -> ArticleSuggestions:
    suggestions = ArticleSuggestions(runner)
    qtbot.addWidget(suggestions)
    suggestions.resize(320, 400)
    suggestions.set_ticket(ticket_id)
    suggestions.show()
    return suggestions


def test_a_markdown_article_is_suggested_as_plain_text_with_the_match_marked(
    qtbot: QtBot, runner: OpRunner, wb: Workbench, team: Team
) -> None:
    KbService(wb).create("Printer offline", "# Printer offline\n\n## Steps\n\n- Restart the "
                         "**spooler** from [the admin page](https://example.com/admin).\n\n"
                         "```\nnet stop spooler\n```")
    ticket = wb.tickets.create("The spooler hangs", team.customers[0].id)
    suggestions = shown(qtbot, runner, ticket.id)
    item = suggestions.list.item(0)
    snippet = item.data(SNIPPET_ROLE)
    for syntax in ("#", "**", "](", "https://", "```", "- "):
        assert syntax not in snippet
    marked = [snippet[a:b] for a, b in item.data(MARKS_ROLE)]
    assert marked and all(m.lower() == "spooler" for m in marked)
    assert "Printer offline" in item.data(TITLE_ROLE)
    tip = item.toolTip()
    assert "<b>spooler</b>" in tip and "Restart the" in tip
    assert not suggestions.grab().isNull()


def test_a_long_passage_is_cut_to_two_lines_with_an_ellipsis() -> None:
    text, marks = split_marks(LONG.replace("password", f"{MARK_START}password{MARK_END}", 1))
    font = QFont()
    layout = SuggestionDelegate.passage_layout(font, text, marks, 260.0)
    assert layout.lineCount() <= SNIPPET_LINES
    assert layout.text().endswith("…")
    assert text.startswith(layout.text()[:-1].rstrip())  # the beginning, as written
    wide = SuggestionDelegate.passage_layout(font, "Short passage.", [], 600.0)
    assert wide.text() == "Short passage." and wide.lineCount() == 1


def test_a_match_ending_inside_a_khmer_cluster_is_widened_to_the_whole_cluster() -> None:
    text = "ពាក្យសម្ងាត់"  # ... ស ម ្ ង ា ត ់
    coeng = text.rindex("\u17d2")  # the one in ម្ង
    assert whole_clusters(text, [(0, coeng + 1)]) == [(0, text.index("ត"))]
    assert whole_clusters("abc def", [(0, 3)]) == [(0, 3)]


def test_a_khmer_suggestion_keeps_its_text_whole(
    qtbot: QtBot, runner: OpRunner, wb: Workbench, team: Team
) -> None:
    KbService(wb).create("របៀបកំណត់ពាក្យសម្ងាត់ឡើងវិញ",
                         "## ជំហាន\n\nចុចលើ **ភ្លេចពាក្យសម្ងាត់** នៅទំព័រ [ចូលគណនី](https://x.kh)។",
                         language="km")
    ticket = wb.tickets.create("ភ្លេចពាក្យសម្ងាត់", team.customers[0].id)
    suggestions = shown(qtbot, runner, ticket.id)
    snippet = suggestions.list.item(0).data(SNIPPET_ROLE)
    assert snippet.startswith("ជំហាន · ចុចលើ ភ្លេចពាក្យសម្ងាត់ នៅទំព័រ ចូលគណនី។")
