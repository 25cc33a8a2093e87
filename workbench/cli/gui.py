"""Starting the desktop app from the command line (the only place the core reaches for ui)."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys


def launch(args: argparse.Namespace) -> int:
    """Open the GUI; the ``ui`` package is looked up by name so the core never imports Qt.

    The garbage collector rests until the window's first frame: start-up creates some
    hundred thousand objects that all live as long as the app (modules, classes, Qt's enums),
    and collecting among them only delays that frame. ``ui.app.run`` turns it back on and
    freezes what start-up made (:func:`ui.app.settle_heap`).
    """
    gc.disable()
    try:
        try:
            app_module = importlib.import_module("ui.app")
        except ImportError as exc:
            print(f"workbench: the desktop app cannot start: {exc}", file=sys.stderr)
            return 1
        code: int = app_module.run(data_dir=args.data_dir, acting=args.acting)
        return code
    finally:
        gc.enable()  # already on again once the window was up; this covers a failed start
