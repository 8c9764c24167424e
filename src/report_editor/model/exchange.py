"""The exchange JSON of shared/spec/exchange_format.md §1: strict reader, complete writer."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path
from typing import Any

from ..fileutil import atomic_write_text, os_error_reason
from . import template as T
from .report import Report, is_valid_fee

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS = {
    "format",
    "version",
    "template",
    "year",
    "organ",
    "title",
    "preamble",
    "sections",
    "cells",
    "signature",
}


class ExchangeError(ValueError):
    """The file cannot be read as a report; the message (Chinese) names file and key."""


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "format": T.FORMAT_NAME,
        "version": T.FORMAT_VERSION,
        "template": report.template,
        "year": report.year,
        "organ": {"name": report.organ, "kind": report.kind},
        "title": report.title,
        "preamble": report.preamble,
        "sections": {k: report.sections.get(k, "") for k in T.SECTION_KEYS},
        "cells": {c: report.cells.get(c) for c in T.CELL_IDS},
        "signature": {"organ": report.signature_organ, "date": report.signature_date},
    }


def dumps(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def report_from_dict(data: Any, source: str = "<内存>") -> Report:
    def fail(key: str, why: str) -> ExchangeError:
        where = f"键 {key}：" if key else ""
        return ExchangeError(f"{source}：{where}{why}")

    if not isinstance(data, dict):
        raise fail("", "文件内容不是一个报告对象（JSON 对象）。")
    if data.get("format") != T.FORMAT_NAME:
        raise fail(
            "format",
            f"应为 “{T.FORMAT_NAME}”，实际为 {data.get('format')!r}；这不是年度报告交换文件。",
        )
    version = data.get("version")
    if type(version) is not int or version != T.FORMAT_VERSION:
        raise fail("version", f"不支持的版本 {version!r}（本程序支持版本 {T.FORMAT_VERSION}）。")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(unknown[0], "未知的键。")

    r = Report()
    template = data.get("template", "2021")
    if template not in T.TEMPLATES:
        raise fail("template", f"应为 {'、'.join(T.TEMPLATES)} 之一，实际为 {template!r}。")
    r.template = template

    year = data.get("year")
    if year is not None and (type(year) is not int or not 1990 <= year <= 2200):
        raise fail("year", f"年度应为四位整数，实际为 {year!r}。")
    r.year = year

    organ = data.get("organ", {})
    if not isinstance(organ, dict):
        raise fail("organ", '应为对象 {"name": …, "kind": …}。')
    for k in organ:
        if k not in ("name", "kind"):
            raise fail(f"organ.{k}", "未知的键。")
    r.organ = _text(organ.get("name", ""), "organ.name", fail)
    kind = organ.get("kind", "department")
    if kind not in T.ORGAN_KINDS:
        raise fail("organ.kind", f"应为 {'、'.join(T.ORGAN_KINDS)} 之一，实际为 {kind!r}。")
    r.kind = kind
    r.title = _text(data.get("title", ""), "title", fail)
    r.preamble = _text(data.get("preamble", ""), "preamble", fail)

    sections = data.get("sections", {})
    if not isinstance(sections, dict):
        raise fail("sections", "应为对象。")
    for k, v in sections.items():
        if k not in T.SECTION_BY_KEY:
            raise fail(f"sections.{k}", "未知的章节键。")
        r.sections[k] = _text(v, f"sections.{k}", fail)

    cells = data.get("cells", {})
    if not isinstance(cells, dict):
        raise fail("cells", "应为对象。")
    for k, v in cells.items():
        if k not in T.CELL_BY_ID:
            raise fail(f"cells.{k}", "未知的单元格键。")
        if v is None:
            r.cells[k] = None
        elif k == T.FEE_CELL:
            if not is_valid_fee(v):
                raise fail(
                    f"cells.{k}", f"金额应为最多四位小数的非负十进制字符串（万元），实际为 {v!r}。"
                )
            r.cells[k] = v
        else:
            if type(v) is not int:
                raise fail(f"cells.{k}", f"应为非负整数，实际为 {v!r}。")
            if v < 0:
                raise fail(f"cells.{k}", f"不能为负数（{v}）。")
            r.cells[k] = v

    sig = data.get("signature", {}) or {}
    if not isinstance(sig, dict):
        raise fail("signature", "应为对象。")
    for k in sig:
        if k not in ("organ", "date"):
            raise fail(f"signature.{k}", "未知的键。")
    r.signature_organ = _text(sig.get("organ", ""), "signature.organ", fail)
    date = sig.get("date")
    if date is not None and (not isinstance(date, str) or not _valid_date(date)):
        raise fail("signature.date", f"日期应为有效的 YYYY-MM-DD 或 null，实际为 {date!r}。")
    r.signature_date = date
    return r


def _valid_date(text: str) -> bool:
    if not _DATE_RE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _text(value: Any, key: str, fail) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(key, f"应为文本，实际为 {value!r}。")
    return value


def loads(text: str, source: str = "<内存>") -> Report:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ExchangeError(
            f"{source}：不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列）。"
        ) from None
    return report_from_dict(data, source)


def load_report(path: str | os.PathLike[str]) -> Report:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ExchangeError(f"{p}：文件不存在。") from None
    except IsADirectoryError:
        raise ExchangeError(f"{p}：这是一个文件夹，不是文件。") from None
    except OSError as e:
        raise ExchangeError(f"{p}：无法读取文件（{os_error_reason(e)}）。") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError(f"{p}：文件不是 UTF-8 编码的 JSON。") from None
    return loads(text, str(p))


def save_report(report: Report, path: str | os.PathLike[str]) -> None:
    """Write atomically: temp file in the same folder, fsync, replace."""
    atomic_write_text(Path(path), dumps(report))
