"""Realistic re-publications of a report, generated from model.template (no label spelled
here except the non-official 小计 additions): a government CMS web page, the official Word
template filled in, a Word table with the extra 小计 column and rows."""

from __future__ import annotations

import copy
import html
import shutil
from dataclasses import dataclass
from pathlib import Path

from report_editor.model import template as T
from report_editor.model.report import Report

SUBTOTAL_COL = f"{T.T3_ORGS}小计"
SUBTOTAL_ROW = "小计"
SUBTOTAL_BLOCKS = (T.T3_BLOCK_DENIED, T.T3_BLOCK_UNABLE, T.T3_BLOCK_NOTPROC)


@dataclass
class Placed:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def _value(report: Report, cid: str | None, text: str) -> str:
    if cid is None:
        return text
    v = report.cells.get(cid)
    return "" if v is None else str(v)


def official_grid(report: Report, table: str) -> tuple[int, int, list[Placed]]:
    g = T.GRIDS[table]
    cells = [
        Placed(c.row, c.col, c.rowspan, c.colspan, _value(report, c.cell, c.text)) for c in g.cells
    ]
    return g.rows, g.cols, cells


def subtotal_t3_grid(report: Report) -> tuple[int, int, list[Placed]]:
    """Table 三 as some offices print it: a 法人或其他组织小计 column before 总计 and a 小计 row
    after the first three multi-item blocks (28 data rows × 8 value columns)."""
    g = T.GRIDS["t3"]
    total_col = 3 + len(T.T3_COLS) - 1  # grid column of 总计
    block_end: dict[int, str] = {}  # grid row after which a subtotal row follows -> block
    for blk in SUBTOTAL_BLOCKS:
        last = max(i for i, r in enumerate(T.T3_ROWS) if r.block == blk)
        block_end[3 + last] = blk

    def new_row(r: int) -> int:
        return r + sum(1 for end in block_end if end < r)

    def new_col(c: int) -> int:
        return c + 1 if c >= total_col else c

    out: list[Placed] = []
    results_cell = None
    for c in g.cells:
        r0, r1 = new_row(c.row), new_row(c.row + c.rowspan - 1)
        c0, c1 = new_col(c.col), new_col(c.col + c.colspan - 1)
        if c.text == T.T3_ORGS:
            c1 += 1  # the group header now covers the subtotal column too
        p = Placed(r0, c0, r1 - r0 + 1, c1 - c0 + 1, _value(report, c.cell, c.text))
        if c.text == T.T3_RESULTS:
            results_cell = p
        out.append(p)
    out.append(Placed(2, total_col, 1, 1, SUBTOTAL_COL))
    blocks_seen = {}
    for i, row in enumerate(T.T3_ROWS):
        vals = [report.count(T.t3_key(row.id, c)) for c in T.T3_COL_IDS]
        out.append(Placed(new_row(3 + i), total_col, 1, 1, str(sum(vals[1:-1]))))
        if row.block:
            blocks_seen.setdefault(row.block, []).append(vals)
    for end, blk in block_end.items():
        r = new_row(end) + 1
        sums = [sum(col) for col in zip(*blocks_seen[blk], strict=True)]
        sums.insert(len(sums) - 1, sum(sums[1:-1]))
        out.append(Placed(r, 2, 1, 1, SUBTOTAL_ROW))
        for j, v in enumerate(sums):
            out.append(Placed(r, 3 + j, 1, 1, str(v)))
    # merged block labels (（三）不予公开 …) grow over their subtotal rows
    for p in out:
        if p.col == 1 and p.text in block_end.values():
            p.rowspan += 1
    assert results_cell is not None
    n_rows = g.rows + len(block_end)
    return n_rows, g.cols + 1, out


# ---------------------------------------------------------------- HTML


def table_html(grid: tuple[int, int, list[Placed]]) -> str:
    n_rows, _, cells = grid
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f' colspan="{c.colspan}"'
        rows[c.row].append(
            f'<td{attrs} style="border:1px solid #000"><p align="center">'
            f"<span>{html.escape(c.text)}</span></p></td>"
        )
    body = "\n".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f'<table class="MsoNormalTable" border="1" cellspacing="0"><tbody>\n{body}\n</tbody></table>'


