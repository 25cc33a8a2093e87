"""``{customer.first_name}`` is the name a person is greeted by, in every naming order.

Names written family name first (Khmer, Hungarian, Vietnamese, Chinese, Japanese, Korean)
give their last part; the others their first. The order comes from the person's language
or, failing that, from the script the name is written in.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.placeholders import family_name_first, first_name, render


@pytest.mark.parametrize(
    ("full_name", "language", "given_name"),
    [
        # Khmer: family name first, with or without a language tag
        ("សុខ ចាន់ថា", "km", "ចាន់ថា"),
        ("ហេង សុភា", "km-KH", "សុភា"),
        ("លី ស្រីមុំ", None, "ស្រីមុំ"),
        ("លី ស្រីមុំ", "en", "ស្រីមុំ"),
        # Persian, Bengali, Amharic, Armenian, Latin: given name first
        ("آرش کریمی", "fa", "آرش"),
        ("সুমন দাস", "bn", "সুমন"),
        ("አበበ ከበደ", "am", "አበበ"),
        ("Արամ Պետրոսյան", "hy", "Արամ"),
        ("Élodie Martin", "fr", "Élodie"),
        ("Ana Lima", None, "Ana"),
        # Latin-script names of family-name-first languages: the language says so
        ("Nagy Péter", "hu", "Péter"),
        ("Nguyễn Văn An", "vi_VN", "An"),
        ("Wang Xiaoming", "zh", "Xiaoming"),
        ("Sato Haruto", "ja", "Haruto"),
        ("Kim Minjun", "ko-KR", "Minjun"),
        # CJK scripts: family name first whatever the tag
        ("김 민준", "en", "민준"),
        ("山田 花子", None, "花子"),
        # one word: the whole name
        ("ចាន់ថា", "km", "ចាន់ថា"),
        ("Madonna", "en", "Madonna"),
    ],
)
def test_first_name_is_the_given_name_in_each_naming_order(
    full_name: str, language: str | None, given_name: str
) -> None:
    assert first_name(full_name, language) == given_name


def test_a_latin_name_is_read_given_name_first_without_a_language() -> None:
    assert not family_name_first("Nagy Péter")
    assert family_name_first("Nagy Péter", "hu")
    assert first_name("Nagy Péter") == "Nagy"


def test_no_name_has_no_first_name_in_any_language() -> None:
    assert first_name(None, "km") is None
    assert first_name("   ", "hu") is None
    assert first_name("", None) is None


def test_a_khmer_greeting_uses_the_given_name() -> None:
    name = "សុខ ចាន់ថា"
    out = render("ជំរាបសួរ {customer.first_name|លោកអ្នក}",
                 {"customer.first_name": first_name(name, "km")})
    assert out.text == "ជំរាបសួរ ចាន់ថា"


@given(st.text(max_size=60), st.sampled_from([None, "", "km", "hu", "en", "fa", "x-"]))
def test_first_name_is_always_one_word_of_the_name(full_name: str, language: str | None) -> None:
    result = first_name(full_name, language)
    words = full_name.split()
    if words:
        assert result in (words[0], words[-1])
    else:
        assert result is None
