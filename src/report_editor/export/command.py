"""`report-editor export FILE.json -o OUT.pdf [--allow-errors] [--blank-as-zero]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2


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
        print(f"无法读取“{args.file}”：{e.strerror or e}", file=sys.stderr)
        return EXIT_INPUT
    out = Path(args.output)
    if out.is_dir():
        print(f"无法写入“{out}”：这是一个文件夹，请给出 PDF 文件名。", file=sys.stderr)
        return EXIT_INPUT
    if not out.parent.is_dir():
        print(f"无法写入“{out}”：文件夹“{out.parent}”不存在。", file=sys.stderr)
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
        print(e.message, file=sys.stderr)
        detail = problems_text(e.problems)
        if detail and detail not in e.message:
            print(detail, file=sys.stderr)
        return EXIT_ERRORS
    except FontUnavailable as e:
        print(e.message, file=sys.stderr)
        return EXIT_INPUT
    except OSError as e:
        print(f"无法写入“{out}”：{e.strerror or e}", file=sys.stderr)
        return EXIT_INPUT
    print(f"已导出：{out}")
    return EXIT_OK
