"""Helpers for the store tests: small real reports and a store folder per test."""

from __future__ import annotations

import pytest

from report_editor.model import Report
from report_editor.model import template as T
from report_editor.storage import Store


def make_report(organ: str = "某县统计局", year: int | None = 2024, n: int = 0) -> Report:
    """A complete report whose every count cell and one paragraph encode `n`."""
    r = Report(year=year, organ=organ)
    for i, cid in enumerate(T.COUNT_CELL_IDS):
        r.cells[cid] = n + i
    r.cells[T.FEE_CELL] = f"{n}.5"
    r.sections["overview"] = f"（一）主动公开情况。第{n}次保存，中文内容不转义。"
    return r


def state_of(report: Report) -> int:
    """The `n` a report made by make_report holds; fails on a mix of two states."""
    n = report.cells[T.COUNT_CELL_IDS[0]]
    assert isinstance(n, int)
    for i, cid in enumerate(T.COUNT_CELL_IDS):
        assert report.cells[cid] == n + i, f"mixed state in {cid}"
    assert report.cells[T.FEE_CELL] == f"{n}.5"
    assert report.sections["overview"] == f"（一）主动公开情况。第{n}次保存，中文内容不转义。"
    return n


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def store(folder):
    s = Store(folder, auto_backup=False)
    yield s
    s.close()
