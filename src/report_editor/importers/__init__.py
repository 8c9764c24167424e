"""Importers: text / docx / pdf / html -> Report plus import notes (no Qt).

Every source first becomes a common intermediate (paragraphs and table rows); one shared
matcher then places numbers into the 200 cells by row and column labels.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..fileutil import os_error_reason
from ..model import template as T
from .base import (
    MAX_INPUT_BYTES,
    MAX_TEXT_BYTES,
    Document,
    ImportBug,
    ImportFailed,
    ImportNote,
    ImportResult,
)
from .from_text import decode_bytes, text_to_document
from .matcher import Matcher

__all__ = ["ImportBug", "ImportFailed", "ImportNote", "ImportResult", "import_file", "import_text"]


def _bug(e: Exception) -> ImportBug:
    return ImportBug(
        f"导入时发生内部错误（{type(e).__name__}），没有导入任何内容；原文件未被修改。"
        "请把这个文件发给维护人员。"
    )


def _run(doc: Document, kind: str) -> ImportResult:
    report, notes = Matcher(doc).run()
    return ImportResult(report, notes, kind)


def import_text(text: str) -> ImportResult:
    """Text pasted into the window (or read from a .txt file)."""
    if not isinstance(text, str):
        raise ImportFailed("导入内容不是文本。")
    try:
        return _run(text_to_document(text), "txt")
    except ImportFailed:
        raise
    except RecursionError:
        raise ImportFailed("文本结构嵌套过深，无法读取。") from None
    except Exception as e:  # last resort: a message, never a crash
        raise _bug(e) from e


def sniff(data: bytes, suffix: str) -> str:
    """Source kind from the content first, the extension second."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body")):
        return "html"
    if suffix in (".htm", ".html", ".xhtml", ".mht") and b"<" in head:
        return "html"
    if b"<table" in data[:200_000].lower() and b"</t" in data[:200_000].lower():
        return "html"
    return "txt"


def import_file(path: str | os.PathLike[str]) -> ImportResult:
    """Read a report from a .txt, .docx, .pdf or .html file."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ImportFailed(f"{p}：文件不存在。") from None
    except OSError as e:
        raise ImportFailed(f"{p}：无法读取文件（{os_error_reason(e)}）。") from None
    if p.is_dir():
        raise ImportFailed(f"{p}：这是一个文件夹，不是文件。")
    if size > MAX_INPUT_BYTES:
        raise ImportFailed(
            f"{p}：文件太大（{size / 1048576:.1f} MB，上限 {MAX_INPUT_BYTES // 1048576} MB），"
            "不像一份年度报告，未导入。"
        )
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ImportFailed(f"{p}：无法读取文件（{os_error_reason(e)}）。") from None
    if not data.strip():
        raise ImportFailed(f"{p}：文件是空的，没有可导入的内容。")
    kind = sniff(data, p.suffix.lower())
    if kind in ("txt", "html") and size > MAX_TEXT_BYTES:
        raise ImportFailed(
            f"{p}：文本太大（{size / 1048576:.1f} MB，文本和网页的上限为 "
            f"{MAX_TEXT_BYTES // 1048576} MB），不像一份年度报告，未导入。"
        )
    try:
        if kind == "pdf":
            from .from_pdf import pdf_to_document

            return _found(_run(pdf_to_document(data), "pdf"))
        if kind == "docx":
            if not zipfile.is_zipfile(p):
                raise ImportFailed("文件已损坏，不是有效的 Word（.docx）文件。")
            from .from_docx import docx_to_document

            return _found(_run(docx_to_document(data), "docx"))
        if kind == "rtf":
            raise ImportFailed(
                "这是 RTF 文件，无法直接读取：请在 Word/WPS 中另存为 .docx 后再导入。"
            )
        if kind == "doc":
            raise ImportFailed(
                "这是旧版 Word（.doc）文件，无法直接读取：请在 Word/WPS 中另存为 .docx 后再导入。"
            )
        if kind in ("html", "txt") and _looks_binary(data):
            raise ImportFailed("文件内容是二进制数据，不是文本、Word、PDF 或网页，无法导入。")
        if kind == "html":
            from .from_html import html_to_document

            return _found(_run(html_to_document(data), "html"))
        return _found(_run(text_to_document(decode_bytes(data)), "txt"))
    except ImportFailed as e:
        raise ImportFailed(f"{p}：{e}") from None
    except RecursionError:
        raise ImportFailed(f"{p}：文件结构嵌套过深，无法读取。") from None
    except MemoryError:
        raise ImportFailed(f"{p}：文件过于复杂，内存不足，无法读取。") from None
    except Exception as e:  # last resort: a message, never a crash
        raise ImportBug(f"{p}：{_bug(e)}") from e


def nothing_found(result: ImportResult) -> bool:
    """True when the source holds nothing of a report: no table, section, title, organ or year."""
    r = result.report
    absent_tables = sum(1 for n in result.notes if n.kind == "table_absent")
    return (
        absent_tables == len(T.GRIDS)
        and all(v is None for v in r.cells.values())
        and not any(v.strip() for v in r.sections.values())
        and not (r.organ or r.year is not None or r.title.strip())
    )


def _found(result: ImportResult) -> ImportResult:
    if nothing_found(result):
        raise ImportFailed(
            "没有找到年度报告的任何内容（标题、机关、年度、章节标题或表格），这可能不是一份年度报告。"
        )
    return result


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text (Notepad's "Unicode")
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > len(head) * 0.05
