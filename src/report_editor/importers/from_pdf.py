"""PDF with a text layer (pdfplumber) -> intermediate lines.

Tables are read as grids (merged cells come back as None, wrapped cell text is joined);
text outside the tables is rebuilt into paragraphs from the line indents; page numbers
(`- 3 -`, `— 3 —`, `第3页`) are dropped, so a table broken by a page continues.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from statistics import median

from .base import Document, ImportFailed, ImportNote, Line
from .from_text import _PAGE_NO, split_numbers
from .labels import classify_header, match_row

MAX_PAGES = 120


def _quiet() -> None:
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _label_hits(rows: list[list[str | None]]) -> int:
    hits = 0
    for row in rows:
        for c in row:
            if c and (match_row(c) is not None or classify_header(c) is not None):
                hits += 1
    return hits


def pdf_to_document(data: bytes) -> Document:
    _quiet()
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise ImportFailed(f"缺少读取 PDF 的组件（{e}）。") from None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise ImportFailed("PDF 文件有密码保护，无法读取。") from None
    except Exception as e:  # pdfminer raises many unrelated types on broken files
        raise ImportFailed(f"PDF 文件已损坏或格式无法识别（{type(e).__name__}）。") from None
    doc = Document()
    try:
        with pdf:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                doc.notes.append(
                    ImportNote("truncated", f"PDF 共 {len(pages)} 页，只读取了前 {MAX_PAGES} 页。")
                )
                pages = pages[:MAX_PAGES]
            _read_pages(pages, doc)
    except ImportFailed:
        raise
    except Exception as e:
        raise ImportFailed(f"PDF 文件内容无法解析（{type(e).__name__}）。") from None
    return doc


def _read_pages(pages, doc: Document) -> None:
    items: list[tuple[int, float, str, object]] = []  # (page, top, kind, payload)
    all_lines = []
    chars_total = 0
    images = 0
    grid_id = 0
    for pno, page in enumerate(pages):
        chars_total += len(page.chars)
        images += len(page.images)
        kept = []
        for tb in page.find_tables():
            rows = tb.extract()
            if _label_hits(rows) >= 2:
                kept.append(tb.bbox)
                items.append((pno, tb.bbox[1], "table", (grid_id, rows)))
                grid_id += 1
        for ln in page.extract_text_lines(return_chars=True):
            mid = (ln["top"] + ln["bottom"]) / 2
            if any(b[1] <= mid <= b[3] and b[0] - 2 <= ln["x0"] <= b[2] for b in kept):
                continue
            text = ln["text"].strip()
            if not text or _PAGE_NO.match(text):
                continue
            ln = dict(ln, page=pno)
            all_lines.append(ln)
            items.append((pno, ln["top"], "line", ln))
    if chars_total == 0 or (chars_total < 20 * max(1, len(pages)) and images):
        raise ImportFailed(
            "这个 PDF 没有文字层，看起来是扫描件（图片），无法读出文字。"
            "请使用原始的 Word 文件，或能复制文字的 PDF。"
        )
    margin = _left_margin(all_lines)
    size = median([ln["bottom"] - ln["top"] for ln in all_lines]) if all_lines else 12.0
    items.sort(key=lambda t: (t[0], t[1]))
    para: list[str] = []

    def flush() -> None:
        if para:
            doc.para("".join(para))
            para.clear()

    for _, _, kind, payload in items:
        if kind == "table":
            flush()
            gid, rows = payload  # type: ignore[misc]
            labels = [[_cell_text(c) for c in row] for row in rows]
            values = [[None if c is None else _cell_text(c) for c in row] for row in rows]
            doc.grid_table(gid, labels, values)
            continue
        ln = payload
        cells = _split_cells(ln["chars"], size)  # type: ignore[index]
        if len(cells) > 1:
            # a table row without ruling lines: keep its cells for the matcher
            flush()
            doc.lines.append(Line(cells, sep=True))
            continue
        text = ln["text"].strip()  # type: ignore[index]
        if _structural(text):
            flush()
            doc.para(text)
            continue
        indented = ln["x0"] > margin + 0.8 * size  # type: ignore[index]
        if indented or (para and _structural("".join(para))):
            flush()
        if para and para[-1][-1:].isascii() and text[:1].isascii() and para[-1][-1:].isalnum():
            para.append(" ")
        para.append(text)
    flush()


def _structural(text: str) -> bool:
    """A heading or table label: never glued to the paragraph around it."""
    from .matcher import match_section

    return (
        match_section(text) is not None
        or classify_header(text) is not None
        or (len(text) < 40 and match_row(text) is not None)
    )


def _split_cells(chars, size: float) -> list[str]:
    """Split a text line where the gap between two characters is wider than two characters."""
    cells: list[str] = []
    cur: list[str] = []
    prev_x1 = None
    for ch in chars:
        text = ch.get("text", "")
        h = float(ch.get("size") or (ch["bottom"] - ch["top"]) or size)
        if prev_x1 is not None and ch["x0"] - prev_x1 > 0.9 * h and cur:
            cells.append("".join(cur).strip())
            cur = []
        cur.append(text)
        prev_x1 = ch["x1"]
    if cur:
        cells.append("".join(cur).strip())
    return [part for c in cells if c for part in split_numbers(c)]


def _cell_text(c: str | None) -> str:
    if c is None:
        return ""
    return "".join(part.strip() for part in c.splitlines())


def _left_margin(lines) -> float:
    if not lines:
        return 0.0
    counts = Counter(round(ln["x0"]) for ln in lines)
    return float(counts.most_common(1)[0][0])
