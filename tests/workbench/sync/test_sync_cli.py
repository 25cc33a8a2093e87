"""The command lines: ``workbench-server`` account administration and ``workbench`` sync."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from synckit import PASSWORD, ThreadServer

from workbench.cli.sync import main as sync_main
from workbench.sync.server.cli import main as server_main


def test_server_accounts_from_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    assert server_main(["--db", db, "add-agent", "Dana Smith", "--email", "dana@example.com",
                        "--role", "manager", "--password-stdin"]) == 0
    assert "added Dana Smith" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    assert server_main(["--db", db, "add-agent", "Dana Again", "--email", "dana@example.com",
                        "--password-stdin"]) == 1
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert server_main(["--db", db, "reset-password", "dana@example.com",
                        "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("another-good-one\n"))
    assert server_main(["--db", db, "reset-password", "dana@example.com",
                        "--password-stdin"]) == 0
    assert server_main(["--db", db, "disable", "Dana Smith"]) == 0
    assert server_main(["--db", db, "disable", "nobody@example.com"]) == 1
    out = capsys.readouterr()
    assert "a-good-password" not in out.out + out.err


def test_workbench_login_sync_conflicts_logout(
    server: ThreadServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keyring = pytest.importorskip("keyring")
    alt = pytest.importorskip("keyrings.alt.file")
    backend = alt.PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        server.add_agent("Dana Smith", "dana@example.com", "manager")
        data = str(tmp_path / "data")
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert sync_main(["--data-dir", data, "login", "--server", server.url, "--user",
                          "dana@example.com", "--password-stdin"]) == 0
        assert "signed in" in capsys.readouterr().out
        assert sync_main(["--data-dir", data, "sync", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["ok"] and report["pulled"] >= 1
        assert sync_main(["--data-dir", data, "conflicts", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []
        assert sync_main(["--data-dir", data, "logout"]) == 0
        capsys.readouterr()
        assert sync_main(["--data-dir", data, "sync"]) == 3  # sign-in needed
        assert "sync failed" in capsys.readouterr().out
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password\n"))
        assert sync_main(["--data-dir", data, "login", "--server", server.url, "--user",
                          "dana@example.com", "--password-stdin"]) == 3
        assert "wrong user or password" in capsys.readouterr().err
    finally:
        keyring.set_keyring(previous)
