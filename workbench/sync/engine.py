"""The sync engine: one full sync (push, pull, numbers), status and retry timing.

No Qt: the app drives it from a worker thread with a timer (``next_attempt_in()``), the CLI
calls :meth:`SyncEngine.sync_once` directly. Every step commits as it goes (a page and its
cursor together), so a crash or kill at any point resumes where it stopped.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select

from workbench.store.changelog import HLC_KEY, SEED, load_state, save_state
from workbench.store.models import Change
from workbench.sync import numbers
from workbench.sync.apply import Applier, Incoming, from_change, from_snapshot
from workbench.sync.clockfix import apply_offset, load_offset, measure_offset, restamp_if_ahead
from workbench.sync.conflicts import open_count
from workbench.sync.credentials import (
    KeyringTokenStore,
    TokenStore,
    normalize_url,
    service_name,
)
from workbench.sync.errors import (
    LocalOnlyDatabase,
    NotConfigured,
    ServerRefused,
    ServerUnreachable,
    SignInRequired,
    SyncError,
)
from workbench.sync.gcpause import paused_gc
from workbench.sync.outbox import next_batch, pending_count, record_results, wire_body
from workbench.sync.protocol import AgentPublic
from workbench.sync.sla import refresh_tickets
from workbench.sync.status import Backoff, Phase, SyncStatus
from workbench.sync.transport import ServerApi

if TYPE_CHECKING:
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)

CURSOR_KEY = "sync_cursor"
BATCH_KEY = "sync_batch_seq"
CA_KEY = "sync_ca_file"
USER_KEY = "sync_user"
AGENT_KEY = "sync_agent_id"
SYNCED_KEY = "synced_at"
SNAP_HEAD, SNAP_ENTITY, SNAP_AFTER = "snapshot_head", "snapshot_entity", "snapshot_after"


@dataclass(frozen=True)
class EngineSettings:
    push_batch: int = 1000
    pull_page: int = 1000
    snapshot_page: int = 1000
    snapshot_threshold: int = 5000  # a new workstation behind by more bootstraps instead
    lease_size: int = 100
    lease_low_water: int = 20
    timeout_s: float = 30.0


@dataclass
class SyncReport:
    ok: bool = True
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    conflicts: int = 0
    numbered: int = 0
    restamped: int = 0
    snapshot_rows: int = 0
    error: str | None = None
    phase: str = "synced"
    duration_ms: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if not self.ok:
            return f"sync failed: {self.error}"
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled}"]
        if self.rejected:
            parts.append(f"{self.rejected} refused")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflicts")
        if self.numbered:
            parts.append(f"{self.numbered} tickets numbered")
        if self.snapshot_rows:
            parts.append(f"{self.snapshot_rows} rows bootstrapped")
        return "synced: " + ", ".join(parts) + f" in {self.duration_ms} ms"


class SyncEngine:
    def __init__(self, wb: Workbench, tokens: TokenStore | None = None,
                 settings: EngineSettings | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.wb = wb
        self.settings = settings or EngineSettings()
        self._tokens = tokens
        self._transport = transport
        self._lock = threading.Lock()
        self._backoff = Backoff()
        self._phase: Phase | None = None
        self._message = ""
        apply_offset(wb, load_offset(wb))

    # -- configuration -------------------------------------------------------------------
    def _state(self, key: str) -> str | None:
        with self.wb.read() as s:
            return load_state(s, key)

    def _save(self, key: str, value: str) -> None:
        with self.wb.db.session() as s:
            save_state(s, key, value)

    @property
    def server_url(self) -> str | None:
        return numbers.joined_url(self.wb)

    def tokens(self, url: str) -> TokenStore:
        """The token store of *url* (a keyring entry per server: a sign-in to another
        server must not read or overwrite the first one's token)."""
        if self._tokens is None or (isinstance(self._tokens, KeyringTokenStore)
                                    and self._tokens.service != service_name(url)):
            self._tokens = KeyringTokenStore(url)
        return self._tokens

    def _api(self, url: str, token: str | None) -> ServerApi:
        return ServerApi(url, token, self._state(CA_KEY), self.settings.timeout_s,
                         self._transport)

    def sign_in(self, server_url: str, user: str, password: str,
                ca_file: str | None = None) -> AgentPublic:
        """Sign in, keep the token in the keyring, and join this workstation to the server."""
        url = normalize_url(server_url)
        with self.wb.read() as s:  # demo rows exist nowhere else and are never pushed
            if s.scalar(select(Change.seq).where(Change.kind == SEED).limit(1)) is not None:
                raise LocalOnlyDatabase(
                    "this database holds demo data, which stays on this computer; "
                    "sign in from a new data directory (--data-dir)")
        if ca_file is not None:
            self._save(CA_KEY, ca_file)
        api = self._api(url, None)
        try:
            resp = api.login(user, password, self.wb.node_id, socket.gethostname()[:200])
        except SignInRequired:
            raise SignInRequired("wrong user or password") from None
        finally:
            api.close()
        self.tokens(url).set(resp.token)
        numbers.join(self.wb, url)
        self._save(USER_KEY, user)
        self._save(AGENT_KEY, resp.agent.id)
        self._phase, self._message = None, ""
        self._backoff.succeeded()
        return resp.agent

    def sign_out(self) -> None:
        """Revoke the token on the server (when reachable) and remove it from the keyring."""
        url = self.server_url
        if url is None:
            return
        store = self.tokens(url)
        token = store.get()
        if token:
            api = self._api(url, token)
            try:
                api.logout()
            except SyncError:
                log.info("the server could not be told of the sign-out; the token is dropped")
            finally:
                api.close()
        store.delete()
        self._phase = Phase.SIGN_IN

    # -- status and timing ---------------------------------------------------------------
    def status(self) -> SyncStatus:
        with self.wb.read() as s:
            pending = pending_count(s)
            synced = load_state(s, SYNCED_KEY)
        phase = self._phase or (Phase.NOT_JOINED if self.server_url is None
                                else Phase.SYNCED if synced else Phase.OFFLINE)
        return SyncStatus(phase, pending, int(synced) if synced else None,
                          self.wb.hlc.offset_ms, open_count(self.wb), self._message)

    def next_attempt_in(self, now: float | None = None) -> float:
        """Seconds until the next attempt may start (0: now); never blocks."""
        return self._backoff.delay_s(time.monotonic() if now is None else now)

    # -- syncing -------------------------------------------------------------------------
    def sync_once(self) -> SyncReport:
        """One full sync; failures are reported (and backed off), never raised."""
        started = time.monotonic()
        report = SyncReport()
        if not self._lock.acquire(blocking=False):
            report.ok, report.error, report.phase = False, "a sync is already running", "syncing"
            return report
        self._phase = Phase.SYNCING
        try:
            self._sync(report)
            self._phase, self._message = Phase.SYNCED, ""
            self._backoff.succeeded()
        except SyncError as exc:
            report.ok, report.error = False, str(exc)
            self._phase = (Phase.SIGN_IN if isinstance(exc, SignInRequired)
                           else Phase.NOT_JOINED if isinstance(exc, NotConfigured)
                           else Phase.OFFLINE if isinstance(exc, ServerUnreachable)
                           else Phase.ERROR)
            self._message = str(exc)
            report.phase = self._phase.value
            if not isinstance(exc, SignInRequired | NotConfigured):
                self._backoff.failed(time.monotonic())
        finally:
            self._lock.release()
            report.duration_ms = int((time.monotonic() - started) * 1000)
        return report

    def _sync(self, report: SyncReport) -> None:
        url = self.server_url
        if url is None:
            raise NotConfigured("sign in to a team server first (workbench login)")
        token = self.tokens(url).get()
        if not token:
            raise SignInRequired("sign in to the team server")
        api = self._api(url, token)
        try:
            t0 = self.wb.clock.now_ms()
            health = api.health()
            apply_offset(self.wb, measure_offset(t0, self.wb.clock.now_ms(),
                                                 health.server_time_ms))
            report.restamped = restamp_if_ahead(self.wb)
            self._push(api, report)
            self._pull(api, report)
            numbers.ensure_lease(self.wb, api, self.settings.lease_size,
                                 self.settings.lease_low_water)
            report.numbered = numbers.number_provisional(self.wb)
            if report.numbered:
                self._push(api, report)
            self._adopt_agent()
            self._save(SYNCED_KEY, str(self.wb.now_ms()))
        finally:
            api.close()

    def _push(self, api: ServerApi, report: SyncReport) -> None:
        retried = False
        while True:
            with self.wb.read() as s:
                batch = next_batch(s, self.settings.push_batch)
                seq = int(load_state(s, BATCH_KEY) or 0) + 1
                body = wire_body(s, batch, seq) if batch else b""
            if not batch:
                return
            try:
                resp = api.push_body(body)
            except ServerRefused as exc:
                expected = exc.detail.get("expected") if isinstance(exc.detail, dict) else None
                if exc.code != "out_of_order" or retried or not isinstance(expected, int):
                    raise
                retried = True
                self._save(BATCH_KEY, str(expected - 1))
                continue
            with self.wb.write() as w:
                r = record_results(w, batch, resp)
                save_state(w.session, BATCH_KEY, str(seq))
            report.pushed += r.pushed
            report.duplicates += r.duplicates
            report.rejected += r.rejected

    def _apply_page(self, incoming: list[Incoming], state: dict[str, str],
                    report: SyncReport) -> None:
        with self.wb.write() as w, paused_gc():
            applied = Applier(self.wb, w).apply(incoming)
            refresh_tickets(self.wb, w, applied.tickets)
            for key, value in state.items():
                save_state(w.session, key, value)
            save_state(w.session, HLC_KEY, self.wb.hlc.last())
        report.conflicts += applied.conflicts
        if w.changes.touches("sla_policies") or w.changes.touches("sla_calendars"):
            from workbench.sync.sla import refresh_open_tickets

            refresh_open_tickets(self.wb)

    def _pull(self, api: ServerApi, report: SyncReport) -> None:
        cursor = int(self._state(CURSOR_KEY) or 0)
        if self._state(SNAP_HEAD) is not None:
            cursor = self._bootstrap(api, report)
        while True:
            resp = api.pull(cursor, self.settings.pull_page)
            if (cursor == 0 and resp.has_more
                    and resp.head > self.settings.snapshot_threshold):
                cursor = self._bootstrap(api, report)
                continue
            self._apply_page([from_change(c) for c in resp.changes],
                             {CURSOR_KEY: str(resp.next_cursor)}, report)
            report.pulled += len(resp.changes)
            cursor = resp.next_cursor
            if not resp.has_more:
                return

    def _bootstrap(self, api: ServerApi, report: SyncReport) -> int:
        """Page through the server's current rows (resumable), then pull from its head."""
        entity, after = self._state(SNAP_ENTITY), self._state(SNAP_AFTER)
        head = self._state(SNAP_HEAD)
        while True:
            resp = api.snapshot(entity or None, after or None, self.settings.snapshot_page)
            if head is None:
                head = str(resp.head)
            state = {SNAP_HEAD: head, SNAP_ENTITY: resp.next_entity or "",
                     SNAP_AFTER: resp.next_after or ""}
            if resp.done:
                state[CURSOR_KEY] = head
            self._apply_page([from_snapshot(r) for r in resp.rows], state, report)
            report.snapshot_rows += len(resp.rows)
            if resp.done:
                with self.wb.db.session() as s:
                    from workbench.store.models import SyncState

                    for key in (SNAP_HEAD, SNAP_ENTITY, SNAP_AFTER):
                        obj = s.get(SyncState, key)
                        if obj is not None:
                            s.delete(obj)
                return int(head)
            entity, after = resp.next_entity, resp.next_after

    def _adopt_agent(self) -> None:
        """Act as the signed-in agent on this workstation once its row has arrived."""
        agent_id = self._state(AGENT_KEY)
        if not agent_id:
            return
        from workbench.services.agents import LOCAL_AGENT_KEY
        from workbench.store.models import Agent

        with self.wb.read() as s:
            present = s.get(Agent, agent_id) is not None
            current = load_state(s, LOCAL_AGENT_KEY)
        if present and current != agent_id:
            self.wb.agents.set_local_agent(agent_id)
        if present and self.wb.actor_id is None:
            self.wb.actor_id = agent_id
