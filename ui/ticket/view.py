"""The ticket view: one window per ticket to read the thread, answer and change the ticket.

Left, the thread (customer messages, public replies and internal notes as distinct cards,
every status, priority and assignee change inline) above the :class:`ReplyBox`. Right,
the ticket's fields, its SLA clocks counting down, the customer's profile and the articles
that may answer the ticket ("/" or Ctrl+Space in the reply opens the canned answers, see
:mod:`ui.kb.answer_picker`). Everything is
read by one op (:func:`load_ticket`) and re-read when a change touches the ticket, so the
window follows replies posted elsewhere and syncs. Every edit is a service call through
the op runner; a refusal is shown in the window, never as a crash.

:func:`open_ticket` shows a ticket, raising its window when it is already open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QFont, QTextCursor
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import errors, formatting, labels
from ui.context import AppContext
from ui.dialogs.thread_html import EARLIER_ANCHOR, render_thread
from ui.kb.answer_picker import attach_answer_picker
from ui.kb.suggestions import ArticleSuggestions
from ui.ops import Changes
from ui.sync.banner import ConflictBanner
from ui.ticket.bundle import TicketBundle, load_ticket
from ui.ticket.customer_panel import CustomerPanel
from ui.ticket.fields import TicketFields
from ui.ticket.reply_box import ReplyBox
from ui.ticket.sla_panel import SlaPanel

if TYPE_CHECKING:
    from workbench.services.context import Workbench

REPORT_REFRESH_MS = 60_000  # the explanations' "n min left" and due days stay current
THREAD_WINDOW = 30  # newest events rendered on opening; "Show earlier" adds THREAD_STEP
THREAD_STEP = 100
_OPEN: dict[tuple[int, str], TicketView] = {}


def open_ticket(ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> TicketView:
    """Show *ticket_id* in its own window (one per ticket and context)."""
    key = (id(ctx), ticket_id)
    view = _OPEN.get(key)
    if view is None:
        view = TicketView(ctx, ticket_id, parent)
        _OPEN[key] = view
        view.destroyed.connect(lambda _=None: _OPEN.pop(key, None))
    view.show()
    view.raise_()
    view.activateWindow()
    return view


def _group(title: str, content: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(content)
    return box


class TicketView(QWidget):
    """One ticket, live and editable."""

    def __init__(self, ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = ctx
        self.ticket_id = ticket_id
        self.bundle: TicketBundle | None = None
        self._shown_events: tuple[int, str, int] | None = None
        self._thread_window = THREAD_WINDOW
        self.setObjectName("ticket-view")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Ticket"))
        self.resize(1180, 760)

        self.title = QLabel(self.tr("Loading…"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("ticket-subtitle")
        self.error = QLabel()
        self.error.setObjectName("ticket-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("QLabel#ticket-error { color: #d32f2f; font-weight: 600; }")
        self.error.hide()

        self.thread_view = QTextBrowser()
        self.thread_view.setObjectName("thread")
        self.thread_view.setOpenLinks(False)
        self.thread_view.anchorClicked.connect(self._anchor_clicked)
        self.reply = ReplyBox()
        self.fields = TicketFields()
        self.sla = SlaPanel(ctx.now_ms)
        self.customer = CustomerPanel()
        self.suggestions = ArticleSuggestions(ctx.runner)
        self.answers = attach_answer_picker(  # "/" or Ctrl+Space: canned answers
            self.reply.composer, ctx.runner, lambda: self.ticket_id,
            lambda: ctx.agent.id if ctx.agent else None)
        self._asked_from = -1  # customer messages the suggestions were asked for

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.thread_view)
        left.addWidget(self.reply)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 0)
        left.setSizes([560, 170])
        left.setChildrenCollapsible(False)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 4, 0)
        side_layout.addWidget(_group(self.tr("Ticket"), self.fields))
        side_layout.addWidget(_group(self.tr("Service level"), self.sla))
        side_layout.addWidget(_group(self.tr("Suggested answers"), self.suggestions))
        side_layout.addWidget(_group(self.tr("Customer"), self.customer))
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(scroll)
        body.setStretchFactor(0, 5)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.error)
        self.conflicts = ConflictBanner(ctx, "tickets", ticket_id)  # lost edits: keep/use mine
        layout.addWidget(self.conflicts)
        layout.addWidget(body, 1)

        self.fields.change_requested.connect(self.update_ticket)
        self.suggestions.insert_requested.connect(self.answers.insert_article)
        self.reply.send_requested.connect(self._send)
        ctx.runner.changes_applied.connect(self._on_changes)
        self._report_timer = QTimer(self)
        self._report_timer.setInterval(REPORT_REFRESH_MS)
        self._report_timer.timeout.connect(self.reload)
        self._report_timer.start()
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        self._ctx.runner.run_op(load_ticket(self.ticket_id), self._show, self._load_failed,
                                owner=self)

    def _show(self, bundle: TicketBundle) -> None:
        first = self.bundle is None
        self.bundle = bundle
        t, now = bundle.detail.ticket, self._ctx.now_ms()
        self.setWindowTitle(self.tr("Ticket %1 — %2").replace("%1", t.key).replace(
            "%2", t.subject))
        self.title.setText(formatting.in_ui_direction(f"{t.key}  {formatting.isolate(t.subject)}"))
        parts = [labels.channel_label(t.channel),
                 self.tr("opened %1").replace("%1", formatting.datetime_text(t.created_at)),
                 self.tr("updated %1").replace("%1", formatting.ago_text(t.updated_at, now))]
        self.subtitle.setText(formatting.in_ui_direction(" · ".join(parts)))
        self.fields.set_agents(bundle.agents, t.assignee_id)
        self.fields.show_ticket(t)
        self.sla.show_report(bundle.report, bundle.policy, bundle.calendar)
        self.customer.show_customer(bundle.customer, now)
        self.reply.show_contact_warnings(bundle.contact_warnings)
        if first and bundle.can_log_calls:
            self.customer.enable_calls(self._log_call)
        asked = sum(e.kind == "customer_message" for e in bundle.detail.events)
        if asked != self._asked_from:  # the customer wrote (again): what might answer it
            self._asked_from = asked
            self.suggestions.set_ticket(self.ticket_id)
        self._render_thread()

    def _load_failed(self, exc: BaseException) -> None:
        if errors.is_known(exc):
            self.show_error(str(exc))
        else:
            errors.report(exc, self)

    def _render_thread(self, force: bool = False) -> None:
        if self.bundle is None:
            return
        events = self.bundle.detail.events
        marker = (len(events), events[-1].id if events else "", self._thread_window)
        if marker == self._shown_events and not force:
            return  # same thread: keep the reader's scroll position, skip the re-layout
        earlier = self._shown_events is not None and marker[:2] == self._shown_events[:2]
        self._shown_events = marker
        agents = {a.id: a.name for a in self.bundle.agents}
        self.thread_view.setHtml(render_thread(self.bundle.detail, agents, self.palette(),
                                               last=self._thread_window))
        if not earlier:
            self.thread_view.moveCursor(QTextCursor.MoveOperation.End)  # newest at the bottom

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.toString() == EARLIER_ANCHOR:
            self._thread_window += THREAD_STEP
            self._render_thread()

    # -- editing -----------------------------------------------------------------------------
    def update_ticket(self, fields: dict[str, Any]) -> None:
        """Change status, priority, assignee or tags (``wb.tickets.update`` keywords)."""
        ticket_id = self.ticket_id

        def change(wb: Workbench) -> object:
            return wb.tickets.update(ticket_id, **fields)

        self.error.hide()
        self._ctx.runner.run_op(change, lambda _row: None, self._refused, initiator=self,
                                owner=self)

    def _refused(self, exc: BaseException) -> None:
        if not errors.is_known(exc):
            errors.report(exc, self)
            return
        self.show_error(str(exc))
        if self.bundle is not None:
            self.fields.show_ticket(self.bundle.detail.ticket)  # snap back to what is stored

    def _send(self, kind: str, body: str, status: str) -> None:
        ticket_id = self.ticket_id
        action = _sender(ticket_id, kind, body, status or None)
        self.error.hide()
        self._ctx.runner.run_op(action, lambda _e: self._sent(body), self._send_refused,
                                initiator=self, owner=self)

    def _sent(self, body: str) -> None:
        self.answers.record_sent(body)  # a use of each canned answer left in what was sent
        self.reply.sent()

    def _send_refused(self, exc: BaseException) -> None:
        self.reply.refused(exc)  # the text stays in the composer either way
        if not errors.is_known(exc):
            errors.report(exc, self)

    def _log_call(self) -> None:
        from ui.customer.call_dialog import LogCallDialog

        if self.bundle is not None:
            dialog = LogCallDialog(self._ctx, self.bundle.customer.id, self.ticket_id, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def show_error(self, text: str) -> None:
        self.error.setText(errors.sentence(text))
        self.error.show()

    # -- following changes -------------------------------------------------------------------
    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        rows = changes.rows
        if (self.ticket_id in rows.get("tickets", ()) or changes.touches("ticket_events")
                or changes.touches("customers") or changes.touches("customer_preferences")
                or changes.touches("sla_policies") or changes.touches("sla_calendars")):
            self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render_thread(force=True)  # the tints are mixed from the palette
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._report_timer.stop()
        super().closeEvent(event)


def _sender(ticket_id: str, kind: str, body: str, status: str | None) -> Callable[[Any], Any]:
    """The op that posts a reply or a note (then sets the status a note cannot carry)."""

    def send(wb: Workbench) -> object:
        if kind == "internal_note":
            event = wb.tickets.note(ticket_id, body)
            if status is not None:
                wb.tickets.update(ticket_id, status=status)
            return event
        return wb.tickets.reply(ticket_id, body, status=status)

    return send
