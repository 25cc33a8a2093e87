"""The knowledge base through its service: articles, versions, translations, answers, reads.

Every test ends by replaying the change log over the knowledge-base tables: a write that
escaped the one write path would make the replay differ from the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.domain.clock import FrozenClock
from workbench.services import kb_answers
from workbench.services.context import Workbench
from workbench.services.errors import NotFound, ValidationError
from workbench.services.kb import KbService
from workbench.store.changelog import column_values
from workbench.store.models import (
    ArticleView,
    CannedUse,
    Change,
    KbArticle,
    KbArticleVersion,
    KbCategory,
)

KB_MODELS = (KbCategory, KbArticle, KbArticleVersion, ArticleView, CannedUse)


def replay_matches_tables(wb: Workbench) -> None:
    """Applying the logged changes in order rebuilds exactly the knowledge-base rows."""
    entities = {m.__tablename__ for m in KB_MODELS}
    state: dict[tuple[str, str], dict[str, Any]] = {}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with wb.read() as s:
        for c in s.scalars(select(Change).where(Change.entity.in_(entities))
                           .order_by(Change.seq)):
            if c.kind == "insert":
                state[(c.entity, c.row_id)] = dict(c.fields)
            else:
                state[(c.entity, c.row_id)].update(c.fields)
        for model in KB_MODELS:
            for obj in s.scalars(select(model)):
                values = json.loads(json.dumps(column_values(obj)))
                rows[(model.__tablename__, values["id"])] = values
    assert state == rows


@pytest.fixture
def kb(wb: Workbench, team: dict[str, str]) -> Iterator[KbService]:
    service = KbService(wb)
    yield service
    replay_matches_tables(wb)


def test_create_edit_and_history_keep_every_version(kb: KbService, clock: FrozenClock) -> None:
    a = kb.create("Reset a password", "Open *Settings*.", tags=["Account", "login"])
    assert (a.version, a.tags, a.language, a.internal) == (1, ["account", "login"], "en", False)
    assert a.author_name == "Dana Smith" and a.editor_name is None
    clock.advance(60)
    b = kb.update(a.id, body="Open *Settings* → *Security*.")
    assert (b.version, b.editor_name, b.updated_at) == (2, "Dana Smith", a.updated_at + 60_000)
    kb.update(a.id, tags=["account"], internal=True)  # metadata: no new version
    history = kb.history(a.id)
    assert [(v.version, v.body, v.current) for v in history] == [
        (2, "Open *Settings* → *Security*.", True), (1, "Open *Settings*.", False)]
    assert kb.get(a.id).internal is True


def test_an_edit_that_changes_nothing_writes_nothing(kb: KbService, wb: Workbench) -> None:
    a = kb.create("Title", "Body")
    before = kb.get(a.id)
    kb.update(a.id, title="Title", body="Body", tags=[])
    assert kb.get(a.id) == before


def test_restore_is_a_new_edit_so_history_stays_append_only(kb: KbService) -> None:
    a = kb.create("Refunds", "v1")
    kb.update(a.id, title="Refunds (cards)", body="v2")
    restored = kb.restore(a.id, 1)
    assert (restored.version, restored.title, restored.body) == (3, "Refunds", "v1")
    assert [(v.version, v.title) for v in kb.history(a.id)] == [
        (3, "Refunds"), (2, "Refunds (cards)"), (1, "Refunds")]
    with pytest.raises(NotFound):
        kb.restore(a.id, 9)


def test_archive_hides_an_article_and_unarchive_brings_it_back(
    kb: KbService, wb: Workbench
) -> None:
    a = kb.create("Old printer driver", "Install driver 2.1")
    kb.archive(a.id)
    assert kb.get(a.id).archived
    assert a.id not in [x.id for x in kb.articles()]
    assert a.id in [x.id for x in kb.articles(include_archived=True)]
    assert wb.search.search("driver", kind="article") == []
    kb.unarchive(a.id)
    assert [h.id for h in wb.search.search("driver", kind="article")] == [a.id]


def test_translations_are_linked_both_ways(kb: KbService) -> None:
    en = kb.create("Refund a payment", "Hello {customer.first_name}", tags=["refunds"])
    fa = kb.add_translation(en.id, "fa", title="بازپرداخت وجه", body="سلام {customer.first_name}")
    km = kb.add_translation(fa.id, "km")  # from any member; starts as a copy
    assert (km.title, km.body, km.tags) == (fa.title, fa.body, ["refunds"])
    assert {t.language for t in kb.get(en.id).translations} == {"fa", "km"}
    assert {t.id for t in kb.get(fa.id).translations} == {en.id, km.id}
    with pytest.raises(ValidationError, match="already has a 'fa' translation"):
        kb.add_translation(en.id, "fa")
    with pytest.raises(ValidationError, match="already in"):
        kb.add_translation(en.id, "en")
    with pytest.raises(ValidationError, match="language code"):
        kb.add_translation(en.id, "Persian!")


def test_categories_nest_and_know_their_path(kb: KbService) -> None:
    billing = kb.create_category("Billing")
    refunds = kb.create_category("Refunds", billing.id)
    assert refunds.path == "Billing/Refunds"
    with pytest.raises(ValidationError):
        kb.create_category("Refunds", billing.id)
    with pytest.raises(ValidationError):
        kb.create_category("A/B")
    a = kb.create("Card refunds", "...", category_id=refunds.id)
    assert kb.get(a.id).category_path == "Billing/Refunds"
    assert [c.path for c in kb.categories()] == ["Billing", "Billing/Refunds"]
    moved = kb.update(a.id, category_id=None)
    assert moved.category_path is None


def test_get_finds_by_id_end_or_title(kb: KbService) -> None:
    a = kb.create("Unique title", "x")
    assert kb.get(a.id[-8:]).id == a.id
    assert kb.get("Unique title").id == a.id
    with pytest.raises(NotFound):
        kb.get("nothing like it")


def test_render_for_ticket_fills_placeholders_and_marks_what_is_missing(
    kb: KbService, wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Card charged twice", team["customer"])
    a = kb.create("Double charge", "# Double charge\n\nHi {customer.first_name|there}, about "
                  "{ticket.key} ({ticket.subject}) at {customer.organisation}.\n"
                  "{agent.first_name}, {team.name|Support} · {today} · no. {ticket.number}\n")
    result = kb.render_for_ticket(a.id, t.key, team["agent"])
    mark = "«customer.organisation?»"
    assert result.text == (f"Hi Ana, about {t.key} (Card charged twice) at {mark}.\n"
                           f"Ravi, Support · 2026-03-02 · no. {t.number}\n")
    assert result.missing == ("customer.organisation",)
    start, end = result.missing_spans[0]
    assert result.text[start:end] == mark
    no_ticket = kb.render_for_ticket(a.id, None, None)
    assert no_ticket.text.startswith("Hi there, about «ticket.key?»")
    with pytest.raises(NotFound):
        kb.render_for_ticket(a.id, "#99999", None)


def test_suggestions_rank_articles_by_the_tickets_words(
    kb: KbService, wb: Workbench, team: dict[str, str]
) -> None:
    printer = kb.create("Printer shows offline", "Restart the print spooler.")
    kb.create("Refund a payment", "Refunds take five days.")
    kb.create("Invoice address", "Change the invoice address in Billing.")
    t = wb.tickets.create("My printer is offline", team["customer"],
                          body="Hello, since the update the printer says offline. Thanks")
    suggestions = kb.suggest_for_ticket(t.key)
    assert [s.id for s in suggestions][:1] == [printer.id]
    assert all(s.id != "" for s in suggestions) and len(suggestions) <= 5
    nothing = wb.tickets.create("Zzyzx qwvbn", team["customer"], body="ok")
    assert kb.suggest_for_ticket(nothing.key) == []


def test_suggestions_keep_one_article_per_translation_group(
    kb: KbService, wb: Workbench, team: dict[str, str]
) -> None:
    en = kb.create("Printer offline", "Restart the printer spooler", tags=["printer"])
    fa = kb.add_translation(en.id, "fa", title="چاپگر آفلاین", body="چاپگر را دوباره راه‌اندازی")
    wb.customers.update(team["customer"], language="fa")
    t = wb.tickets.create("printer", team["customer"])
    assert [s.id for s in kb.suggest_for_ticket(t.key)] == [fa.id]


def test_record_use_knows_whether_the_answer_was_edited(
    kb: KbService, wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Refund", team["customer"])
    a = kb.create("Refund", "Refunds take five days.")
    inserted = "Refunds take five days.\n"
    sent = "Hi Ana,\r\n\r\nRefunds take five days.\r\n"
    assert kb.record_use(a.id, t.id, inserted, sent) is False
    assert kb.record_use(a.id, t.id, inserted, "Refunds take 5 days.") is True
    assert kb.get(a.id).uses == 2
    wb.actor_id = None
    with pytest.raises(ValidationError, match="no agent"):
        kb.record_use(a.id, t.id, inserted, inserted)


def test_record_view_counts_reads_of_at_least_five_seconds(kb: KbService) -> None:
    a = kb.create("Read me", "...")
    assert kb.record_view(a.id, 4.9) is False
    assert kb.record_view(a.id, 5) is True
    assert kb.record_view(a.id, 61.5) is True
    assert kb.get(a.id).views == 2
    with pytest.raises(ValidationError):
        kb.record_view(a.id, -1)


def test_import_writes_every_row_through_the_log(kb: KbService, tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("---\ntitle: Imported\ncategory: Help/Start\n---\nv1\n")
    first = kb.import_paths([doc])
    assert (first.count("created"), first.categories_created) == (1, ["Help", "Help/Start"])
    doc.write_text("---\ntitle: Imported\ncategory: Help/Start\n---\nv2\n")
    assert kb.import_paths([doc, doc]).count("updated") == 1  # named twice: imported once
    assert kb.get("Imported").version == 2


def test_answers_are_inserted_as_plain_text_not_markdown_source() -> None:
    markdown = (
        "## Steps\n\n1. Open **Settings** → *Account*.\n* Press `Save`\n+ See "
        "[the guide](https://example.com/guide) or <https://x.example>\n> quoted\n\n"
        "```\ncode line\n```\n---\nHi {customer.first_name}, 2 * 3 = 6 \\*literal\\*\n"
        "![logo](logo.png) __bold__ snake_case_word"
    )
    assert kb_answers.markdown_to_text(markdown) == (
        "Steps\n\n1. Open Settings → Account.\n- Press Save\n- See the guide "
        "(https://example.com/guide) or <https://x.example>\nquoted\n\ncode line\n———\n"
        "Hi {customer.first_name}, 2 * 3 = 6 *literal*\nlogo bold snake_case_word"
    )


@given(st.text(), st.text())
def test_any_article_renders_as_an_answer_without_raising(title: str, body: str) -> None:
    result = kb_answers.render_answer(title, body, {})
    assert result.text.endswith("\n")
    for start, end in result.missing_spans:
        assert result.text[start] == "«" and result.text[end - 1] == "»"
