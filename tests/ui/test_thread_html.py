"""The ticket thread as rich text: directions, escaping, and notes that stand apart."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from ui.dialogs.thread_html import render_thread, text_direction
from workbench.services.dto import EventInfo, TicketDetail, TicketRow


def detail_with(*events: EventInfo) -> TicketDetail:
    row = TicketRow("t1", 7, "Login", "open", "high", "email", "c1", "آرش کریمی", "premium",
                    "a1", "Dana Ortiz", [], 0, 0, None, None)
    return TicketDetail(row, None, None, None, 0, list(events))


def event(kind: str, body: str = "", author: str | None = "Dana Ortiz",
          old: str | None = None, new: str | None = None) -> EventInfo:
    return EventInfo(f"e-{kind}", kind, "a1", author, body, old, new, 1_800_000_000_000)


def test_direction_follows_the_first_strong_character() -> None:
    assert text_direction("سلام، حساب شما فعال شد.") == "rtl"
    assert text_direction("12 – سلام") == "rtl"
    assert text_direction("Hello سلام") == "ltr"
    assert text_direction("ሰላም") == "ltr"  # Ethiopic is written left to right


def test_each_paragraph_of_a_message_gets_its_own_direction(qapp: object) -> None:
    html = render_thread(detail_with(event("public_reply", "سلام\n\nThanks,\nDana")), {},
                         QPalette())
    assert '<p dir="rtl">سلام</p>' in html
    assert '<p dir="ltr">Thanks,<br/>Dana</p>' in html


def test_notes_are_labelled_and_everything_user_written_is_escaped(qapp: object) -> None:
    html = render_thread(
        detail_with(event("internal_note", "<b>not bold</b>"),
                    event("assignee_change", old=None, new="a2")),
        {"a2": "Sam <Okafor>"},
        QPalette(),
    )
    assert "Internal note · not sent" in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html
    assert "Sam &lt;Okafor&gt;" in html
