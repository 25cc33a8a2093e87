"""The ``workbench`` command: no subcommand opens the app; subcommands script it headless.

Opening the app is the common case and the one a user waits for, so it is recognised
before the full parser is built: the subcommand modules import the services and the
storage stack, which the first frame of the window does not need (it opens the database
itself, after that frame is on screen).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from workbench import __version__
from workbench.config import DATA_DIR_ENV, resolve_paths, setup_logging

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A problem with what was asked on the command line (printed, exit code 2)."""


def emit(args: argparse.Namespace, data: Any, human: Callable[[], str]) -> None:
    """Print *data* as JSON with --json, else the human rendering."""
    if getattr(args, "json", False):
        from workbench.services.dto import to_jsonable

        print(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2))
    else:
        print(human())


def build_parser() -> argparse.ArgumentParser:
    from workbench.cli import customers, data, history, kb, metrics, search, sync, tickets

    parser = argparse.ArgumentParser(
        prog="workbench",
        description=(
            "Support Workbench: an offline-first desktop app for support teams. "
            "Run without a subcommand to open the app."
        ),
        epilog=f"The data directory can also be set with ${DATA_DIR_ENV}.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder holding the database, settings and logs")
    parser.add_argument(
        "--as", dest="acting", metavar="AGENT",
        help="act as this agent (name, e-mail or id) where nobody is signed in",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data.register(sub)
    tickets.register(sub)
    customers.register(sub)
    search.register(sub)
    history.register(sub)
    kb.register(sub)
    metrics.register(sub)
    sync.register(sub)
    return parser


def open_workbench(args: argparse.Namespace) -> Any:
    """Open the data directory's database as the acting agent (from --as, else local)."""
    from workbench.services.context import Workbench

    paths = resolve_paths(args.data_dir)
    setup_logging(paths)
    wb = Workbench.open(paths.database)
    _opened.append(wb)
    acting = getattr(args, "acting", None)
    if acting:
        wb.actor_id = wb.agents.get(acting).id
    else:
        local = wb.agents.local_agent()
        wb.actor_id = local.id if local else None
    return wb


_opened: list[Any] = []


_GLOBAL_VALUES = {"--data-dir": "data_dir", "--as": "acting"}


def gui_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The global options when *argv* only opens the app (no subcommand, no --help or
    --version, nothing misspelt); None sends *argv* to the full parser instead."""
    found: dict[str, str | None] = {"data_dir": None, "acting": None}
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        name, eq, value = token.partition("=")
        dest = _GLOBAL_VALUES.get(name)
        if dest is None:
            return None
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None  # a missing value: the full parser says so
            value = rest.pop(0)
        found[dest] = value
    return argparse.Namespace(command=None, **found)


def main(argv: Sequence[str] | None = None) -> int:
    gui = gui_arguments(sys.argv[1:] if argv is None else argv)
    if gui is not None:
        from workbench.cli.gui import launch

        return launch(gui)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from workbench.cli.gui import launch

        return launch(args)
    from workbench.services.errors import ServiceError

    handler: Handler = args.handler
    try:
        return handler(args)
    except (ServiceError, CliError, ValueError) as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, CliError) else 1
    except BrokenPipeError:
        # The reader went away (`workbench ... | head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the traceback in the log, say where it is
        log.exception("command failed")
        print(f"workbench: unexpected error ({type(exc).__name__}: {exc}); see the log "
              "in the data directory's logs/ folder", file=sys.stderr)
        return 70
    finally:
        while _opened:
            _opened.pop().close()
