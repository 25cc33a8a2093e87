"""Searching tickets, customers and articles in any script, as an agent types."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.cli import search as search_cli
from workbench.config import resolve_paths
from workbench.domain.clock import FrozenClock
from workbench.domain.search_query import MARK_END, MARK_START
from workbench.services.context import Workbench
from workbench.services.errors import ValidationError
from workbench.services.search import SearchHit, SearchService, SearchUnavailable
from workbench.store.models import KbArticle, Ticket


@pytest.fixture
def search(wb: Workbench) -> SearchService:
    return SearchService(wb)


def article(wb: Workbench, title: str, body: str, tags: list[str] | None = None,
            archived: bool = False) -> str:
    with wb.write() as w:
        now = w.now_ms
        a = w.insert(KbArticle(title=title, body=body, tags=tags or [], created_at=now,
                               updated_at=now, archived_at=now if archived else None))
        return a.id


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


# subject, a word from it (any case), its first one or two characters
SCRIPTS = {
    "latin": ("Printer offline in Lisbon", "OFFLINE", "Pr"),
    "khmer": ("ម៉ាស៊ីនបោះពុម្ពមិនដំណើរការ", "បោះពុម្ព", "ម៉"),
    "persian": ("چاپگر کار نمی‌کند", "چاپگر", "چا"),
    "bengali": ("প্রিন্টার কাজ করছে না", "প্রিন্টার", "প্"),
    "amharic": ("አታሚው አይሰራም", "አይሰራም", "አታ"),
    "armenian": ("Տպիչը չի աշխատում", "տպիչը", "տպ"),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_is_found_by_a_word_and_by_its_first_letters(
    wb: Workbench, team: dict[str, str], search: SearchService, script: str
) -> None:
    subject, word, first = SCRIPTS[script]
    wb.tickets.create("Unrelated question", team["customer"])
    t = wb.tickets.create(subject, team["customer"])
    assert ids(search.search(word))[:1] == [t.id]
    assert t.id in ids(search.search(first))
    assert t.id in ids(search.search(first[:1]))


def test_a_khmer_word_from_the_middle_of_a_sentence_finds_the_article(
    wb: Workbench, search: SearchService
) -> None:
    a = article(wb, "ការកំណត់គណនី", "ខ្ញុំចង់ប្តូរពាក្យសម្ងាត់របស់ខ្ញុំហើយចូលគណនីម្តងទៀត")
    article(wb, "ការដឹកជញ្ជូន", "អីវ៉ាន់មកដល់យឺត")
    hits = search.search("ពាក្យសម្ងាត់")
    assert ids(hits) == [a]
    assert f"{MARK_START}ពាក្យសម្ងាត់{MARK_END}" in hits[0].snippet


def test_persian_text_is_found_in_articles_and_customer_names(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    a = article(wb, "بازیابی رمز عبور", "برای تغییر رمز عبور روی «فراموشی» کلیک کنید")
    c = wb.customers.create("مریم احمدی", "maryam@example.ir", organisation="نان سحر")
    assert ids(search.search("رمز عبور", kind="article")) == [a]
    assert ids(search.search("احمدی")) == [c.id]
    assert ids(search.search('"نان سحر"')) == [c.id]


def test_phrase_and_prefix_queries(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    first = wb.tickets.create("Reset password link expired", team["customer"])
    second = wb.tickets.create("Password cannot be reset", team["customer"])
    assert ids(search.search('"reset password"')) == [first.id]
    assert set(ids(search.search("passw*"))) == {first.id, second.id}
    assert ids(search.search("reset -expired")) == [second.id]
    assert set(ids(search.search("expired OR cannot"))) == {first.id, second.id}


@pytest.mark.parametrize(
    "query",
    ['"', '"""', "*", "(", ")", "NEAR", "NEAR(printer", "-", "--", "AND", "OR", "NOT",
     "printer AND", '"unbalanced phrase', "!!!", "?", ":", "^", "subject:printer",
     "a OR", "-printer", "\x00", "\u202e", "💥", "' OR 1=1 --", "%", "_", "\\", "x" * 5000,
     "ab " * 2000],
)
def test_whatever_is_typed_never_raises(
    wb: Workbench, team: dict[str, str], search: SearchService, query: str
) -> None:
    wb.tickets.create("Printer offline", team["customer"])
    article(wb, "Printer guide", "NEAR the (printer) press * twice")
    assert isinstance(search.search(query), list)


