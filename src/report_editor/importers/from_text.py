"""Plain text as copied from web pages -> intermediate lines.

Three flattenings of a table are recognised line by line and may be mixed: a row per line
with ` | ` or tabs between cells; one cell per line ending in ` |`, lone `|` lines (an empty
cell) and filler such as `|||`; one cell per paragraph with no separator at all.
"""

from __future__ import annotations

import re

from .base import MAX_TEXT_CHARS, Document, ImportFailed, ImportNote, Line

_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad]")
_FILLER_TAIL = re.compile(r"\|{2,}\s*$")
_PAGE_NO = re.compile(
    r"^\s*[-—–－]+\s*\d{1,3}\s*[-—–－]+\s*$|^\s*第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?\s*$"
)


def split_line(raw: str) -> Line | None:
    s = raw.replace("\u00a0", " ").rstrip("\r\n")
    if not s.strip():
        return None
    if _PAGE_NO.match(s):
        return None
    if "\t" in s:
        cells = [c.strip() for c in s.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return None
        return Line(cells, sep=len(cells) > 1)
    if "|" in s:
        t = s.strip()
        if t == "|":
            return Line([""], sep=True)
        t = _FILLER_TAIL.sub("", t)
        if not t.strip():
            return None
        parts = t.split("|")
        if len(parts) > 1 and not parts[-1].strip():
            parts.pop()
        cells = [p.strip() for p in parts]
        return Line(cells, sep=True)
    cells = split_numbers(s.strip())
    return Line(cells, sep=len(cells) > 1)


_NUM_TOKEN = r"[-/_—－／]|[0-9０-９][0-9０-９.,，]*(?:元|万元|件|个)?"
_TAIL = re.compile(rf"^(.*?\S)((?:[ \u3000\xa0]+(?:{_NUM_TOKEN}))+)$")
_ALL_NUM = re.compile(rf"^(?:{_NUM_TOKEN})(?:[ \u3000\xa0]+(?:{_NUM_TOKEN}))+$")


def split_numbers(cell: str) -> list[str]:
    """`规章 1 0 11` -> [`规章`, `1`, `0`, `11`]; `72 64 178` -> three cells; else unchanged."""
    if _ALL_NUM.match(cell):
        return cell.split()
    m = _TAIL.match(cell)
    if m and not re.search(r"\d$", m.group(1)):
        return [m.group(1).strip(), *m.group(2).split()]
    return [cell]


def text_to_document(text: str) -> Document:
    doc = Document()
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFailed(
            f"文本太长（{len(text)} 个字符，上限 {MAX_TEXT_CHARS} 个），不像一份年度报告，未导入。"
        )
    if "\x00" in text[:4096]:
        raise ImportFailed("内容含有二进制数据，不是文本，无法导入。")
    text = _INVISIBLE.sub("", text)
    for raw in text.splitlines():
        line = split_line(raw)
        if line is not None:
            doc.lines.append(line)
    if not doc.lines:
        doc.notes.append(ImportNote("empty", "原文没有任何文字内容。"))
    return doc


def decode_bytes(data: bytes) -> str:
    """BOM, then UTF-8, then GB18030 (GBK/GB2312 are subsets)."""
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFailed(
            "无法识别文本编码（既不是 UTF-8 也不是 GBK/GB18030），无法导入。"
        ) from None
