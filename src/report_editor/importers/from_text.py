"""Plain text as copied from web pages -> intermediate lines.

Three flattenings of a table are recognised line by line and may be mixed: a row per line
with ` | ` or tabs between cells; one cell per line ending in ` |`, lone `|` lines (an empty
cell) and filler such as `|||`; one cell per paragraph with no separator at all.
"""

from __future__ import annotations

import re
import unicodedata

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
    t = s.strip()
    if _WIDE_GAP.search(t):
        # `pdftotext -layout` and fixed-width copies: columns separated by runs of spaces
        pieces = [p for p in _WIDE_GAP.split(t) if p]
        if len(pieces) > 1 and all(len(p) <= 40 and "。" not in p for p in pieces):
            cells = [c for p in pieces for c in split_numbers(p)]
            return Line(cells, sep=True)
    cells = split_numbers(t)
    return Line(cells, sep=len(cells) > 1)


_WIDE_GAP = re.compile(r"(?: {3,}|\u3000{2,}|[ \u3000]{4,})")


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
    for raw in reflow(text.splitlines()):
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


# ---------------------------------------------------------------- hard-wrapped text

_TERMINAL = re.compile(r"(?:[。！？；：…]|[。！？][”」』）)])$")
_PARA_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)|"
    r"[一二三四五六七八九十]是)"
)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _indent(s: str) -> int:
    return _width(s) - _width(s.lstrip(" \u3000"))


def _prose(s: str) -> bool:
    t = s.strip()
    return (
        len(t) >= 6
        and "\t" not in t
        and "|" not in t
        and not _WIDE_GAP.search(t)
        and bool(re.search(r"[\u3400-\u9fff]", t))
    )


def reflow(lines: list[str]) -> list[str]:
    """Join the lines of hard-wrapped paragraphs (text saved from a PDF, `pdftotext -layout`).

    Only when the text is evidently wrapped: several prose lines filled to the same right
    margin without ending a sentence. A line continues onto the next when it is filled to
    that margin and the next line does not start a new paragraph (indent, numbering);
    blank lines and page numbers between them are a page break."""
    lines = [ln.replace("\f", "") for ln in lines]
    widths = [_width(ln.rstrip()) if _prose(ln) else 0 for ln in lines]
    if sum(1 for w in widths if w) < 4:
        return lines
    margin = sorted(widths)[int(len(widths) * 0.97)] or max(widths)
    full = [w >= 0.85 * margin and w > 20 for w in widths]
    open_ends = sum(
        1 for i, ln in enumerate(lines) if full[i] and not _TERMINAL.search(ln.rstrip())
    )
    if open_ends < 3:
        return lines
    indented = sum(1 for i, ln in enumerate(lines) if widths[i] and _indent(ln) >= 2)
    out: list[str] = []
    i = 0
    while i < len(lines):
        cur = lines[i].rstrip()
        while full[i] if i < len(full) else False:
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _PAGE_NO.match(lines[j])):
                j += 1  # a page break inside the paragraph
            if j >= len(lines) or not _prose(lines[j]) or _PARA_START.match(lines[j]):
                break
            nxt = lines[j]
            ended = bool(_TERMINAL.search(cur))
            if _indent(nxt) >= 2 and indented >= 2:
                break  # the next paragraph's first-line indent
            if ended and (indented < 2 or j > i + 1):
                break
            cur = cur + nxt.strip()
            i = j
        out.append(cur)
        i += 1
    return out
