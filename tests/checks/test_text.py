"""Text rules: R-12 … R-15, V-07, V-09, V-12, V-15 … V-17, V-19, V-20, V-25, V-27."""

from __future__ import annotations

import random

import pytest

from report_editor.checks import run_checks
from report_editor.checks.text import parse_number
from report_editor.model import template as T

from .helpers import NEUTRAL_SECTIONS, balanced_report

BASE = balanced_report(random.Random(11))


def _rules(report, rule, previous=None):
    return [p for p in run_checks(report, previous) if p.rule == rule]


def _with(section: str, extra: str, report=None):
    r = (report or BASE).copy()
    r.sections[section] = r.sections[section] + "\n" + extra
    return r


def test_base_is_clean():
    assert run_checks(BASE) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3119 件", 3119),
        ("3,119件", 3119),
        ("两件", 2),
        ("十二件", 12),
        ("二十件", 20),
        ("一百零五件", 105),
        ("3起", 3),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


# ------------------------------------------------------------------


def _total(cell_row: str) -> int:
    return BASE.cells[T.t3_key(cell_row, "total")]


@pytest.mark.parametrize(
    ("template", "cells"),
    [
        ("本年度共收到政府信息公开申请{n}件。", ("t3.new.total",)),
        ("本年新收申请{n}件。", ("t3.new.total",)),
        ("区政府办公室共收到{n}份政府信息公开申请。", ("t3.new.total",)),
        ("其中上年结转{n}件。", ("t3.carried.total",)),
        ("共办结政府信息公开申请{n}件。", ("t3.total_done.total",)),
        ("结转下年度继续办理{n}件。", ("t3.carry_next.total",)),
        ("对申请予以公开{n}件。", ("t3.granted.total",)),
        ("全年被申请行政复议{n}件。", ("t4.rev.total",)),
        ("被提起行政诉讼{n}件。", ("t4.lit_direct.total", "t4.lit_after_rev.total")),
        ("本年制发行政规范性文件{n}件。", ("t2.norm.issued",)),
    ],
)
def test_r12_number_in_overview_against_tables(template, cells):
    right = sum(BASE.cells[c] for c in cells)
    assert _rules(_with("overview", template.format(n=right)), "R-12") == []
    (p,) = _rules(_with("overview", template.format(n=right + 1)), "R-12")
    assert p.severity == "warning" and p.section == "overview"
    assert p.cells == cells
    assert str(right + 1) in p.message and str(right) in p.message


def test_r12_chinese_numerals_and_spaces():
    r = BASE.copy()
    r.cells["t4.rev.maintain"] = 2
    r.cells["t4.rev.correct"] = r.cells["t4.rev.other"] = r.cells["t4.rev.pending"] = 0
    r.cells["t4.rev.total"] = 2
    assert _rules(_with("overview", "被申请行政复议两件。", r), "R-12") == []
    assert len(_rules(_with("overview", "被申请行政复议三件。", r), "R-12")) == 1
    n = _total("new")
    assert _rules(_with("overview", f"收到申请 {n} 件。"), "R-12") == []


def test_r12_shouli_accepts_new_plus_carried():
    both = _total("new") + _total("carried")
    assert _rules(_with("overview", f"共受理政府信息公开申请{both}件。"), "R-12") == []
    assert _rules(_with("overview", f"共受理政府信息公开申请{_total('new')}件。"), "R-12") == []
    (p,) = _rules(_with("overview", f"共受理政府信息公开申请{both + 5}件。"), "R-12")
    assert p.cells == ("t3.new.total", "t3.carried.total")


def test_r12_ignores_unrelated_numbers():
    text = "主动公开信息5500余条，答复网民留言120件。行政复议后起诉3件不在此列。政策性文件11件。"
    assert _rules(_with("overview", text), "R-12") == []


def test_r12_number_before_keyword(huaian_report):
    r = huaian_report.copy()
    r.cells["t3.carry_next.total"] = 104
    (p,) = _rules(r, "R-12")
    assert p.cells == ("t3.carry_next.total",) and "103件顺延到下年度" in p.message


def test_r12_huaian_sentences_match(huaian_report):
    assert _rules(huaian_report, "R-12") == []
    r = huaian_report.copy()
    r.cells["t4.lit_direct.total"] = 27
    r.cells["t4.lit_direct.pending"] = 2
    (p,) = _rules(r, "R-12")
    assert "行政诉讼46件" in p.message and "47" in p.message


# ------------------------------------------------------------------


