"""Table rules R-01 … R-11, V-21 and the hints H-01/H-02."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_editor.checks import Problem, run_checks, summarize
from report_editor.model import Report
from report_editor.model import template as T

from .helpers import TABLE_34_CELLS, balanced_report, expected_arithmetic, problem_set

BASE = balanced_report(random.Random(2024))


def _errors(problems):
    return problem_set(problems, ("error",))


def _all_cells_real(problems):
    for p in problems:
        assert p.cells == tuple(p.cells)
        for c in p.cells:
            assert c in T.CELL_BY_ID, (p.rule, c)


# ------------------------------------------------------------------ fixtures


def test_fixtures_have_no_error(seed_report, huaian_report):
    for report in (seed_report, huaian_report):
        problems = run_checks(report)
        assert [p for p in problems if p.severity == "error"] == []
        assert not [p for p in problems if p.rule.startswith("R-0")]
        _all_cells_real(problems)


def test_fee_threshold_depends_on_the_kind_of_organ(huaian_report):
    # A city government's own report legitimately sums 96171.6 万元 ...
    assert not [p for p in run_checks(huaian_report) if p.rule == "V-21"]
    # ... the same figure from a department was surely typed in 元.
    huaian_report.kind = "department"
    v21 = [p for p in run_checks(huaian_report) if p.rule == "V-21"]
    assert len(v21) == 1
    assert v21[0].cells == (T.FEE_CELL,)
    assert "96171.6" in v21[0].message and "961716000 元" in v21[0].message


def test_balanced_built_report_has_no_problem_at_all():
    assert run_checks(BASE) == []
    assert summarize(run_checks(BASE)) == "勾稽关系：平衡"


# ------------------------------------------------------------------ every single ±1 change


@pytest.mark.parametrize("cell", TABLE_34_CELLS)
def test_every_single_change_is_caught_by_exactly_the_right_rules(cell):
    expected = expected_arithmetic(cell)
    for delta in (1, -1):
        r = BASE.copy()
        r.cells[cell] += delta
        problems = run_checks(r)
        # all cells ≥ 1 and neutral text: nothing else may fire, not even a hint
        assert {(p.rule, frozenset(p.cells)) for p in problems} == expected, (cell, delta)
        assert all(p.severity == "error" for p in problems)
        _all_cells_real(problems)


@pytest.mark.parametrize("cell", TABLE_34_CELLS)
def test_every_single_change_in_the_fixtures(cell, seed_report, huaian_report):
    expected = expected_arithmetic(cell)
    for report in (seed_report, huaian_report):
        for delta in (1, -1):
            r = report.copy()
            r.cells[cell] += delta
            want = set(expected)
            if r.cells[cell] < 0:
                want.add(("R-07", frozenset({cell})))
            assert _errors(run_checks(r)) == want, (report.organ, cell, delta)


# ------------------------------------------------------------------ property tests


@st.composite
def balanced(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    high = draw(st.sampled_from((1, 9, 99, 5000)))
    return balanced_report(random.Random(seed), low=0, high=high)


@given(balanced())
def test_random_balanced_reports_have_no_error(report):
    problems = run_checks(report)
    assert not [p for p in problems if p.severity == "error"]
    _all_cells_real(problems)


@given(balanced(), st.sampled_from(TABLE_34_CELLS), st.integers(-50, 50).filter(bool))
def test_random_single_perturbation_is_caught(report, cell, delta):
    report.cells[cell] += delta
    want = expected_arithmetic(cell)
    if report.cells[cell] < 0:
        want.add(("R-07", frozenset({cell})))
    problems = run_checks(report)
    assert _errors(problems) == want
    _all_cells_real(problems)


# ------------------------------------------------------------------ messages


def _report_with_natural(new: int, carried: int, done: int, nxt: int) -> Report:
    r = Report(year=2023, organ="某局")
    r.fill_blanks()
    r.cells["t3.new.natural"] = new
    r.cells["t3.carried.natural"] = carried
    r.cells["t3.granted.natural"] = done
    r.cells["t3.carry_next.natural"] = nxt
    r.recompute_totals()
    return r


def test_r01_message_matches_the_exchange_format_example():
    r = _report_with_natural(2, 0, 1, 0)
    r01 = [p for p in run_checks(r) if p.rule == "R-01"]
    # the natural and the total column are both off
    assert [p.message for p in r01] == [
        "自然人列：一（2）+ 二（0）= 2，三（七）总计（1）+ 四（0）= 1，相差 1",
        "总计列：一（2）+ 二（0）= 2，三（七）总计（1）+ 四（0）= 1，相差 1",
    ]
    assert r01[0].cells == (
        "t3.new.natural",
        "t3.carried.natural",
        "t3.total_done.natural",
        "t3.carry_next.natural",
    )
    assert r01[0].to_dict() == {
        "rule": "R-01",
        "severity": "error",
        "cells": list(r01[0].cells),
        "message": r01[0].message,
    }


def test_r02_r03_r04_messages_carry_the_numbers():
    r = BASE.copy()
    r.cells["t3.new.natural"] = 5
    r.cells["t3.new.biz"] = 7
    for c in ("research", "npo", "legal", "other_org"):
        r.cells[f"t3.new.{c}"] = 0
    r.cells["t3.new.total"] = 11
    r.cells["t3.granted.natural"] += 2
    r.cells["t4.rev.total"] += 3
    msgs: dict[str, str] = {}
    for p in run_checks(r):
        msgs.setdefault(p.rule, p.message)  # first of each rule: table order
    assert (
        msgs["R-02"] == "一、本年新收政府信息公开申请数量：各类申请人合计 12，总计栏填 11，相差 1"
    )
    s = sum(r.cells[f"t3.{o}.natural"] for o in T.T3_OUTCOME_ROWS)
    t = r.cells["t3.total_done.natural"]
    assert msgs["R-03"] == f"自然人列：各项办理结果合计 {s}，三（七）总计填 {t}，相差 2"
    parts = sum(r.cells[f"t4.rev.{c}"] for c in ("maintain", "correct", "other", "pending"))
    assert msgs["R-04"] == (
        f"行政复议：结果维持、结果纠正、其他结果、尚未审结合计 {parts}，"
        f"总计栏填 {parts + 3}，相差 3"
    )


def test_blank_total_is_reported_as_blank_not_as_a_number():
    r = BASE.copy()
    r.cells["t4.lit_direct.total"] = None
    problems = run_checks(r)
    r05 = next(p for p in problems if p.rule == "R-05")
    assert "总计栏填未填（按 0 计）" not in r05.message
    assert "总计栏未填（按 0 计）" in r05.message
    assert "t4.lit_direct.total" in r05.cells
    # reported once, by R-05: R-09 lists only cells a person fills
    assert not [p for p in problems if p.rule == "R-09"]


# ------------------------------------------------------------------ domains and blanks


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (-3, "负数 -3"),
        (1.5, "不能有小数"),
        ("12", "不是数字"),
        (True, "不是数字"),
        (Decimal("2.5"), "小数"),
    ],
)
def test_r07_values_that_bypassed_the_model(value, words):
    r = BASE.copy()
    r.cells["t2.penalty"] = value
    r07 = [p for p in run_checks(r) if p.rule == "R-07"]
    assert len(r07) == 1 and r07[0].cells == ("t2.penalty",)
    assert words in r07[0].message and r07[0].severity == "error"


@pytest.mark.parametrize(
    ("fee", "words"),
    [
        ("-1", "负数"),
        ("1.23456", "四位小数"),
        ("abc", "不是有效金额"),
        (5, "文本"),
        ("01", "不是有效金额"),
    ],
)
def test_r08_fee_domain(fee, words):
    r = BASE.copy()
    r.cells[T.FEE_CELL] = fee
    r08 = [p for p in run_checks(r) if p.rule == "R-08"]
    assert len(r08) == 1 and r08[0].cells == (T.FEE_CELL,), r08
    assert words in r08[0].message


def test_valid_fees_pass():
    for fee in ("0", "12.5", "9999.9999", "0.0001"):
        r = BASE.copy()
        r.cells[T.FEE_CELL] = fee
        assert not [p for p in run_checks(r) if p.rule in ("R-08", "V-21")]


def test_r09_one_problem_per_table_listing_every_blank():
    r = BASE.copy()
    r.cells["t2.licensing"] = None
    r.cells["t3.denied_3.npo"] = None
    r.cells["t3.denied_4.npo"] = None
    problems = run_checks(r)
    r09 = [p for p in problems if p.rule == "R-09"]
    assert [p.cells for p in r09] == [("t2.licensing",), ("t3.denied_3.npo", "t3.denied_4.npo")]
    assert all(p.severity == "error" for p in r09)
    assert "表三有 2 个空白单元格" in r09[1].message


def _r09(problems, table):
    name = T.TABLE_NAMES[table]
    found = [p for p in problems if p.rule == "R-09" and p.message.startswith(name)]
    assert len(found) <= 1
    return found[0] if found else None


def _blank_table(table: str) -> Report:
    r = BASE.copy()
    for c in T.CELL_IDS:
        if c.startswith(table + "."):
            r.cells[c] = None
    return r


def test_r09_counts_and_names_only_cells_a_person_fills():
    # Table 四 blank as in a new report: 15 cells, 3 of them computed totals.
    r = _blank_table("t4")
    problems = run_checks(r)
    p = _r09(problems, "t4")
    fillable = [c for c in T.CELL_IDS if c.startswith("t4.") and c not in T.TOTAL_CELL_IDS]
    assert p.cells == tuple(fillable) and len(fillable) == 12
    assert p.message.startswith("表四有 12 个空白单元格（没有数据请填 0）")
    for total in ("t4.rev.total", "t4.lit_direct.total", "t4.lit_after_rev.total"):
        assert T.CELL_BY_ID[total].label not in p.message
    assert not [q for q in problems if q.rule in ("R-04", "R-05", "R-06")]
    # the same in table 三: no total column or 合计 row cell listed or counted
    p3 = _r09(run_checks(_blank_table("t3")), "t3")
    assert not set(p3.cells) & T.TOTAL_CELL_IDS
    assert f"表三有 {len(p3.cells)} 个空白单元格" in p3.message
    assert len(p3.cells) == 175 - 31
    # the labels named are those of the first listed cells, all of them fillable
    named = p3.message.split("：", 1)[1].split(" 等 ")[0].split("；")
    assert named == [T.CELL_BY_ID[c].label for c in p3.cells[: len(named)]]


def test_r09_blank_total_with_blank_parts_is_implied_in_the_editor():
    # The editor recomputes totals: a total stays blank exactly while its parts are blank.
    r = _blank_table("t4")
    r.cells["t4.rev.maintain"] = 2
    r.recompute_totals()
    assert r.cells["t4.rev.total"] == 2 and r.cells["t4.lit_direct.total"] is None
    problems = run_checks(r)
    p = _r09(problems, "t4")
    assert len(p.cells) == 11 and "表四有 11 个空白单元格" in p.message
    assert not [q for q in problems if q.rule in ("R-04", "R-05", "R-06")]


def test_blank_total_next_to_filled_parts_is_one_error_even_when_they_sum_to_0():
    # An imported file whose printed total is missing: parts entered (all 0), total blank.
    r = BASE.copy()
    for c, _ in T.T4_COLS:
        r.cells[T.t4_key("rev", c)] = 0
    r.cells["t4.rev.total"] = None
    problems = run_checks(r)
    r04 = [p for p in problems if p.rule == "R-04"]
    assert len(r04) == 1 and r04[0].severity == "error"
    assert "t4.rev.total" in r04[0].cells
    assert r04[0].message.endswith("合计 0，总计栏未填（应为 0）")
    assert not [p for p in problems if p.rule == "R-09"]
    # the same with some parts blank: the blanks are listed by R-09, the total by R-04
    r.cells["t4.rev.correct"] = None
    problems = run_checks(r)
    assert [p.cells for p in problems if p.rule == "R-09"] == [("t4.rev.correct",)]
    assert len([p for p in problems if p.rule == "R-04"]) == 1
    # the S10 case: 总计 column blank in a row of table 三 whose parts hold numbers
    r = BASE.copy()
    r.cells["t3.granted.total"] = None
    problems = run_checks(r)
    r02 = [p for p in problems if p.rule == "R-02"]
    assert len(r02) == 1 and "未填（按 0 计）" in r02[0].message
    assert not [p for p in problems if p.rule == "R-09"]


def test_empty_report_reports_blanks_but_no_arithmetic():
    r = Report(year=2024, organ="某局")
    r.sections = {}
    problems = run_checks(r)
    rules = [p.rule for p in problems]
    assert rules.count("R-09") == 3
    r09_cells = [c for p in problems if p.rule == "R-09" for c in p.cells]
    assert len(r09_cells) == 200 - len(T.TOTAL_CELL_IDS) == 166
    assert not set(r09_cells) & T.TOTAL_CELL_IDS
    assert not {"R-01", "R-02", "R-03", "R-04", "R-05", "R-06"} & set(rules)
    assert rules.count("V-09") == 3  # overview, problems and other missing
    _all_cells_real(problems)


# ------------------------------------------------------------------ V-21


def test_v21_threshold():
    r = BASE.copy()
    r.cells[T.FEE_CELL] = "10000"
    assert not [p for p in run_checks(r) if p.rule == "V-21"]
    r.cells[T.FEE_CELL] = "184719"
    (p,) = [p for p in run_checks(r) if p.rule == "V-21"]
    assert p.severity == "warning" and "184719" in p.message and "1847190000 元" in p.message


# ------------------------------------------------------------------ previous year


def _pair():
    prev = BASE.copy()
    prev.year = 2023
    cur = BASE.copy()
    for c in T.T3_COL_IDS:
        cur.cells[T.t3_key("carried", c)] = prev.cells[T.t3_key("carry_next", c)]
    for rid in ("reg", "norm"):
        cur.cells[f"t2.{rid}.in_force"] = (
            prev.cells[f"t2.{rid}.in_force"]
            + cur.cells[f"t2.{rid}.issued"]
            - cur.cells[f"t2.{rid}.repealed"]
        )
    # keep the current tables balanced: new absorbs the change of carried
    for c in T.T3_APPLICANT_COLS:
        left = cur.cells[T.t3_key("total_done", c)] + cur.cells[T.t3_key("carry_next", c)]
        cur.cells[T.t3_key("new", c)] = left - cur.cells[T.t3_key("carried", c)]
    cur.recompute_totals()
    return cur, prev


def test_r10_r11_hold_for_a_consistent_pair():
    cur, prev = _pair()
    assert [p for p in run_checks(cur) if p.severity == "error"] == []
    assert [p.rule for p in run_checks(cur, prev) if p.rule in ("R-10", "R-11")] == []


def test_r10_carry_over_chain():
    cur, prev = _pair()
    prev.cells["t3.carry_next.biz"] += 2
    prev.cells["t3.carry_next.total"] += 2
    r10 = [p for p in run_checks(cur, prev) if p.rule == "R-10"]
    assert [p.cells for p in r10] == [("t3.carried.biz",), ("t3.carried.total",)]
    assert all(p.severity == "warning" for p in r10)
    assert "相差 2" in r10[0].message
    assert not [p for p in run_checks(cur) if p.rule == "R-10"]  # needs previous


def test_r11_normative_documents_stock():
    cur, prev = _pair()
    prev.cells["t2.norm.in_force"] += 4
    (p,) = [p for p in run_checks(cur, prev) if p.rule == "R-11"]
    assert p.severity == "info"
    assert p.cells == ("t2.norm.in_force", "t2.norm.issued", "t2.norm.repealed")
    assert "相差 4" in p.message and T.T2_ROW_NORM in p.message


def test_previous_of_the_wrong_year_is_not_compared():
    cur, prev = _pair()
    prev.year = 2021
    prev.cells["t3.carry_next.biz"] += 2
    problems = run_checks(cur, prev)
    assert [p.rule for p in problems] == ["R-10"]
    assert problems[0].cells == () and "2021" in problems[0].message


# ------------------------------------------------------------------ hints


def test_h01_application_under_the_wrong_applicant_column():
    r = BASE.copy()
    r.cells["t3.new.natural"] += 1
    r.cells["t3.new.legal"] -= 1
    problems = run_checks(r)
    (h,) = [p for p in problems if p.rule == "H-01"]
    assert (
        h.message == "看起来有一件申请被计入了错误的申请人类别（自然人列多 1，法律服务机构列少 1）"
    )
    assert set(h.cells) == {
        T.t3_key(x, c)
        for x in ("new", "carried", "total_done", "carry_next")
        for c in ("natural", "legal")
    }
    assert problems[-1] is h  # hints after the rules


def test_h01_not_when_the_total_column_is_off_or_three_columns():
    r = BASE.copy()
    r.cells["t3.new.natural"] += 1
    r.cells["t3.new.total"] += 1
    assert not [p for p in run_checks(r) if p.rule == "H-01"]
    r = BASE.copy()
    r.cells["t3.new.natural"] += 2
    r.cells["t3.new.legal"] -= 1
    r.cells["t3.new.biz"] -= 1
    assert not [p for p in run_checks(r) if p.rule == "H-01"]


def test_h02_two_digit_number_split_over_two_cells():
    r = BASE.copy()
    row = {c: 0 for c in T.T3_APPLICANT_COLS}
    row.update(natural=1, biz=2)  # the printed row said 12 自然人 and the importer split it
    for c, v in row.items():
        r.cells[T.t3_key("unable_2", c)] = v
    r.cells["t3.unable_2.total"] = 12
    problems = run_checks(r)
    (h,) = [p for p in problems if p.rule == "H-02"]
    assert h.cells == ("t3.unable_2.natural", "t3.unable_2.biz")
    assert "两位数" in h.message and "12" in h.message
    assert any(p.rule == "R-02" for p in problems)


def test_h02_not_for_an_ordinary_difference():
    r = BASE.copy()
    r.cells["t3.unable_2.total"] += 9 * 20  # no single-digit pair explains it
    assert not [p for p in run_checks(r) if p.rule == "H-02"]


# ------------------------------------------------------------------ order and summary


def test_order_is_by_rule_and_stable():
    r = BASE.copy()
    r.cells["t4.rev.total"] += 1
    r.cells["t3.new.natural"] += 1
    r.cells["t2.penalty"] = None
    r.sections["other"] = "无。"
    rules = [p.rule for p in run_checks(r)]
    assert rules == ["R-01", "R-02", "R-04", "R-09", "R-14", "V-17"]
    assert run_checks(r) == run_checks(r)


def test_summarize():
    e = Problem("R-01", "error", (), "x")
    w = Problem("V-17", "warning", (), "x")
    i = Problem("V-27", "info", (), "x")
    assert summarize([]) == "勾稽关系：平衡"
    assert summarize([i]) == "勾稽关系：平衡 · 1 个提示"
    assert summarize([e, e, e, w, w, i]) == "3 个错误 · 2 个警告 · 1 个提示"
    assert summarize([w]) == "1 个警告"


# ------------------------------------------------------------------ never crash

_JUNK = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.booleans(),
)
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("年度件申请收到受理办结答复结转下上行政复议诉讼未无没有信息处理费元，。、；\n,")
        + list("0123456789一二三四五六七八九十（）")
    ),
    max_size=80,
)


@given(
    st.dictionaries(st.sampled_from(T.CELL_IDS), _JUNK, max_size=30),
    st.dictionaries(st.sampled_from(T.SECTION_KEYS), _TEXT),
    _TEXT,
    st.one_of(st.none(), st.integers(1990, 2200)),
    st.sampled_from(T.TEMPLATES),
    st.sampled_from(T.ORGAN_KINDS),
)
def test_any_content_gives_problems_not_exceptions(cells, sections, title, year, template, kind):
    r = BASE.copy()
    r.cells.update(cells)
    r.sections.update(sections)
    r.title = title
    r.preamble = title
    r.year = year
    r.template = template
    r.kind = kind
    problems = run_checks(r, BASE)
    _all_cells_real(problems)
    for p in problems:
        assert p.severity in ("error", "warning", "info") and p.message
        assert p.section is None or p.section in T.SECTION_KEYS
    summarize(problems)
