"""The official PDF: 公文 layout of GB/T 9704-2012 (official_format.md §5) with reportlab.

A4, 版心 156 × 225 mm at 37 mm from the top and 28 mm from the left; 22 lines of 28
characters of 3号仿宋; title in 2号小标宋; headings 黑体 / 楷体; page numbers `— N —` in
4号宋体 7 mm below the 版心. The three tables are drawn from `template.GRIDS` with every
merged cell; a table broken over pages repeats its header rows and its spanning labels.
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..model import template as T
from ..model.report import Report
from . import layout as L
from .fonts import (
    FANGSONG,
    HEITI,
    KAITI,
    ROLE_LABELS,
    SONGTI,
    XIAOBIAOSONG,
    FontSet,
    default_fonts,
)

PROGRAM = "report-editor 政府信息公开工作年度报告编辑器"
FAILED_MARK = "未通过校验"
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, TOP = 28 * MM, 37 * MM
BLOCK_W, BLOCK_H = 156 * MM, 225 * MM
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
PITCH = BLOCK_H / LINES_PER_PAGE  # fixed line pitch, ≈ 28.93 pt
CHAR = BLOCK_W / CHARS_PER_LINE  # character pitch, ≈ 15.79 pt
BODY_SIZE, TITLE_SIZE, PAGE_NO_SIZE = 16.0, 22.0, 14.0  # 3号, 2号, 4号
TITLE_PITCH = TITLE_SIZE * 1.45
TABLE_SIZE, TABLE_SMALL = 10.5, 9.0  # 五号, 小五
TABLE_PAD = 2.5
# printed 表三: the sub-item labels (C3) wider than on screen so that at 小五 they take one
# line where they can; the seven data columns (12.3 mm) still hold six digits at 五号
PRINT_WEIGHTS = {"t3": (0.55, 1.25, 3.6, *(0.95,) * 7)}
NUM_PAD = 1.2  # side padding of a number squeezed into a narrow column
PAGE_NO_GAP = 7 * MM  # from the 版心's lower edge down to the top of the 一字线
DASH_RISE = 0.40  # top of the em dash stroke above the baseline, in em (宋体 and Noto Serif)
FRAME_H = BLOCK_H + 0.02
BLOCK_BOTTOM = PAGE_H - TOP - BLOCK_H
ASCENT = 0.88  # ideographic em box above the baseline
TEXT_COLOR_MARK = (0.80, 0.0, 0.0)


def title_gap(n_lines: int) -> float:
    """Space below an n-line title (about one blank line) that puts the body text on the
    page's 22-line grid, so that page 1 holds whole lines like every other page."""
    height = n_lines * TITLE_PITCH
    k = -(-(height + 0.6 * PITCH) // PITCH)
    return k * PITCH - height


@dataclass(frozen=True)
class ExportProblem:
    """A reason the export refuses that is not a check result (missing glyphs, blanks)."""

    rule: str
    severity: str
    cells: tuple[str, ...]
    message: str
    section: str | None = None


class ExportRefused(Exception):
    """The PDF was not written; `message` is Chinese, `problems` lists the reasons."""

    def __init__(self, message: str, problems: list[Any]) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


# ---------------------------------------------------------------- public API


def export_pdf(
    report: Report,
    path: str | os.PathLike[str],
    *,
    allow_errors: bool = False,
    blank_as_zero: bool = False,
    page_numbers: str = "alternate",
    previous: Report | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the official PDF to `path` (atomically); raises ExportRefused and writes nothing."""
    from ..fileutil import atomic_write_bytes

    data = render_pdf_bytes(
        report,
        allow_errors=allow_errors,
        blank_as_zero=blank_as_zero,
        page_numbers=page_numbers,
        previous=previous,
        fonts=fonts,
    )
    atomic_write_bytes(Path(path), data)


def render_pdf_bytes(
    report: Report,
    *,
    allow_errors: bool = False,
    blank_as_zero: bool = False,
    page_numbers: str = "alternate",
    previous: Report | None = None,
    fonts: FontSet | None = None,
) -> bytes:
    """The PDF as bytes (for the preview); same checks and refusals as `export_pdf`."""
    if page_numbers not in ("alternate", "center"):
        raise ValueError(f"page_numbers: {page_numbers!r}")
    errors = error_problems(report, previous, blank_as_zero=blank_as_zero)
    if errors and not allow_errors:
        raise ExportRefused(
            f"报告有 {len(errors)} 个错误，未导出 PDF。请先改正，或选择“有错误也导出”"
            "（每页将标注“未通过校验”）。",
            errors,
        )
    fonts = fonts or default_fonts()
    doc = _Document(report, fonts, blank_as_zero=blank_as_zero)
    glyphs = doc.missing_glyphs()
    if glyphs:
        raise ExportRefused(_glyph_message(glyphs), glyphs)
    return doc.render(marked=bool(errors), page_numbers=page_numbers)


def error_problems(
    report: Report, previous: Report | None = None, *, blank_as_zero: bool = False
) -> list[Any]:
    """Errors that block the export: the checks' errors (blanks filled with 0 if chosen)."""
    from ..checks import run_checks

    subject = report
    if blank_as_zero:
        subject = report.copy()
        subject.fill_blanks()
    problems = [p for p in run_checks(subject, previous) if p.severity == "error"]
    blanks = subject.blank_cells()
    if blanks and not any(set(blanks) & set(p.cells) for p in problems):
        problems.insert(
            0,
            ExportProblem(
                "R-09",
                "error",
                tuple(blanks),
                f"有 {len(blanks)} 个单元格空白（应填 0）。可在导出时选择“空白按 0 打印”。",
            ),
        )
    return problems


def _glyph_message(problems: list[ExportProblem]) -> str:
    lines = ["所选字体中没有以下字符的字形，未导出 PDF（否则会印成方框）："]
    lines += [f"  {p.message}" for p in problems]
    lines.append("请改用常用字，或安装含有这些字符的字体。")
    return "\n".join(lines)


# ---------------------------------------------------------------- flowables


def _flowable_base() -> type:
    from reportlab.platypus import Flowable

    return Flowable


def _make_text_block(
    lines: list[L.Line],
    fonts: FontSet,
    size: float,
    pitch: float,
    char_space: float,
    keep: int = 0,
    tail: int = 0,
) -> Any:
    """Lines on a fixed pitch; the first `keep` lines (headings) never end a page and the
    last `tail` lines (署名, 日期) never start one."""
    Flowable = _flowable_base()

    class TextBlock(Flowable):  # type: ignore[misc, valid-type]
        def __init__(self, lines: list[L.Line], keep: int, tail: int = 0) -> None:
            super().__init__()
            self.lines = lines
            self.keep = keep
            self.tail = tail

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.width, self.height = aw, len(self.lines) * pitch
            return self.width, self.height

        def split(self, aw: float, ah: float) -> list[Any]:
            total = len(self.lines)
            n = int((ah + 1e-6) // pitch)
            body = total - self.keep - self.tail
            # no single line of a paragraph alone at a page foot or head
            min_first = self.keep + min(2, body) if self.keep else (2 if total >= 4 else 1)
            min_rest = (2 if body >= 4 else 1) + self.tail
            n = min(n, total - min_rest)
            if n < min_first or n <= 0:
                return []
            return [TextBlock(self.lines[:n], 0), TextBlock(self.lines[n:], 0, self.tail)]

        def draw(self) -> None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            c = self.canv
            base = (pitch - size) / 2 + size * ASCENT
            for i, line in enumerate(self.lines):
                t = c.beginText()
                y = self.height - i * pitch - base
                x = line.x
                for run in line.runs:
                    # justification space goes after each CJK glyph and after a Latin
                    # word as a whole, never between the letters of a word
                    name = fonts.name(run.role)
                    space = char_space if run.tight else char_space + line.extra
                    t.setTextOrigin(x, y)
                    t.setFont(name, size)
                    t.setCharSpace(space)
                    t.textOut(run.text)
                    x += stringWidth(run.text, name, size) + space * len(run.text)
                    if run.tight:
                        x += line.extra
                c.drawText(t)

    return TextBlock(lines, keep, tail)


def _make_grid_snap(min_gap: float) -> Any:
    """Space after a table down to the next line of the page's 22-line grid (at least
    `min_gap`), so the text after a table sits on the same lines as on a full page."""
    Flowable = _flowable_base()

    class GridSnap(Flowable):  # type: ignore[misc, valid-type]
        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            used = FRAME_H - ah  # the frame is exactly the 版心
            if used < 0.5:  # at the top of a page: no space
                self.height = 0.0
            else:
                k = -(-(used + min_gap - 0.5) // PITCH)
                self.height = min(k * PITCH - used, ah)
            self.width = aw
            return aw, self.height

        def split(self, aw: float, ah: float) -> list[Any]:
            return []

        def draw(self) -> None:
            pass

    return GridSnap()


def _make_headed(parts: list[Any]) -> Any:
    """Heading block + table: the heading never stays alone at the foot of a page."""
    Flowable = _flowable_base()

    class Headed(Flowable):  # type: ignore[misc, valid-type]
        def __init__(self, parts: list[Any]) -> None:
            super().__init__()
            self.parts = parts

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.width = aw
            self.height = sum(p.wrap(aw, ah)[1] for p in self.parts)
            return self.width, self.height

        def split(self, aw: float, ah: float) -> list[Any]:
            head = sum(p.wrap(aw, ah)[1] for p in self.parts[:-1])
            rest = self.parts[-1].split(aw, ah - head)
            return [*self.parts[:-1], *rest] if rest else []

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            top = y + self.height
            for p in self.parts:
                top -= p.height
                p.drawOn(canvas, x, top, _sW)

    return Headed(parts)


# ---------------------------------------------------------------- tables


@dataclass
class _TableSpec:
    grid: T.Grid
    values: dict[str, str]
    col_widths: list[float]


def _col_widths(grid: T.Grid) -> list[float]:
    weights = PRINT_WEIGHTS.get(grid.table, grid.col_weights)
    total = sum(weights)
    return [BLOCK_W * w / total for w in weights]


def _cell_style(gc: T.GridCell, grid: T.Grid) -> tuple[float, str]:
    """(font size, alignment) of a label cell."""
    # 小五 in the dense 表三 and 表四 (as in published reports), 五号 in 表二
    small = gc.role == "note" or grid.table in ("t3", "t4")
    size = TABLE_SMALL if small else TABLE_SIZE
    if gc.role in ("header", "note", "title") or gc.vertical:
        return size, "center"
    if gc.role == "label" and gc.rowspan > 1:
        return size, "center"
    return size, "left"


def _make_grid_table(spec: _TableSpec, fonts: FontSet) -> Any:
    """A flowable for one official grid that splits itself between pages.

    Each page gets the header rows again; a label spanning rows (the vertical
    `三、本年度办理结果`, the （三）…（六） block labels) is clipped to the rows on the page and
    printed again there. Rows are never split.
    """
    Flowable = _flowable_base()
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    grid = spec.grid
    song = fonts.name(SONGTI)
    styles: dict[tuple[float, str], ParagraphStyle] = {}

    def pstyle(size: float, align: str) -> ParagraphStyle:
        key = (size, align)
        if key not in styles:
            styles[key] = ParagraphStyle(
                f"cell{size}{align}",
                fontName=song,
                fontSize=size,
                leading=size * (1.2 if align == "vertical" else 1.3),
                alignment=TA_LEFT if align == "left" else TA_CENTER,
            )
        return styles[key]

    def width_fn(size: float) -> L.WidthFn:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return lambda text, role: stringWidth(text, song, size)

    def label(gc: T.GridCell, width: float) -> Any:
        size, align = _cell_style(gc, grid)
        if gc.vertical:
            lines = list(gc.text)
        else:
            avail = width - 2 * TABLE_PAD - 0.1
            wf = width_fn(size)
            segments = [gc.text]
            if gc.rowspan > 1 and wf(gc.text, SONGTI) > avail and "）" in gc.text:
                head, _, tail = gc.text.partition("）")  # （三）｜不予公开
                segments = [head + "）", tail]
            lines = [
                ln.text
                for seg in segments
                for ln in L.break_lines([L.Run(SONGTI, seg)], avail, wf, justify=False)
            ]
            if gc.role == "header" and len(lines) > 1 and gc.text.isalpha():
                per = -(-len(gc.text) // len(lines))  # 商业企业 -> 商业/企业, not 商业企/业
                lines = [gc.text[i : i + per] for i in range(0, len(gc.text), per)]
        style = pstyle(size, "vertical" if gc.vertical else align)
        return Paragraph("<br/>".join(escape(x) for x in lines), style)

    def cell_width(gc: T.GridCell) -> float:
        return sum(spec.col_widths[gc.col : gc.col + gc.colspan])

    # one size for every number of the table: 五号, smaller only when the widest number
    # would not fit its narrow column (表三/表四 hold 5–6 digit counts in a few cities)
    num_size = TABLE_SIZE
    for gc in grid.cells:
        text = spec.values.get(gc.cell or "", "")
        if text:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            w = stringWidth(text, song, 1.0)
            num_size = min(num_size, (cell_width(gc) - 2 * NUM_PAD) / w)
    num_size = max(num_size, 4.0)

    def build(s: int, e: int) -> Any:
        rows = list(range(grid.header_rows)) + list(range(s, e))
        index = {r: i for i, r in enumerate(rows)}
        data: list[list[Any]] = [[""] * grid.cols for _ in rows]
        cmds: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), song, TABLE_SIZE, TABLE_SIZE * 1.3),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
            ("BOX", (0, 0), (-1, -1), 1.0, (0, 0, 0)),
            ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
        ]
        for gc in grid.cells:
            covered = [index[r] for r in range(gc.row, gc.row + gc.rowspan) if r in index]
            if not covered:
                continue
            r0, r1 = covered[0], covered[-1]
            c0, c1 = gc.col, gc.col + gc.colspan - 1
            width = sum(spec.col_widths[c0 : c1 + 1])
            if gc.cell is not None:
                data[r0][c0] = spec.values[gc.cell]
                if num_size < TABLE_SIZE:
                    cmds.append(("FONTSIZE", (c0, r0), (c1, r1), num_size, num_size * 1.3))
                    cmds.append(("LEFTPADDING", (c0, r0), (c1, r1), NUM_PAD))
                    cmds.append(("RIGHTPADDING", (c0, r0), (c1, r1), NUM_PAD))
            else:
                data[r0][c0] = label(gc, width)
            if r1 > r0 or c1 > c0:
                cmds.append(("SPAN", (c0, r0), (c1, r1)))
        return Table(
            data,
            colWidths=spec.col_widths,
            style=TableStyle(cmds),
            repeatRows=0,
            hAlign="CENTER",
        )

    def split_points(s: int, e: int) -> list[int]:
        """Rows before which a page may break, nearest the end first."""
        if grid.table == "t2":  # keep each 第二十条 block together
            pts = [gc.row for gc in grid.cells if gc.role == "title" and s < gc.row < e]
        elif grid.table == "t3":
            # the vertical 三、本年度办理结果 printed beside a few rows would stretch them:
            # on each side of a break it has no rows or >= 4 before / >= 5 after;
            # >= 2 body rows on each side
            v = next(gc for gc in grid.cells if gc.vertical)
            v0, v1 = v.row, v.row + v.rowspan

            def ok(p: int) -> bool:
                before = max(0, min(p, v1) - max(s, v0))
                after = max(0, min(e, v1) - max(p, v0))
                return before in (0, *range(4, 99)) and after in (0, *range(5, 99))

            pts = [p for p in range(s + 2, e - 1) if ok(p)]
        else:
            pts = []
        return sorted(pts, reverse=True)

    class GridTable(Flowable):  # type: ignore[misc, valid-type]
        def __init__(self, s: int, e: int) -> None:
            super().__init__()
            self.s, self.e = s, e
            self.table = build(s, e)

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.width, self.height = self.table.wrap(aw, ah)
            return self.width, self.height

        def split(self, aw: float, ah: float) -> list[Any]:
            self.table.wrap(aw, ah)
            pos = self.table._rowpositions  # header rows, then body rows s..e
            heights = [a - b for a, b in itertools.pairwise(pos)]
            hr = grid.header_rows
            for p in split_points(self.s, self.e):
                if sum(heights[: hr + p - self.s]) > ah + 1e-6:
                    continue  # estimate from the whole table: cannot fit
                head = GridTable(self.s, p)
                _, h = head.wrap(aw, ah)
                if h <= ah + 1e-6:
                    return [head, GridTable(p, self.e)]
            return []

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            self.table.drawOn(canvas, x, y, _sW)

    return GridTable(grid.header_rows, grid.rows)


# ---------------------------------------------------------------- the document


class _Document:
    def __init__(self, report: Report, fonts: FontSet, *, blank_as_zero: bool) -> None:
        self.report = report
        self.fonts = fonts
        self.blank_as_zero = blank_as_zero
        self.char_space = CHAR - BODY_SIZE
        # (place, role, text) of every piece of text printed, for the glyph check
        self.pieces: list[tuple[str, str, str]] = []
        self.paras = self._paragraphs()

    # --- content

    def _paragraphs(self) -> list[tuple[str, Any]]:
        """(kind, payload): ('title', [lines]) | ('para', Para) | ('table', table key)."""
        r = self.report
        out: list[tuple[str, Any]] = []
        title = r.effective_title
        self.pieces.append(("标题", XIAOBIAOSONG, title))
        out.append(("title", L.title_lines(title, int(BLOCK_W // TITLE_SIZE))))
        for i, p in enumerate(L.split_paragraphs(r.preamble), 1):
            out.append(("para", self._para(p, f"导语第{i}段")))
        for sec in T.SECTIONS:
            head = L.Para([L.Run(HEITI, sec.heading)], "heading1")
            self.pieces.append((sec.heading, HEITI, sec.heading))
            out.append(("para", head))
            if sec.table:
                out.append(("table", sec.table))
            for i, p in enumerate(L.split_paragraphs(r.sections.get(sec.key, "")), 1):
                out.append(("para", self._para(p, f"“{sec.heading}”第{i}段")))
        if r.signature_organ.strip() or r.signature_date:
            out.append(("blank", None))
            if r.signature_organ.strip():
                organ = r.signature_organ.strip()
                self.pieces.append(("落款", FANGSONG, organ))
                out.append(("sign", organ))
            date = L.format_date(r.signature_date)
            if date:
                self.pieces.append(("成文日期", FANGSONG, date))
                out.append(("date", date))
        return out

    def _para(self, text: str, place: str) -> L.Para:
        para = L.classify(text, FANGSONG, HEITI, KAITI)
        for run in para.runs:
            self.pieces.append((place, run.role, run.text))
        return para

    def table_values(self, table: str) -> dict[str, str]:
        vals = {}
        for cid in T.CELL_IDS:
            if not cid.startswith(table + "."):
                continue
            v = self.report.cells.get(cid)
            if v is None:
                vals[cid] = "0" if self.blank_as_zero else ""
            else:
                vals[cid] = str(v)
        return vals

    # --- glyph check

    def missing_glyphs(self) -> list[ExportProblem]:
        pieces = list(self.pieces)
        for key, grid in T.GRIDS.items():
            name = T.TABLE_NAMES[key]
            for gc in grid.cells:
                if gc.text:
                    pieces.append((name, SONGTI, gc.text))
            pieces.extend((name, SONGTI, v) for v in self.table_values(key).values())
        pieces.append(("页码", SONGTI, "— 0123456789 —"))
        pieces.append(("校验标记", HEITI, FAILED_MARK))
        found: dict[tuple[str, str], list[str]] = {}
        for place, role, text in pieces:
            cmap = self.fonts.cmap(role)
            for ch in text:
                if ch in "\n\t" or ord(ch) in cmap:
                    continue
                chars = found.setdefault((place, role), [])
                if ch not in chars:
                    chars.append(ch)
        problems = []
        for (place, role), chars in found.items():
            shown = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars)
            problems.append(
                ExportProblem(
                    "E-GLYPH",
                    "error",
                    (),
                    f"{place}：{shown}（{ROLE_LABELS[role]}字体中没有）",
                )
            )
        return problems

    # --- layout

    def _width(self, size: float, char_space: float) -> L.WidthFn:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        names = self.fonts.name
        return lambda text, role: stringWidth(text, names(role), size) + char_space * len(text)

    def flowables(self) -> list[Any]:
        from reportlab.platypus import Spacer

        body_w = self._width(BODY_SIZE, self.char_space)
        title_w = self._width(TITLE_SIZE, 0.0)
        out: list[Any] = []
        heads: list[L.Line] = []  # heading lines waiting for what follows them
        closing: list[L.Line] = []

        def text_block(lines: list[L.Line], keep: int = 0) -> Any:
            return _make_text_block(lines, self.fonts, BODY_SIZE, PITCH, self.char_space, keep)

        def flush_heads() -> None:
            if heads:
                out.append(text_block(heads[:]))
                heads.clear()

        for kind, payload in self.paras:
            if kind == "title":
                lines = []
                for text in payload:
                    w = title_w(text, XIAOBIAOSONG)
                    lines.append(L.Line([L.Run(XIAOBIAOSONG, text)], (BLOCK_W - w) / 2, 0.0, w))
                out.append(_make_text_block(lines, self.fonts, TITLE_SIZE, TITLE_PITCH, 0.0))
                out.append(Spacer(BLOCK_W, title_gap(len(lines))))  # 标题下空一行
            elif kind == "para":
                lines = L.break_lines(payload.runs, BLOCK_W, body_w, first_indent=2 * CHAR)
                if payload.kind.startswith("heading") and len(payload.runs) == 1:
                    heads.extend(lines)  # kept with the next paragraph or table
                else:
                    out.append(text_block(heads + lines, keep=len(heads)))
                    heads.clear()
            elif kind == "table":
                grid = T.GRIDS[payload]
                spec = _TableSpec(grid, self.table_values(payload), _col_widths(grid))
                table = _make_grid_table(spec, self.fonts)
                gap = Spacer(BLOCK_W, PITCH * 0.25)
                if heads:
                    out.append(_make_headed([text_block(heads[:]), gap, table]))
                    heads.clear()
                else:
                    out.extend([gap, table])
                out.append(_make_grid_snap(0.3 * PITCH))
            else:
                flush_heads()
                if kind == "blank":
                    closing.append(L.Line([]))
                elif kind in ("sign", "date"):
                    closing.append(self._signature_line(payload, kind, body_w))
        flush_heads()
        if closing:  # 署名 and 日期 stay on one page with the last lines of the text
            last = out[-1] if out and hasattr(out[-1], "tail") else None
            if last is not None and not last.tail:
                out[-1] = _make_text_block(
                    last.lines + closing,
                    self.fonts,
                    BODY_SIZE,
                    PITCH,
                    self.char_space,
                    last.keep,
                    len(closing),
                )
            else:
                out.append(text_block(closing))
        return out

    def _signature_line(self, text: str, kind: str, width: Callable[[str, str], float]) -> L.Line:
        date = next((p for k, p in self.paras if k == "date"), "")
        date_w = width(date, FANGSONG) - self.char_space if date else 0.0
        right = BLOCK_W - 4 * CHAR  # 右空四字
        w = width(text, FANGSONG) - self.char_space
        # 成文日期右空四字; 署名以成文日期为准居中
        x = right - w if kind == "date" or not date else right - date_w / 2 - w / 2
        x = max(0.0, min(x, BLOCK_W - w))
        return L.Line([L.Run(FANGSONG, text)], x, 0.0, w)

    def render(self, *, marked: bool, page_numbers: str) -> bytes:
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        buf = io.BytesIO()
        r = self.report
        doc = BaseDocTemplate(
            buf,
            pagesize=(PAGE_W, PAGE_H),
            leftMargin=LEFT,
            rightMargin=PAGE_W - LEFT - BLOCK_W,
            topMargin=TOP,
            bottomMargin=BLOCK_BOTTOM,
            title=r.effective_title,
            author=r.organ,
            subject=T.TITLE_SUFFIX[1:],
            creator=PROGRAM,
            producer=PROGRAM,
            keywords=[],
            lang="zh-CN",
            initialFontName=self.fonts.name(FANGSONG),
            initialFontSize=BODY_SIZE,
        )
        frame = Frame(
            LEFT,
            BLOCK_BOTTOM - (FRAME_H - BLOCK_H) / 2,
            BLOCK_W,
            FRAME_H,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        fonts = self.fonts

        def on_page(canvas: Any, _doc: Any) -> None:
            n = canvas.getPageNumber()
            _draw_page_number(canvas, fonts, n, page_numbers)
            if marked:
                _draw_failed_mark(canvas, fonts)

        doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
        doc.build(self.flowables())
        return buf.getvalue()


def _draw_page_number(canvas: Any, fonts: FontSet, n: int, mode: str) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    name = fonts.name(SONGTI)
    text = f"— {n} —"
    w = stringWidth(text, name, PAGE_NO_SIZE)
    y = BLOCK_BOTTOM - PAGE_NO_GAP - PAGE_NO_SIZE * DASH_RISE
    if mode == "center":
        x = LEFT + (BLOCK_W - w) / 2
    elif n % 2:  # 单页码居右空一字
        x = LEFT + BLOCK_W - PAGE_NO_SIZE - w
    else:  # 双页码居左空一字
        x = LEFT + PAGE_NO_SIZE
    canvas.saveState()
    canvas.setFont(name, PAGE_NO_SIZE)
    canvas.drawString(x, y, text)
    canvas.restoreState()


def _draw_failed_mark(canvas: Any, fonts: FontSet) -> None:
    """Red `未通过校验` in the top margin and a faint diagonal watermark."""
    name = fonts.name(HEITI)
    canvas.saveState()
    canvas.setFillColorRGB(*TEXT_COLOR_MARK)
    canvas.setFont(name, 14)
    canvas.drawCentredString(PAGE_W / 2, PAGE_H - TOP / 2, FAILED_MARK)
    canvas.setFillAlpha(0.10)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(45)
    canvas.setFont(name, 80)
    canvas.drawCentredString(0, -28, FAILED_MARK)
    canvas.restoreState()


def problems_text(problems: Iterable[Any]) -> str:
    """One Chinese line per problem, for the command line."""
    out = []
    for p in problems:
        rule = getattr(p, "rule", "")
        msg = getattr(p, "message", str(p))
        out.append(f"[{rule}] {msg}" if rule and rule != "E-GLYPH" else msg)
    return "\n".join(out)
