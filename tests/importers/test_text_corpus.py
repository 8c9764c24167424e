"""Plain-text imports of the corpus: the seed against its hand-typed fixture, the partials."""

from __future__ import annotations

import pytest

from report_editor.importers import import_file, import_text
from report_editor.model import load_report
from report_editor.model import template as T
from tests.conftest import DATA, shared_file

T3_PARTS = T.T3_APPLICANT_COLS


def noted(result, kind: str) -> set[str]:
    return {c for n in result.notes if n.kind == kind for c in n.cells}


def kinds(result) -> set[str]:
    return {n.kind for n in result.notes}


# ---------------------------------------------------------------- seed


@pytest.fixture(scope="module")
def seed():
    return import_file(shared_file("corpus", "seed-weishi-2023.txt"))


def test_seed_metadata_and_sections(seed):
    r = seed.report
    assert seed.source_kind == "txt"
    assert r.organ == "尉氏县科学技术和工业信息化局"
    assert r.year == 2023
    assert r.template == "2021"
    assert r.title == "尉氏县科学技术和工业信息化局2023年政府信息公开工作年度报告"
    assert "missing_section" not in kinds(seed)
    for key in ("overview", "problems", "other"):
        assert r.sections[key], key


def test_seed_matches_hand_typed_fixture(seed):
    path = DATA / "weishi-2023.json"
    if not path.exists():
        pytest.skip("fixture not there yet")
    fixture = load_report(path)
    r = seed.report
    assert r.sections == fixture.sections
    assert r.cells == fixture.cells
    assert (r.organ, r.year, r.title, r.preamble) == (
        fixture.organ,
        fixture.year,
        fixture.title,
        fixture.preamble,
    )


def test_seed_every_cell_zero_and_derived_cells_listed(seed):
    r = seed.report
    assert all(r.cells[c] in (0, "0") for c in T.CELL_IDS)
    derived = noted(seed, "derived")
    # the rows that lost one of their seven zeros: every cell of them is derived, not read
    assert {T.t3_key("granted", c) for c in T.T3_COL_IDS} <= derived
    assert {T.t3_key("denied_1", c) for c in T.T3_COL_IDS} <= derived
    # rows printed complete are read, not derived
    assert not {T.t3_key("new", c) for c in T.T3_COL_IDS} & derived
    assert not any(c.startswith(("t2.", "t4.")) for c in derived)
    assert "missing_cell" not in kinds(seed)
    assert "ambiguous" not in kinds(seed)


def test_pasted_text_gives_the_same_report(seed):
    text = shared_file("corpus", "seed-weishi-2023.txt").read_text(encoding="utf-8")
    pasted = import_text(text)
    assert pasted.report == seed.report
    assert pasted.source_kind == "txt"


# ---------------------------------------------------------------- partials


def test_partial_001_pipe_rows_and_truncated_last_row():
    res = import_file(shared_file("corpus", "partial-001.txt"))
    c = res.report.cells
    assert res.report.year == 2024
    assert [c[f"t2.norm.{x}"] for x in T.T2_COL_IDS] == [5, 1, 25]
    assert [c[f"t2.reg.{x}"] for x in T.T2_COL_IDS] == [0, 0, 0]
    assert [c[T.t3_key("new", x)] for x in T.T3_COL_IDS] == [58, 7, 0, 0, 1, 0, 66]
    assert [c[T.t3_key("partial", x)] for x in T.T3_COL_IDS] == [16, 1, 0, 0, 0, 0, 17]
    assert [c[T.t3_key("denied_5", x)] for x in T.T3_COL_IDS] == [1, 0, 0, 0, 0, 0, 1]
    # the text stops in the middle of row 7.: six numbers read in order, the total missing
    assert [c[T.t3_key("denied_7", x)] for x in T3_PARTS] == [0] * 6
    assert c[T.t3_key("denied_7", "total")] is None
    assert T.t3_key("denied_7", "total") in noted(res, "truncated")
    assert all(c[T.t3_key("carry_next", x)] is None for x in T.T3_COL_IDS)
    assert T.t3_key("carry_next", "total") in noted(res, "missing_cell")
    assert set(noted(res, "table_absent")) == {x for x in T.CELL_IDS if x.startswith("t4.")}
    assert not res.report.organ
    assert any(n.kind == "meta" and "机关" in n.message for n in res.notes)


