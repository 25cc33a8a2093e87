"""Signing in from the app: the token goes to the keyring and nowhere else; failures are
said in the dialog; sign-out removes the token; the insecure-keyring switch is shown loudly.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import keyring
import pytest
import shiboken6
import sync_ui_kit as kit
from keyrings.alt.file import PlaintextKeyring
from pytestqt.qtbot import QtBot
from sync_ui_kit import PASSWORD, ThreadServer, free_port, wait_synced

from ui.main_window import MainWindow
from ui.sync.controller import SyncController
from ui.sync.sign_in import SignInDialog
from ui.sync.status_item import SyncStatusItem
from workbench.sync.credentials import INSECURE_ENV, service_name
from workbench.sync.status import Phase

# the kit's fixtures, used here by name
app = kit.app
app_ctx = kit.app_ctx
clock = kit.clock
module_server = kit.module_server
no_leaked_threads = kit.no_leaked_threads
secrets = kit.secrets
server = kit.server

App = tuple[MainWindow, SyncController]


def open_dialog(qtbot: QtBot, window: MainWindow) -> SignInDialog:
    window.commands.action("sync.sign_in").trigger()
    dialog = window.findChild(SignInDialog)
    assert isinstance(dialog, SignInDialog)
    qtbot.waitExposed(dialog)
    return dialog


def closed(dialog: SignInDialog) -> bool:
    """The dialog was accepted (it deletes itself on close)."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def fill(dialog: SignInDialog, url: str, user: str, password: str, ca: str = "") -> None:
    dialog.url.setText(url)
    dialog.user.setText(user)
    dialog.password.setText(password)
    dialog.ca_file.setText(ca)
    dialog.sign_in_button.click()


def status_item(window: MainWindow) -> SyncStatusItem:
    item = window.statusBar().findChild(SyncStatusItem)
    assert isinstance(item, SyncStatusItem)
    return item


def test_sign_in_keeps_the_token_in_the_keyring_and_nowhere_else(
    qtbot: QtBot, app: App, server: ThreadServer, secrets: PlaintextKeyring, tmp_path: Path
) -> None:
    window, controller = app
    assert status_item(window).text == "Not configured"
    assert not window.commands.action("sync.now").isEnabled()
    dialog = open_dialog(qtbot, window)
    fill(dialog, server.url + "/", "ravi@team.example", PASSWORD)
    qtbot.waitUntil(lambda: closed(dialog), timeout=15_000)
    wait_synced(qtbot, controller)

    token = keyring.get_password(service_name(server.url), "token")
    assert token
    assert controller.account.server_url == server.url
    assert controller.account.user == "ravi@team.example"
    assert status_item(window).text.startswith("Synced ")
    assert window.commands.action("sync.now").isEnabled()
    assert window.commands.action("sync.sign_out").isEnabled()
    window.ctx.preferences.sync()
    keyring_file = Path(secrets.file_path)
    for path in tmp_path.rglob("*"):  # the database, its WAL, QSettings, logs...
        if path.is_file() and path != keyring_file:
            data = path.read_bytes()
            assert token.encode() not in data, path
            assert PASSWORD.encode() not in data, path

    window.commands.action("sync.sign_out").trigger()
    qtbot.waitUntil(lambda: controller.status.phase is Phase.SIGN_IN, timeout=10_000)
    assert keyring.get_password(service_name(server.url), "token") is None
    assert status_item(window).text == "Sign-in needed"
    assert not window.commands.action("sync.sign_out").isEnabled()


def test_a_wrong_password_is_said_in_the_dialog_and_nothing_is_stored(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    window, controller = app
    dialog = open_dialog(qtbot, window)
    fill(dialog, server.url, "ravi@team.example", "not the password")
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=10_000)
    assert dialog.isVisible()
    assert dialog.message.text().endswith("Wrong user name or password.")
    assert dialog.password.text() == ""
    assert keyring.get_password(service_name(server.url), "token") is None
    assert controller.account.server_url is None


