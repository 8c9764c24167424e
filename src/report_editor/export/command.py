"""`report-editor export FILE.json -o OUT.pdf [--allow-errors] [--blank-as-zero]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cli import os_error_reason

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2
GLYPH_RULE = "E-GLYPH"
BLANK_RULE = "R-09"


def refusal_text(problems: Sequence[Any]) -> str:
    """Why the export was refused, for the command line: the errors, then which option
    overrides them (the window's ExportRefused message names its own check boxes)."""
    from .pdf import ExportProblem

    lines = [f"报告有 {len(problems)} 个错误，未导出 PDF："]
    for p in problems:
        rule, msg = getattr(p, "rule", ""), getattr(p, "message", str(p))
        if isinstance(p, ExportProblem) and rule == BLANK_RULE:
            msg = msg.split("。", 1)[0] + "。"  # drop the window's 空白按 0 打印 advice
        lines.append(f"[{rule}] {msg}" if rule else msg)
    lines.append("请先改正；如仍要导出，请加 --allow-errors（每页将标注“未通过校验”）。")
    if any(getattr(p, "rule", "") == BLANK_RULE for p in problems):
        lines.append("空白单元格可加 --blank-as-zero 按 0 打印。")
    return "\n".join(lines)


def export_command(args: argparse.Namespace) -> int:
    """Exit 0 written, 1 refused because of the report's errors, 2 unreadable/unwritable."""
    from ..model.exchange import ExchangeError, load_report
    from .fonts import FontUnavailable
    from .pdf import ExportRefused, export_pdf, problems_text

    try:
        report = load_report(args.file)
    except ExchangeError as e:
        print(str(e), file=sys.stderr)
        return EXIT_INPUT
    except OSError as e:
        print(f"无法读取“{args.file}”：{os_error_reason(e)}。", file=sys.stderr)
        return EXIT_INPUT
    out = Path(args.output)
    try:
        problem = _output_problem(out)
    except OSError as e:  # e.g. a name too long: Path.is_dir raises instead of saying no
        problem = f"无法写入“{out}”：{os_error_reason(e)}。"
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    try:
        export_pdf(
            report,
            out,
            allow_errors=bool(getattr(args, "allow_errors", False)),
            blank_as_zero=bool(getattr(args, "blank_as_zero", False)),
            page_numbers=getattr(args, "page_numbers", "alternate") or "alternate",
        )
    except ExportRefused as e:
        if any(getattr(p, "rule", "") == GLYPH_RULE for p in e.problems):
            print(e.message, file=sys.stderr)  # missing glyphs: no option overrides them
            detail = problems_text(e.problems)
            if detail and detail not in e.message:
                print(detail, file=sys.stderr)
        else:
            print(refusal_text(e.problems), file=sys.stderr)
        return EXIT_ERRORS
    except FontUnavailable as e:
        print(e.message, file=sys.stderr)
        return EXIT_INPUT
    except OSError as e:
        print(f"无法写入“{out}”：{os_error_reason(e)}。", file=sys.stderr)
        return EXIT_INPUT
    print(f"已导出：{out}")
    return EXIT_OK


def _output_problem(out: Path) -> str | None:
    if out.is_dir():
        return f"无法写入“{out}”：这是一个文件夹，请给出 PDF 文件名。"
    if not out.parent.is_dir():
        return f"无法写入“{out}”：文件夹“{out.parent}”不存在。"
    return None
