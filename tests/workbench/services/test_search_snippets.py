"""An article's search snippet reads as the article does: its Markdown is not shown."""

from __future__ import annotations

import pytest

from workbench.domain.search_query import MARK_END, MARK_START
from workbench.services.context import Workbench
from workbench.services.kb import KbService
from workbench.services.search import SearchService, markdown_text


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("## Steps\n\nClick **Reset**.", "Steps · Click Reset."),
        ("Use *italics* and _this_ but keep snake_case and 2*3*4.",
         "Use italics and this but keep snake_case and 2*3*4."),
        ("See [the guide](https://example.com/guide) or ![a screenshot](s.png).",
         "See the guide or a screenshot."),
        ("See [the admin guide][guide].\n\n[guide]: https://example.com/admin",
         "See the admin guide."),
        ("Run:\n\n```bash\nreset --all\n```\n\nthen `restart`.", "Run: reset --all then restart."),
        ("> Quoted advice\n\n- first\n- second\n1. numbered",
         "Quoted advice first · second · numbered"),
        ("Mail <https://example.com> or write<br>to us ~~never~~.",
         "Mail https://example.com or write to us never."),
        ("| Plan | Price |\n|---|---|\n| Pro | 10 |", "Plan · Price Pro · 10"),
        ("# ជំហាន\n\nចុចលើ **ភ្លេចពាក្យសម្ងាត់**។", "ជំហាន · ចុចលើ ភ្លេចពាក្យសម្ងាត់។"),
        ("## راهنما\n\n- **رمز عبور** را تغییر دهید", "راهنما · رمز عبور را تغییر دهید"),
    ],
)
def test_markdown_reads_as_plain_text(markdown: str, plain: str) -> None:
    assert markdown_text(markdown) == plain


def test_a_first_heading_that_repeats_the_title_is_left_out() -> None:
    assert markdown_text("# Refunds\n\nThe money is on its way.", "Refunds") == (
        "The money is on its way.")
    assert markdown_text("# Other\n\nText.", "Refunds") == "Other · Text."


def test_an_article_hit_snippet_has_no_markdown_but_keeps_the_highlight(
    wb: Workbench, team: dict[str, str]
) -> None:
    kb = KbService(wb)
    kb.create("Password reset", "# Password reset\n\n## Steps\n\n1. Click **Forgot "
              "password** on [the sign-in page](https://example.com/login).\n\n```\nreset\n```")
    hits = SearchService(wb).search("forgot", kind="article")
    assert len(hits) == 1
    snippet = hits[0].snippet
    assert f"{MARK_START}Forgot{MARK_END}" in snippet
    for syntax in ("#", "**", "](", "https://example.com/login", "```", "1. "):
        assert syntax not in snippet
    assert snippet.startswith("Steps · Click")
