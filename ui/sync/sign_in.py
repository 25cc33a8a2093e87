"""Signing in to the team server: address, user, password and (rarely) the team's CA file.

The password goes to the server once, from the sync thread; the token it returns goes to
the OS keyring (one entry per server address) through the core's credential store, and the
workstation keeps only the address and the user name. Every failure — a wrong password, a
server that does not answer, a certificate the system does not trust, a keyring that would
keep the token in plain text — is said in the dialog, which stays open to try again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.customer.common import Banner, Tone
from ui.sync.controller import SignInFailed, SyncController
from ui.sync.texts import tr
from workbench.services.dto import AgentInfo
from workbench.sync.credentials import normalize_url


def failure_text(exc: BaseException) -> str:
    """What the dialog says about a failed sign-in."""
    if not isinstance(exc, SignInFailed):
        return errors.sentence(str(exc))
    kind, detail = exc.kind, exc.detail
    if kind == SignInFailed.WRONG_PASSWORD:
        return tr("Wrong user name or password.")
    if kind == SignInFailed.UNTRUSTED:
        return tr("The connection to the team server is not secure: %1. If your team uses "
                  "its own certificate authority, choose its CA file below.").replace(
            "%1", detail)
    if kind == SignInFailed.UNREACHABLE:
        return tr("The team server at %1 does not answer. Check the address (and the port) "
                  "and your network.").replace("%1", detail)
    if kind == SignInFailed.KEYRING:
        return tr("The sign-in token cannot be stored safely: %1").replace(
            "%1", errors.sentence(detail))
    return errors.sentence(detail or kind)


class SignInDialog(QDialog):
    """Server address, user, password, optional CA file; signs in off the UI thread."""

    signed_in = Signal(object)  # AgentInfo | None

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("sign-in-dialog")
        self.setWindowTitle(tr("Sign in to the team server"))
        self.setMinimumWidth(520)
        account = controller.account

        intro = QLabel(tr("Sign in once: this workstation then sends your changes to the team "
                          "and receives theirs, every 30 seconds while the server answers."))
        intro.setWordWrap(True)
        self.url = QLineEdit(account.server_url or "")
        self.url.setObjectName("server-url")
        self.url.setPlaceholderText("https://support.example.com:8765")
        self.user = QLineEdit(account.user or "")
        self.user.setObjectName("user")
        self.user.setPlaceholderText(tr("e-mail or name"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_file = QLineEdit()
        self.ca_file.setObjectName("ca-file")
        self.ca_file.setPlaceholderText(tr("only if your team has its own certificate authority"))
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("Server"), self.url)
        form.addRow(tr("User"), self.user)
        form.addRow(tr("Password"), self.password)
        form.addRow(tr("CA file"), ca_row)

        self.message = Banner(Tone.ERROR)
        self.message.setObjectName("sign-in-message")
        note = QLabel(tr("The password is sent to the server only to sign in. The token it "
                         "returns is kept in the system keyring, nowhere else."))
        note.setWordWrap(True)
        note.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.addButton(tr("Sign in"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setObjectName("sign-in")
        self.sign_in_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        (self.password if account.server_url and account.user else self.url).setFocus()

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("The team's CA certificate"), "", tr("Certificates (*.pem *.crt);;All (*)"))
        if path:
            self.ca_file.setText(path)

    def _inputs(self) -> list[QWidget]:
        return [self.url, self.user, self.password, self.ca_file, self.sign_in_button]

    def submit(self) -> None:
        """Check what can be checked here, then sign in on the sync thread."""
        url, user, password = self.url.text().strip(), self.user.text().strip(), \
            self.password.text()
        try:
            normalize_url(url)
        except ValueError:
            self._fail(tr("Enter the server's address, like https://support.example.com."),
                       self.url)
            return
        if not user:
            self._fail(tr("Enter your user name or e-mail."), self.user)
            return
        if not password:
            self._fail(tr("Enter your password."), self.password)
            return
        self._say(tr("Signing in…"), Tone.INFO)
        for widget in self._inputs():
            widget.setEnabled(False)
        self.controller.sign_in(url, user, password, self.ca_file.text().strip() or None,
                                self._succeeded, self._failed, owner=self)

    def _succeeded(self, agent: AgentInfo | None) -> None:
        self.password.clear()
        self.signed_in.emit(agent)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        for widget in self._inputs():
            widget.setEnabled(True)
        focus: QWidget = self.url
        if isinstance(exc, SignInFailed):
            if exc.kind == SignInFailed.WRONG_PASSWORD:
                self.password.clear()
                focus = self.password
            elif exc.kind == SignInFailed.UNTRUSTED or "CA file" in exc.detail:
                focus = self.ca_file
        elif not errors.is_known(exc):
            errors.report(exc, self)
        self._fail(failure_text(exc), focus)

    def _fail(self, text: str, focus: QWidget) -> None:
        self._say(text, Tone.ERROR)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, text: str, tone: Tone) -> None:
        self.message.show_text(text, tone)
        self.adjustSize()  # grow for the message rather than squeeze the fields
