"""The main window: navigation on the left, one page at a time, menus and a status bar.

Window geometry, dock/toolbar state and the page last shown are kept in QSettings and
restored on the next start. Commands come from :mod:`ui.commands` (one QAction each).
At startup the app builds the window with ``build_page=False``: the first frame shows the
shell (navigation, menus, status bar) and the page is built right after it
(:meth:`MainWindow.build_current_page`), while the database opens on the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, QSize, Qt, Signal, qVersion
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.commands import PAGES, CommandRegistry, declare_commands, tr
from ui.context import AppContext
from ui.status_bar import WorkbenchStatusBar
from ui.widgets.page_stack import LazyPageStack, PageFactory
from workbench import __version__

if TYPE_CHECKING:
    from ui.dialogs.new_ticket import NewTicketDialog

DEFAULT_SIZE = QSize(1280, 800)
NAV_STYLE = """
QWidget#navigation { background: palette(window); }
QWidget#navigation QPushButton {
    text-align: left; padding: 9px 12px; border: none; border-radius: 4px; margin: 0px;
    background: transparent; color: palette(window-text);
}
QWidget#navigation QPushButton:hover { background: palette(midlight); }
QWidget#navigation QPushButton:checked {
    background: palette(highlight); color: palette(highlighted-text);
}
"""


class NavigationBar(QWidget):
    """The page list on the left: one checkable button per page, exactly one checked.

    Plain buttons rather than an item view: this is in the window's first frame, and an
    item view brings the whole item-view class family (a few hundred Qt enums to create
    in Python) onto the start-up path, for five fixed entries.
    """

    currentRowChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 12, 6, 10)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.idToggled.connect(self._toggled)
        self._current = -1

    def add_entry(self, icon: QIcon, title: str, tip: str) -> QPushButton:
        button = QPushButton(icon, title)
        button.setCheckable(True)
        button.setFlat(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(tip)
        button.setIconSize(QSize(20, 20))
        self._group.addButton(button, self.count())
        self._layout.insertWidget(self.count() - 1, button)
        return button

    def count(self) -> int:
        return len(self._group.buttons())

    def button(self, row: int) -> QPushButton:
        found = self._group.button(row)
        assert isinstance(found, QPushButton)
        return found

    def currentRow(self) -> int:
        return self._current

    def setCurrentRow(self, row: int) -> None:
        self.button(row).setChecked(True)

    def _toggled(self, row: int, checked: bool) -> None:
        if checked and row != self._current:
            self._current = row
            if not self.signalsBlocked():
                self.currentRowChanged.emit(row)


class MainWindow(QMainWindow):
    """The shell every page lives in."""

    closed = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, build_page: bool = True
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main-window")
        self.setWindowTitle(tr("Support Workbench"))
        self.commands = CommandRegistry(self, declare_commands(self))

        self.navigation = NavigationBar()
        self.navigation.setStyleSheet(NAV_STYLE)
        self.stack = LazyPageStack(self._page_factories())
        style = self.style()
        for n, (_page_id, title, icon) in enumerate(PAGES, start=1):
            self.navigation.add_entry(
                style.standardIcon(icon), tr(title),
                tr("%1 (Alt+%2)").replace("%1", tr(title)).replace("%2", str(n)))
        width = max(self.navigation.sizeHint().width() + 16, 170)
        self.navigation.setFixedWidth(width)
        self.navigation.currentRowChanged.connect(
            lambda row: self.stack.show_page(self.stack.page_ids[row])
        )

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        status = WorkbenchStatusBar(ctx)
        status.handoffs_button.clicked.connect(self.show_handoffs)
        self.setStatusBar(status)
        from ui.sync import install_sync  # sign-in, background sync, its status and menus

        install_sync(self, ctx)
        ctx.ready.connect(self.commands.refresh)
        ctx.ready.connect(self._watch_deadlines)
        self._restore_layout(build_page)

    def _page_factories(self) -> list[tuple[str, PageFactory]]:
        """How each page is made; modules load on first use, not at startup."""

        def queue() -> QWidget:
            from ui.pages.queue import QueuePage

            return QueuePage(self.ctx, self.commands.action("ticket.new"))

        def customers() -> QWidget:
            from ui.pages.customers import CustomersPage

            page = CustomersPage(self.ctx)
            page.open_ticket_requested.connect(self.open_ticket)
            return page

        def knowledge() -> QWidget:
            from ui.pages.knowledge import knowledge_page

            return knowledge_page(self.ctx)

        def metrics() -> QWidget:
            from ui.pages.metrics import metrics_page

            return metrics_page(self.ctx)

        def settings() -> QWidget:
            from ui.pages.settings import SettingsPage

            return SettingsPage(self.ctx)

        factories = {"queue": queue, "customers": customers, "knowledge": knowledge,
                     "metrics": metrics, "settings": settings}
        return [(page_id, factories[page_id]) for page_id, _title, _icon in PAGES]

    def _watch_deadlines(self) -> None:
        """Breach escalation and the agent's SLA notices run whichever page shows first."""
        from ui.ticket.watch import SlaWatch

        SlaWatch.of(self.ctx, self.window)

    def page(self, page_id: str) -> QWidget:
        """A page of the window (built now if it was never shown)."""
        return self.stack.page(page_id)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus = (
            (tr("&File"), ("ticket.new", "sync.now", None, "app.quit")),
            (tr("&Edit"), ("find",)),
            (tr("&Go"), tuple(f"go.{page_id}" for page_id, _t, _i in PAGES)),
            (tr("&Help"), ("app.about",)),
        )
        for title, ids in menus:
            menu = bar.addMenu(title)
            menu.setToolTipsVisible(True)  # the disabled "Sync now" says why
            for command_id in ids:
                if command_id is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.commands.action(command_id))

    # -- layout persistence ----------------------------------------------------------------
    def _restore_layout(self, build_page: bool = True) -> None:
        prefs = self.ctx.preferences
        geometry = prefs.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        state = prefs.window_state
        if state is not None:
            self.restoreState(state)
        page = prefs.current_page
        page = page if page in self.stack.page_ids else "queue"
        if build_page:
            self.show_page(page)
        else:  # select it without building: build_current_page() does, after the first frame
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(self.stack.page_ids.index(page))
            self.navigation.blockSignals(False)
            self.stack.select(page)

    def build_current_page(self) -> QWidget:
        """The page on screen, built now if the window was made with ``build_page=False``."""
        return self.stack.build_current()

    def save_layout(self) -> None:
        prefs = self.ctx.preferences
        prefs.window_geometry = self.saveGeometry()
        prefs.window_state = self.saveState()
        prefs.current_page = self.current_page_id()
        for page in self.stack.built().values():
            save_state = getattr(page, "save_state", None)
            if callable(save_state):
                save_state()
        prefs.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            # palette(...) in a style sheet is resolved once; resolve it again for the theme
            self.navigation.setStyleSheet(NAV_STYLE)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        for dialog in self.findChildren(QDialog):
            dialog.close()
        super().closeEvent(event)
        self.closed.emit()

    # -- commands (CommandHost) --------------------------------------------------------------
    def current_page_id(self) -> str:
        return self.stack.current_page_id()

    def show_page(self, page_id: str) -> None:
        row = self.stack.page_ids.index(page_id)
        if self.navigation.currentRow() == row:
            self.stack.show_page(page_id)
        else:
            self.navigation.setCurrentRow(row)  # shows the page through currentRowChanged

    def new_ticket(self) -> NewTicketDialog:
        from ui.dialogs.new_ticket import NewTicketDialog

        dialog = NewTicketDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._ticket_created(dialog))
        dialog.open()
        return dialog

    def _ticket_created(self, dialog: NewTicketDialog) -> None:
        if dialog.created is not None:
            self.statusBar().showMessage(
                tr("Ticket %1 created").replace("%1", dialog.created.key), 5000
            )

    def open_ticket(self, ticket_id: str) -> None:
        from ui.ticket.view import open_ticket

        open_ticket(self.ctx, ticket_id, self)

    def show_handoffs(self) -> None:
        """The Customers page with the hand-offs waiting for the acting agent."""
        self.show_page("customers")
        page = self.page("customers")
        page.show_handoffs()  # type: ignore[attr-defined]

    def focus_find(self) -> None:
        page = self.page(self.current_page_id())
        if not hasattr(page, "focus_search"):
            self.show_page("queue")
            page = self.page("queue")
        page.focus_search()  # type: ignore[attr-defined]

    def sync_now(self) -> None:
        self.statusBar().showMessage(tr("No team server configured"), 5000)

    def quit_app(self) -> None:
        self.close()

    def database_ready(self) -> bool:
        return self.ctx.is_ready

    def sync_configured(self) -> bool:
        return False

    def show_about(self) -> None:
        import html
        import platform

        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            tr("About Support Workbench"),
            tr("<h3>Support Workbench %1</h3><p>An offline-first desktop app for support "
               "teams.</p><p>Data directory: %2</p><p>Qt %3 · PySide %4 · Python %5</p>")
            .replace("%1", __version__)
            .replace("%2", html.escape(str(self.ctx.paths.data_dir)))
            .replace("%3", qVersion())
            .replace("%4", pyside_version)
            .replace("%5", platform.python_version()),
        )