def cms_page(
    report: Report,
    encoding: str | None,
    subtotal: bool = False,
    layout: bool = False,
    word_markup: bool = False,
) -> bytes:
    """A saved page of a county site: breadcrumbs, 索引号/发布机构 metadata table, the title
    twice, sections with narrative and the official tables, a footer.

    encoding None: UTF-8 with no declaration at all; else that codec, declared by <meta charset>.
    layout: the article sits in a page-layout table beside a navigation cell.
    word_markup: the tables carry the markup of Word's "save as web page" (o:p, spacer row).
    """
    head = f'<meta charset="{encoding}">' if encoding else ""
    title = html.escape(report.effective_title)
    parts = [
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title>",
        "<script>document.write('<table><tr><td>1</td></tr></table>');</script></head><body>",
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="#">政府信息公开</a>'
        ' &gt; <a href="#">政府信息公开年报</a></div>',
        '<table class="xxgk_table"><tr><th>索引号：</th><td>01234567/2025-00012</td>'
        "<th>主题分类：</th><td>其他</td></tr>"
        f"<tr><th>发布机构：</th><td>{html.escape(report.organ)}办公室</td>"
        "<th>发文日期：</th><td>2025-01-20</td></tr>"
        f'<tr><th>名称：</th><td colspan="3">{title}</td></tr></table>',
        '<table width="100%"><tr><td class="nav">导航</td><td>' if layout else "",
        f'<div class="article"><h1 class="title">{title}</h1>',
        '<div class="info">发布日期：2025-01-20 浏览次数：1024 【字体：大 中 小】</div>',
        '<div class="TRS_Editor">',
    ]
    for para in report.preamble.splitlines():
        parts.append(f'<p style="text-indent:2em">{html.escape(para)}</p>')
    for sec in T.SECTIONS:
        parts.append(f'<p style="text-indent:2em"><strong>{html.escape(sec.heading)}</strong></p>')
        for para in report.sections.get(sec.key, "").splitlines():
            parts.append(f'<p style="text-indent:2em">{html.escape(para)}&nbsp;</p>')
        if sec.table:
            grid = (
                subtotal_t3_grid(report)
                if subtotal and sec.table == "t3"
                else official_grid(report, sec.table)
            )
            t = table_html(grid)
            if word_markup:
                spacer = '<td width="52" style="border:none"></td>' * (grid[1] + 3)
                t = (
                    t.replace("<span>", '<span lang="EN-US" style="font-size:10.5pt">')
                    .replace("</span>", "<o:p></o:p></span>")
                    .replace(
                        "</tbody>",
                        f'<![if !supportMisalignedColumns]><tr height="0">{spacer}</tr>'
                        "<![endif]></tbody>",
                    )
                )
            parts.append(t)
    parts += [
        "</div></div>",
        "</td></tr></table>" if layout else "",
        '<div class="share">分享到： 【打印本页】 【关闭窗口】</div>',
        '<div class="footer"><p>主办单位：某某市人民政府办公室 网站标识码：3208000001</p>'
        "<p>苏ICP备05000000号-1 苏公网安备 32080002000001号</p></div></body></html>",
    ]
    return "\n".join(parts).encode(encoding or "utf-8")


# ---------------------------------------------------------------- Word


def _add_paragraphs_after(par, lines: list[str]) -> None:
    """Replace paragraph `par` by `lines` (same style)."""
    if not lines:
        par.text = ""
        return
    par.text = lines[0]
    anchor = par._p
    for line in lines[1:]:
        new = copy.deepcopy(par._p)
        anchor.addnext(new)
        anchor = new
        from docx.text.paragraph import Paragraph

        Paragraph(new, par._parent).text = line


def fill_official_template(src: Path, dst: Path, report: Report) -> None:
    """The official Word template filled in as a clerk does: title, preamble under it,
    narrative in place of the prompts, numbers typed into the real (merged) table cells."""
    import docx

    shutil.copy(src, dst)
    d = docx.Document(str(dst))
    title_par = next(p for p in d.paragraphs if "模板" in p.text)
    _add_paragraphs_after(title_par, [report.effective_title, *report.preamble.splitlines()])
    prompts = [p for p in d.paragraphs if p.text.startswith("（文字描述")]
    for par, key in zip(prompts, ("overview", "problems", "other"), strict=True):
        _add_paragraphs_after(par, report.sections[key].splitlines())
    for table, key in zip(d.tables, ("t2", "t3", "t4"), strict=True):
        grid = T.GRIDS[key]
        cells = table._cells  # python-docx recomputes this on every table.cell() call
        for c in grid.cells:
            if c.cell:
                v = report.cells[c.cell]
                cells[c.row * grid.cols + c.col].text = "" if v is None else str(v)
    d.save(str(dst))


