"""Parsing what people type into a search box: a small grammar, everything else is text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.search_query import (
    MARK_END,
    MARK_START,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    SearchQuery,
    Term,
    highlight,
    parse,
    render_marks,
)


def words(q: SearchQuery) -> list[list[str]]:
    return [[t.text for t in g] for g in q.groups]


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize='trigram case_sensitive 0')")
    conn.executemany(
        "INSERT INTO f(body) VALUES (?)",
        [("Printer offline in the NEAR office",), ('He said "AND" (twice) -- e-mail: x^2',),
         ("ខ្ញុំចង់ប្តូរពាក្យសម្ងាត់របស់ខ្ញុំ",), ("رمز عبور من کار نمی‌کند",)],
    )
    yield conn
    conn.close()


def test_words_are_anded_and_each_becomes_a_quoted_fts_string() -> None:
    q = parse("printer  offline")
    assert words(q) == [["printer"], ["offline"]]
    assert q.fts() == '"printer" AND "offline"'


def test_a_quoted_phrase_is_one_term_and_an_open_quote_runs_to_the_end() -> None:
    assert words(parse('"reset   password" now')) == [["reset password"], ["now"]]
    assert parse('"reset pass').groups == ((Term("reset pass", phrase=True),),)


def test_a_trailing_star_marks_a_prefix_and_is_dropped_from_the_text() -> None:
    q = parse('invo* "new acc"*')
    assert q.groups == ((Term("invo", prefix=True),), (Term("new acc", True, True),))
    assert q.fts() == '"invo" AND "new acc"'


def test_or_joins_terms_and_minus_or_not_exclude() -> None:
    q = parse('printer OR scanner -paper NOT toner -"out of ink"')
    assert words(q) == [["printer", "scanner"]]
    assert [t.text for t in q.excluded] == ["paper", "toner", "out of ink"]
    assert q.fts() == '(("printer" OR "scanner")) NOT "paper" NOT "toner" NOT "out of ink"'


def test_exclusions_remove_rows(fts: sqlite3.Connection) -> None:
    expr = parse("office -printer").fts()
    assert fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall() == []
    expr = parse("the OR said -printer -zzz").fts()
    assert fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall() == [(2,)]


def test_and_is_the_default_and_dangling_operators_are_dropped() -> None:
    assert words(parse("printer AND offline")) == [["printer"], ["offline"]]
    assert words(parse("OR printer NOT")) == [["printer"]]
    assert words(parse("NOT")) == [["NOT"]]  # alone it is the word people look for


@pytest.mark.parametrize(
    "text",
    ["NEAR(a b)", "subject:printer", "^start", "(foo)", "a*b", "e-mail", "C++", "50%", '15"'],
)
def test_fts_syntax_characters_are_text(text: str) -> None:
    q = parse(text)
    assert "".join(t.text for t in q.terms) == text.replace(" ", "")


def test_quotes_inside_a_word_are_escaped_for_fts() -> None:
    assert parse('say"hi"').fts() == '"say""hi"""'


def test_terms_under_three_characters_go_to_the_substring_fallback() -> None:
    short = parse("ab x")
    assert short.fts() is None and words(SearchQuery(short.short_groups)) == [["ab"], ["x"]]
    mixed = parse("ab printer")
    assert mixed.fts() == '"printer"' and mixed.short_groups == ()


def test_a_ticket_number_is_recognised() -> None:
    assert parse("#123").number == 123
    assert parse(" 42 ").number == 42
    assert parse("42 printers").number is None


def test_huge_pastes_are_cut_and_the_number_of_terms_bounded() -> None:
    q = parse("x" * 5000)
    assert len(q.terms[0].text) <= MAX_QUERY_CHARS
    many = parse(" ".join(f"word{i}" for i in range(100)))
    assert len(many.groups) == MAX_TERMS


def test_controls_surrogates_and_bidi_marks_are_removed_but_zwnj_kept() -> None:
    q = parse("\x00pri\x1bnter \ud800 \u200fرمز\u202e می\u200cخواهم")
    assert [t.text for t in q.terms] == ["pri", "nter", "رمز", "می\u200cخواهم"]


def test_only_punctuation_or_operators_never_reaches_the_index() -> None:
    assert parse('"" * - ( )').fts() is None
    assert parse("- -- *").fts() is None
    assert parse("AND OR").empty and parse('""').empty and parse("   ").empty
    assert parse("-printer").empty  # only exclusions: nothing to look for


def test_highlight_marks_every_match_case_insensitively() -> None:
    out = highlight("Printer offline; the printer", (Term("printer"),))
    assert out == f"{MARK_START}Printer{MARK_END} offline; the {MARK_START}printer{MARK_END}"
    assert render_marks(out, "[", "]") == "[Printer] offline; the [printer]"


def test_highlight_cuts_a_window_around_the_first_match_in_any_script() -> None:
    khmer = "ខ្ញុំ" * 60 + "ប្តូរ" + "ពាក្យ" * 60
    out = highlight(khmer, (Term("ប្តូរ"),), width=40)
    assert out.startswith("…") and out.endswith("…")
    assert f"{MARK_START}ប្តូរ{MARK_END}" in out


def test_overlapping_matches_merge_into_one_mark() -> None:
    out = highlight("password", (Term("pass"), Term("sword")))
    assert out == f"{MARK_START}password{MARK_END}"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_any_text_yields_a_valid_fts_expression_or_none(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize='trigram case_sensitive 0')")
    conn.execute("INSERT INTO f(body) VALUES ('printer offline')")
    expr = parse(text).fts()
    if expr is not None:
        conn.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall()
    conn.close()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200).filter(lambda t: MARK_START not in t and MARK_END not in t),
       st.text(min_size=1, max_size=20))
def test_highlighting_only_adds_marks_and_ellipses(text: str, query: str) -> None:
    out = highlight(text, parse(query).terms, width=50)
    plain = render_marks(out, "", "").replace("…", "")
    assert plain in " ".join(text.split()).replace("…", "")
    assert out.count(MARK_START) == out.count(MARK_END)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "*", "(", ")", "-", ":", "^", "NEAR", "AND", "OR",
                                 "NOT", " ", "a", "ab", "abc", "ខ្ញុំ", "رمز", "+", "{", "}"]),
                max_size=30))
def test_fts_syntax_soup_never_breaks_the_match(fts: sqlite3.Connection, parts: list[str]) -> None:
    expr = parse("".join(parts)).fts()
    if expr is not None:
        fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall()


def test_a_khmer_word_from_the_middle_of_a_sentence_matches(fts: sqlite3.Connection) -> None:
    expr = parse("ប្តូរ").fts()
    assert fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall() == [(3,)]


def test_hostile_words_are_matched_as_text(fts: sqlite3.Connection) -> None:
    for text, rowid in (('"AND"', 2), ("NEAR", 1), ("(twice)", 2), ("x^2", 2), ("e-mail:", 2)):
        expr = parse(text).fts()
        assert fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall() == [
            (rowid,)
        ], text
