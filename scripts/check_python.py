"""Refuse to build the venv with a Python older than the project supports."""

import sys

if sys.version_info < (3, 11):
    sys.exit(
        f"Support Workbench needs Python 3.11 or newer; {sys.executable} is "
        f"{sys.version.split()[0]}. Run e.g. `make demo PYTHON=python3.12`."
    )
