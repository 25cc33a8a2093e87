"""Settings ▸ General ▸ "Team server": where this workstation syncs, as whom, and the actions.

It shows the server and the user (never a secret: the token is only in the keyring), the
sync state, and Sign in… / Sign out / Sync now / Conflicts… through the same commands as the
menus when the main window installed them (:func:`ui.sync.install_sync`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.context import AppContext
from ui.sync.controller import SyncController
from ui.sync.texts import status_line, tr
from workbench.sync.status import Account, SyncStatus


class TeamServerSection(QGroupBox):
    """The "Team server" box of the Settings page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(tr("Team server"), parent)
        self.setObjectName("team-server")
        self._ctx = ctx
        self.controller = SyncController.of(ctx)
        self.server = QLabel()
        self.server.setObjectName("team-server-url")
        self.user = QLabel()
        self.user.setObjectName("team-server-user")
        self.state = QLabel()
        self.state.setObjectName("team-server-state")
        for label in (self.server, self.user, self.state):  # one line each, never clipped
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_in_button = QPushButton(tr("Sign in…"))
        self.sign_in_button.setObjectName("team-sign-in")
        self.sign_out_button = QPushButton(tr("Sign out"))
        self.sign_out_button.setObjectName("team-sign-out")
        self.sync_button = QPushButton(tr("Sync now"))
        self.sync_button.setObjectName("team-sync-now")
        self.conflicts_button = QPushButton(tr("Conflicts…"))
        self.conflicts_button.setObjectName("team-conflicts")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.sign_out_button.clicked.connect(lambda: self.controller.sign_out())
        self.sync_button.clicked.connect(self.controller.sync_now)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        buttons = QHBoxLayout()
        for button in (self.sign_in_button, self.sign_out_button, self.sync_button,
                       self.conflicts_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(tr("Server"), self.server)
        form.addRow(tr("Signed in as"), self.user)
        form.addRow(tr("State"), self.state)
        form.addRow(buttons)
        self.controller.status_changed.connect(self.show_status)
        self.controller.account_changed.connect(self.show_account)
        self.show_account(self.controller.account)
        self.show_status(self.controller.status)

    def show_account(self, account: Account) -> None:
        self.server.setText(account.server_url or tr("None: this workstation works alone"))
        self.user.setText(account.user or "—")
        self.show_status(self.controller.status)

    def show_status(self, status: SyncStatus) -> None:
        self.state.setText(status_line(status)[0])
        configured = self.controller.is_configured()
        signed_in = self.controller.is_signed_in()
        self.sign_in_button.setText(tr("Sign in again…") if configured else tr("Sign in…"))
        self.sign_out_button.setEnabled(signed_in)
        self.sync_button.setEnabled(configured)

    def sign_in(self) -> None:
        from ui.sync import open_sign_in

        open_sign_in(self.controller, self.window())

    def show_conflicts(self) -> None:
        from ui.sync import open_conflicts

        open_conflicts(self._ctx, self.window())
