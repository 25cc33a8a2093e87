"""TLS: certificates are verified; a team's own CA is trusted only when configured."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from synckit import PASSWORD, Station, ThreadServer

from workbench.sync.errors import ServerUnreachable


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
def test_a_custom_ca_is_needed_and_enough(tmp_path: Path) -> None:
    ca, cert, key = _make_ca_and_cert(tmp_path)
    server = ThreadServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tls=(cert, key))
    try:
        server.add_agent("Dana Smith", "dana@example.com", "manager")
        st = Station(tmp_path / "ws.sqlite3", server)
        try:
            with pytest.raises(ServerUnreachable):  # unknown CA: refused, never ignored
                st.engine.sign_in(server.url, "dana@example.com", PASSWORD)
            agent = st.engine.sign_in(server.url, "dana@example.com", PASSWORD, ca_file=ca)
            assert agent.email == "dana@example.com"
            assert st.engine.sync_once().ok
        finally:
            st.close()
    finally:
        server.stop()
