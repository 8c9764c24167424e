"""The result type of every check: plain data, rendered by the GUI and the command line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
BALANCED = "勾稽关系：平衡"

# Rule families in report order: R (official_format.md §3), V (§6), H (our hints).
_FAMILY_RANK = {"R": 0, "V": 1, "H": 2}


@dataclass(frozen=True)
class Problem:
    rule: str  # "R-01" … "R-15", "V-07" … "V-27", "H-01" …
    severity: str  # "error" | "warning" | "info"
    cells: tuple[str, ...]  # template cell ids taking part (empty for text-only problems)
    message: str  # Chinese, with the numbers
    section: str | None = None  # template.SECTION_KEYS key for text problems

    def to_dict(self) -> dict[str, Any]:
        """The object of `check --json` (exchange_format.md §2)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cells": list(self.cells),
            "message": self.message,
        }


def rule_order(rule: str) -> tuple[int, int, str]:
    """Sort key: R-01 … R-15, then V-xx, then H-xx; unknown shapes last."""
    family, _, number = rule.partition("-")
    rank = _FAMILY_RANK.get(family, 9)
    return (rank, int(number) if number.isdigit() else 999, rule)


def summarize(problems: Iterable[Problem]) -> str:
    """Status line. 错误 = error, 警告 = warning, 提示 = info.

    No error and no warning → "勾稽关系：平衡" (with " · N 个提示" appended when hints exist);
    otherwise the non-zero counts, e.g. "3 个错误 · 2 个警告 · 1 个提示".
    """
    counts = dict.fromkeys(SEVERITIES, 0)
    for p in problems:
        counts[p.severity] = counts.get(p.severity, 0) + 1
    parts = [f"{counts[s]} 个{SEVERITY_LABELS[s]}" for s in SEVERITIES if counts[s]]
    if not counts["error"] and not counts["warning"]:
        return " · ".join([BALANCED, *parts])
    return " · ".join(parts)