def test_bad_input_and_a_server_that_does_not_answer_are_said_in_the_dialog(
    qtbot: QtBot, app: App, server: ThreadServer, tmp_path: Path
) -> None:
    window, controller = app
    dialog = open_dialog(qtbot, window)
    fill(dialog, "support.example.com", "ravi@team.example", PASSWORD)
    assert "Enter the server's address" in dialog.message.text()
    fill(dialog, server.url, "", PASSWORD)
    assert "Enter your user name" in dialog.message.text()

    fill(dialog, server.url, "ravi@team.example", PASSWORD, ca=str(tmp_path / "nope.pem"))
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=10_000)
    assert "CA file" in dialog.message.text() and "does not exist" in dialog.message.text()

    nowhere = f"http://127.0.0.1:{free_port()}"
    fill(dialog, nowhere, "ravi@team.example", PASSWORD)
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=15_000)
    assert f"The team server at {nowhere} does not answer" in dialog.message.text()
    assert controller.account.server_url is None
    assert keyring.get_password(service_name(nowhere), "token") is None


def _make_ca_and_cert(d: Path) -> tuple[str, str, str]:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Team test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
        "-subj", "/CN=127.0.0.1")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")
    return str(d / "ca.pem"), str(d / "srv.pem"), str(d / "srv.key")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_an_untrusted_certificate_is_said_and_the_teams_ca_file_fixes_it(
    qtbot: QtBot, app: App, tmp_path: Path
) -> None:
    window, controller = app
    ca, cert, key = _make_ca_and_cert(tmp_path)
    tls = ThreadServer(f"sqlite:///{tmp_path / 'tls-server.sqlite3'}", tls=(cert, key))
    try:
        tls.add_agent("Ravi Das", "ravi@team.example", "agent")
        dialog = open_dialog(qtbot, window)
        fill(dialog, tls.url, "ravi@team.example", PASSWORD)
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=15_000)
        text = dialog.message.text()
        assert "The connection to the team server is not secure" in text
        assert "certificate is not trusted" in text and "choose its CA file" in text
        assert keyring.get_password(service_name(tls.url), "token") is None

        fill(dialog, tls.url, "ravi@team.example", PASSWORD, ca=ca)
        qtbot.waitUntil(lambda: closed(dialog), timeout=15_000)
        wait_synced(qtbot, controller)
        assert controller.status.phase is Phase.SYNCED
        assert keyring.get_password(service_name(tls.url), "token")
    finally:
        controller.shutdown()
        tls.stop()


def test_the_insecure_keyring_switch_is_shown_loudly(
    qtbot: QtBot, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, controller = app
    item = status_item(window)
    assert item.insecure.isVisible()
    assert "Insecure keyring" in item.insecure.text()
    assert INSECURE_ENV in item.insecure.toolTip() and "never" in item.insecure.toolTip()
    assert "#c62828" in item.insecure.styleSheet()  # red, not a quiet grey line
    monkeypatch.delenv(INSECURE_ENV)
    item.show_status(controller.status)
    assert not item.insecure.isVisible()


def test_settings_and_the_status_bar_menu_reach_sign_in_sign_out_and_conflicts(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    from ui.sync.settings_section import TeamServerSection

    window, controller = app
    menu = status_item(window).menu
    assert [a.objectName() for a in menu.actions()] == [
        "sync.now", "sync.sign_in", "sync.sign_out", "sync.conflicts"]
    file_menu = window.menuBar().actions()[0].menu()
    names = [a.objectName() for a in file_menu.actions()]
    assert names[names.index("sync.now"):names.index("sync.now") + 4] == [
        "sync.now", "sync.sign_in", "sync.sign_out", "sync.conflicts"]

    section = TeamServerSection(window.ctx)
    qtbot.addWidget(section)
    assert section.controller is controller  # one controller per app
    assert section.state.text() == "Not configured"
    assert not section.sign_out_button.isEnabled() and not section.sync_button.isEnabled()
    section.sign_in_button.click()
    dialog = section.findChild(SignInDialog)
    assert isinstance(dialog, SignInDialog)
    fill(dialog, server.url, "ravi@team.example", PASSWORD)
    qtbot.waitUntil(lambda: closed(dialog), timeout=15_000)
    wait_synced(qtbot, controller)
    assert section.server.text() == server.url
    assert section.user.text() == "ravi@team.example"
    assert section.state.text().startswith("Synced ")
    assert section.sign_out_button.isEnabled() and section.sync_button.isEnabled()
    section.sign_out_button.click()
    qtbot.waitUntil(lambda: section.state.text() == "Sign-in needed", timeout=10_000)
    assert keyring.get_password(service_name(server.url), "token") is None
