"""Background sync for the app: one sync thread, a timer, backoff, and the state to show.

:class:`SyncController` drives the core's :class:`~workbench.sync.engine.SyncEngine` from a
thread of its own (a sync waits on the network for up to its timeout, so it never queues
behind the op runner's quick service calls, and never runs on the UI thread). Sign-in,
sign-out and syncs all run on that one thread, so two of them never overlap.

Timing: every ``interval_ms`` after a sync that worked; after a failure, an exponential
backoff with jitter (30 s doubling up to 5 min by default) on a QTimer — it never waits for
a local edit to try again. Nothing is retried while a sign-in is needed. Ctrl+Shift+S syncs
at once (or right after the sync under way).

Changes a sync applies reach every view through the op runner's ``changes_applied`` (the
engine writes on the same :class:`Workbench` the runner listens to), so the queue, the
ticket windows and the conflict banners refresh as after a local edit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ui import errors
from ui.context import AppContext
from ui.ops import Changes
from workbench.sync.errors import (
    InsecureKeyring,
    ServerUnreachable,
    SignInRequired,
    SyncError,
)
from workbench.sync.status import Account, Backoff, Phase, SyncStatus, account

if TYPE_CHECKING:
    from workbench.services.context import Workbench
    from workbench.services.dto import AgentInfo
    from workbench.sync.engine import EngineSettings, SyncEngine, SyncReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncTiming:
    """When the controller syncs (the defaults are the app's; tests shorten them)."""

    interval_ms: int = 30_000
    first_delay_ms: int = 3_000  # after start-up, once the first frames are on screen
    backoff_base_s: float = 30.0
    backoff_cap_s: float = 300.0
    status_delay_ms: int = 300  # a burst of local edits re-reads the status once


class SignInFailed(Exception):
    """Why a sign-in did not work, as a kind the dialog words and the details it needs."""

    WRONG_PASSWORD = "wrong-password"
    UNREACHABLE = "unreachable"
    UNTRUSTED = "untrusted"
    BAD_INPUT = "bad-input"
    KEYRING = "keyring"
    REFUSED = "refused"

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class _Outcome:
    """What a job on the sync thread hands back to the UI thread."""

    status: SyncStatus
    account: Account
    actor: AgentInfo | None
    value: Any = None


class SyncController(QObject):
    """The app's sync: state, timer, and the jobs on the sync thread."""

    status_changed = Signal(object)  # SyncStatus
    account_changed = Signal(object)  # Account
    sync_finished = Signal(object)  # SyncReport
    _job_done = Signal(object, object, object)  # callback, value, error (worker -> UI)

    def __init__(self, ctx: AppContext, timing: SyncTiming | None = None,
                 settings: EngineSettings | None = None) -> None:
        super().__init__(ctx)
        self.setObjectName("sync-controller")
        self._ctx = ctx
        self.timing = timing or SyncTiming()
        self._settings = settings
        self._engine: SyncEngine | None = None
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="workbench-sync")
        self._running = False
        self._again = False  # "sync now" was asked while a sync ran
        self._closed = False
        self._reported_bug = False
        self.attempts = 0  # syncs started (by the timer or on demand)
        self.status = SyncStatus(Phase.NOT_JOINED)
        self.account = Account(None, None)
        self.next_attempt_at: float | None = None  # time.time() of the timer's next sync
        self._backoff = Backoff(self.timing.backoff_base_s, self.timing.backoff_cap_s)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(self.timing.status_delay_ms)
        self._status_timer.timeout.connect(self.refresh_status)
        self._job_done.connect(self._deliver)
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.runner.run_op(self._make_engine, self._engine_ready, self._engine_failed,
                          owner=self)

    def set_timing(self, timing: SyncTiming) -> None:
        """Use *timing* from now on (tests shorten the app's)."""
        self.timing = timing
        self._backoff = Backoff(timing.backoff_base_s, timing.backoff_cap_s)
        self._status_timer.setInterval(timing.status_delay_ms)
        if self._timer.isActive() and self._engine is not None and self.account.joined:
            self._schedule(min(self._timer.remainingTime(), timing.first_delay_ms))

    @classmethod
    def of(cls, ctx: AppContext) -> SyncController:
        """The controller of *ctx*, made (and started) on first use."""
        existing = ctx.findChild(SyncController, "sync-controller")
        return existing if isinstance(existing, SyncController) else cls(ctx)

    # -- state ---------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._engine is not None and not self._closed

    @property
    def running(self) -> bool:
        return self._running

    def is_configured(self) -> bool:
        """Joined to a team server (whether or not a sign-in is needed now)."""
        return self.ready and self.account.joined

    def is_signed_in(self) -> bool:
        return self.is_configured() and self.status.phase is not Phase.SIGN_IN

    def _make_engine(self, wb: Workbench) -> _Outcome:
        from workbench.sync.engine import SyncEngine

        engine = SyncEngine(wb, settings=self._settings)
        return _Outcome(engine.status(), account(wb), None, engine)

    def _engine_ready(self, outcome: _Outcome) -> None:
        if self._closed:
            return
        self._engine = outcome.value
        self._take(outcome)
        if self.account.joined:
            self._schedule(self.timing.first_delay_ms)

    def _engine_failed(self, exc: BaseException) -> None:
        log.error("sync cannot start", exc_info=exc)

    def _take(self, outcome: _Outcome) -> None:
        if outcome.account != self.account:
            self.account = outcome.account
            self.account_changed.emit(self.account)
        self._set_status(outcome.status)
        actor = outcome.actor
        current = self._ctx.agent
        if actor is not None and (current is None or current.id != actor.id):
            self._ctx.set_agent(actor)  # the signed-in agent acts once their row arrived

    def _set_status(self, status: SyncStatus) -> None:
        if self._running and status.phase is not Phase.SYNCING:
            status = replace(status, phase=Phase.SYNCING)
        self.status = status
        self.status_changed.emit(status)

    def refresh_status(self) -> None:
        """Re-read the status (waiting changes, conflicts) on the op runner."""
        engine = self._engine
        if engine is None or self._closed:
            return
        self._ctx.runner.run_op(lambda _wb: engine.status(), self._set_status, owner=self)

    def _on_changes(self, _changes: Changes, _initiator: object | None) -> None:
        if self._engine is not None and not self._closed:
            self._status_timer.start()

    # -- syncing -------------------------------------------------------------------------
    def sync_now(self) -> None:
        """Sync now, or right after the sync under way; never two at once."""
        engine = self._engine
        if engine is None or self._closed:
            return
        if self._running:
            self._again = True
            return
        self._timer.stop()
        self.next_attempt_at = None
        self._running = True
        self.attempts += 1
        self._set_status(self.status)

        def job() -> _Outcome:
            report = engine.sync_once()
            return self._outcome(engine, report)

        self._submit(job, self._synced, self._sync_crashed)

    def _outcome(self, engine: SyncEngine, value: Any = None) -> _Outcome:
        """Read on the sync thread after a job: status, account and who acts now."""
        from workbench.services.errors import NotFound

        wb = engine.wb
        try:
            actor = wb.agents.get(wb.actor_id) if wb.actor_id else None
        except NotFound:  # the acting agent's row has not arrived yet
            actor = None
        return _Outcome(engine.status(), account(wb), actor, value)

    def _synced(self, outcome: _Outcome) -> None:
        report: SyncReport = outcome.value
        self._running = False
        self._take(outcome)
        if report.ok:
            self._reported_bug = False
            self._backoff.succeeded()
            self._schedule(self.timing.interval_ms)
        elif report.phase in (Phase.SIGN_IN.value, Phase.NOT_JOINED.value):
            self._timer.stop()  # nothing to retry until someone signs in
            self.next_attempt_at = None
        elif report.phase != Phase.SYNCING.value:
            self._retry_later()
        self.sync_finished.emit(report)
        self._run_again()

    def _sync_crashed(self, exc: BaseException) -> None:
        """Not a known sync condition: a bug. Logged and reported once, then backed off."""
        self._running = False
        log.error("sync failed unexpectedly", exc_info=exc)
        self._set_status(replace(self.status, phase=Phase.ERROR,
                                 message=type(exc).__name__))
        self._retry_later()
        if not self._reported_bug:
            self._reported_bug = True
            errors.report(exc)
        self._run_again()

    def _retry_later(self) -> None:
        delay_s = self._backoff.failed(time.monotonic())
        self._schedule(int(delay_s * 1000))

    def _run_again(self) -> None:
        if self._again and not self._closed:
            self._again = False
            self.sync_now()

    def _schedule(self, delay_ms: int) -> None:
        if self._closed:
            return
        self._timer.start(max(0, delay_ms))
        self.next_attempt_at = time.time() + delay_ms / 1000

    @property
    def failures(self) -> int:
        """Failed syncs in a row (0 after one that worked)."""
        return self._backoff.failures

    # -- sign-in -------------------------------------------------------------------------
    def sign_in(self, server_url: str, user: str, password: str, ca_file: str | None,
                on_success: Callable[[AgentInfo | None], None],
                on_error: Callable[[BaseException], None], owner: QObject | None = None) -> None:
        """Sign in on the sync thread; the token goes to the keyring, then a sync starts.

        The callbacks are skipped when *owner* (the dialog) was closed meanwhile; the
        sign-in itself still completes and the status bar shows it.
        """
        engine = self._engine
        if engine is None or self._closed:
            on_error(SignInFailed(SignInFailed.REFUSED, "sync is not ready yet"))
            return

        def job() -> _Outcome:
            return _sign_in(self, engine, server_url, user, password, ca_file)

        def done(outcome: _Outcome) -> None:
            self._engine = outcome.value
            self._backoff.succeeded()
            self._take(outcome)
            if owner is None or shiboken6.isValid(owner):
                on_success(outcome.actor)
            self.sync_now()

        def failed(exc: BaseException) -> None:
            if owner is None or shiboken6.isValid(owner):
                on_error(exc)

        self._submit(job, done, failed)

    def sign_out(self, on_done: Callable[[], None] | None = None) -> None:
        """Revoke the token (when the server answers) and remove it from the keyring."""
        engine = self._engine
        if engine is None or self._closed:
            return

        def job() -> _Outcome:
            engine.sign_out()
            return self._outcome(engine)

        def done(outcome: _Outcome) -> None:
            self._timer.stop()
            self.next_attempt_at = None
            self._take(outcome)
            if on_done is not None:
                on_done()

        self._submit(job, done, self._sign_out_failed)

    def _sign_out_failed(self, exc: BaseException) -> None:
        if isinstance(exc, SyncError):
            errors.show_known(exc)
        else:
            errors.report(exc)

    # -- the sync thread -----------------------------------------------------------------
    def _submit(self, job: Callable[[], Any], on_success: Callable[[Any], None],
                on_error: Callable[[BaseException], None]) -> None:
        executor = self._executor
        if executor is None:
            return

        def run() -> None:
            try:
                value, error = job(), None
            except Exception as exc:
                value, error = None, exc
            if not self._closed:
                self._job_done.emit((on_success, on_error), value, error)

        executor.submit(run)

    @Slot(object, object, object)
    def _deliver(self, callbacks: tuple[Callable[[Any], None], Callable[[BaseException], None]],
                 value: Any, error: BaseException | None) -> None:
        if self._closed:
            return
        on_success, on_error = callbacks
        if error is None:
            on_success(value)
        else:
            on_error(error)

    def shutdown(self) -> None:
        """Stop the timers and wait for the job under way (a sync commits as it goes)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._status_timer.stop()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _sign_in(controller: SyncController, engine: SyncEngine, server_url: str, user: str,
             password: str, ca_file: str | None) -> _Outcome:
    """The sign-in job (sync thread): check the input, sign in, word the failure."""
    from workbench.sync.credentials import certificate_problem, check_ca_file, normalize_url
    from workbench.sync.engine import SyncEngine

    try:
        url = normalize_url(server_url)
        ca = check_ca_file(ca_file) if ca_file else None
    except ValueError as exc:
        raise SignInFailed(SignInFailed.BAD_INPUT, str(exc)) from None
    if engine.server_url not in (None, url):  # another server: a fresh engine and keyring entry
        engine = SyncEngine(engine.wb, settings=engine.settings)
    try:
        engine.sign_in(url, user.strip(), password, ca_file=ca)
    except SignInRequired:
        raise SignInFailed(SignInFailed.WRONG_PASSWORD) from None
    except ServerUnreachable:
        problem = certificate_problem(url, ca)
        if problem is not None:
            raise SignInFailed(SignInFailed.UNTRUSTED, problem) from None
        raise SignInFailed(SignInFailed.UNREACHABLE, url) from None
    except InsecureKeyring as exc:
        raise SignInFailed(SignInFailed.KEYRING, str(exc)) from None
    except SyncError as exc:
        raise SignInFailed(SignInFailed.REFUSED, str(exc)) from None
    return controller._outcome(engine, engine)
