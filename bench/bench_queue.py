"""Queue benchmark: the ticket queue on a 1,000,000-ticket workstation database.

One process per database size (offscreen, the op runner synchronous so every step is on the
UI thread and timed whole), each figure as median / worst wall time and median CPU time:
``first_page`` (model built, first page read, first frame painted with chips) for our
table beside a bare ``QAbstractTableModel`` on the same indexed query and ``QSqlQueryModel``
(QSQLITE), each view put into a window already on screen which then repaints synchronously,
cells included (checked: chips counted for ours, cells asked for the bare model);
``first_rows`` (model built, first page read, every cell of the 30 visible
rows asked for its text: the model alone, no view) and ``scroll_page`` (one page more and
its visible cells) for ours beside QSqlQueryModel; ``switch_view`` / ``switch_sort``;
``tick`` (one countdown second, visible chips repainted); ``open_ticket_500_events``; peak
RSS on 10,000 vs 1,000,000 tickets (total, and anonymous: the store maps up to 256 MiB of
the file, which counts as resident).

The databases are built once with plain ``executemany`` into a database migrated by
``Workbench.open`` (the demo generator is too slow for a million) and cached in
``bench/results/`` (git-ignored). Prints JSON and writes ``bench/results/bench_queue.json``.

    python bench/bench_queue.py [--tickets 1000000] [--runs 15] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))

NOW_MS = 1_772_442_000_000  # 2026-03-02 09:00 UTC: the frozen "now" of every database
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
PAUSED_RANK_BASE = 1 << 52  # as workbench.store.models.tickets.queue_rank
FIRST = ("Dana", "Sam", "Mina", "Lukas", "Arash", "Negar", "Suman", "Abebe", "Élodie", "Jonas",
         "Priya", "Kofi", "Lucía", "Aram")
LAST = ("Ortiz", "Okafor", "Rahimi", "Becker", "Karimi", "Ahmadi", "Das", "Kebede", "Martin",
        "Weber", "Mensah", "Roy", "Chan")
SUBJECTS = ("Cannot log in after the update", "Invoice shows the wrong VAT rate",
            "Export to CSV stops at 10,000 rows", "مشکل در ورود به حساب کاربری",
            "চালান ডাউনলোড হচ্ছে না", "Two-factor codes rejected")
PLANS = ("free", "standard", "standard", "premium", "enterprise")
PRIORITIES = ("urgent", "high", "normal", "normal", "normal", "low")
TARGETS = ("first_response", "next_update", "resolution")


# -- the database --------------------------------------------------------------------------------
def _status(rng: random.Random, age_ms: int) -> str:
    """Recent tickets are mostly open; a long tail of old ones stays open too."""
    p_open = 0.8 if age_ms < 2 * DAY_MS else 0.15 if age_ms < 30 * DAY_MS else 0.01
    if rng.random() >= p_open:
        return "solved" if rng.random() < 0.7 else "closed"
    return rng.choices(("new", "open", "pending", "on-hold"), (20, 45, 25, 10))[0]


def build_db(path: Path, tickets: int, seed: int = 7) -> dict[str, Any]:
    """A migrated database with *tickets* tickets over a year, written with executemany."""
    from workbench.domain.clock import FrozenClock
    from workbench.domain.ids import uuid7
    from workbench.services.context import Workbench
    from workbench.store import search_index

    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    wb = Workbench.open(path, clock=FrozenClock(NOW_MS - 400 * DAY_MS))
    agents = [wb.agents.create(f"{FIRST[i]} {LAST[i]}", f"agent{i}@example.com",
                               "manager" if i == 3 else "lead" if i == 0 else "agent")
              for i in range(13)]
    wb.agents.set_local_agent(agents[1].id)
    agent_ids = [a.id for a in agents]
    customers = []
    for i in range(max(50, tickets // 20)):
        at = NOW_MS - 400 * DAY_MS + i
        customers.append((uuid7(at), f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                          f"c{i}@example.org", rng.choice(PLANS), "UTC", "en", "[]", at, at, at))
    rows = []
    span = 365 * DAY_MS
    for n in range(tickets):
        created = NOW_MS - span + (span * n) // tickets + rng.randrange(1000)
        status = _status(rng, NOW_MS - created)
        is_open = status not in ("solved", "closed")
        due = target = rank = None
        if status in ("new", "open"):
            due = NOW_MS + rng.randrange(-8 * HOUR_MS, 40 * HOUR_MS)
            target, rank = rng.choice(TARGETS), due
        elif is_open:
            rank = PAUSED_RANK_BASE + created
        assignee = None if status == "new" or rng.random() < 0.1 else rng.choice(agent_ids)
        updated = min(NOW_MS, created + rng.randrange(4 * DAY_MS))
        rows.append((uuid7(created), n + 1, rng.choice(SUBJECTS), status, rng.choice(PRIORITIES),
                     "email", customers[rng.randrange(len(customers))][0], assignee,
                     "[]", created, updated, None if is_open else updated, 0, due, target, rank))
    with wb.db.session() as s, search_index.bulk_load(s):
        conn = s.connection()
        conn.exec_driver_sql(
            "INSERT INTO customers (id, name, email, plan, time_zone, language, tags, "
            "active_since, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", customers)
        for start in range(0, len(rows), 50_000):
            conn.exec_driver_sql(
                "INSERT INTO tickets (id, number, subject, status, priority, channel, "
                "customer_id, assignee_id, tags, created_at, updated_at, solved_at, "
                "reopen_count, next_due_at, next_due_target, queue_rank) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows[start:start + 50_000])
    wb.close()
    _add_long_ticket(path, customers[0][0], agent_ids)
    with Workbench.open(path).db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"tickets": tickets, "seconds": round(time.perf_counter() - started, 1)}


def _add_long_ticket(path: Path, customer_id: str, agents: list[str]) -> None:
    """One open ticket with 500 events, written through the services (SLA-timed, logged)."""
    from workbench.domain.clock import FrozenClock
    from workbench.services.context import Workbench

    clock = FrozenClock(NOW_MS - 20 * DAY_MS)
    wb = Workbench.open(path, clock=clock)
    wb.actor_id = agents[1]
    t = wb.tickets.create("Long-running migration problem (500 events)", customer_id,
                          body="It started after the upgrade.", priority="high",
                          assignee_id=agents[1])
    body = ("We looked at the logs again and the import job stops at the same record; "
            "could you send us the file you used so we can reproduce it here? ") * 3
    steps = (lambda n: wb.tickets.customer_message(t.id, f"Still failing ({n}). {body}"),
             lambda n: wb.tickets.reply(t.id, body), lambda n: wb.tickets.reply(t.id, body),
             lambda n: wb.tickets.note(t.id, "Internal: " + body),
             lambda n: wb.tickets.update(t.id, priority=("urgent", "high")[n // 5 % 2]))
    for n in range(499):
        clock.advance(45 * 60)
        steps[n % 5](n)
    wb.close()



# -- the measured child (one process per database size) -------------------------------------------
BARE_SQL = ("SELECT t.id, t.number, t.subject, c.name, t.priority, t.status, a.name, "
            "t.next_due_at, t.updated_at FROM tickets t JOIN customers c ON c.id = t.customer_id "
            "LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.queue_rank IS NOT NULL "
            "ORDER BY t.queue_rank, t.id LIMIT 50")  # the query; ours pages by 50 too


def _timed(fn: Any, runs: int) -> dict[str, float]:
    """Median and worst wall time, and median UI-thread CPU time, of *fn* (ms)."""
    fn()  # warm: imports, statement caches, SQLite pages
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpus.append((time.thread_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    return {"median_ms": round(statistics.median(walls), 2), "max_ms": round(max(walls), 2),
            "cpu_median_ms": round(statistics.median(cpus), 2)}


def child(db: Path, runs: int) -> dict[str, Any]:
    import resource
    import sqlite3
    import tempfile

    from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSettings, Qt
    from PySide6.QtGui import QAction
    from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
    from PySide6.QtWidgets import QApplication, QTableView, QWidget

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("bench-queue")
    app = QApplication(sys.argv[:1])
    from ui.context import AppContext
    from ui.models.ticket_table import TicketTableModel
    from ui.ops import OpRunner
    from ui.pages.queue import QueuePage
    from ui.preferences import Preferences
    from ui.ticket.queue_paint import QueuePainter
    from ui.ticket.queue_query import QueueView
    from ui.ticket.queue_table import QueueTable
    from ui.ticket.view import open_ticket
    from workbench.config import resolve_paths
    from workbench.domain.clock import FrozenClock
    from workbench.domain.filters import TicketFilter
    from workbench.services.context import Workbench

    clock = FrozenClock(NOW_MS + 60_000)
    wb = Workbench.open(db, clock=clock)
    agent = wb.agents.local_agent()
    wb.actor_id = agent.id if agent else None
    runner = OpRunner(synchronous=True)
    runner.attach(wb)
    ctx = AppContext(runner, resolve_paths(tempfile.mkdtemp()), clock, Preferences())
    ctx.mark_ready(agent)
    out: dict[str, Any] = {"tickets": wb.tickets.list(TicketFilter(order="number",
                                                                   descending=True),
                                                      limit=1)[0].number}

    class Bare(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows = sqlite3.connect(db).execute(BARE_SQL).fetchall()

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return len(self.rows)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 8

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            cells_asked[0] += 1
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self.rows[index.row()][index.column() + 1])
            return None

    sql = QSqlDatabase.addDatabase("QSQLITE", "bench")
    sql.setDatabaseName(str(db))
    sql.open()
    connections = iter(range(10**6))

    # Every variant's first frame is painted the same way: the view goes into a window that is
    # already on screen, which then repaints synchronously (its cells included: a repaint of a
    # window not yet exposed paints nothing, which is what this benchmark once timed).
    host = QWidget()
    host.resize(1100, 700)
    host.show()
    for _ in range(20):
        app.processEvents()
    cells_asked = [0]

    def first_frame(make: Any) -> None:
        view = make()
        view.setParent(host)
        view.setGeometry(0, 0, 1100, 700)
        view.show()
        host.repaint()
        view.hide()
        view.setParent(None)
        view.deleteLater()
        app.processEvents()

    def ours() -> QTableView:
        model = TicketTableModel(runner, clock.now_ms)
        table = QueueTable(model)
        model.reload()
        return table

    def bare() -> QTableView:
        view = QTableView()
        view.setModel(Bare())
        return view

    def qsql() -> QTableView:
        model = QSqlQueryModel()
        model.setQuery(QSqlQuery(BARE_SQL, sql))
        view = QTableView()
        view.setModel(model)
        return view

    def qsql_cold() -> QTableView:  # as an app building it first: its connection opened too
        cold = QSqlDatabase.addDatabase("QSQLITE", f"cold-{next(connections)}")
        cold.setDatabaseName(str(db))
        cold.open()
        model = QSqlQueryModel()
        model.setQuery(QSqlQuery(BARE_SQL, cold))
        view = QTableView()
        view.setModel(model)
        return view

    rss: dict[str, float] = {}

    def mark(stage: str) -> None:
        rss[stage] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    VISIBLE = 30  # rows on screen in a 700 px table

    def first_rows(make: Any) -> None:
        """Model built, first page read, DisplayRole of every cell of the visible rows."""
        model = make()
        for r in range(VISIBLE):
            for c in range(8):
                model.index(r, c).data()

    def ours_model() -> Any:
        model = TicketTableModel(runner, clock.now_ms)
        model.reload()
        return model

    def qsql_model() -> Any:
        model = QSqlQueryModel()
        model.setQuery(QSqlQuery(BARE_SQL, sql))
        return model

    def scroll(model: Any, pages: list[int]) -> None:
        """One page more past what is loaded, and the cells of the rows now on screen."""
        first = model.rowCount()
        model.fetchMore(QModelIndex())
        pages.append(model.rowCount() - first)
        for r in range(first, min(first + VISIBLE, model.rowCount())):
            for c in range(8):
                model.index(r, c).data()

    # As the app does once started (ui.app.settle_heap): start-up objects out of the GC's way.
    from ui.app import settle_heap

    settle_heap()
    mark("opened")  # ours first: the comparisons' own connections must not count as ours
    painted_before = QueuePainter.total_chips
    out["first_page"] = {"ours": _timed(lambda: first_frame(ours), runs)}
    chips_per_frame = (QueuePainter.total_chips - painted_before) / (runs + 1)
    if chips_per_frame < 20:
        raise SystemExit(f"our first frame painted {chips_per_frame} chips: not a real frame")
    out["first_page"]["ours"]["chips_painted_per_frame"] = chips_per_frame
    out["first_page"]["page_with_tabs_and_filters"] = _timed(
        lambda: first_frame(lambda: QueuePage(ctx, QAction("New ticket"))), runs)

    mark("first_page")
    page = QueuePage(ctx, QAction("New ticket"))
    page.resize(1100, 720)
    page.show()
    app.processEvents()

    def switch(view: QueueView) -> None:
        page.select_view(view)
        app.processEvents()  # paints what the switch invalidated (tabs, rows), as on screen

    out["switch_view"] = {v.value: _timed(lambda v=v: (switch(v), switch(QueueView.ALL_OPEN)),
                                          runs) for v in QueueView if v is not QueueView.ALL_OPEN}
    for stats in out["switch_view"].values():  # each sample was two switches
        for key in stats:
            stats[key] = round(stats[key] / 2, 2)
    mark("switch_view")
    header = page.table.horizontalHeader()

    def sort(column: int) -> None:
        header.sectionClicked.emit(column)
        app.processEvents()

    out["switch_sort"] = {name: _timed(lambda c=c: sort(c), runs) for name, c in (
        ("created", TicketTableModel.NUMBER), ("updated", TicketTableModel.UPDATED),
        ("due", TicketTableModel.DUE))}
    mark("switch_sort")
    page.select_view(QueueView.ALL_OPEN)
    painted: list[int] = []

    def tick() -> None:
        clock.advance(1)
        before = page.table.chips.painted
        page.table.tick()
        app.processEvents()  # the repaint the tick asked for happens here
        painted.append(page.table.chips.painted - before)

    out["tick"] = _timed(tick, max(runs, 30))
    out["tick"]["chips_repainted"] = max(painted)
    out["tick"]["rows_loaded"] = page.model.rowCount()

    def deep() -> None:
        page.model.fetchMore(QModelIndex())

    for _ in range(20):
        deep()
    out["fetch_page_after_2000_rows"] = _timed(deep, runs)
    long = wb.tickets.get(f"#{out['tickets']}").ticket  # added last, after the bulk load

    def open_long() -> None:
        view = open_ticket(ctx, long.id)
        view.grab()  # its first frame, really painted (a repaint() of a window the platform
        # has not exposed yet paints nothing)
        view.close()
        app.processEvents()

    out["open_ticket_500_events"] = _timed(open_long, runs)
    mark("open_ticket")
    out["peak_rss_mb"] = rss["open_ticket"]
    out["peak_rss_by_stage_mb"] = rss
    status = Path("/proc/self/status").read_text().splitlines()
    out["rss_now_mb"] = {line.split(":")[0]: round(int(line.split()[1]) / 1024, 1)
                         for line in status if line.startswith(("RssAnon", "RssFile", "VmHWM"))}
    # The model-only comparisons come after the RSS marks: QSqlQueryModel keeps every row
    # it scrolled past, which must not count as ours.
    out["first_rows"] = {"ours": _timed(lambda: first_rows(ours_model), runs),
                         "qsqlquerymodel": _timed(lambda: first_rows(qsql_model), runs),
                         "bare_model": _timed(lambda: first_rows(Bare), runs),
                         "visible_rows": VISIBLE}
    ours_scroll, qsql_scroll = ours_model(), QSqlQueryModel()
    qsql_scroll.setQuery(QSqlQuery(BARE_SQL.replace(" LIMIT 50", ""), sql))
    ours_pages: list[int] = []
    qsql_pages: list[int] = []
    out["scroll_page"] = {
        "ours": _timed(lambda: scroll(ours_scroll, ours_pages), runs),
        "qsqlquerymodel": _timed(lambda: scroll(qsql_scroll, qsql_pages), runs),
    }
    out["scroll_page"]["ours"]["rows_per_page"] = max(ours_pages)
    out["scroll_page"]["qsqlquerymodel"]["rows_per_page"] = max(qsql_pages)
    for name, make in (("bare_model", bare), ("qsqlquerymodel", qsql),
                       ("qsqlquerymodel_with_connection", qsql_cold)):
        cells_asked[0] = 0
        out["first_page"][name] = _timed(lambda m=make: first_frame(m), runs)
        if name == "bare_model" and cells_asked[0] < 20 * 8 * (runs + 1):
            raise SystemExit("the bare model's first frame painted no cells: not a real frame")
    runner.shutdown()
    wb.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return 0
    built = {}
    for n in (args.small, args.tickets):
        db = RESULTS / f"queue-{n}.sqlite3"
        if args.rebuild or not db.exists():
            built[n] = build_db(db, n)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    runs = {}
    for n in (args.tickets, args.small):
        cmd = [sys.executable, __file__, "--child", str(RESULTS / f"queue-{n}.sqlite3"),
               "--runs", str(args.runs)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        runs[n] = json.loads(done.stdout.strip().splitlines()[-1])
    big, small = runs[args.tickets], runs[args.small]
    ours, bare = big["first_page"]["ours"], big["first_page"]["bare_model"]
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": env["QT_QPA_PLATFORM"]},
        "built": built,
        "tickets": args.tickets,
        **big,
        "first_page_vs_bare": round(ours["median_ms"] / bare["median_ms"], 2),
        "first_page_vs_bare_cpu": round(ours["cpu_median_ms"] / bare["cpu_median_ms"], 2),
        "first_page_vs_qsqlquerymodel": round(
            ours["median_ms"] / big["first_page"]["qsqlquerymodel"]["median_ms"], 2),
        "first_page_vs_qsqlquerymodel_cpu": round(
            ours["cpu_median_ms"] / big["first_page"]["qsqlquerymodel"]["cpu_median_ms"], 2),
        "first_rows_vs_qsqlquerymodel_cpu": round(
            big["first_rows"]["ours"]["cpu_median_ms"]
            / big["first_rows"]["qsqlquerymodel"]["cpu_median_ms"], 2),
        "peak_rss_small_mb": small["peak_rss_mb"],
        "peak_rss_ratio": round(big["peak_rss_mb"] / small["peak_rss_mb"], 2),
        "rss_small_now_mb": small["rss_now_mb"],
        "anon_rss_ratio": round(big["rss_now_mb"]["RssAnon"] / small["rss_now_mb"]["RssAnon"],
                                2),
    }
    text = json.dumps(result, indent=2)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_queue.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
