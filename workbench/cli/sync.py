"""``workbench login|logout|sync|conflicts``: the sync engine from the shell.

Wire into the ``workbench`` parser with ``sync.register(sub)``; ``python -m
workbench.cli.sync`` runs the same commands standalone (used by the kill-safety tests).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any


def register(sub: Any) -> None:
    li = sub.add_parser("login", help="sign in to the team server (joins this workstation)")
    li.add_argument("--server", required=True, help="server URL, e.g. https://sync.example.com")
    li.add_argument("--user", required=True, help="e-mail or name")
    li.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    li.add_argument("--ca-file", help="PEM file of the team's certificate authority")
    li.set_defaults(handler=cmd_login)

    lo = sub.add_parser("logout", help="sign out: revoke the token and forget it")
    lo.set_defaults(handler=cmd_logout)

    sy = sub.add_parser("sync", help="one full sync with the team server")
    sy.add_argument("--json", action="store_true", help="print the counts as JSON")
    sy.add_argument("--batch-size", type=int, default=1000, help="changes per push")
    sy.add_argument("--page-size", type=int, default=1000, help="changes per pull page")
    sy.set_defaults(handler=cmd_sync)

    co = sub.add_parser("conflicts", help="changes that lost to a colleague's or were refused")
    co.add_argument("--all", action="store_true", help="include settled ones")
    co.add_argument("--json", action="store_true", help="print JSON")
    co.set_defaults(handler=cmd_conflicts)


def _engine(args: argparse.Namespace, **settings: int) -> Any:
    from workbench.cli import open_workbench
    from workbench.sync.engine import EngineSettings, SyncEngine

    return SyncEngine(open_workbench(args), settings=EngineSettings(**settings))


def _warn_insecure() -> None:
    from workbench.sync.status import INSECURE_ENV, insecure_allowed

    if insecure_allowed():
        print(f"workbench: WARNING: {INSECURE_ENV}=1 — the sign-in token may be kept "
              "unencrypted; never use this outside tests", file=sys.stderr)


def cmd_login(args: argparse.Namespace) -> int:
    _warn_insecure()
    password = (sys.stdin.readline().rstrip("\r\n") if args.password_stdin
                else getpass.getpass("Password: "))
    from workbench.sync.errors import SyncError

    engine = _engine(args)
    try:
        agent = engine.sign_in(args.server, args.user, password, ca_file=args.ca_file)
    except SyncError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 3
    print(f"signed in to {engine.server_url} as {agent.name} ({agent.role})")
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    from workbench.sync.errors import SyncError

    try:
        _engine(args).sign_out()
    except SyncError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 3
    print("signed out")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    _warn_insecure()
    engine = _engine(args, push_batch=args.batch_size, pull_page=args.page_size)
    report = engine.sync_once()
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(report.summary())
    if report.ok:
        return 0
    return 3 if report.phase in ("sign-in", "not-joined") else 4


def cmd_conflicts(args: argparse.Namespace) -> int:
    from workbench.cli import open_workbench
    from workbench.sync.conflicts import list_conflicts

    found = list_conflicts(open_workbench(args), include_resolved=args.all)
    if args.json:
        print(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2))
    elif not found:
        print("no conflicts")
    else:
        for c in found:
            print(f"{c.id}  {c.record}  {c.message}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The sync commands without the rest of ``workbench`` (same options, same handlers)."""
    from workbench import cli

    parser = argparse.ArgumentParser(prog="workbench-sync")
    parser.add_argument("--data-dir")
    parser.add_argument("--as", dest="acting", metavar="AGENT")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register(sub)
    original = cli.build_parser
    cli.build_parser = lambda: parser  # main() parses with the given parser
    try:
        return cli.main(argv)
    finally:
        cli.build_parser = original


if __name__ == "__main__":
    sys.exit(main())