def test_partial_002_one_cell_per_line_and_missing_cell():
    res = import_file(shared_file("corpus", "partial-002.txt"))
    c = res.report.cells
    assert res.report.year == 2022
    assert (c["t2.reg.issued"], c["t2.reg.repealed"], c["t2.reg.in_force"]) == (0, 0, None)
    assert "t2.reg.in_force" in noted(res, "missing_cell")
    assert [c[f"t2.norm.{x}"] for x in T.T2_COL_IDS] == [5, 12, 8]  # header `(历史累计)`
    assert (c["t2.licensing"], c["t2.penalty"], c["t2.coercion"], c[T.FEE_CELL]) == (0, 0, 0, "0")
    assert [c[T.t3_key("new", x)] for x in T.T3_COL_IDS] == [8, 0, 0, 0, 0, 0, 8]
    assert [c[T.t3_key("carried", x)] for x in T.T3_COL_IDS] == [0] * 7
    assert all(c[T.t3_key("granted", x)] is None for x in T.T3_COL_IDS)
    # narrative between heading and table stays text, it is not a table cell
    assert "共收到8份政府信息公开申请" in res.report.sections["requests_note"]
    assert res.report.preamble.startswith("根据《中华人民共和国政府信息公开条例》")


def test_partial_024_placeholders_and_blank_applicants():
    res = import_file(shared_file("corpus", "partial-024.txt"))
    c = res.report.cells
    reg = {f"t2.reg.{x}" for x in T.T2_COL_IDS}
    assert all(c[x] is None for x in reg)
    assert reg <= noted(res, "placeholder")
    assert [c[f"t2.norm.{x}"] for x in T.T2_COL_IDS] == [0, 0, 0]
    assert c[T.t3_key("new", "total")] == 0 and c[T.t3_key("carried", "total")] == 0
    blanks = {T.t3_key("new", x) for x in T3_PARTS}
    assert all(c[x] is None for x in blanks)
    assert blanks <= noted(res, "missing_cell")
    assert res.report.year == 2023
    assert res.report.organ == "区统计局"


def test_partial_026_shifted_columns_placed_by_labels():
    res = import_file(shared_file("corpus", "partial-026.txt"))
    c = res.report.cells
    assert [c[f"t2.norm.{x}"] for x in T.T2_COL_IDS] == [3, 0, 101]
    assert c[T.t3_key("new", "natural")] == 0 and c[T.t3_key("new", "total")] == 0
    assert all(c[T.t3_key("new", x)] is None for x in T3_PARTS[1:])
    for row in ("carried", "granted", "partial", "denied_1", "denied_5"):
        assert c[T.t3_key(row, "total")] == 0, row
        assert all(c[T.t3_key(row, x)] is None for x in T3_PARTS), row
    assert c[T.t3_key("denied_6", "total")] is None
    filled = [x for x in T.CELL_IDS if c[x] is not None]
    assert len(filled) == 20
    assert res.report.year is None
    assert any(n.kind == "meta" and "年度" in n.message for n in res.notes)


def test_partial_034_old_format_not_forced_into_2021_grid():
    res = import_file(shared_file("corpus", "partial-034.txt"))
    r = res.report
    assert r.template == "2019"
    assert "old_format" in kinds(res)
    assert any("V-07" in n.message for n in res.notes if n.kind == "old_format")
    assert all(v is None for v in r.cells.values())
    # `四、结转下年度继续办理` (a table row) did not open section 四; the real heading did
    missing = " ".join(n.message for n in res.notes if n.kind == "missing_section")
    assert T.SECTIONS[3].heading not in missing
    assert T.SECTIONS[4].heading in missing
    assert "结转下年度" not in r.sections["overview"]
    assert r.sections["overview"].startswith("2019年")
