"""`report-editor drafts list | import FILE.json | export ID -o FILE.json` (exchange_format.md §2)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from .. import paths
from ..cli import input_file_problem, os_error_reason, output_file_problem
from ..model.exchange import ExchangeError, load_report, save_report
from . import files as F
from .errors import ReportNotFound, StoreError, StoreLocked
from .store import Store

EXIT_OK, EXIT_REFUSED, EXIT_INPUT = 0, 1, 2


def drafts_command(args: argparse.Namespace) -> int:
    folder = paths.data_dir(getattr(args, "data_dir", None))
    cmd = getattr(args, "drafts_command", None)
    try:
        if cmd == "list":
            return _list(folder)
        if cmd == "import":
            return _import(folder, Path(args.file))
        if cmd == "export":
            return _export(folder, args.id, Path(args.output))
    except StoreLocked as e:  # another window holds the store: refused, try again later
        _err(str(e))
        return EXIT_REFUSED
    except StoreError as e:  # the store (or the id) cannot be read
        _err(str(e))
        return EXIT_INPUT
    _err(f"未知的 drafts 子命令：{cmd!r}（可用：list、import、export）。")
    return EXIT_INPUT


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _report_problems(store: Store) -> None:
    for m in store.recovery_messages:
        _err(f"注意：{m}")


def _list(folder: Path) -> int:
    with Store(folder, read_only=True, auto_backup=False) as store:
        _report_problems(store)
        infos = store.list_reports()
        try:
            for i in infos:
                organ = " ".join(i.organ.split()) or "（未填机关）"  # one line per report
                year = str(i.year) if i.year is not None else "（未填年度）"
                print(f"{i.id}  {organ}  {year}  {i.status}  {F.human_time(i.saved_at)}")
            sys.stdout.flush()
        except BrokenPipeError:  # `drafts list | head -1`
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        if not infos:
            _err(f"草稿库中还没有报告（{folder}）。")
    return EXIT_OK


def _import(folder: Path, file: Path) -> int:
    problem = input_file_problem(file)
    if problem:
        _err(f"无法导入：{problem}")
        return EXIT_INPUT
    try:
        report = load_report(file)
    except ExchangeError as e:
        _err(f"无法导入：{e}")
        return EXIT_INPUT
    with Store(folder) as store:
        _report_problems(store)
        if store.read_only:
            _err(f"无法导入：{store.read_only_reason}")
            return EXIT_REFUSED
        rid, created = store.import_report(report)
        organ = " ".join(report.organ.split()) or "（未填机关）"
        label = f"{organ} {report.year if report.year is not None else ''}"
        print(f"{'已新增' if created else '已更新'}草稿 {rid}  {label.strip()}")
    return EXIT_OK


def _export(folder: Path, rid: str, output: Path) -> int:
    problem = output_file_problem(output)
    if problem:
        _err(problem)
        return EXIT_INPUT
    with Store(folder, read_only=True, auto_backup=False) as store:
        _report_problems(store)
        ids = [i.id for i in store.list_reports()]
        matches = (
            ([i for i in ids if i == rid] or [i for i in ids if i.startswith(rid)]) if rid else []
        )
        if len(matches) != 1:
            if matches:
                _err(f"编号 {rid} 对应多份草稿（{'、'.join(matches)}），请写完整编号。")
            else:
                _err(f"草稿库中没有编号为 {rid} 的报告（用 drafts list 查看所有编号）。")
            return EXIT_INPUT
        try:
            report = store.load(matches[0])
        except ReportNotFound as e:
            _err(str(e))
            return EXIT_INPUT
    try:
        save_report(report, output)
    except OSError as e:
        _err(f"无法写入 {output}：{os_error_reason(e)}。")
        return EXIT_INPUT
    print(f"已导出草稿 {matches[0]} 到 {output}")
    return EXIT_OK
