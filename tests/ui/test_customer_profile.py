"""Editing a customer: the profile form (only changes sent, refusals under their field) and
the preferences editor (known keys with proper editors, free-form pairs)."""

from __future__ import annotations

from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.customer.detail import CustomerDetail
from workbench.services.context import Workbench


def open_detail(qtbot: QtBot, ctx: AppContext, customer_id: str) -> CustomerDetail:
    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.show()  # a hidden profile defers its refreshes until shown
    detail.show_customer(customer_id)
    return detail


def test_saves_only_the_changed_fields(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    aram = team.customers[1]
    detail = open_detail(qtbot, ctx, aram.id)
    form = detail.profile
    form.phone.setText("+374 10 555 123")
    form.time_zone.setCurrentText("Asia/Yerevan")
    form.owner.setCurrentIndex(form.owner.findData(team.agent.id))
    form.tags.setText("vip, armenian")
    assert form.changes() == {"phone": "+374 10 555 123", "time_zone": "Asia/Yerevan",
                              "owner_id": team.agent.id, "tags": ["vip", "armenian"]}
    form.save()
    saved = wb.customers.get(aram.id)
    assert (saved.phone, saved.time_zone, saved.owner_name) == (
        "+374 10 555 123", "Asia/Yerevan", "Sam Okafor")
    assert saved.tags == ["armenian", "vip"]
    assert form.error.text().endswith("Saved.")
    assert "Owner: \u2068Sam Okafor\u2069" in detail.facts.text()  # the header followed
    assert form.local_time.text() == "now 13:00 (Mon)"  # Yerevan is UTC+4


def test_a_refusal_is_shown_under_its_field_and_nothing_is_written(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    elodie = team.customers[2]
    detail = open_detail(qtbot, ctx, elodie.id)
    form = detail.profile
    form.email.setText("not an address")
    form.organisation.setText("Martin SARL")
    form.save()
    assert form.field_errors["email"].isVisibleTo(form)
    assert "is not an e-mail address" in form.field_errors["email"].text()
    assert not form.error.isVisibleTo(form)
    assert wb.customers.get(elodie.id).organisation is None
    form.email.setText(elodie.email or "")
    form.time_zone.setCurrentText("Mars/Olympus")
    form.save()
    assert "IANA time zone" in form.field_errors["time_zone"].text()
    form.name.clear()
    form.save()
    assert "name is empty" in form.field_errors["name"].text()


def test_known_preferences_have_editors_and_save_as_the_contact_check_reads_them(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    arash = team.customers[0]
    detail = open_detail(qtbot, ctx, arash.id)
    prefs = detail.preferences
    prefs.channel.setCurrentIndex(prefs.channel.findData("phone"))
    prefs.hours_on.setChecked(True)
    prefs.hours_from.setTime(QTime(10, 0))
    prefs.hours_to.setTime(QTime(18, 30))
    prefs.flags["do_not_email"].setChecked(True)
    prefs.language.setText("fa")
    prefs.save()
    assert wb.customers.get(arash.id).preferences == {
        "preferred_channel": "phone", "contact_hours": "10:00-18:30", "do_not_email": True,
        "language": "fa"}
    prefs.hours_on.setChecked(False)
    prefs.flags["do_not_email"].setChecked(False)
    prefs.save()
    assert wb.customers.get(arash.id).preferences == {
        "preferred_channel": "phone", "do_not_email": False, "language": "fa"}
    assert prefs.error.text().endswith("Preferences saved.")


def test_free_form_preferences_are_added_edited_and_removed(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    aram = team.customers[1]
    wb.customers.set_preference(aram.id, "invoice_copy", "paper")
    detail = open_detail(qtbot, ctx, aram.id)
    prefs = detail.preferences
    assert prefs.table.rowCount() == 1
    prefs.table.item(0, 1).setText("PDF")  # type: ignore[union-attr]
    prefs.add_row("nickname", "Արամ")
    prefs.save()
    assert wb.customers.get(aram.id).preferences == {"invoice_copy": "PDF",
                                                     "nickname": "Արամ"}
    prefs.table.selectRow(0)
    prefs.remove_selected()
    prefs.save()
    assert wb.customers.get(aram.id).preferences == {"nickname": "Արամ"}
    prefs.add_row("do_not_call", "yes")
    prefs.save()
    assert "used twice" in prefs.error.text()
    assert wb.customers.get(aram.id).preferences == {"nickname": "Արամ"}
