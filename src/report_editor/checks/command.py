"""`report-editor check FILE.json… [--previous PREV.json] [--json]` (exchange_format.md §2).

Exit status: 0 no error-severity problem in any file, 1 some file has errors, 2 some file
(or the previous-year file) could not be read — its message goes to stderr and the other
files are still checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..cli import input_file_problem
from ..model import template as T
from ..model.exchange import ExchangeError, load_report
from ..model.report import Report
from . import SEVERITY_LABELS, run_checks, summarize
from .problem import Problem

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2
_CELL_NAMES_SHOWN = 8


def check_command(args: argparse.Namespace) -> int:
    status = EXIT_OK
    previous = None
    if getattr(args, "previous", None):
        try:
            previous = _load(args.previous)
        except ExchangeError as e:
            print(f"上年报告无法读取，跨年度校验未进行：{e}", file=sys.stderr)
            status = EXIT_INPUT

    results: list[dict[str, Any]] = []
    lines: list[str] = []
    for name in args.files:
        try:
            report = _load(name)
        except ExchangeError as e:
            print(str(e), file=sys.stderr)
            status = EXIT_INPUT
            results.append({"file": name, "error": str(e), "problems": []})
            continue
        problems = run_checks(report, previous)
        if status == EXIT_OK and any(p.severity == "error" for p in problems):
            status = EXIT_ERRORS
        if args.json:
            results.append({"file": name, "problems": [p.to_dict() for p in problems]})
        else:
            lines.extend(_human(name, problems))

    out = sys.stdout
    if args.json:
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    elif lines:
        out.write("\n".join(lines) + "\n")
    out.flush()
    return status


def _load(name: str) -> Report:
    problem = input_file_problem(name)
    if problem:
        raise ExchangeError(problem)
    return load_report(name)


def _human(name: str, problems: list[Problem]) -> list[str]:
    lines = [f"{name}：{summarize(problems)}"]
    if not problems:
        lines[0] += "，未发现问题"
    for p in problems:
        lines.append(f"  [{SEVERITY_LABELS.get(p.severity, p.severity)}] {p.rule} {p.message}")
        if p.cells:
            names = [T.CELL_BY_ID[c].label if c in T.CELL_BY_ID else c for c in p.cells]
            shown = "；".join(names[:_CELL_NAMES_SHOWN])
            if len(names) > _CELL_NAMES_SHOWN:
                shown += f" 等 {len(names)} 格"
            lines.append(f"      单元格：{shown}")
        elif p.section:
            lines.append(f"      位置：{T.SECTION_BY_KEY[p.section].heading}")
    return lines