def test_r13_all_concluded_but_carried_over():
    r = _with("overview", "本年度所有申请均已按时办结。")
    assert r.cells["t3.carry_next.total"] > 0
    (p,) = _rules(r, "R-13")
    assert "t3.carry_next.total" in p.cells and p.section == "overview"
    z = r.copy()
    for c in T.T3_COL_IDS:
        z.cells[T.t3_key("granted", c)] += z.cells[T.t3_key("carry_next", c)]
        z.cells[T.t3_key("carry_next", c)] = 0
    z.recompute_totals()
    assert not [p for p in run_checks(z) if p.severity == "error"]
    assert _rules(z, "R-13") == []


def test_r13_no_review_claimed_but_table_has_cases():
    (p,) = _rules(_with("overview", "本年度未发生政府信息公开行政复议、行政诉讼案件。"), "R-13")
    assert set(p.cells) >= {"t4.rev.total", "t4.lit_direct.total", "t4.lit_after_rev.total"}
    (p,) = _rules(_with("requests_note", "其他1件（申请人自主撤销）。无下年度结转。"), "R-13")
    assert "t3.carry_next.total" in p.cells
    (p,) = _rules(_with("appeals_note", "无行政复议。"), "R-13")
    assert {c.split(".")[1] for c in p.cells} == {"rev"}
    assert p.section == "appeals_note"
    # 未经复议直接起诉 and 尚未审结 are not denials
    assert _rules(_with("overview", "未经行政复议直接提起行政诉讼的案件尚未审结。"), "R-13") == []


def test_r13_no_review_claim_is_fine_when_table_is_zero(seed_report):
    r = seed_report.copy()
    r.sections["overview"] += "\n本年度未发生行政复议、行政诉讼。"
    assert _rules(r, "R-13") == []


def test_r13_reverse_text_reports_cases_table_is_zero(seed_report):
    r = seed_report.copy()
    r.sections["overview"] += "\n本年度被申请行政复议2件。"
    (p,) = _rules(r, "R-13")
    assert set(p.cells) == {f"t4.rev.{c}" for c, _ in T.T4_COLS}
    assert _rules(r, "R-12") == []


def test_r13_no_request_claimed_but_table_has_requests(seed_report):
    assert _rules(seed_report, "R-13") == []  # 未接到… and the table is all 0
    r = seed_report.copy()
    r.cells["t3.new.natural"] = r.cells["t3.new.total"] = 1
    r.cells["t3.carry_next.natural"] = r.cells["t3.carry_next.total"] = 1
    assert not [p for p in run_checks(r) if p.severity == "error"]
    problems = _rules(r, "R-13")
    assert {p.section for p in problems} == {"overview", "other"}
    assert all(p.cells == ("t3.new.natural", "t3.new.total") for p in problems)


def test_r13_message_shows_the_value_that_contradicts_the_claim(seed_report):
    # 新收 5 under 自然人 but the 总计 cell says 0: the message must not read "总计为 0"
    r = seed_report.copy()
    r.cells["t3.new.natural"] = 5
    r.cells["t3.new.total"] = 0
    problems = _rules(r, "R-13")
    assert problems
    for p in problems:
        assert p.cells == ("t3.new.natural",)
        assert "总计为 0" not in p.message
        assert "自然人为 5（总计栏为 0），前后矛盾" in p.message
    # several columns, total blank
    r.cells["t3.new.biz"] = 2
    r.cells["t3.new.total"] = None
    (p, *_) = _rules(r, "R-13")
    assert "自然人为 5、商业企业为 2（总计栏未填）" in p.message
    # when the 总计 cell holds a number, it is the one shown
    r.cells["t3.new.total"] = 7
    (p, *_) = _rules(r, "R-13")
    assert "”总计为 7，前后矛盾" in p.message


def test_r13_all_concluded_message_names_the_column_when_total_is_0():
    r = _with("overview", "本年度所有申请均已按时办结。")
    for c in T.T3_COL_IDS:
        r.cells[T.t3_key("carry_next", c)] = 0
    r.cells["t3.carry_next.npo"] = 3
    (p,) = _rules(r, "R-13")
    assert p.cells == ("t3.carry_next.npo",)
    assert "社会公益组织为 3（总计栏为 0）" in p.message and "总计为 0" not in p.message


