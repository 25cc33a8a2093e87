"""Team sync in the app: the background controller, sign-in, status bar state, conflicts.

:func:`install_sync` is the one call the main window makes: it starts the
:class:`~ui.sync.controller.SyncController`, binds Ctrl+Shift+S ("sync.now") to it, adds the
sign-in / sign-out / conflicts commands to the File menu and puts the sync state (with its
menu, the clock-skew and insecure-keyring warnings) in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from ui.commands import declare_sync_commands
from ui.context import AppContext
from ui.sync.controller import SyncController, SyncTiming

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.sync.conflicts_view import ConflictsDialog
    from ui.sync.sign_in import SignInDialog

__all__ = ["SyncController", "SyncTiming", "install_sync", "open_conflicts", "open_sign_in"]


def open_sign_in(controller: SyncController, parent: QWidget | None) -> SignInDialog:
    """The sign-in dialog (one at a time per window)."""
    from ui.sync.sign_in import SignInDialog

    existing = parent.findChild(SignInDialog) if parent is not None else None
    if isinstance(existing, SignInDialog) and existing.isVisible():
        existing.raise_()
        return existing
    dialog = SignInDialog(controller, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def open_conflicts(ctx: AppContext, parent: QWidget | None,
                   open_ticket: Callable[[str], object] | None = None) -> ConflictsDialog:
    """The Conflicts view (one per window), raised when already open."""
    from ui.sync.conflicts_view import ConflictsDialog

    existing = parent.findChild(ConflictsDialog) if parent is not None else None
    if isinstance(existing, ConflictsDialog):
        existing.show()
        existing.raise_()
        return existing
    if open_ticket is None and parent is not None and hasattr(parent, "open_ticket"):
        open_ticket = parent.open_ticket
    dialog = ConflictsDialog(ctx, open_ticket, parent)
    dialog.show()
    return dialog


_INSTALLED = "sync-installed"


class _SyncCommands(QObject):
    """The SyncCommandHost of a window: what the sync commands do there.

    A child of the window, so the controller's signals stop reaching it with the window.
    """

    def __init__(self, window: MainWindow, ctx: AppContext, controller: SyncController) -> None:
        super().__init__(window)
        self.window, self.ctx, self.controller = window, ctx, controller

    def refresh_commands(self, _what: object = None) -> None:
        self.window.commands.refresh()

    def sync_now(self) -> None:
        self.controller.sync_now()

    def sign_in(self) -> None:
        open_sign_in(self.controller, self.window)

    def sign_out(self) -> None:
        self.controller.sign_out()

    def show_conflicts(self) -> None:
        open_conflicts(self.ctx, self.window)

    def is_configured(self) -> bool:
        return self.controller.is_configured()

    def is_signed_in(self) -> bool:
        return self.controller.is_signed_in()


def _file_menu(window: QMainWindow, anchor: object) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and anchor in menu.actions():
            return menu
    return None


def install_sync(window: MainWindow, ctx: AppContext,
                 timing: SyncTiming | None = None) -> SyncController:
    """Start team sync in *window*: controller, commands, menu entries, status bar state.

    Calling it again on the same window changes nothing but the *timing* (when given).
    """
    from ui.sync.status_item import SyncStatusItem

    existing = ctx.findChild(SyncController, "sync-controller")
    controller = existing if isinstance(existing, SyncController) else SyncController(ctx, timing)
    if timing is not None and controller.timing != timing:
        controller.set_timing(timing)
    if window.property(_INSTALLED):
        return controller
    window.setProperty(_INSTALLED, True)
    host = _SyncCommands(window, ctx, controller)
    commands = window.commands
    commands.rebind("sync.now", host.sync_now, host.is_configured)
    extra = commands.add(declare_sync_commands(host))
    sync_now = commands.action("sync.now")
    menu = _file_menu(window, sync_now)
    if menu is not None:
        actions = menu.actions()
        after = actions[actions.index(sync_now) + 1] if sync_now in actions[:-1] else None
        for action in extra:
            if after is not None:
                menu.insertAction(after, action)
            else:
                menu.addAction(action)
    item = SyncStatusItem(controller, [sync_now, *extra])
    status_bar = window.statusBar()
    show_sync = getattr(status_bar, "show_sync", None)
    if callable(show_sync):
        show_sync(item)
    else:
        status_bar.addPermanentWidget(item)
    controller.status_changed.connect(host.refresh_commands)
    controller.account_changed.connect(host.refresh_commands)
    window.closed.connect(controller.shutdown)
    commands.refresh()
    return controller
