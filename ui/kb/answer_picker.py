"""The canned-answer picker: type a few letters, see the answer filled in, Enter inserts it.

:class:`AnswerPicker` is a popup with a search field, the matching articles and a preview
of the answer as it will be inserted — placeholders filled from the ticket, its customer
and the agent (``KbService.render_for_ticket``), missing values marked ``«name?»``.
Three characters or more search titles, tags and bodies through the full-text index (any
script, substrings); shorter input matches the start of a title word or a tag in the
article list held in memory (a team's knowledge base is small). Up/Down choose, Enter
inserts, Escape closes.

:func:`attach_answer_picker` connects the picker to a :class:`~ui.widgets.composer.Composer`:
Ctrl+Space or "/" opens it, each answer is inserted at the cursor (answers stack in one
reply), every missing mark in the reply is highlighted, and the answers are remembered
(:class:`~ui.kb.insertions.InsertedAnswers`) so the view can record them when it sends.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import formatting
from ui.kb import kb_of, roomy_rows, utf16_offset
from ui.kb.insertions import InsertedAnswers
from workbench.domain.placeholders import Rendered, missing_marks
from workbench.domain.search_query import MIN_INDEXED_CHARS
from workbench.services.kb_dto import ArticleSummary

if TYPE_CHECKING:
    from ui.ops import OpRunner
    from ui.widgets.composer import Composer
    from workbench.services.context import Workbench
    from workbench.services.search import SearchHit

MAX_SHOWN = 200
SEARCH_DELAY_MS = 120
MISSING_TINT = QColor(0xD3, 0x2F, 0x2F, 48)
ID_ROLE = Qt.ItemDataRole.UserRole


def in_language_first(articles: list[ArticleSummary],
                      language: str | None) -> list[ArticleSummary]:
    """The same articles, those in *language* first (each group keeps its order)."""
    return sorted(articles, key=lambda a: a.language != language) if language else articles


class PrefixIndex:
    """What one or two typed characters are the start of: a title, then a word of a title,
    then a tag, each group in title order. Keys are sorted once (off the UI thread: the
    picker builds it in its loading op) so a lookup is two bisections and slices, well
    within a frame for a 10,000-article knowledge base."""

    def __init__(self, articles: list[ArticleSummary]) -> None:
        self.articles = sorted(articles, key=lambda a: a.title.casefold())
        groups: list[list[tuple[str, int]]] = [[], [], []]
        for n, a in enumerate(self.articles):
            title = a.title.casefold()
            groups[0].append((title, n))
            groups[1] += [(w, n) for w in title.split()[1:]]
            groups[2] += [(t.casefold(), n) for t in a.tags]
        self._keys: list[list[str]] = []
        self._ids: list[list[int]] = []
        for group in groups:
            group.sort()
            self._keys.append([k for k, _ in group])
            self._ids.append([n for _, n in group])

    def match(self, text: str, limit: int = MAX_SHOWN) -> list[ArticleSummary]:
        needle = text.strip().casefold()
        if not needle:
            return self.articles[:limit]
        found: list[int] = []
        seen: set[int] = set()
        for keys, ids in zip(self._keys, self._ids, strict=True):
            lo = bisect_left(keys, needle)
            hi = bisect_left(keys, needle + "\U0010ffff", lo)
            fresh = set(ids[lo:hi]) - seen
            seen |= fresh
            found += sorted(fresh)
            if len(found) >= limit:
                break
        return [self.articles[n] for n in found[:limit]]


def prefix_matches(articles: list[ArticleSummary], text: str) -> list[ArticleSummary]:
    """Articles a short input is the start of: a title first, then a title word, a tag."""
    return PrefixIndex(articles).match(text)


class AnswerPicker(QFrame):
    """A popup to find an answer and insert it; emits :attr:`answer_chosen`."""

    answer_chosen = Signal(str, str, object)  # article id, rendered text, missing spans

    def __init__(self, runner: OpRunner, ticket_id: str | None, agent_id: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("answer-picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._runner, self._ticket, self._agent = runner, ticket_id, agent_id
        self._index = PrefixIndex([])
        self._by_id: dict[str, ArticleSummary] = {}
        self._language: str | None = None  # the customer's: offered first
        self._rendered: dict[str, Rendered] = {}
        self._generation = 0
        self.search = QLineEdit()
        self.search.setObjectName("answer-search")
        self.search.setPlaceholderText(self.tr("Find an answer: title, tag or words in it"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("answer-results")
        self.results.setUniformItemSizes(True)
        roomy_rows(self.results)
        self.preview = QTextEdit()  # aligns each paragraph to its direction (Persian: right)
        self.preview.setObjectName("answer-preview")
        self.preview.setAcceptRichText(False)
        self.preview.setReadOnly(True)
        self.note = QLabel()
        self.note.setObjectName("answer-note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.results)
        split.addWidget(self.preview)
        split.setSizes([300, 400])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        hint = QLabel(self.tr("↑↓ choose · Enter inserts · Esc closes"))
        hint.setEnabled(False)
        layout.addWidget(hint)
        self.resize(720, 420)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._text_changed)
        self.search.installEventFilter(self)
        self.results.currentItemChanged.connect(lambda _c, _p: self._preview_current())
        self.results.itemActivated.connect(lambda _item: self.choose())
        def load(wb: Workbench) -> tuple[PrefixIndex, str | None]:
            kb = kb_of(wb)
            return PrefixIndex(kb.articles()), kb.ticket_language(ticket_id) if ticket_id else None

        runner.run_op(load, self._loaded, owner=self)

    # -- finding -------------------------------------------------------------------------
    def _loaded(self, loaded: tuple[PrefixIndex, str | None]) -> None:
        self._index, self._language = loaded
        self._by_id = {a.id: a for a in self._index.articles}
        self.apply_filter()

    def _text_changed(self, text: str) -> None:
        if len(text.strip()) >= MIN_INDEXED_CHARS:
            self._timer.start()  # the index is asked once typing pauses
        else:
            self.apply_filter()

    def apply_filter(self) -> None:
        self._timer.stop()
        self._generation += 1
        text = self.search.text().strip()
        if len(text) < MIN_INDEXED_CHARS:
            self._show(in_language_first(self._index.match(text), self._language))
            return
        generation = self._generation

        def found(hits: list[SearchHit]) -> None:
            if generation == self._generation:  # typing went on: a newer search follows
                found = [self._by_id[h.id] for h in hits if h.id in self._by_id]
                self._show(in_language_first(found, self._language))

        self._runner.run_op(lambda wb: wb.search.search(text, kind="article", limit=50),
                            found, owner=self)

    def _show(self, articles: list[ArticleSummary]) -> None:
        self.results.clear()
        for a in articles:
            label = f"{formatting.isolate(a.title)}   · {a.language}"
            if a.internal:
                label += "   · " + self.tr("internal")
            item = QListWidgetItem(formatting.in_ui_direction(label))
            item.setData(ID_ROLE, a.id)
            item.setToolTip(", ".join(a.tags))
            self.results.addItem(item)
        if articles:
            self.results.setCurrentRow(0)
        else:
            self.preview.clear()
            self.note.setText(self.tr("No answer matches."))
            self.note.show()

    def current_article(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    # -- preview and choosing -------------------------------------------------------------
    def _render(self, article_id: str, then: Callable[[Rendered], None]) -> None:
        if article_id in self._rendered:
            then(self._rendered[article_id])
            return
        ticket, agent = self._ticket, self._agent

        def done(rendered: Rendered) -> None:
            self._rendered[article_id] = rendered
            then(rendered)

        self._runner.run_op(lambda wb: kb_of(wb).render_for_ticket(article_id, ticket, agent),
                            done, owner=self)

    def _preview_current(self) -> None:
        article_id = self.current_article()
        if article_id is not None:
            self._render(article_id, lambda r: self._show_preview(article_id, r))

    def _show_preview(self, article_id: str, rendered: Rendered) -> None:
        if article_id != self.current_article():
            return
        self.preview.setPlainText(rendered.text)
        selections = []
        for start, end in rendered.missing_spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.preview.document())
            cursor.setPosition(utf16_offset(rendered.text, start))
            cursor.setPosition(utf16_offset(rendered.text, end), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(MISSING_TINT)
            selection.cursor, selection.format = cursor, fmt
            selections.append(selection)
        self.preview.setExtraSelections(selections)
        names = ", ".join(dict.fromkeys(rendered.missing))
        self.note.setText(self.tr("No value for %1: it stays marked for you to fill in.")
                          .replace("%1", names) if names else "")
        self.note.setVisible(bool(names))

    def choose(self) -> None:
        """Insert the current answer (Enter)."""
        if self._timer.isActive():
            self.apply_filter()
        article_id = self.current_article()
        if article_id is None:
            return

        def emit(rendered: Rendered) -> None:
            self.answer_chosen.emit(article_id, rendered.text, rendered.missing_spans)
            self.close()

        self._render(article_id, emit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                QGuiApplication.sendEvent(self.results, event)
                return True
        return False

    def popup_at(self, position: QPoint) -> None:
        """Show with the top-left corner at *position* (global), kept on the screen."""
        screen = QGuiApplication.screenAt(position) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = max(area.left(), min(position.x(), area.right() - self.width()))
        y = position.y() if position.y() + self.height() <= area.bottom() else max(
            area.top(), position.y() - self.height())
        self.move(x, y)
        self.show()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)


class AnswerPickerBinding(QObject):
    """A composer with its picker: opening, inserting, marking, remembering the answers."""

    def __init__(self, composer: Composer, runner: OpRunner,
                 ticket_id: Callable[[], str | None],
                 agent_id: Callable[[], str | None]) -> None:
        super().__init__(composer)
        self.composer, self._runner = composer, runner
        self._ticket_id, self._agent_id = ticket_id, agent_id
        self.answers = InsertedAnswers()
        self.answers.follow(composer)
        self.picker: AnswerPicker | None = None
        composer.answer_picker_requested.connect(self.open_picker)

    def open_picker(self) -> AnswerPicker:
        picker = AnswerPicker(self._runner, self._ticket_id(), self._agent_id(), self.composer)
        picker.answer_chosen.connect(self.insert)
        picker.destroyed.connect(self._picker_gone)
        self.picker = picker
        corner = self.composer.cursorRect().bottomLeft()
        picker.popup_at(self.composer.viewport().mapToGlobal(corner))
        return picker

    def _picker_gone(self) -> None:
        self.picker = None
        self.composer.setFocus(Qt.FocusReason.PopupFocusReason)

    def insert(self, article_id: str, text: str, _spans: object = None) -> bool:
        """Insert an answer at the cursor and mark every missing value left in the reply."""
        if not self.composer.insert_text(text):
            return False
        self.answers.add(article_id, text)
        plain = self.composer.toPlainText()
        self.composer.mark_missing([(utf16_offset(plain, a), utf16_offset(plain, b))
                                    for a, b in missing_marks(plain)])
        return True

    def insert_article(self, article_id: str) -> None:
        """Render *article_id* for this ticket and insert it (a suggestion was chosen)."""
        ticket, agent = self._ticket_id(), self._agent_id()

        def rendered(answer: Rendered) -> None:
            self.insert(article_id, answer.text)

        self._runner.run_op(lambda wb: kb_of(wb).render_for_ticket(article_id, ticket, agent),
                            rendered, owner=self.composer)

    def record_sent(self, sent_text: str) -> None:
        """The reply was sent: record a use of each answer in it."""
        self.answers.record_sent(self._runner, self._ticket_id(), sent_text)


def attach_answer_picker(composer: Composer, runner: OpRunner,
                         ticket_id: Callable[[], str | None],
                         agent_id: Callable[[], str | None]) -> AnswerPickerBinding:
    """Give *composer* its canned-answer picker (see the module docstring); *ticket_id* and
    *agent_id* say, when asked, whose values fill the placeholders (None: nobody's)."""
    return AnswerPickerBinding(composer, runner, ticket_id, agent_id)