def test_r13_no_review_message_shows_the_result_column_when_total_is_0(seed_report):
    r = seed_report.copy()
    r.sections["overview"] += "\n本年度未发生行政复议。"
    r.cells["t4.rev.maintain"] = 2
    (p,) = _rules(r, "R-13")
    assert p.cells == ("t4.rev.maintain",)
    assert "行政复议 · 结果维持 2（行政复议总计栏为 0）" in p.message and "总计 0" not in p.message


# ------------------------------------------------------------------


def test_r14_unpaid_fee_applications_need_a_fee_statement():
    r = BASE.copy()
    assert r.cells["t3.other_2.total"] > 0
    r.sections["other"] = "本年度未收取信息处理费。"
    (p,) = _rules(r, "R-14")
    assert p.cells == ("t3.other_2.total",) and p.section == "other"
    r.sections["other"] = "本年度发出信息处理费缴费通知3份，未收取信息处理费。"
    assert _rules(r, "R-14") == []


def test_r14_fee_collected_without_any_application(seed_report):
    r = seed_report.copy()
    r.sections["other"] = "全年收取信息处理费300元。"
    (p,) = _rules(r, "R-14")
    assert p.cells == ("t3.new.total", "t3.carried.total") and "300元" in p.message


def test_r14_contradicting_fee_statements(huaian_report):
    assert _rules(huaian_report, "R-14") == []
    r = _with("other", "本年度没有产生信息处理费。", huaian_report)
    unpaid, p = _rules(r, "R-14")  # 6 applications dropped for unpaid fees, and the contradiction
    assert unpaid.cells == ("t3.other_2.total",) and "6 件" in unpaid.message
    assert "3940元" in p.message and "没有产生信息处理费" in p.message


# ------------------------------------------------------------------


def test_r15_title_year():
    r = BASE.copy()
    r.title = "某某县某某局2023年政府信息公开工作年度报告"
    assert [p.rule for p in run_checks(r)] == ["R-15", "V-20"]
    r.title = ""
    assert _rules(r, "R-15") == []


def test_r15_statistics_period():
    r = BASE.copy()
    r.preamble = "本报告所列数据统计期限为2023年1月1日至12月31日。"
    (p,) = _rules(r, "R-15")
    assert p.section is None and "2024年1月1日至12月31日" in p.message
    r.preamble = "报告所列统计期限自2024年1月1日至2024年12月31日。"
    assert _rules(r, "R-15") == []


def test_r15_stray_year_in_body():
    (p,) = _rules(_with("problems", "2022年，我局存在的问题主要是……"), "R-15")
    assert "2022" in p.message and p.section == "problems"
    (p,) = _rules(_with("overview", "2023年度我局未收到申请。"), "R-15")
    assert "2023" in p.message
    # allowed: the report year, next year's plans, comparisons with last year, law history
    for ok in (
        "2024年，我局……",
        "2025年，我局将继续……",
        "申请数量较2023年有所增加。",
        "《条例》于2019年修订。",
        "依据国办函〔2020〕109号。",
    ):
        assert _rules(_with("overview", ok), "R-15") == [], ok


def test_r15_signature_date():
    r = BASE.copy()
    r.signature_date = "2025-01-20"
    assert _rules(r, "R-15") == []
    r.signature_date = "2024-01-20"
    (p,) = _rules(r, "R-15")
    assert "2025" in p.message


# ------------------------------------------------------------------ V-07, V-19, V-20


def test_v07_old_template():
    r = BASE.copy()
    r.template = "2019"
    (p,) = _rules(r, "V-07")
    assert p.severity == "error" and "使用旧版格式" in p.message
    r.year = 2020
    r.title = ""
    assert _rules(r, "V-07") == []


def test_v19_missing_year():
    r = BASE.copy()
    r.year = None
    (p,) = _rules(r, "V-19")
    assert p.severity == "error"


def test_v20_title_form():
    r = BASE.copy()
    for bad in ("某局2024年政府信息公开工作报告", "某某县某某局2024年政府信息公开工作的年度报告"):
        r.title = bad
        (p,) = _rules(r, "V-20")
        assert p.severity == "warning"
    r.title = "2024年某某县某某局政府信息公开工作年度报告"  # year-first form is accepted
    assert _rules(r, "V-20") == []


# ------------------------------------------------------------------ V-09


@pytest.mark.parametrize("key", ["overview", "problems", "other"])
def test_v09_required_section_empty(key):
    r = BASE.copy()
    r.sections[key] = "  \n"
    (p,) = _rules(r, "V-09")
    assert p.severity == "error" and p.section == key
    assert T.SECTION_BY_KEY[key].heading in p.message


