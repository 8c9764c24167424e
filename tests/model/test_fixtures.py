"""The hand-typed fixtures in tests/data: readable, complete, balanced, canonical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from report_editor.model import dumps, load_report
from report_editor.model import template as T

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = ("weishi-2023.json", "huaian-2024.json")


@pytest.fixture(params=FIXTURES)
def fixture_path(request) -> Path:
    return DATA / request.param


def _balance_errors(report) -> list[str]:
    errors = []
    for rule in T.TOTAL_RULES:
        parts = sum(report.cells[p] for p in rule.parts)
        if report.cells[rule.total] != parts:
            errors.append(f"{rule.rule} {rule.total}: {report.cells[rule.total]} != {parts}")
    for col in T.T3_COL_IDS:
        left = report.cells[T.t3_key("new", col)] + report.cells[T.t3_key("carried", col)]
        right = (
            report.cells[T.t3_key("total_done", col)] + report.cells[T.t3_key("carry_next", col)]
        )
        if left != right:
            errors.append(f"R-01 {col}: {left} != {right}")
    return errors


def test_loads_with_every_cell_filled(fixture_path):
    report = load_report(fixture_path)
    assert report.template == "2021"
    assert set(report.cells) == set(T.CELL_IDS)
    assert len(report.cells) == 200
    assert report.blank_cells() == []
    for cid in T.COUNT_CELL_IDS:
        assert type(report.cells[cid]) is int and report.cells[cid] >= 0, cid
    assert isinstance(report.cells[T.FEE_CELL], str)


def test_file_lists_all_200_keys_in_order(fixture_path):
    data = json.loads(fixture_path.read_text(encoding="utf-8"))
    assert list(data["cells"]) == list(T.CELL_IDS)
    assert all(v is not None for v in data["cells"].values())
    assert list(data["sections"]) == list(T.SECTION_KEYS)


def test_sum_rules_hold(fixture_path):
    assert _balance_errors(load_report(fixture_path)) == []


def test_balance_helper_can_fail(huaian_path):
    report = load_report(huaian_path)
    report.cells["t3.new.natural"] += 1
    errors = _balance_errors(report)
    assert any(e.startswith("R-01 natural") for e in errors)
    assert any(e.startswith("R-02 t3.new.total") for e in errors)


def test_canonical_round_trip(fixture_path):
    assert dumps(load_report(fixture_path)).encode("utf-8") == fixture_path.read_bytes()


def test_narrative_present(fixture_path):
    report = load_report(fixture_path)
    assert report.organ and report.year and report.title == report.effective_title
    assert report.title == T.default_title(report.organ, report.year)
    for key in ("overview", "problems", "other"):
        assert report.sections[key].strip(), key
    for key in T.SECTION_KEYS:
        text = report.sections[key]
        assert "\r" not in text and "\n\n" not in text and text == text.strip()


def test_seed_is_all_zero(seed_report):
    assert seed_report.year == 2023
    assert seed_report.organ == "尉氏县科学技术和工业信息化局"
    assert seed_report.kind == "department"
    assert seed_report.cells[T.FEE_CELL] == "0"
    assert all(seed_report.cells[c] == 0 for c in T.COUNT_CELL_IDS)
    assert seed_report.sections["overview"].startswith("（一）主动公开情况")
    for key in ("active_note", "requests_note", "appeals_note"):
        assert seed_report.sections[key] == ""


# Facts read off shared/reference/huaian-2024.pdf pp. 3-5 and checked by eye.
HUAIAN_CELLS = {
    "t2.reg.in_force": 11,
    "t2.norm.repealed": 26,
    "t2.licensing": 447228,
    "t2.penalty": 3985758,
    "t2.coercion": 88283,
    "t2.fees_wan": "96171.6",
    "t3.new.natural": 3001,
    "t3.new.biz": 53,
    "t3.new.legal": 61,
    "t3.new.total": 3119,
    "t3.carried.total": 34,
    "t3.granted.total": 1362,
    "t3.partial.natural": 447,
    "t3.denied_8.natural": 105,
    "t3.unable_1.total": 769,
    "t3.other_1.legal": 1,
    "t3.other_3.total": 110,
    "t3.total_done.natural": 2932,
    "t3.total_done.total": 3050,
    "t3.carry_next.total": 103,
    "t4.rev.other": 178,
    "t4.rev.total": 351,
    "t4.lit_direct.total": 26,
    "t4.lit_after_rev.pending": 6,
    "t4.lit_after_rev.total": 20,
}


@pytest.mark.parametrize(("cell", "value"), sorted(HUAIAN_CELLS.items()))
def test_huaian_cells_as_printed(huaian_report, cell, value):
    assert huaian_report.cells[cell] == value


def test_huaian_header(huaian_report):
    assert huaian_report.year == 2024
    assert huaian_report.organ == "淮安市人民政府"
    assert huaian_report.kind == "government"
    assert huaian_report.preamble.startswith("本报告由淮安市人民政府办公室")
    assert "信息处理费3940元" in huaian_report.sections["other"]
    assert huaian_report.signature_organ == "" and huaian_report.signature_date is None
