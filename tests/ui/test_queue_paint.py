"""The queue's one-pass painter: the rows look as the model says, and painting them does not
go back to the model cell by cell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QImage, QPalette
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.models.ticket_table import TicketTableModel
from ui.ops import OpRunner
from ui.ticket.queue_paint import QueuePainter, fits_unelided
from ui.ticket.queue_table import QueueTable
from ui.widgets.sla_chip import RED
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench

MINUTE = 60
NUMBER, SUBJECT, DUE = TicketTableModel.NUMBER, TicketTableModel.SUBJECT, TicketTableModel.DUE


@pytest.fixture
def table(qtbot: QtBot, runner: OpRunner, clock: FrozenClock, wb: Workbench,
          team: Team) -> QueueTable:
    """A queue table of three tickets, the first breached, shown at a readable size."""
    wb.tickets.create("Urgent outage", team.customers[0].id, priority="urgent",
                      assignee_id=team.lead.id)
    wb.tickets.create("Refund for the March invoice", team.customers[1].id)
    wb.tickets.create("Low question", team.customers[2].id, priority="low")
    clock.advance(20 * MINUTE)
    return shown_queue(qtbot, runner, clock, 1000, 300, actor=team.lead.id)


def shown_queue(qtbot: QtBot, runner: OpRunner, clock: FrozenClock, width: int, height: int,
                actor: str | None = None) -> QueueTable:
    model = TicketTableModel(runner, clock.now_ms)
    model.set_actor(actor)
    view = QueueTable(model)
    qtbot.addWidget(view)
    model.reload()
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def snapshot(view: QueueTable) -> QImage:
    image = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
    view.viewport().render(image)
    return image


def cell(view: QueueTable, row: int, column: int) -> QRect:
    return view.visualRect(view.model().index(row, column))


def count(image: QImage, rect: QRect, test: object) -> int:
    return sum(1 for x in range(rect.left(), rect.right(), 2)
               for y in range(rect.top(), rect.bottom(), 2)
               if test(QColor(image.pixel(x, y))))  # type: ignore[operator]


def near(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return (abs(a.red() - b.red()) + abs(a.green() - b.green())
            + abs(a.blue() - b.blue())) < tolerance


@pytest.fixture
def data_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls = [0]
    original = TicketTableModel.data

    def counted(self: TicketTableModel, index: QModelIndex | QPersistentModelIndex,
                role: int = 0) -> object:
        calls[0] += 1
        return original(self, index, role)

    monkeypatch.setattr(TicketTableModel, "data", counted)
    yield calls


def test_a_repaint_reads_each_row_once_not_every_cells_roles(
    table: QueueTable, data_calls: list[int]
) -> None:
    before = QueuePainter.total_chips
    table.viewport().repaint()
    assert QueuePainter.total_chips - before == 3  # every visible row was painted...
    assert data_calls[0] == 0  # ...without a data() call per cell and role


def test_the_model_still_answers_every_role_for_screen_readers_and_tooltips(
    table: QueueTable,
) -> None:
    model = table.model()
    assert model.index(0, SUBJECT).data() == "Urgent outage"
    assert model.index(0, DUE).data() == "breached 5m ago"
    assert model.index(0, DUE).data(Qt.ItemDataRole.ToolTipRole).startswith("First response")


def test_cells_show_their_text_and_the_breached_chip_is_red(table: QueueTable) -> None:
    image = snapshot(table)
    ink = table.palette().color(QPalette.ColorRole.Text)
    assert count(image, cell(table, 1, SUBJECT), lambda c: near(c, ink, 120)) > 10
    assert count(image, cell(table, 0, DUE), lambda c: near(c, RED)) > 40
    assert count(image, cell(table, 1, DUE), lambda c: near(c, RED)) == 0


def test_the_agents_own_breached_ticket_tints_its_whole_row(table: QueueTable) -> None:
    image = snapshot(table)
    base = table.palette().color(QPalette.ColorRole.Base)
    tinted = QColor(image.pixel(cell(table, 0, SUBJECT).right() - 3,
                                cell(table, 0, SUBJECT).center().y()))
    assert tinted.red() > tinted.green() + 10  # reddish, not the plain base
    plain = QColor(image.pixel(cell(table, 2, SUBJECT).right() - 3,
                               cell(table, 2, SUBJECT).center().y()))
    assert near(plain, base, 30)  # row 2 is not alternate, not the agent's: plain base


def test_the_selected_row_is_drawn_in_the_highlight_colour(table: QueueTable) -> None:
    table.selectRow(1)
    image = snapshot(table)
    highlight = table.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    active = table.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    rect = cell(table, 1, SUBJECT)
    behind = QColor(image.pixel(rect.right() - 3, rect.top() + 2))
    assert near(behind, highlight) or near(behind, active)
    other = QColor(image.pixel(cell(table, 2, SUBJECT).right() - 3,
                               cell(table, 2, SUBJECT).top() + 2))
    assert not near(other, highlight) and not near(other, active)


def test_a_long_subject_is_elided_to_its_column(
    qtbot: QtBot, table: QueueTable, wb: Workbench, team: Team
) -> None:
    header = table.horizontalHeader()
    header.setSectionResizeMode(SUBJECT, header.ResizeMode.Interactive)
    header.resizeSection(SUBJECT, 60)
    image = snapshot(table)
    rect = cell(table, 1, SUBJECT)  # "Refund for the March invoice": far wider than 60 px
    ink = table.palette().color(QPalette.ColorRole.Text)
    assert count(image, rect, lambda c: near(c, ink, 120)) > 3
    # the next column's margin (before its own text starts) stays clean: the subject
    # stopped, with "…", inside its own cell
    customer = cell(table, 1, TicketTableModel.CUSTOMER)
    ink_pixels = [(x, y) for x in range(customer.left(), customer.left() + 3)
                  for y in range(customer.top(), customer.bottom())
                  if QColor(image.pixel(x, y)).lightness() < 200]
    assert ink_pixels == []


def test_right_to_left_mirrors_the_columns(
    qtbot: QtBot, runner: OpRunner, clock: FrozenClock, wb: Workbench, team: Team
) -> None:
    wb.tickets.create("Printer offline", team.customers[2].id)
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        view = shown_queue(qtbot, runner, clock, 900, 200)
        number, subject = cell(view, 0, NUMBER), cell(view, 0, SUBJECT)
        assert number.left() > subject.left()  # "#" is the rightmost column
        image = snapshot(view)
        ink = view.palette().color(QPalette.ColorRole.Text)
        assert count(image, number, lambda c: near(c, ink, 120)) > 3  # "#1" drawn in it
    finally:
        QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_latin_text_that_fits_needs_no_layout_and_other_scripts_are_measured(
    qtbot: QtBot, table: QueueTable
) -> None:
    metrics = QFontMetrics(table.font())
    widths: dict[str, int] = {}
    assert fits_unelided("Normal", 200, metrics, widths)
    assert fits_unelided("\u200e\u2068Élodie Martin\u2069 · Enterprise", 400, metrics, widths)
    assert not fits_unelided("Refund for the March invoice", 40, metrics, widths)
    # Arabic and Khmer shape their glyphs: a sum of characters proves nothing, so measure
    assert not fits_unelided("آرش کریمی", 1000, metrics, widths)
    assert not fits_unelided("ពាក្យសម្ងាត់", 1000, metrics, widths)
    wide = "W" * 30
    assert not fits_unelided(wide, metrics.horizontalAdvance(wide) - 1, metrics, widths)
