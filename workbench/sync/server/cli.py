"""``workbench-server``: serve the team API, and administer accounts from the shell.

    workbench-server --db URL --host 127.0.0.1 --port 8765        # serve (the default)
    workbench-server --db URL add-agent "Dana Smith" --email dana@example.com --role manager
    workbench-server --db URL disable dana@example.com
    workbench-server --db URL reset-password dana@example.com --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence

from workbench.domain.clock import SystemClock
from workbench.domain.enums import Role
from workbench.sync.server import accounts
from workbench.sync.server.core.config import DB_ENV, Settings, default_db_url
from workbench.sync.server.core.db import ServerDatabase


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise accounts.AccountError("the passwords differ")
    return first


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workbench-server",
                                description="The Support Workbench team sync server.",
                                epilog=f"The database URL can also be set with ${DB_ENV}.")
    p.add_argument("--db", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
                   "(default: a SQLite file in the platform data folder)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    p.add_argument("--lease-size", type=int, default=100, help="ticket numbers per lease")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("serve", help="serve the API (the default)")
    sub.add_parser("migrate", help="create or upgrade the schema and exit")
    a = sub.add_parser("add-agent", help="add an account (and its agent) to the team")
    a.add_argument("name")
    a.add_argument("--email", required=True)
    a.add_argument("--role", default="agent", choices=[r.value for r in Role])
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    d = sub.add_parser("disable", help="stop an account signing in; revoke its tokens")
    d.add_argument("user", help="e-mail or name")
    r = sub.add_parser("reset-password", help="set a new password; revoke its tokens")
    r.add_argument("user", help="e-mail or name")
    r.add_argument("--password-stdin", action="store_true")
    return p


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    from workbench.sync.server.app import create_app

    logging.basicConfig(level=logging.INFO)
    if workers > 1:
        import os

        os.environ[DB_ENV] = settings.db_url
        uvicorn.run("workbench.sync.server.asgi:app", host=host, port=port, workers=workers)
    else:
        uvicorn.run(create_app(settings), host=host, port=port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings(db_url=args.db or default_db_url(), lease_size=args.lease_size)
    db = ServerDatabase(settings.db_url)
    now = SystemClock().now_ms()
    try:
        db.upgrade()
        if args.command in (None, "serve"):
            return serve(settings, args.host, args.port, args.workers)
        if args.command == "migrate":
            print("schema is up to date")
        elif args.command == "add-agent":
            password = _password(args)
            with db.writer() as s:
                acc = accounts.add_agent(s, args.name, args.email, args.role, password, now)
                print(f"added {acc.name} <{acc.email}> as {acc.role} (agent id {acc.agent_id})")
        elif args.command == "disable":
            with db.writer() as s:
                acc = accounts.disable(s, args.user, now)
                print(f"disabled {acc.email}")
        elif args.command == "reset-password":
            password = _password(args)
            with db.writer() as s:
                acc = accounts.reset_password(s, args.user, password, now)
                print(f"new password set for {acc.email}; its sign-ins were revoked")
        return 0
    except (accounts.AccountError, ValueError) as exc:
        print(f"workbench-server: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
