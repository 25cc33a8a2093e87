"""The token goes to the keyring only; plaintext keyrings are refused outside tests."""

from __future__ import annotations

import logging
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
    checked_backend,
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
