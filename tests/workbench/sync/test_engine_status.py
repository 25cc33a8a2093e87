"""The engine's status line, its backoff timing and sign-in/out, without blocking."""

from __future__ import annotations

from pathlib import Path

import httpx
from synckit import Station, ThreadServer, free_port

from workbench.sync.status import Account, Backoff, Phase, account


def test_offline_status_counts_waiting_changes_and_backs_off(server: ThreadServer,
                                                             tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    st = Station(tmp_path / "ws.sqlite3", server)
    try:
        assert st.engine.status().phase is Phase.NOT_JOINED
        assert account(st.wb) == Account(None, None) and not account(st.wb).joined
        st.login("dana@example.com")
        assert account(st.wb) == Account(server.url, "dana@example.com")
        st.sync()
        assert st.engine.status().phase is Phase.SYNCED
        assert st.engine.status().text().startswith("Synced at ")
        st.wb.customers.create("Ana Lima")
        from workbench.store.changelog import save_state
        from workbench.store.numbers import SERVER_KEY

        with st.wb.db.session() as s:  # the server moves away: nothing listens there
            save_state(s, SERVER_KEY, f"http://127.0.0.1:{free_port()}")
        first = st.engine.sync_once()
        assert not first.ok and first.phase == "offline"
        status = st.engine.status()
        assert status.phase is Phase.OFFLINE and status.pending == 1
        assert status.text() == "Offline · 1 change waiting"
        wait1 = st.engine.next_attempt_in()
        st.engine.sync_once()
        wait2 = st.engine.next_attempt_in()
        assert wait1 > 0 and wait1 < wait2 <= 300
        with st.wb.db.session() as s:
            save_state(s, SERVER_KEY, server.url)
        assert st.engine.sync_once().ok
        assert st.engine.next_attempt_in() == 0
        assert st.engine.status().pending == 0
    finally:
        st.close()


def test_sign_out_revokes_the_token_and_sign_in_is_needed(server: ThreadServer,
                                                          tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    st = Station(tmp_path / "ws.sqlite3", server)
    try:
        st.login("dana@example.com")
        token = st.tokens.get()
        assert token
        st.engine.sign_out()
        assert st.tokens.get() is None
        r = httpx.get(f"{server.url}/api/v1/auth/me",
                      headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
        report = st.engine.sync_once()
        assert report.phase == "sign-in"
        assert st.engine.status().text() == "Sign-in needed"
        assert st.engine.next_attempt_in() == 0  # no point retrying before a sign-in
    finally:
        st.close()


def test_backoff_grows_with_jitter_and_caps() -> None:
    import random

    b = Backoff(base_s=2, cap_s=60, rng=random.Random(1))
    delays = [b.failed(now=0.0) for _ in range(10)]
    assert all(1 <= d <= 60 for d in delays)
    assert delays[5] > delays[0]
    assert b.delay_s(now=0.0) == delays[-1]
    b.succeeded()
    assert b.delay_s(now=0.0) == 0
