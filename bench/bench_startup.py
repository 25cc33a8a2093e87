"""Startup benchmark: how long until the main window is on screen, against a bare Qt window.

Each start is a fresh subprocess on the offscreen platform, timed from just before the
process is spawned to the first paint of the main window (``first_paint``) and to the first
paint after the queue's first page arrived (``usable``). The same is done for a bare
``QApplication`` + ``QMainWindow``; the ratio of medians is the figure to keep at 2 or less.

    python bench/bench_startup.py [--db-dir DIR] [--runs 7]

Without ``--db-dir`` a small demo database is generated in a temporary folder (with
``workbench.demo.generate_demo`` when available, else through the services). Prints JSON
and writes ``bench/results/bench_startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "bench_startup.json"
sys.path.insert(0, str(HERE.parent))

# -- demo data ---------------------------------------------------------------------------------
SPREAD_MS = 5 * 3_600_000  # tickets arrive over the last five hours: some late, most not
AGENTS = [("Dana Ortiz", "dana@example.com", "lead"), ("Sam Okafor", "sam@example.com", "agent"),
          ("Mina Rahimi", "mina@example.com", "agent"),
          ("Lukas Becker", "lukas@example.com", "manager")]
CUSTOMERS = [
    ("آرش کریمی", "arash@pars-logistics.ir", "شرکت پارس لجستیک", "premium"),
    ("نگار احمدی", "negar@example.ir", None, "standard"),
    ("সুমন দাস", "suman@dhaka-textiles.bd", "ঢাকা টেক্সটাইল", "enterprise"),
    ("অনন্যা রায়", "ananya@example.in", None, "free"),
    ("សុខ ចាន់ថា", "chantha@angkor-foods.kh", "Angkor Foods", "standard"),
    ("አበበ ከበደ", "abebe@addis-coffee.et", "Addis Coffee Export", "premium"),
    ("Արամ Պետրոսյան", "aram@yerevan-soft.am", "Yerevan Soft", "enterprise"),
    ("Élodie Martin", "elodie.martin@example.fr", "Boulangerie Martin", "standard"),
    ("Jonas Weber", "jonas.weber@example.de", "Weber Maschinenbau GmbH", "enterprise"),
    ("Priya Natarajan", "priya@example.in", "Natarajan & Co", "premium"),
    ("Kofi Mensah", "kofi@example.gh", None, "free"),
    ("Lucía Fernández", "lucia@example.es", "Hotel Mirador", "standard"),
]
SUBJECTS = [
    ("مشکل در ورود به حساب کاربری", "urgent",
     "سلام، از صبح نمی‌توانم وارد حساب کاربری شوم و پیام خطا می‌گیرم. لطفاً کمک کنید."),
    ("চালান ডাউনলোড হচ্ছে না", "high", "গত মাসের চালানটি ডাউনলোড করতে পারছি না।"),
    ("មិនអាចចូលគណនីបាន", "normal", "ខ្ញុំមិនអាចចូលគណនីរបស់ខ្ញុំបានទេ។"),
    ("የክፍያ ደረሰኝ አልደረሰኝም", "normal", "ለመጨረሻው ክፍያ ደረሰኝ አልደረሰኝም።"),
    ("Չեմ կարողանում մուտք գործել համակարգ", "high", "Բարև, գաղտնաբառը չի աշխատում։"),
    ("Invoice shows the wrong VAT rate", "high", "Our March invoice uses 19 % instead of 7 %."),
    ("Export to CSV stops at 10,000 rows", "normal", "The export ends early every time."),
    ("Cannot add a second admin user", "low", "The invite button is greyed out."),
    ("Payment declined although the card is valid", "urgent", "Three attempts, all declined."),
    ("How do I change the delivery address?", "low", "We moved office last week."),
    ("Password reset e-mail never arrives", "high", "Checked spam; nothing there."),
    ("App crashes when opening reports", "urgent", "Every time since the last update."),
    ("Request for a copy of our contract", "low", "Please send the signed PDF."),
    ("Two-factor codes rejected", "high", "The codes from the app are always refused."),
    ("Downgrade plan at renewal", "normal", "We would like the standard plan next year."),
]


def seed_demo(data_dir: Path, tickets: int = 60) -> Path:
    """A small realistic workstation database (multilingual) in *data_dir*."""
    from workbench.config import resolve_paths
    from workbench.domain.clock import FrozenClock
    from workbench.services.context import Workbench

    paths = resolve_paths(data_dir)
    start = time.time_ns() // 1_000_000 - SPREAD_MS
    clock = FrozenClock(start)
    try:
        from workbench.demo import generate_demo
    except ImportError:  # the demo generator is optional: seed through the services
        wb = Workbench.open(paths.database, clock=clock)
        try:
            _seed_with_services(wb, clock, tickets)
        finally:
            wb.close()
        return paths.database
    wb = Workbench.open(paths.database)
    try:
        generate_demo(wb, tickets=tickets, customers=max(12, tickets // 5), seed=1)
    finally:
        wb.close()
    return paths.database


def _seed_with_services(wb: Any, clock: Any, tickets: int) -> None:
    agents = [wb.agents.create(n, e, role=r) for n, e, r in AGENTS]
    wb.agents.set_local_agent(agents[0].id)
    customers = [
        wb.customers.create(n, e, organisation=o, plan=p, owner_id=agents[i % 3].id)
        for i, (n, e, o, p) in enumerate(CUSTOMERS)
    ]
    step_ms = int(SPREAD_MS / max(tickets, 1))
    for i in range(tickets):
        clock.advance(step_ms / 1000)
        subject, priority, body = SUBJECTS[i % len(SUBJECTS)]
        assignee = agents[i % 4].id if i % 5 else None
        t = wb.tickets.create(subject, customers[i % len(customers)].id, body=body,
                              priority=priority, channel=("email", "phone", "chat")[i % 3],
                              assignee_id=assignee)
        wb.actor_id = assignee or agents[0].id
        if i % 3 == 0:
            wb.tickets.reply(t.id, "Thanks for reaching out — we are looking into it now.")
        if i % 4 == 1:
            wb.tickets.note(t.id, "Checked the logs: the token expired during the migration.")
        if i % 7 == 2:
            wb.tickets.update(t.id, status="pending")
        if i % 9 == 4:
            wb.tickets.update(t.id, status="solved")
    wb.actor_id = None


# -- the measured children -----------------------------------------------------------------------
def child_app(db_dir: str, spawned: float) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer

    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks.setdefault(name, round((time.time() - spawned) * 1000, 1))

    # As the ``workbench`` command starts: its module, its argument parsing, then the app
    # (workbench.cli.gui.launch, then ui.app.run, whose event loop is the one below).
    import gc

    import workbench.cli as cli

    argv = ["--data-dir", db_dir]
    if getattr(cli, "gui_arguments", lambda _argv: None)(argv) is None:
        cli.build_parser().parse_args(argv)  # a version without the quick path for the app
    if "gc.disable()" in Path(cli.__file__).with_name("gui.py").read_text(encoding="utf-8"):
        gc.disable()  # as gui.launch does in this version
    import ui.app
    from ui.app import create_application, launch

    mark("imported")
    settings_dir = tempfile.mkdtemp(prefix="bench-qsettings-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = create_application()
    state = {"rows": False, "heavy_at_paint": False, "matplotlib": False}

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                if obj.objectName() == "main-window" and "first_paint" not in marks:
                    mark("first_paint")
                    marks["cpu_first_paint"] = round(time.process_time() * 1000, 1)
                    state["heavy_at_paint"] = "sqlalchemy" in sys.modules
                elif state["rows"] and "usable" not in marks:
                    mark("usable")
                    marks["cpu_usable"] = round(time.process_time() * 1000, 1)
                    state["matplotlib"] = "matplotlib" in sys.modules
                    QTimer.singleShot(0, app.quit)
            return False

    watch = PaintWatch()
    app.installEventFilter(watch)
    window = launch(app, db_dir, None)
    settle = getattr(ui.app, "settle_after_start", None)
    if settle is not None:  # as run() does in this version
        settle(window)
    mark("shown")
    window.ctx.ready.connect(lambda: mark("database_open"))
    pages: dict[str, Any] = {}

    def rows_arrived() -> None:
        mark("first_rows")
        state["rows"] = True
        pages["queue"].update()

    def page_built(page_id: str, page: Any) -> None:
        # The shell paints first; the page on screen is built right after that frame.
        if page_id == "queue":
            mark("queue_built")
            pages["queue"] = page
            page.model.rows_loaded.connect(rows_arrived)

    built_signal = getattr(window.stack, "page_built", None)
    if built_signal is not None:
        built_signal.connect(page_built)
    if "queue" in window.stack.built():  # an app that builds its page before showing
        page_built("queue", window.page("queue"))
    QTimer.singleShot(10_000, app.quit)
    app.exec()
    queue: Any = pages.get("queue") or window.page("queue")
    return {**marks, "rows_shown": queue.model.rowCount(),
            "storage_imported_before_first_paint": state["heavy_at_paint"],
            "matplotlib_imported": state["matplotlib"]}


def child_bare(spawned: float) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    marks: dict[str, float] = {}

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if obj is window and event.type() == QEvent.Type.Paint and not marks:
                marks["first_paint"] = round((time.time() - spawned) * 1000, 1)
                marks["cpu_first_paint"] = round(time.process_time() * 1000, 1)
                QTimer.singleShot(0, app.quit)
            return False

    watch = PaintWatch()
    window.installEventFilter(watch)
    window.show()
    app.exec()
    return marks


def child_env(pycache: str) -> dict[str, str]:
    """Offscreen, with bytecode cached (as an installed app has it) outside the source tree."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def spawn(kind: str, db_dir: str, env: dict[str, str]) -> dict[str, Any]:
    spawned = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--db-dir", db_dir, "--spawned", repr(spawned)],
        env=env, capture_output=True, text=True, check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", help="a data directory to open (default: a fresh demo one)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=["app", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data = child_app(args.db_dir, args.spawned) if args.child == "app" else child_bare(
            args.spawned)
        print(json.dumps(data))
        return 0
    tmp = None
    db_dir = args.db_dir
    if db_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-startup-")
        db_dir = tmp.name
        seed_demo(Path(db_dir))
    pycache = tempfile.TemporaryDirectory(prefix="bench-pycache-")
    env = child_env(pycache.name)
    spawn("app", db_dir, env)  # warm the file cache and write bytecode once
    spawn("bare", db_dir, env)
    apps: list[dict[str, Any]] = []
    bares: list[dict[str, Any]] = []
    for _ in range(args.runs):  # interleaved, so a busy moment slows both alike
        apps.append(spawn("app", db_dir, env))
        bares.append(spawn("bare", db_dir, env))
    pycache.cleanup()

    def median(rows: list[dict[str, Any]], key: str) -> float:
        return round(float(statistics.median(r[key] for r in rows if key in r)), 1)

    app_paint, bare_paint = median(apps, "first_paint"), median(bares, "first_paint")
    app_cpu, bare_cpu = median(apps, "cpu_first_paint"), median(bares, "cpu_first_paint")
    report = {
        "db_dir": db_dir if tmp is None else "(generated demo)",
        "runs": args.runs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "app_ms": {k: median(apps, k) for k in
                   ("imported", "shown", "first_paint", "queue_built", "database_open",
                    "first_rows", "usable")},
        "bare_qt_first_paint_ms": bare_paint,
        "ratio_first_paint": round(app_paint / bare_paint, 2),
        # CPU time of the process (all threads) barely moves with the machine's load
        "app_cpu_ms": {"first_paint": app_cpu, "usable": median(apps, "cpu_usable")},
        "bare_qt_cpu_first_paint_ms": bare_cpu,
        "ratio_cpu_first_paint": round(app_cpu / bare_cpu, 2),
        "rows_shown": apps[-1].get("rows_shown"),
        "storage_imported_before_first_paint": any(
            a["storage_imported_before_first_paint"] for a in apps),
        "matplotlib_imported": any(a["matplotlib_imported"] for a in apps),
        "targets": {"usable_ms": 1200, "ratio_first_paint": 2.0},
        "note": "wall times are from just before spawning the process; under load they "
                "stretch, so compare the ratios and the CPU figures",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
