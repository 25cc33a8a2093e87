"""Placeholders: what is one, how it renders, and that no article text can make it raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.placeholders import (
    KNOWN,
    escape,
    find_placeholders,
    first_name,
    missing_mark,
    missing_marks,
    render,
    unknown_placeholders,
)

VALUES = {
    "customer.first_name": "Ana",
    "customer.name": "Ana Lima",
    "ticket.number": "#1042",
    "agent.name": "Dana Smith",
    "customer.organisation": None,
    "customer.email": "   ",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello {customer.first_name},", "Hello Ana,"),
        ("Ticket {ticket.number} — {agent.name}", "Ticket #1042 — Dana Smith"),
        ("Hi {customer.first_name|there}", "Hi Ana"),
        ("Hi { customer.first_name }", "Hi Ana"),
        ("Hi {Customer.First_Name}", "Hi Ana"),
        ("From {customer.organisation|your team}", "From your team"),
        ("Mail {customer.email|you}", "Mail you"),  # blank counts as missing
        ("Org:{customer.organisation|}.", "Org:."),  # empty fallback: deliberately nothing
        ("Fallback { customer.organisation | trimmed }", "Fallback trimmed"),
        ("literal {{customer.name}}", "literal {customer.name}"),
        ("{{ and }} escape", "{ and } escape"),
        ("{{{customer.first_name}}}", "{Ana}"),
        ('json {"a": 1} stays', 'json {"a": 1} stays'),
        ("stray { and } braces", "stray { and } braces"),
        ("code {id} and {id|0} stay", "code {id} and {id|0} stay"),  # one word: not a name
        ("on {today|soon}", "on soon"),
        ("unclosed {customer.name", "unclosed {customer.name"),
        ("{customer.name\n}", "{customer.name\n}"),
        ("", ""),
        ("سلام {customer.first_name} عزیز", "سلام Ana عزیز"),
    ],
)
def test_render_table(text: str, expected: str) -> None:
    assert render(text, VALUES).text == expected


def test_a_missing_value_without_fallback_stays_visibly_marked_with_its_span() -> None:
    result = render("Dear {customer.organisation}, see {ticket.number}.", VALUES)
    mark = missing_mark("customer.organisation")
    assert result.text == f"Dear {mark}, see #1042."
    assert result.missing == ("customer.organisation",)
    (start, end), = result.missing_spans
    assert result.text[start:end] == mark == "«customer.organisation?»"
    assert not result.complete


def test_unknown_names_are_marked_not_blanked() -> None:
    result = render("Hi {customer.frist_name}!", VALUES)
    assert result.text == "Hi «customer.frist_name?»!"
    assert result.missing == ("customer.frist_name",)


def test_spans_count_characters_after_earlier_substitutions() -> None:
    result = render("{agent.name} {x.a} {{ {y.b}", VALUES)
    assert [result.text[a:b] for a, b in result.missing_spans] == ["«x.a?»", "«y.b?»"]


def test_values_are_inserted_verbatim_never_reparsed() -> None:
    assert render("{customer.name}", {"customer.name": "{ticket.number}"}).text == (
        "{ticket.number}"
    )


def test_find_placeholders_reports_names_fallbacks_and_spans() -> None:
    text = "Hi {customer.first_name|there}, {{literal}} {today}"
    found = find_placeholders(text)
    assert [(p.name, p.fallback) for p in found] == [
        ("customer.first_name", "there"), ("today", None)
    ]
    assert text[found[0].start:found[0].end] == "{customer.first_name|there}"
    assert found[0].source == "{customer.first_name|there}"


def test_unknown_placeholders_flags_typos_only() -> None:
    text = "{customer.first_name} {customer.frist_name} {{customer.nope}} {ticket.numbr|x}"
    assert [p.name for p in unknown_placeholders(text)] == [
        "customer.frist_name", "ticket.numbr"
    ]
    assert "team.name" in KNOWN and "today" in KNOWN


def test_first_name() -> None:
    assert first_name("Ana Lima") == "Ana"
    assert first_name("  ") is None
    assert first_name(None) is None


@given(st.text())
def test_any_text_renders_or_reports_never_raises(text: str) -> None:
    result = render(text, {})
    for (start, end), name in zip(result.missing_spans, result.missing, strict=True):
        assert result.text[start:end] == missing_mark(name)
    if "«" not in text:  # the marks render made are all there is to find
        assert missing_marks(result.text) == list(result.missing_spans)
    assert len(result.missing_spans) == len(
        [p for p in find_placeholders(text) if p.fallback is None]
    )
    unknown_placeholders(text)


@given(st.text(alphabet=st.sampled_from("{}|ab.c_ \n«?»")))
def test_brace_soup_renders_never_raises(text: str) -> None:
    result = render(text, {"a": "A", "b.c": None})
    assert all(0 <= a < b <= len(result.text) for a, b in result.missing_spans)


@given(st.text())
def test_escaped_text_renders_back_to_itself(text: str) -> None:
    assert render(escape(text), VALUES) == render(escape(text), {})
    assert render(escape(text), VALUES).text == text


@given(st.text().filter(lambda t: "{" not in t and "}" not in t))
def test_text_without_braces_is_unchanged(text: str) -> None:
    assert render(text, VALUES).text == text
