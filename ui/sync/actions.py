"""Settling conflicts from any screen: keep theirs or use mine, as ops on the op runner.

"Use mine" is a new local change through the core's write path (a fresh stamp, in the
outbox); the next sync takes it to the team. Both announce the settled conflict as a
change to the ``conflicts`` entity, which every banner and the Conflicts view follow.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui import errors
from ui.context import AppContext
from ui.ops import Changes
from workbench.sync.conflicts import ENTITY, keep_theirs, list_conflicts, use_mine


def settle(ctx: AppContext, conflict_id: str, mine: bool, owner: QWidget,
           on_error: Callable[[BaseException], None] | None = None) -> None:
    """Keep theirs (``mine=False``) or use mine for *conflict_id*."""
    fn = use_mine if mine else keep_theirs
    ctx.runner.run_op(lambda wb: fn(wb, conflict_id), None,
                      on_error or (lambda exc: errors.report(exc, owner)), initiator=owner,
                      owner=owner)


def concerns(changes: Changes, entity: str | None, row_id: str | None) -> bool:
    """True when *changes* may add or settle a conflict of the record (or of any record)."""
    if changes.touches(ENTITY):
        return True
    if entity is None:
        return True  # any synced change may have brought a conflict
    return row_id is not None and row_id in changes.rows.get(entity, ())


__all__ = ["concerns", "list_conflicts", "settle"]
