"""Commands declared once — id, title, shortcut, handler, when enabled — made QActions in one place.

Menus, toolbars, buttons and (later) a command palette all use the QAction of a command, so
they agree on its title, shortcut and enabled state.

Keyboard map:

=================  ================================================================
Alt+1 … Alt+5      go to Queue, Customers, Knowledge, Metrics, Settings
Ctrl+N             new ticket
Ctrl+F             find (focuses the search box of the page, the queue's otherwise)
Ctrl+Shift+S       sync now (disabled until a team server is configured)
Ctrl+Q             quit
=================  ================================================================

Navigation uses Alt+digit rather than Ctrl+digit because Ctrl+1 … Ctrl+5 are kept for the
queue's own views (My open, Unassigned, Breaching within 1 h, Breached, Pending) so an agent
can switch views without leaving it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from ui.i18n import QT_TRANSLATE_NOOP

_CONTEXT = "commands"

# (page id, title, icon): the navigation order; Alt+<position> goes to each.
PAGES: tuple[tuple[str, str, QStyle.StandardPixmap], ...] = (
    ("queue", QT_TRANSLATE_NOOP("commands", "Queue"),
     QStyle.StandardPixmap.SP_FileDialogDetailedView),
    ("customers", QT_TRANSLATE_NOOP("commands", "Customers"),
     QStyle.StandardPixmap.SP_DirHomeIcon),
    ("knowledge", QT_TRANSLATE_NOOP("commands", "Knowledge"),
     QStyle.StandardPixmap.SP_FileDialogInfoView),
    ("metrics", QT_TRANSLATE_NOOP("commands", "Metrics"),
     QStyle.StandardPixmap.SP_FileDialogContentsView),
    ("settings", QT_TRANSLATE_NOOP("commands", "Settings"),
     QStyle.StandardPixmap.SP_ComputerIcon),
)


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def page_title(page_id: str) -> str:
    return next(tr(title) for pid, title, _icon in PAGES if pid == page_id)


@dataclass(frozen=True)
class Command:
    """One thing the user can do, however it is reached."""

    id: str
    title: str
    handler: Callable[[], object]
    shortcut: str = ""
    enabled_when: Callable[[], bool] | None = None
    disabled_tip: str = ""
    tip: str = ""
    icon: QStyle.StandardPixmap | None = None
    role: QAction.MenuRole = QAction.MenuRole.NoRole


class CommandHost(Protocol):
    """What the commands act on (the main window)."""

    def show_page(self, page_id: str) -> None: ...
    def new_ticket(self) -> object: ...
    def focus_find(self) -> None: ...
    def sync_now(self) -> None: ...
    def quit_app(self) -> None: ...
    def show_about(self) -> None: ...
    def database_ready(self) -> bool: ...
    def sync_configured(self) -> bool: ...


class SyncCommandHost(Protocol):
    """What the team-server commands act on (the sync controller's side of the app)."""

    def sync_now(self) -> None: ...
    def sign_in(self) -> None: ...
    def sign_out(self) -> None: ...
    def show_conflicts(self) -> None: ...
    def is_configured(self) -> bool: ...
    def is_signed_in(self) -> bool: ...


def declare_sync_commands(host: SyncCommandHost) -> list[Command]:
    """Sign in, sign out and the Conflicts view; "sync.now" is rebound to *host* with them."""
    return [
        Command("sync.sign_in", tr("Sign &in to team server…"), host.sign_in,
                tip=tr("Connect this workstation to your team's server")),
        Command("sync.sign_out", tr("Sign &out of team server"), host.sign_out,
                enabled_when=host.is_signed_in, disabled_tip=tr("Not signed in"),
                tip=tr("Forget the sign-in token; local work stays on this workstation")),
        Command("sync.conflicts", tr("&Conflicts…"), host.show_conflicts,
                tip=tr("Changes of yours that lost to a colleague's or were refused")),
    ]


def declare_commands(host: CommandHost) -> list[Command]:
    """Every command of the main window, in menu order."""

    def go(page_id: str) -> Callable[[], None]:
        return lambda: host.show_page(page_id)

    commands = [
        Command(f"go.{pid}", tr("Go to %1").replace("%1", tr(title)), go(pid),
                shortcut=f"Alt+{n}", icon=icon)
        for n, (pid, title, icon) in enumerate(PAGES, start=1)
    ]
    commands += [
        Command("ticket.new", tr("&New ticket…"), host.new_ticket, shortcut="Ctrl+N",
                enabled_when=host.database_ready, disabled_tip=tr("The database is opening"),
                tip=tr("Open a ticket for a customer"),
                icon=QStyle.StandardPixmap.SP_FileIcon),
        Command("find", tr("&Find…"), host.focus_find, shortcut="Ctrl+F",
                tip=tr("Search the tickets or customers on screen")),
        Command("sync.now", tr("&Sync now"), host.sync_now, shortcut="Ctrl+Shift+S",
                enabled_when=host.sync_configured,
                disabled_tip=tr("No team server configured"),
                tip=tr("Send local changes to the team server and fetch theirs"),
                icon=QStyle.StandardPixmap.SP_BrowserReload),
        Command("app.quit", tr("&Quit"), host.quit_app,
                shortcut="Ctrl+Q", role=QAction.MenuRole.QuitRole),
        Command("app.about", tr("&About Support Workbench"), host.show_about,
                role=QAction.MenuRole.AboutRole),
    ]
    return commands


class CommandRegistry:
    """The QActions of a set of commands, owned by (and active anywhere in) *window*."""

    def __init__(self, window: QWidget, commands: Iterable[Command]) -> None:
        self._window = window
        self._commands: dict[str, Command] = {}
        self._actions: dict[str, QAction] = {}
        self.add(commands)

    def add(self, commands: Iterable[Command]) -> list[QAction]:
        """Make the QActions of *commands* (the sync ones join after the window is built)."""
        style = self._window.style()
        made = []
        for command in commands:
            action = QAction(command.title, self._window)
            action.setObjectName(command.id)
            if command.shortcut:
                action.setShortcut(QKeySequence(command.shortcut))
            if command.icon is not None and style is not None:
                action.setIcon(style.standardIcon(command.icon))
            action.setMenuRole(command.role)
            action.setStatusTip(command.tip)
            # looked up when triggered, so a command rebound later runs its new handler
            action.triggered.connect(
                lambda _checked=False, cid=command.id: self._commands[cid].handler())
            self._window.addAction(action)
            self._commands[command.id] = command
            self._actions[command.id] = action
            made.append(action)
        self.refresh()
        return made

    def rebind(self, command_id: str, handler: Callable[[], object],
               enabled_when: Callable[[], bool] | None = None) -> None:
        """Give *command_id* a new handler (and rule for being enabled), keeping its QAction."""
        self._commands[command_id] = replace(self._commands[command_id], handler=handler,
                                             enabled_when=enabled_when)
        self.refresh()

    def action(self, command_id: str) -> QAction:
        return self._actions[command_id]

    def __iter__(self) -> Iterator[QAction]:
        return iter(self._actions.values())

    def refresh(self) -> None:
        """Re-evaluate every command's enabled state (and the tooltip saying why not)."""
        for command_id, command in self._commands.items():
            action = self._actions[command_id]
            enabled = command.enabled_when() if command.enabled_when else True
            action.setEnabled(enabled)
            tip = command.tip if enabled else command.disabled_tip
            action.setToolTip(tip or command.title.replace("&", "").rstrip("…"))
