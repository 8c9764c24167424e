"""`report-editor import SOURCE -o OUT.json` (exchange_format.md §2)."""

from __future__ import annotations

import argparse
import sys

from ..cli import os_error_reason, output_file_problem
from ..model import template as T
from ..model.exchange import save_report
from . import ImportFailed, ImportResult, import_file

EXIT_OK, EXIT_INPUT = 0, 2

KIND_TITLES = {
    "old_format": "旧版格式",
    "table_absent": "表格缺失",
    "missing_section": "缺少的部分",
    "truncated": "原文中断",
    "ambiguous": "位置不确定（数字未导入）",
    "derived": "推算所得（不是直接读出）",
    "total_mismatch": "原文合计与分项不符（按原文保留）",
    "dropped_subtotal": "非官方小计（已舍去）",
    "placeholder": "占位符按空白导入",
    "unit_stripped": "去掉了单位",
    "invalid": "无效数字（按空白导入）",
    "missing_cell": "缺少的格子",
    "meta": "标题与机关",
    "empty": "空内容",
}
SOURCE_NAMES = {"txt": "文本", "docx": "Word 文档", "pdf": "PDF", "html": "网页"}


def format_import_report(result: ImportResult) -> list[str]:
    """The import report as lines of Chinese text, grouped by kind (also used by the window)."""
    r = result.report
    filled = sum(1 for c in T.CELL_IDS if r.cells.get(c) is not None)
    lines = [
        f"来源类型：{SOURCE_NAMES.get(result.source_kind, result.source_kind)}；"
        f"格式：{T.TEMPLATE_LABELS.get(r.template, r.template)}；"
        f"机关：{r.organ or '（未确定）'}；年度：{r.year if r.year is not None else '（未确定）'}；"
        f"已填 {filled}/{len(T.CELL_IDS)} 格",
    ]
    if not result.notes:
        lines.append("全部内容已确定，没有需要核对的地方。")
        return lines
    order = list(KIND_TITLES)
    kinds = sorted(
        {n.kind for n in result.notes}, key=lambda k: order.index(k) if k in order else 99
    )
    for kind in kinds:
        notes = [n for n in result.notes if n.kind == kind]
        lines.append(f"【{KIND_TITLES.get(kind, kind)}】（{len(notes)} 条）")
        lines.extend(f"  - {n.message}" for n in notes)
    return lines


def import_command(args: argparse.Namespace) -> int:
    source, output = args.source, args.output
    problem = output_file_problem(output)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    try:
        result = import_file(source)
    except ImportFailed as e:
        print(f"无法导入：{e}", file=sys.stderr)
        return EXIT_INPUT
    try:
        save_report(result.report, output)
    except OSError as e:
        print(f"无法写入 {output}：{os_error_reason(e)}。", file=sys.stderr)
        return EXIT_INPUT
    print(f"已从 {source} 导入，写入 {output}。")
    for line in format_import_report(result):
        print(line)
    return EXIT_OK
