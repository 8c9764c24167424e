"""The one template definition against the spec: labels verbatim, spans, totals."""

from __future__ import annotations

import re

import pytest

from report_editor.model import template as T
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def spec_text() -> str:
    return shared_file("spec", "official_format.md").read_text(encoding="utf-8")


def _all_labels() -> set[str]:
    labels = {g.text for grid in T.GRIDS.values() for g in grid.cells if g.text}
    labels |= {s.heading for s in T.SECTIONS}
    return labels


def test_every_label_is_quoted_verbatim_in_the_spec(spec_text):
    quoted = set(re.findall(r"`([^`]+)`", spec_text))
    missing = sorted(lbl for lbl in _all_labels() if lbl not in quoted)
    assert missing == []


def test_cell_ids_match_the_exchange_spec():
    spec = shared_file("spec", "exchange_format.md").read_text(encoding="utf-8")
    assert len(T.CELL_IDS) == 200 == len(set(T.CELL_IDS))
    for key in ("t2.reg.issued", "t2.fees_wan", "t3.new.natural", "t4.rev.total"):
        assert key in T.CELL_IDS and key in spec
    for row in T.T3_ROW_IDS:
        head = row.split("_")[0]
        assert head in spec


@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_grid_spans_cover_every_position_exactly_once(table):
    grid = T.GRIDS[table]
    covered: dict[tuple[int, int], int] = {}
    for c in grid.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                covered[(r, k)] = covered.get((r, k), 0) + 1
    assert set(covered) == {(r, k) for r in range(grid.rows) for k in range(grid.cols)}
    assert set(covered.values()) == {1}
    data = [c.cell for c in grid.cells if c.cell]
    assert sorted(data) == sorted(i for i in T.CELL_IDS if i.startswith(table + "."))


def test_official_grid_shapes():
    assert (T.GRIDS["t2"].rows, T.GRIDS["t2"].cols) == (14, 4)
    assert (T.GRIDS["t3"].rows, T.GRIDS["t3"].cols) == (28, 10)
    assert (T.GRIDS["t4"].rows, T.GRIDS["t4"].cols) == (4, 15)
    results = T.GRIDS["t3"].at(5, 0)
    assert results.text == T.T3_RESULTS and results.rowspan == 22 and results.vertical
    note = T.GRIDS["t3"].at(0, 0)
    assert (note.rowspan, note.colspan) == (3, 3)


def test_total_rules_sum_the_right_number_of_parts():
    by_rule: dict[str, list[T.TotalRule]] = {}
    for r in T.TOTAL_RULES:
        by_rule.setdefault(r.rule, []).append(r)
    assert len(by_rule["R-02"]) == 25 and all(len(r.parts) == 6 for r in by_rule["R-02"])
    assert len(by_rule["R-03"]) == 7 and all(len(r.parts) == 21 for r in by_rule["R-03"])
    assert all(
        len(by_rule[k]) == 1 and len(by_rule[k][0].parts) == 4 for k in ("R-04", "R-05", "R-06")
    )
    assert {r.total for r in T.TOTAL_RULES} == T.TOTAL_CELL_IDS
