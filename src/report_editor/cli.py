"""The command line of shared/spec/exchange_format.md §2.

Exit status: 0 success, 1 the report has errors / refused because of them, 2 unreadable input.
Each command's work lives in its package (`<package>/command.py`); this module only parses.
Every message is Chinese, argparse's own words included (see `_ARGPARSE_ZH`).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__
from .fileutil import os_error_reason

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2

# argparse looks its messages up through the module globals `_` and `ngettext` (gettext);
# these are the Chinese texts for every message argparse 3.11+ can print to a user.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "无效的取值 %(value)r，是否想输入 %(closest)r？（可选：%(choices)s）"
    ),
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是：%(matches)s"
    ),
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "ignored explicit argument %r": "多余的值 %r",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "未知的命令 %(parser_name)r（可选：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def _zh_gettext(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


def _zh_ngettext(singular: str, plural: str, n: int) -> str:
    return _zh_gettext(singular if n == 1 else plural)


@contextlib.contextmanager
def chinese_argparse() -> Iterator[None]:
    """argparse speaks Chinese inside this block (only here: other parsers stay untouched)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _zh_gettext, _zh_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with English text
        with chinese_argparse():
            self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        print(f"（用 {self.prog} -h 查看帮助）", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)

    def format_help(self) -> str:
        with chinese_argparse():
            return super().format_help()

    def format_usage(self) -> str:
        with chinese_argparse():
            return super().format_usage()

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        with chinese_argparse():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        with chinese_argparse():  # "unrecognized arguments" is raised here
            return super().parse_args(args, namespace)


def _data_dir_option(p: argparse.ArgumentParser, default: object) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="草稿库所在文件夹（也可用环境变量 REPORT_EDITOR_HOME）",
    )


def build_parser() -> argparse.ArgumentParser:
    with chinese_argparse():  # headings and -h help are translated when the parser is built
        return _build_parser()


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="report-editor",
        description="政府信息公开工作年度报告编辑器。不带命令运行时打开编辑窗口。",
        epilog="退出状态：0 成功；1 报告有错误（或因此拒绝执行）；2 输入文件无法读取或无效。",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"report-editor {__version__}",
        help="显示版本号并退出",
    )
    _data_dir_option(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(p, argparse.SUPPRESS)  # accepted before or after the command
        return p

    p = add("check", "校验报告的勾稽关系和常见错误")
    p.add_argument("files", nargs="+", metavar="FILE.json", help="要校验的交换文件（可多个）")
    p.add_argument("--previous", metavar="PREV.json", help="上一年度报告，用于跨年度校验")
    p.add_argument("--json", action="store_true", help="输出机器可读的 JSON")

    p = add("export", "导出公文格式的 PDF")
    p.add_argument("file", metavar="FILE.json", help="要导出的交换文件")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="写出的 PDF 文件")
    p.add_argument(
        "--allow-errors", action="store_true", help="有错误也导出（每页标注“未通过校验”）"
    )
    p.add_argument("--blank-as-zero", action="store_true", help="空白单元格按 0 打印")
    p.add_argument(
        "--page-numbers",
        choices=("alternate", "center"),
        default="alternate",
        help="页码位置：单页居右、双页居左（alternate，默认），或居中（center）",
    )

    p = add("import", "导入已有报告（.txt .docx .pdf .html）为交换文件")
    p.add_argument("source", metavar="SOURCE", help="已有报告（.txt .docx .pdf .html）")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json", help="写出的交换文件")

    p = add("drafts", "本地草稿库：list 列出，import 新增或更新，export 写出")
    dsub = p.add_subparsers(
        dest="drafts_command", metavar="子命令", required=True, parser_class=_Parser
    )

    def add_drafts(name: str, help_text: str) -> argparse.ArgumentParser:
        return dsub.add_parser(name, help=help_text, description=help_text)

    d = add_drafts("list", "列出草稿（每行：编号 机关 年度 状态 保存时间）")
    _data_dir_option(d, argparse.SUPPRESS)
    d = add_drafts("import", "从交换文件新增或更新草稿（同一机关、同一年度为同一份）")
    d.add_argument("file", metavar="FILE.json", help="要导入的交换文件")
    _data_dir_option(d, argparse.SUPPRESS)
    d = add_drafts("export", "把草稿写出为交换文件")
    d.add_argument("id", metavar="ID", help="草稿编号（见 drafts list；可只写开头几位）")
    d.add_argument("-o", "--output", required=True, metavar="FILE.json", help="写出的交换文件")
    _data_dir_option(d, argparse.SUPPRESS)
    return parser