def test_v09_table_sections_may_have_no_text():
    r = BASE.copy()
    for key in ("active_note", "requests_note", "appeals_note"):
        r.sections[key] = ""
    assert _rules(r, "V-09") == []


def test_v09_numbering_restart_and_repeated_heading():
    (p,) = _rules(_with("overview", "二、主动公开\n本年主动公开信息。"), "V-09")
    assert "重新开始" in p.message and p.section == "overview"
    r = BASE.copy()
    r.sections["problems"] = "五、存在的主要问题及改进情况\n" + r.sections["problems"]
    (p,) = _rules(r, "V-09")
    assert "重复了章节标题" in p.message
    assert _rules(_with("problems", "一是宣传不够，二是培训不足。"), "V-09") == []
    # a whole report pasted into 一: the repeated heading and the restart are both reported
    r = BASE.copy()
    r.sections["overview"] = "一、总体情况\n本年工作。\n二、主动公开政府信息情况\n三、收到和处理"
    assert [p.message.split("——")[1][:6] for p in _rules(r, "V-09")] == [
        "正文开头重复",
        "正文中出现一",
    ]


# ------------------------------------------------------------------ V-12


def test_v12_copied_from_last_year():
    prev = BASE.copy()
    prev.year = 2023
    cur = BASE.copy()
    cur.sections["problems"] = cur.sections["problems"].replace("2024", "2023")
    (p,) = [p for p in _rules(cur, "V-12", prev) if p.section == "problems"]
    assert "100%" in p.message and p.severity == "warning"
    assert _rules(cur, "V-12") == []  # needs previous
    cur.sections["problems"] = (
        "（一）存在的问题\n政策解读形式比较单一，信息公开的及时性有待提高。\n"
        "本年新发现基层人员流动较大，培训覆盖不全。\n对上一年度问题的整改已经完成，台账已销号。"
    )
    assert [p for p in _rules(cur, "V-12", prev) if p.section == "problems"] == []


# ------------------------------------------------------------------ V-15 … V-17


def test_v15_overview_topics():
    r = BASE.copy()
    r.sections["overview"] = r.sections["overview"].replace("监督保障", "其他工作")
    (p,) = _rules(r, "V-15")
    assert "监督保障" in p.message
    r = BASE.copy()
    r.sections["overview"] = r.sections["overview"].replace("政府信息公开平台建设", "平台建设")
    assert _rules(r, "V-15") == []


def test_v15_government_must_report_assessment():
    r = BASE.copy()
    r.kind = "government"
    assert _rules(r, "V-15") == []
    r.sections["overview"] = r.sections["overview"].replace(
        "落实工作考核、社会评议和责任追究结果", ""
    )
    (p,) = _rules(r, "V-15")
    assert p.severity == "warning" and T.GOVERNMENT_OVERVIEW_TOPIC in p.message
    r.kind = "department"
    assert _rules(r, "V-15") == []


def test_v16_problems_must_reference_last_year():
    r = BASE.copy()
    r.sections["problems"] = "宣传力度不够。下一步加强宣传。"
    (p,) = _rules(r, "V-16")
    assert p.section == "problems"
    r.sections["problems"] = "去年报告所列宣传力度不够的问题已改进。"
    assert _rules(r, "V-16") == []


def test_v17_other_silent_on_fee(seed_report):
    (p,) = _rules(seed_report, "V-17")
    assert p.section == "other"
    assert _rules(BASE, "V-17") == []


# ------------------------------------------------------------------ V-25, V-27


def test_v25_outdated_statute():
    r = BASE.copy()
    r.preamble = "根据《中华人民共和国政府信息公开条例》（国务院令第492号）编制。"
    (p,) = _rules(r, "V-25")
    assert p.section is None and "492" in p.message
    r.preamble = "根据《中华人民共和国政府信息公开条例》（国令第711号）编制。"
    assert _rules(r, "V-25") == []
    (p,) = _rules(_with("other", "按照国办公开办函〔2019〕60号要求编制。"), "V-25")
    assert p.section == "other"


def test_v27_halfwidth_commas_and_doubled_words():
    r = _with("problems", "落实资金资金保障,加强培训。")
    problems = _rules(r, "V-27")
    assert {p.severity for p in problems} == {"info"}
    text = " ".join(p.message for p in problems)
    assert "资金资金" in text and "保障,加强" in text
    assert _rules(_with("problems", "数量为1,234件，一一落实。"), "V-27") == []


def test_neutral_sections_are_what_the_helper_uses():
    assert BASE.sections == NEUTRAL_SECTIONS
