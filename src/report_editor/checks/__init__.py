"""The checks: Report → list of Problem (rule, severity, cells, Chinese message). No Qt.

Rules are those of shared/spec/official_format.md §3 (R-01 … R-15) and §6 (V-07 … V-27),
plus diagnostic hints H-01 (application counted under the wrong applicant column) and
H-02 (a two-digit number split over two cells).
"""

from __future__ import annotations

from ..model.report import Report
from .problem import BALANCED, SEVERITIES, SEVERITY_LABELS, Problem, rule_order, summarize
from .tables import check_tables
from .text import check_text

__all__ = [
    "BALANCED",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "Problem",
    "has_errors",
    "run_checks",
    "summarize",
]


def run_checks(report: Report, previous: Report | None = None) -> list[Problem]:
    """Every check on `report`; `previous` (last year's report) adds R-10, R-11 and V-12.

    Order is deterministic: by rule (R-01 … R-15, then V-xx, then H-xx), and within one
    rule in table / text order.
    """
    out: list[Problem] = []
    if (
        previous is not None
        and report.year is not None
        and previous.year is not None
        and previous.year != report.year - 1
    ):
        out.append(
            Problem(
                "R-10",
                "warning",
                (),
                f"用于对比的上年报告是 {previous.year} 年度的，本报告是 {report.year} 年度："
                f"应选 {report.year - 1} 年度报告，跨年度校验未进行",
            )
        )
        previous = None
    check_tables(report, previous, out)
    check_text(report, previous, out)
    out.sort(key=lambda p: rule_order(p.rule))
    return out


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