def test_syntax_characters_are_found_as_text(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    t = wb.tickets.create("Error: 50% of C++ builds fail (again)", team["customer"])
    for query in ("50%", "C++", "(again)", "Error:", "%", "+"):
        assert ids(search.search(query)) == [t.id], query


def test_a_subject_hit_ranks_above_a_message_hit(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    in_body = wb.tickets.create("Question about my order", team["customer"],
                                body="I would like a refund for the blue jacket")
    in_subject = wb.tickets.create("Refund not received", team["customer"])
    assert ids(search.search("refund")) == [in_subject.id, in_body.id]


def test_an_article_title_hit_ranks_above_a_body_hit(
    wb: Workbench, search: SearchService
) -> None:
    body = article(wb, "Shipping times", "Ask for a refund when a parcel is lost for good.")
    title = article(wb, "Refund policy", "What we pay back and when.")
    assert ids(search.search("refund")) == [title, body]


def test_the_index_follows_creates_and_updates_through_the_services(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    t = wb.tickets.create("Printer offline", team["customer"])
    assert ids(search.search("printer")) == [t.id]
    wb.tickets.update(t.id, subject="Scanner jammed")
    assert search.search("printer", kind="ticket") == []
    assert ids(search.search("jammed")) == [t.id]
    wb.tickets.reply(t.id, "Please send a photo of the paper tray")
    wb.tickets.note(t.id, "Customer is a reseller in Phnom Penh")  # agents see notes
    assert ids(search.search("paper tray")) == [t.id]
    assert ids(search.search("reseller", kind="ticket")) == [t.id]
    wb.customers.update(team["customer"], name="Ana Lima-Souza", organisation="Souza Foods")
    hits = search.search("souza", kind="customer")
    assert ids(hits) == [team["customer"]] and hits[0].title == "Ana Lima-Souza"


def test_rows_written_with_a_raw_executemany_are_found(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    with wb.db.session() as s:
        s.connection().exec_driver_sql(
            "INSERT INTO tickets (id, number, subject, status, priority, channel, customer_id,"
            " tags, created_at, updated_at, reopen_count) "
            "VALUES (?, ?, ?, 'open', 'normal', 'email', ?, '[]', 0, 0, 0)",
            [(f"raw-{i}", 1000 + i, f"Imported router fault {i}", team["customer"])
             for i in range(50)],
        )
    assert len(search.search("router fault", limit=100)) == 50


def test_hits_are_plain_records_with_a_ticket_title_number_and_marked_snippet(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    t = wb.tickets.create("Invoice missing", team["customer"], body="Where is my invoice?")
    (hit,) = search.search("invoice")
    assert hit.kind == "ticket" and hit.number == t.number == 1
    assert hit.title == "#1 Invoice missing"
    assert hit.snippet == f"Where is my {MARK_START}invoice{MARK_END}?"
    assert hit.score > 0


def test_a_ticket_number_comes_first(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    wb.tickets.create("Printer", team["customer"])
    second = wb.tickets.create("Order 2 never arrived", team["customer"])
    assert ids(search.search("#2"))[:1] == [second.id]
    assert ids(search.search("2"))[:1] == [second.id]


def test_kind_and_limit_narrow_the_results(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    for i in range(5):
        wb.tickets.create(f"Printer issue {i}", team["customer"])
    article(wb, "Printer setup", "Steps")
    assert len(search.search("printer", limit=3)) == 3
    assert {h.kind for h in search.search("printer", kind="article")} == {"article"}
    with pytest.raises(ValidationError):
        search.search("printer", kind="invoice")


def test_archived_articles_are_not_found(wb: Workbench, search: SearchService) -> None:
    article(wb, "Old printer policy", "Replaced", archived=True)
    assert search.search("printer") == []


def test_reindex_restores_an_emptied_or_dropped_index(
    wb: Workbench, team: dict[str, str], search: SearchService
) -> None:
    t = wb.tickets.create("Printer offline", team["customer"])
    with wb.db.session() as s:
        s.execute(text("INSERT INTO search_tickets(search_tickets) VALUES ('delete-all')"))
    assert search.search("printer") == []
    report = search.rebuild()
    assert report.counts["tickets"] == 1 and report.repaired == []
    assert ids(search.search("printer")) == [t.id]
    with wb.db.session() as s:
        s.execute(text("DROP TABLE search_tickets"))
    with pytest.raises(SearchUnavailable, match="workbench reindex"):
        search.search("printer")
    assert "search_tickets" in search.rebuild().repaired
    assert ids(search.search("printer")) == [t.id]
    wb.tickets.create("Printer on fire", team["customer"])  # the triggers work again
    assert len(search.search("printer")) == 2


def test_a_bulk_load_is_searchable_when_it_ends(
    wb: Workbench, team: dict[str, str], search: SearchService, clock: FrozenClock
) -> None:
    with search.bulk_load() as w:
        w.bulk_insert(Ticket, [
            {"id": f"bulk-{i:04d}", "number": 500 + i, "subject": f"Modem reboot loop {i}",
             "status": "open", "priority": "normal", "channel": "email",
             "customer_id": team["customer"], "assignee_id": None, "team_id": None,
             "tags": [], "created_at": clock.now_ms(), "updated_at": clock.now_ms(),
             "first_response_at": None, "solved_at": None, "reopen_count": 0,
             "next_due_at": None, "next_due_target": None}
            for i in range(30)
        ])
    assert len(search.search("modem", limit=100)) == 30


def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--as", dest="acting")
    search_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--data-dir", str(tmp_path / "data"), *argv])
    assert args.handler(args) == 0
    return capsys.readouterr().out


def test_the_cli_searches_and_reindexes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: FrozenClock
) -> None:
    wb = Workbench.open(resolve_paths(tmp_path / "data").database, clock=clock)
    wb.actor_id = wb.agents.create("Dana Smith", "dana@example.com", "manager").id
    customer = wb.customers.create("Ana Lima", "ana@example.org")
    wb.tickets.create("Printer offline", customer.id)
    wb.close()
    out = run_cli(tmp_path, capsys, "search", "printer")
    assert out.splitlines() == ["ticket   #1 Printer offline", "         [Printer] offline"]
    hits = json.loads(run_cli(tmp_path, capsys, "search", "--json", "--kind", "ticket", "prin"))
    assert hits[0]["title"] == "#1 Printer offline" and hits[0]["number"] == 1
    assert "indexed 1 tickets" in run_cli(tmp_path, capsys, "reindex")
    report = json.loads(run_cli(tmp_path, capsys, "reindex", "--json"))
    assert report["counts"]["customers"] == 1
