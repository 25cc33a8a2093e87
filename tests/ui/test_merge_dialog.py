"""Merging duplicates from a profile: pick the record to keep, see what moves and which
preferences conflict, choose the value to keep, merge."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.customer.detail import CustomerDetail
from ui.customer.merge_dialog import MergeDialog
from workbench.services.context import Workbench
from workbench.services.errors import NotFound


def test_a_conflicting_preference_is_shown_and_the_choice_applied(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    keep = team.customers[0]  # آرش کریمی <arash@example.ir>
    duplicate = wb.customers.create("Arash Karimi", "arash.k@mail.example", phone="+98 21 1")
    wb.customers.set_preference(keep.id, "preferred_channel", "email")
    wb.customers.set_preference(duplicate.id, "preferred_channel", "phone")
    wb.customers.set_preference(duplicate.id, "language", "fa")
    wb.tickets.create("Login fails", duplicate.id)
    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_customer(duplicate.id)
    dialog = detail.merge_into()
    assert isinstance(dialog, MergeDialog)
    dialog.picker.set_query("arash@example.ir")
    preview = dialog.preview_data
    assert preview is not None and preview.survivor_id == keep.id
    assert "1 tickets" in dialog.summary.text() and "phone" in dialog.summary.text()
    assert list(dialog.choices) == ["preferred_channel"]
    take = dialog.choices["preferred_channel"].button(1)
    assert take.objectName() == "take-preferred_channel" and "phone" in take.text()
    take.click()
    assert dialog.chosen_sides() == {"preferred_channel": "duplicate"}
    dialog.merge()
    assert dialog.result_data is not None
    merged = wb.customers.get(keep.id)
    assert merged.preferences == {"preferred_channel": "phone", "language": "fa"}
    assert merged.phone == "+98 21 1" and merged.open_tickets == 1
    with pytest.raises(NotFound):
        wb.customers.get(duplicate.id)
    assert detail.customer is not None and detail.customer.id == keep.id  # shows the kept one


def test_the_search_starts_with_the_name_and_the_record_itself_cannot_be_kept(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    elodie = team.customers[2]
    twin = wb.customers.create("Élodie Martin", "e.martin@mail.example")
    dialog = MergeDialog(ctx, elodie)
    qtbot.addWidget(dialog)
    assert dialog.picker.results.count() == 2  # both records named Élodie Martin
    dialog.picker.set_query("elodie@example.fr")
    assert "That is the record being merged" in dialog.error.text()
    assert not dialog.merge_button.isEnabled()
    dialog.picker.set_query("e.martin@mail.example")
    assert dialog.preview_data is not None and dialog.preview_data.survivor_id == twin.id
    assert dialog.merge_button.isEnabled()
