"""``workbench demo``, ``workbench export`` and ``workbench import``."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    d = sub.add_parser("demo", help="fill an empty data directory with a realistic demo team")
    d.add_argument("--tickets", type=int, default=2000)
    d.add_argument("--customers", type=int, default=300)
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--quiet", action="store_true", help="no progress bar")
    d.add_argument("--json", action="store_true", help="print the summary as JSON")
    d.set_defaults(handler=cmd_demo)

    e = sub.add_parser("export", help="write every record as JSON Lines (docs/exchange-format.md)")
    e.add_argument("--output", "-o", default="-", help="file to write ('-' for stdout)")
    e.set_defaults(handler=cmd_export)

    i = sub.add_parser("import", help="read a JSON Lines export; all or nothing")
    i.add_argument("path", help="a file written by 'workbench export'")
    i.add_argument("--json", action="store_true", help="print counts as JSON")
    i.set_defaults(handler=cmd_import)


class ProgressBar:
    """A one-line progress bar on stderr (silent when stderr is not a terminal and quiet)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = 0.0
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage == self._stage and done < total and now - self._last < 0.1:
            return
        self._last, self._stage = now, stage
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r{stage:<14} [{bar:<30}] {done:>9,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, emit, open_workbench
    from workbench.demo import generate_demo

    if args.tickets < 0 or args.customers < 1:
        raise CliError("--tickets must be 0 or more and --customers at least 1")
    wb = open_workbench(argparse.Namespace(data_dir=args.data_dir, acting=None))
    if wb.customers.count() > 0:
        raise CliError(
            f"{wb.db.path} already holds data; demo data goes into an empty data directory "
            "(pass --data-dir with a new folder)"
        )
    started = time.perf_counter()
    summary = generate_demo(
        wb, tickets=args.tickets, customers=args.customers, seed=args.seed,
        progress=ProgressBar(not args.quiet),
    )
    seconds = time.perf_counter() - started
    data = {**summary, "seconds": round(seconds, 2), "database": str(wb.db.path)}
    emit(args, data, lambda: f"demo data in {wb.db.path} ({seconds:.1f} s): " + ", ".join(
        f"{v:,} {k}" for k, v in summary.items()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.cli import open_workbench
    from workbench.services.exchange import export_jsonl

    wb = open_workbench(args)
    if args.output == "-":
        # UTF-8 and \n whatever the platform's console encoding and line endings are.
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            counts = export_jsonl(wb, stream)
        finally:
            stream.flush()
            stream.detach()
    else:
        out = Path(args.output)
        tmp = out.with_name(out.name + ".part")
        try:
            with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                counts = export_jsonl(wb, fh)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(out)
    total = sum(counts.values())
    print(f"exported {total:,} records", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.cli import CliError, open_workbench
    from workbench.services.exchange import import_jsonl

    path = Path(args.path)
    if not path.is_file():
        raise CliError(f"{path} is not a file")
    wb = open_workbench(args)
    counts = import_jsonl(wb, path)
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        print("imported " + (", ".join(f"{v:,} {k}" for k, v in counts.items() if v) or "nothing"))
    return 0
