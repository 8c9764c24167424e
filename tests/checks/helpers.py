"""Reports built in code for the check tests (independent of the fixtures)."""

from __future__ import annotations

import random

from report_editor.model import Report
from report_editor.model import template as T

NEUTRAL_SECTIONS = {
    "overview": (
        "（一）主动公开情况。本机关通过门户网站主动公开政府信息，做到应公开尽公开。\n"
        "（二）依申请公开情况。本机关依法办理政府信息公开申请，按时答复申请人。\n"
        "（三）政府信息管理情况。本机关规范政府信息公开审查程序，落实保密审查。\n"
        "（四）政府信息公开平台建设情况。本机关持续优化政府信息公开专栏。\n"
        "（五）政府信息公开监督保障情况。本机关明确分管领导，落实工作考核、社会评议和责任追究结果。"
    ),
    "active_note": "",
    "requests_note": "",
    "appeals_note": "",
    "problems": (
        "（一）存在的问题\n政策解读形式比较单一，信息公开的及时性有待提高。\n"
        "（二）改进情况\n对上一年度报告所列问题已完成整改，下一步将加强培训。"
    ),
    "other": "本年度发出信息处理费收费通知若干份，申请人均未缴纳，实际未收取信息处理费。",
}


def balanced_report(rng: random.Random | None = None, low: int = 1, high: int = 9) -> Report:
    """A report whose tables balance (R-01 … R-06) with every cell in [low, …] and text
    that passes every text rule. Values are drawn from `rng` (seeded by the caller)."""
    rng = rng or random.Random(7)
    r = Report(year=2024, organ="某某县某某局", kind="department")
    r.sections = dict(NEUTRAL_SECTIONS)
    for cid in T.CELL_IDS:
        r.cells[cid] = rng.randint(low, high)
    r.cells[T.FEE_CELL] = "1.5"
    for col in T.T3_APPLICANT_COLS:
        # new = done + next - carried, with carried small enough to keep new >= low
        done = sum(r.cells[T.t3_key(o, col)] for o in T.T3_OUTCOME_ROWS)
        nxt = r.cells[T.t3_key("carry_next", col)]
        carried = min(r.cells[T.t3_key("carried", col)], done + nxt - low)
        r.cells[T.t3_key("carried", col)] = carried
        r.cells[T.t3_key("new", col)] = done + nxt - carried
    r.recompute_totals()
    return r


def problem_set(problems, severities=("error",)):
    return {(p.rule, frozenset(p.cells)) for p in problems if p.severity in severities}


def expected_arithmetic(cell_id: str) -> set[tuple[str, frozenset[str]]]:
    """Which balance rules (and which cells) a change of one table-三/四 cell must break,
    derived from the printed table structure of official_format.md §3."""
    parts = cell_id.split(".")
    out: set[tuple[str, frozenset[str]]] = set()
    if parts[0] == "t4":
        group = parts[1]
        rule = {"rev": "R-04", "lit_direct": "R-05", "lit_after_rev": "R-06"}[group]
        out.add((rule, frozenset(T.t4_key(group, c) for c, _ in T.T4_COLS)))
        return out
    row, col = parts[1], parts[2]
    if row in ("new", "carried", "total_done", "carry_next"):
        out.add(
            (
                "R-01",
                frozenset(T.t3_key(r, col) for r in ("new", "carried", "total_done", "carry_next")),
            )
        )
    out.add(("R-02", frozenset(T.t3_key(row, c) for c in T.T3_COL_IDS)))
    if row == "total_done" or row in T.T3_OUTCOME_ROWS:
        out.add(
            (
                "R-03",
                frozenset(T.t3_key(r, col) for r in (*T.T3_OUTCOME_ROWS, "total_done")),
            )
        )
    return out


TABLE_34_CELLS = tuple(c for c in T.CELL_IDS if c.startswith(("t3.", "t4.")))
assert len(TABLE_34_CELLS) == 190
