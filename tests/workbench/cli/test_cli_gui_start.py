"""``workbench`` without a subcommand opens the app without loading any subcommand.

The subcommands import the services and the storage stack; the window's first frame needs
neither (the app opens the database after it), so the start path must not pay for them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from workbench.cli import gui, gui_arguments, main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {"data_dir": None, "acting": None}),
        (["--data-dir", "/tmp/x"], {"data_dir": "/tmp/x", "acting": None}),
        (["--data-dir=/tmp/x", "--as", "dana@example.com"],
         {"data_dir": "/tmp/x", "acting": "dana@example.com"}),
        (["--as=Dana Ortiz"], {"data_dir": None, "acting": "Dana Ortiz"}),
    ],
)
def test_the_app_start_is_recognised_with_its_global_options(
    argv: list[str], expected: dict[str, str | None]
) -> None:
    args = gui_arguments(argv)
    assert args is not None and args.command is None
    assert {"data_dir": args.data_dir, "acting": args.acting} == expected


@pytest.mark.parametrize("argv", [
    ["ticket", "list"], ["--help"], ["--version"], ["--data-dir"], ["--data-dir", "--as", "x"],
    ["--data", "x"], ["--data-dir", "x", "search", "printer"],
])
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert gui_arguments(argv) is None


def test_main_without_a_subcommand_launches_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[argparse.Namespace] = []

    def fake_launch(args: argparse.Namespace) -> int:
        launched.append(args)
        return 7

    monkeypatch.setattr(gui, "launch", fake_launch)
    assert main(["--data-dir", "/tmp/somewhere", "--as", "sam"]) == 7
    assert launched[0].data_dir == "/tmp/somewhere" and launched[0].acting == "sam"


def test_the_start_path_loads_neither_the_storage_stack_nor_the_subcommands() -> None:
    code = (
        "import sys, workbench.cli as cli\n"
        "assert cli.gui_arguments(['--data-dir', '/tmp/x']) is not None\n"
        "import workbench.config\n"
        "heavy = ['sqlalchemy', 'workbench.services.context', 'workbench.cli.tickets',\n"
        "         'workbench.cli.history', 'tomllib', 'platformdirs', 'logging.handlers']\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_a_desktop_that_cannot_start_says_so_and_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc
    import importlib

    def no_qt(name: str) -> object:
        raise ImportError("libEGL.so.1: cannot open shared object file")

    monkeypatch.setattr(importlib, "import_module", no_qt)
    assert gui.launch(argparse.Namespace(data_dir=None, acting=None)) == 1
    assert gc.isenabled()
    assert "the desktop app cannot start: libEGL.so.1" in capsys.readouterr().err
