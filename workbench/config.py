"""Where a workstation keeps its data, its core settings (TOML) and its logs.

The app imports this module before its first frame, so what only some starts need
(platformdirs without ``--data-dir``, the TOML parser, the rotating log handler) is
imported where it is used.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "support-workbench"
DATA_DIR_ENV = "WORKBENCH_DATA_DIR"
DB_FILE = "workbench.sqlite3"
SETTINGS_FILE = "settings.toml"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DB_FILE

    @property
    def settings(self) -> Path:
        return self.data_dir / SETTINGS_FILE

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """--data-dir wins, then $WORKBENCH_DATA_DIR, then the platform's user data folder."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if not chosen:
        from platformdirs import user_data_dir

        chosen = user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return Paths(path)


def load_settings(paths: Paths) -> dict[str, Any]:
    """Core settings; a missing file is empty settings, a broken one is a clear error."""
    import tomllib

    try:
        with paths.settings.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{paths.settings} is not valid TOML: {exc}") from exc


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot store {type(value).__name__} in settings")


def save_settings(paths: Paths, settings: dict[str, Any]) -> None:
    """Write flat settings and one level of tables, atomically (never a half-written file)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in settings.items() if not isinstance(v, dict)]
    for table, values in settings.items():
        if isinstance(values, dict):
            lines.append(f"\n[{table}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    tmp = paths.settings.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(paths.settings)


def setup_logging(paths: Paths, level: int = logging.INFO) -> None:
    """Log to a rotating file in the data directory (5 files of 2 MB)."""
    import logging.handlers

    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.logs / "workbench.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    for old in [h for h in root.handlers if getattr(h, "_workbench", False)]:
        root.removeHandler(old)
        old.close()
    handler._workbench = True  # type: ignore[attr-defined]
    root.addHandler(handler)
