"""User-typed text is checked the same way from every entry point."""

from __future__ import annotations

import pytest

from workbench.domain.validation import (
    MAX_BODY_CHARS,
    clean_body,
    clean_email,
    clean_line,
    clean_tags,
)


def test_an_empty_subject_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="the subject is empty"):
        clean_line("   ", "the subject")


def test_bidi_override_characters_are_refused_with_their_position() -> None:
    with pytest.raises(ValueError, match=r"U\+202E\) at position 4"):
        clean_line("abc\u202eexe.txt", "the name")


def test_persian_text_with_its_right_to_left_mark_is_accepted() -> None:
    assert clean_line("سلام\u200f دنیا", "the name") == "سلام\u200f دنیا"


def test_a_five_megabyte_paste_is_refused_naming_the_limit() -> None:
    with pytest.raises(ValueError, match="the limit is 200,000"):
        clean_body("x" * 5_000_000)
    assert len(clean_body("y" * MAX_BODY_CHARS)) == MAX_BODY_CHARS


def test_text_is_normalised_to_nfc() -> None:
    assert clean_line("Jose\u0301", "the name") == "José"


def test_emails_are_lower_cased_and_checked() -> None:
    assert clean_email(" Ana@Example.ORG ") == "ana@example.org"
    with pytest.raises(ValueError):
        clean_email("ana at example")


def test_tags_are_unique_sorted_lower_case_words() -> None:
    assert clean_tags(["VIP", "login", "vip", " "]) == ["login", "vip"]
    with pytest.raises(ValueError):
        clean_tags(["two words"])
