"""Customer use cases: create, find by id or e-mail, update, preferences, list."""

from __future__ import annotations

import pytest

from workbench.services.context import Workbench
from workbench.services.errors import NotFound, ValidationError


def test_a_customer_is_found_by_id_or_email(wb: Workbench) -> None:
    c = wb.customers.create("Սոնա Հակոբյան", "sona@example.am", time_zone="Asia/Yerevan")
    assert wb.customers.get(c.id).name == "Սոնա Հակոբյան"
    assert wb.customers.get("SONA@example.am").id == c.id
    with pytest.raises(NotFound):
        wb.customers.get("nobody@example.org")


def test_preferences_are_kept_per_key(wb: Workbench) -> None:
    c = wb.customers.create("Ana Lima", "ana@example.org")
    wb.customers.set_preference(c.id, "do_not_call", True)
    wb.customers.set_preference(c.id, "do_not_call", False)
    wb.customers.set_preference(c.id, "preferred_channel", "email")
    assert wb.customers.get(c.id).preferences == {
        "do_not_call": False,
        "preferred_channel": "email",
    }


def test_invalid_customer_fields_are_refused(wb: Workbench) -> None:
    with pytest.raises(ValidationError, match="IANA"):
        wb.customers.create("Ana", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="plan must be"):
        wb.customers.create("Ana", plan="gold")
    with pytest.raises(ValidationError, match="bidirectional"):
        wb.customers.create("evil\u202ename")


def test_search_matches_names_emails_and_organisations_in_any_script(wb: Workbench) -> None:
    wb.customers.create("মিতা দাস", "mita@example.bd", organisation="ঢাকা ব্যাংক")
    wb.customers.create("Ana Lima", "ana@example.org", organisation="Lima Ltd")
    assert [c.name for c in wb.customers.list("ব্যাংক")] == ["মিতা দাস"]
    assert [c.name for c in wb.customers.list("example.org")] == ["Ana Lima"]
    assert wb.customers.count() == 2
