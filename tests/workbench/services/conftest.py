"""Fixtures of the export/import tests: an exported dataset and an empty second workstation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from exchange_kit import (
    START,
    build_dataset,
    export_text,
    open_wb,
)

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


@pytest.fixture(scope="module")
def export_a(tmp_path_factory: pytest.TempPathFactory) -> str:
    clock = FrozenClock(START)
    wb = Workbench.open(tmp_path_factory.mktemp("a") / "a.sqlite3", clock=clock)
    build_dataset(wb, clock)
    clock.set(START + 3_600_000 * 2)
    try:
        return export_text(wb)
    finally:
        wb.close()


@pytest.fixture
def b(tmp_path: Path) -> Iterator[Workbench]:
    wb = open_wb(tmp_path / "b.sqlite3")
    yield wb
    wb.close()
