"""The command line of shared/spec/exchange_format.md §2.

Exit status: 0 success, 1 the report has errors / refused because of them, 2 unreadable input.
Each command's work lives in its package (`<package>/command.py`); this module only parses.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with English text
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _data_dir_option(p: argparse.ArgumentParser, default: object) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="草稿库所在文件夹（也可用环境变量 REPORT_EDITOR_HOME）",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="report-editor", description="政府信息公开工作年度报告编辑器")
    _data_dir_option(parser, None)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(p, argparse.SUPPRESS)  # accepted before or after the command
        return p

    p = add("check", "校验报告的勾稽关系和常见错误")
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.add_argument("--previous", metavar="PREV.json", help="上一年度报告，用于跨年度校验")
    p.add_argument("--json", action="store_true", help="输出机器可读的 JSON")

    p = add("export", "导出公文格式的 PDF")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument(
        "--allow-errors", action="store_true", help="有错误也导出（每页标注“未通过校验”）"
    )
    p.add_argument("--blank-as-zero", action="store_true", help="空白单元格按 0 打印")
    p.add_argument(
        "--page-numbers",
        choices=("alternate", "center"),
        default="alternate",
        help="页码位置：单页居右、双页居左（默认），或居中",
    )

    p = add("import", "导入已有报告（.txt .docx .pdf .html）为交换文件")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json")

    p = add("drafts", "本地草稿库")
    dsub = p.add_subparsers(dest="drafts_command", required=True, parser_class=_Parser)
    d = dsub.add_parser("list", help="列出草稿")
    _data_dir_option(d, argparse.SUPPRESS)
    d = dsub.add_parser("import", help="从交换文件新增或更新草稿")
    d.add_argument("file", metavar="FILE.json")
    _data_dir_option(d, argparse.SUPPRESS)
    d = dsub.add_parser("export", help="把草稿写出为交换文件")
    d.add_argument("id", metavar="ID")
    d.add_argument("-o", "--output", required=True, metavar="FILE.json")
    _data_dir_option(d, argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    args = build_parser().parse_args(argv)
    if args.command is None:
        from .app import main as gui_main

        return gui_main(data_dir=args.data_dir)
    if args.command == "check":
        from .checks.command import check_command as handler
    elif args.command == "export":
        from .export.command import export_command as handler
    elif args.command == "import":
        from .importers.command import import_command as handler
    else:
        from .storage.command import drafts_command as handler
    return handler(args)


def _utf8_stdio() -> None:
    """Chinese output must not fail on a console whose locale encoding is not UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    raise SystemExit(main())