class _PipeSafe:
    """stdout that stops writing quietly once its reader has gone (`… | head -1`).

    The command still runs to its end, so its exit status stays the true one.
    """

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self._broken = False

    def _gone(self) -> None:
        self._broken = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())  # type: ignore[attr-defined]
            os.close(devnull)

    def write(self, text: str) -> int:
        if not self._broken:
            try:
                return self._stream.write(text)  # type: ignore[attr-defined]
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self._broken:
            try:
                self._stream.flush()  # type: ignore[attr-defined]
            except BrokenPipeError:
                self._gone()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    saved = sys.stdout
    if saved is not None:
        sys.stdout = _PipeSafe(saved)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        if isinstance(sys.stdout, _PipeSafe):
            sys.stdout.flush()
        sys.stdout = saved


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        problem = _data_dir_problem(args.data_dir)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_INPUT
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


def _data_dir_problem(override: str | None) -> str | None:
    """Why the window's data folder cannot be used (Chinese), or None; creates it if missing."""
    from .paths import data_dir

    folder = data_dir(override)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = "路径上已有同名文件，不是文件夹" if folder.exists() else os_error_reason(e)
        return f"无法打开草稿库文件夹 {folder}：{reason}。"
    return None


# --- helpers shared by the commands -----------------------------------------------------------


def input_file_problem(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be read as an input file (Chinese, naming it), or None."""
    p = Path(path)
    try:
        if p.is_dir():
            return f"{p}：这是一个文件夹，不是文件。"
    except OSError as e:  # e.g. a name too long: is_dir raises instead of saying no
        return f"{p}：无法读取文件（{os_error_reason(e)}）。"
    return None


def output_file_problem(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be written as an output file (Chinese, naming it), or None."""
    p = Path(path)
    try:
        if p.is_dir():
            return f"无法写入 {p}：这是一个文件夹，请给出文件名。"
        parent = p.parent
        if not parent.exists():
            return f"无法写入 {p}：文件夹“{parent}”不存在。"
        if not parent.is_dir():
            return f"无法写入 {p}：“{parent}”不是文件夹。"
    except OSError as e:  # e.g. a name too long: is_dir raises instead of saying no
        return f"无法写入 {p}：{os_error_reason(e)}。"
    return None


def _out_errors(exc: UnicodeError) -> tuple[str | bytes, int]:
    """Encoding error handler: bytes escaped from argv go out unchanged, the rest as '?'."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    if all(0xDC80 <= ord(ch) <= 0xDCFF for ch in bad):
        return bytes(ord(ch) - 0xDC00 for ch in bad), exc.end
    return "?" * len(bad), exc.end


codecs.register_error("report_editor_out", _out_errors)


def _utf8_stdio() -> None:
    """Chinese output is UTF-8 whatever the locale (LANG=C, redirected to a file, …)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("_", "-")
        with contextlib.suppress(ValueError, OSError, LookupError):
            if encoding not in ("utf-8", "utf8"):
                reconfigure(encoding="utf-8", errors="report_editor_out")
            elif getattr(stream, "errors", "strict") == "strict":
                reconfigure(errors="report_editor_out")


if __name__ == "__main__":
    raise SystemExit(main())
