"""Merged rows on the server: per-field versions, and small helpers shared by the merge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from workbench.domain.hlc import Stamp
from workbench.sync.server.models import ServerBase

SERVER_NODE = "server"


ALL_FIELDS = "*"  # versions key: every field not listed has this version


def version_of(versions: dict[str, str], name: str) -> str:
    return versions.get(name) or versions.get(ALL_FIELDS, "")


def expand_versions(versions: dict[str, str], data: dict[str, Any]) -> dict[str, str]:
    """Each field's own version (the stored form lists only those above ``*``)."""
    return {name: version_of(versions, name) for name in data}


@dataclass
class RowState:
    data: dict[str, Any] | None = None
    versions: dict[str, str] = field(default_factory=dict)
    deleted_hlc: str | None = None
    in_db: bool = False
    dirty: bool = False


def by_entity(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for entity, value in keys:
        out[entity].append(value)
    return out


def chunks(items: list[str], size: int = 2000) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def table_of(model: type[ServerBase]) -> Table:
    table: Table = model.__table__  # type: ignore[assignment]
    return table


def server_stamp(row: RowState | None, now_ms: int) -> str:
    """A stamp for a change the server makes itself, above every version of *row*."""
    top = max((row.versions.values() if row else []), default=None)
    if top is not None:
        s = Stamp.decode(top)
        if s.wall_ms >= now_ms:
            return Stamp(s.wall_ms, s.counter + 1, SERVER_NODE).encode()
    return Stamp(now_ms, 0, SERVER_NODE).encode()
