"""Starting the desktop app from the command line (the only place the core reaches for ui)."""

from __future__ import annotations

import argparse
import importlib
import sys


def launch(args: argparse.Namespace) -> int:
    """Open the GUI; the ``ui`` package is looked up by name so the core never imports Qt."""
    try:
        app_module = importlib.import_module("ui.app")
    except ImportError as exc:
        print(f"workbench: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    code: int = app_module.run(data_dir=args.data_dir, acting=args.acting)
    return code