def build_word_table(d, grid: tuple[int, int, list[Placed]]):
    """A real Word table with merged cells, as drawn by hand in Word/WPS."""
    n_rows, n_cols, cells = grid
    t = d.add_table(rows=n_rows, cols=n_cols)
    for c in cells:
        if c.rowspan > 1 or c.colspan > 1:
            t.cell(c.row, c.col).merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
    flat = t._cells
    for c in cells:
        flat[c.row * n_cols + c.col].text = c.text
    return t


def subtotal_docx(src: Path, dst: Path, report: Report) -> None:
    """The filled template whose table 三 was redrawn with the 小计 column and rows."""
    import docx

    fill_official_template(src, dst, report)
    d = docx.Document(str(dst))
    old = d.tables[1]._tbl
    new = build_word_table(d, subtotal_t3_grid(report))._tbl
    old.addnext(new)  # add_table appended it at the end of the body: move it into place
    old.getparent().remove(old)
    d.save(str(dst))


# ---------------------------------------------------------------- text as copied from a page

_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _split_word(label: str) -> str:
    """`商业企业` -> `商业 企业`, `结果维持` -> `结果 维持` (a header cell broken by the page)."""
    return f"{label[:2]} {label[2:]}" if len(label) == 4 else label


def flat_table(
    report: Report,
    table: str,
    style: str,
    *,
    split_headers: bool = False,
    vertical: bool = False,
    fullwidth: bool = False,
    fee_text: str | None = None,
    fee_header: str | None = None,
) -> list[str]:
    """One official table flattened as a web page copy does.

    style `rows`: `a | b | c |` per grid row; `cells`: a lone `|` line starts each row, then
    one cell per line ending in ` |`, filler `|||` after merged cells; `paras`: one cell per
    line, no separator at all. Merged cells appear once, where they start (corpus item 2)."""
    g = T.GRIDS[table]
    by_row: dict[int, list] = {}
    for c in sorted(g.cells, key=lambda c: (c.row, c.col)):
        by_row.setdefault(c.row, []).append(c)
    out: list[str] = []
    for r in range(g.rows):
        texts: list[tuple[str, int]] = []
        for c in by_row.get(r, []):
            if c.cell is not None:
                text = _value(report, c.cell, "")
                if c.cell == T.FEE_CELL and fee_text is not None:
                    text = fee_text
                if fullwidth:
                    text = text.translate(_FULLWIDTH)
            else:
                text = c.text
                if fee_header is not None and text == T.T2_COL_FEES:
                    text = fee_header
                if split_headers and c.role == "header":
                    text = _split_word(text)
                if vertical and (c.vertical or text == T.T3_COLS[0].label):
                    text = "\n".join(text)  # one character per line
            texts.append((text, c.colspan))
        if style == "rows":
            out.append(" | ".join(t.replace("\n", "") for t, _ in texts) + " |")
        elif style == "cells":
            out.append("|")
            for t, span in texts:
                out.append(t + " |" + "|" * (span - 1) if span > 1 else t + " |")
        else:
            out.extend(t for t, _ in texts if t)
    return "\n".join(out).split("\n")


def web_text(
    report: Report,
    style: str = "rows",
    *,
    headings: dict[str, str] | None = None,
    title_lines: list[str] | None = None,
    no_tables: bool = False,
    **table_opts,
) -> str:
    """The whole report as text copied from its web page."""
    lines = list(title_lines) if title_lines is not None else [report.effective_title]
    lines += report.preamble.splitlines()
    for sec in T.SECTIONS:
        lines.append((headings or {}).get(sec.key, sec.heading))
        lines += report.sections.get(sec.key, "").splitlines()
        if sec.table and not no_tables:
            lines += flat_table(report, sec.table, style, **table_opts)
    return "\n".join(lines) + "\n"
