"""Word .docx (python-docx) -> intermediate lines, reading the real table grid.

Merged cells (gridSpan, vMerge) are unrolled: a label is seen in every position it covers,
a number only where its cell starts. The package is checked before python-docx sees it:
no DTD or entity declarations (entity tricks), no oversized members (zip bombs).
"""

from __future__ import annotations

import io
import zipfile

from .base import Document, ImportFailed, ImportNote, Line
from .from_text import split_line

MAX_UNZIPPED = 64 * 1024 * 1024
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD_MARKS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
)


def _check_package(data: bytes) -> None:
    try:
        _check_zip(data)
    except ImportFailed:
        raise
    except Exception:  # zipfile/zlib raise many types on damaged archives
        raise ImportFailed("文件已损坏，不是有效的 Word（.docx）文件。") from None


def _check_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise ImportFailed(
                "这是一个压缩包，但不是 Word（.docx）文档（里面没有 word/document.xml）。"
            )
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > MAX_UNZIPPED or total > MAX_UNZIPPED:
                raise ImportFailed("Word 文件解压后过大，疑似压缩炸弹，未导入。")
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
                and (info.file_size > 10 * 1024 * 1024)
            ):
                raise ImportFailed("Word 文件的压缩比异常，疑似压缩炸弹，未导入。")
            if info.filename.endswith((".xml", ".rels")):
                head = zf.read(info.filename)[:65536].upper()
                if any(m in head for m in _DTD_MARKS):
                    raise ImportFailed(
                        "Word 文件中含有 XML 实体声明（可能是恶意构造的文件），为安全起见未导入。"
                    )


def docx_to_document(data: bytes) -> Document:
    _check_package(data)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise ImportFailed(f"缺少读取 Word 文件的组件（{e}）。") from None
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several unrelated types on bad packages
        raise ImportFailed(f"无法打开 Word 文件（{type(e).__name__}），文件可能已损坏。") from None
    doc = Document()
    counter = [0]

    def blocks(parent, container, depth: int) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _W + "p":
                # a table typed as text (tabs or runs of spaces between cells) splits
                # into cells like a text copy; other paragraphs stay whole
                line = split_line(Paragraph(child, parent).text)
                doc.lines.append(line if line is not None else Line([""]))
            elif tag == _W + "tbl":
                table = Table(child, parent)
                if depth < 5 and child.find(".//" + _W + "tbl") is not None:
                    # a layout table around the real ones: read its cells as blocks
                    seen: set[int] = set()
                    for row in table.rows:
                        for cell in row.cells:
                            if id(cell._tc) not in seen:
                                seen.add(id(cell._tc))
                                blocks(cell, cell._tc, depth + 1)
                else:
                    try:
                        _table(table, counter[0], doc)
                    except (ValueError, IndexError, KeyError, AttributeError):
                        _table_as_text(child, doc)  # python-docx cannot build its grid
                    counter[0] += 1
            elif tag in (_W + "sdt", _W + "customXml") and depth < 5:
                content = child.find(_W + "sdtContent")
                blocks(parent, content if content is not None else child, depth + 1)

    try:
        blocks(d, d.element.body, 0)
    except ImportFailed:
        raise
    except Exception as e:
        raise ImportFailed(f"Word 文件内容无法解析（{type(e).__name__}）。") from None
    return doc


def _table_as_text(tbl, doc: Document) -> None:
    """A table whose merged cells do not add up (a cell deleted by hand, broken vMerge):
    each row read as a line of cell texts, like a table copied as text."""
    doc.notes.append(
        ImportNote(
            "broken_table",
            "Word 文件中有一个表格的合并单元格结构不完整（可能手工删除过单元格），"
            "已按文字逐行读取该表格，请核对其中的数字。",
        )
    )
    for tr in tbl.iter(_W + "tr"):
        cells = []
        for tc in tr.findall(_W + "tc"):
            paras = ["".join(t.text or "" for t in p.iter(_W + "t")) for p in tc.iter(_W + "p")]
            cells.append("".join(paras).strip())
        if any(cells):
            doc.lines.append(Line(cells, sep=True))


def _table(table, gid: int, doc: Document) -> None:
    labels: list[list[str]] = []
    values: list[list[str | None]] = []
    prev_tcs: list[object] = []
    for row in table.rows:
        cells = list(row.cells)
        tcs = [c._tc for c in cells]
        texts = [c.text for c in cells]
        vals: list[str | None] = []
        for j, (tc, text) in enumerate(zip(tcs, texts, strict=True)):
            origin = not (j > 0 and tcs[j - 1] is tc) and not (
                j < len(prev_tcs) and prev_tcs[j] is tc
            )
            vals.append(text if origin else None)
        labels.append(texts)
        values.append(vals)
        prev_tcs = tcs
    if labels:
        # a row with a cell removed (or gridBefore/gridAfter) is shorter than the table:
        # padded, and flagged so that its numbers are placed by count, not by column
        widths = [len(r) for r in labels]
        typical = max(set(widths), key=widths.count)
        width = max(widths)
        ragged = [w != typical for w in widths]
        for lab, val in zip(labels, values, strict=True):
            lab.extend([""] * (width - len(lab)))
            val.extend([None] * (width - len(val)))
        doc.grid_table(gid, labels, values, ragged)
