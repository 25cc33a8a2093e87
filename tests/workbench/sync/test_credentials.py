"""The token goes to the keyring only; plaintext keyrings are refused outside tests."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import keyring
import pytest

pytest.importorskip("keyrings.alt.file", reason="keyrings.alt (a test dependency) is missing")
from keyrings.alt.file import PlaintextKeyring
from synckit import PASSWORD, ThreadServer

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.sync.credentials import (
    INSECURE_ENV,
    KeyringTokenStore,
    certificate_problem,
    check_ca_file,
    checked_backend,
    insecure_allowed,
    normalize_url,
    service_name,
)
from workbench.sync.engine import SyncEngine
from workbench.sync.errors import InsecureKeyring


@pytest.fixture
def plaintext(tmp_path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_plaintext_keyring_is_refused_without_the_test_switch(
    plaintext: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSECURE_ENV, raising=False)
    with pytest.raises(InsecureKeyring, match="plain text"):
        checked_backend()
    with pytest.raises(InsecureKeyring):
        KeyringTokenStore("https://sync.example.com").set("secret")


def test_with_the_switch_it_works_and_warns_loudly(
    plaintext: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    store = KeyringTokenStore("HTTPS://Sync.Example.com/")
    with caplog.at_level(logging.WARNING):
        store.set("tok")
    assert "INSECURE" in caplog.text
    assert store.get() == "tok"
    assert keyring.get_password(service_name("https://sync.example.com"), "token") == "tok"
    store.delete()
    assert store.get() is None
    with pytest.raises(ValueError):
        normalize_url("ftp://nope")


def test_the_token_is_nowhere_but_the_keyring(
    server: ThreadServer, tmp_path: Path, plaintext: PlaintextKeyring,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    db = tmp_path / "data" / "wb.sqlite3"
    wb = Workbench.open(db, clock=FrozenClock(1_800_000_000_000))
    try:
        engine = SyncEngine(wb)
        with caplog.at_level(logging.DEBUG):
            engine.sign_in(server.url, "dana@example.com", PASSWORD)
            assert engine.sync_once().ok
        token = KeyringTokenStore(server.url).get()
        assert token
    finally:
        wb.close()
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and PASSWORD.encode() not in data
    assert token not in caplog.text and PASSWORD not in caplog.text


def test_a_ca_file_is_checked_before_it_is_trusted(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        check_ca_file(str(tmp_path / "missing.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(ValueError, match="not a PEM file"):
        check_ca_file(str(junk))


def test_the_insecure_switch_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    assert insecure_allowed()
    monkeypatch.setenv(INSECURE_ENV, "yes")  # only "1" allows it
    assert not insecure_allowed()
    monkeypatch.delenv(INSECURE_ENV)
    assert not insecure_allowed()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_an_untrusted_certificate_is_told_apart_from_a_server_that_is_down(
    tmp_path: Path,
) -> None:
    from synckit import free_port
    from test_tls import _make_ca_and_cert

    ca, cert, key = _make_ca_and_cert(tmp_path)
    assert check_ca_file(ca) == str(Path(ca).resolve())
    server = ThreadServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tls=(cert, key))
    try:
        problem = certificate_problem(server.url)
        assert problem is not None and "not trusted" in problem
        assert certificate_problem(server.url, ca) is None
        assert certificate_problem(f"https://127.0.0.1:{free_port()}") is None  # just down
        assert certificate_problem(server.url.replace("https", "http")) is None
    finally:
        server.stop()


def test_https_to_a_plain_http_server_is_said_as_such(server: ThreadServer) -> None:
    problem = certificate_problem(server.url.replace("http:", "https:"))
    assert problem is not None and "does not answer HTTPS" in problem
