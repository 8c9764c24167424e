"""Sample documents built in the tests from model.template (no label spelled here)."""

from __future__ import annotations

import html
import random

from report_editor.model import template as T
from report_editor.model.report import Report


def balanced_report(seed: int = 7) -> Report:
    """A report whose parts are random and whose totals balance (R-01 … R-06)."""
    rnd = random.Random(seed)
    r = Report(year=2024, organ="某某县测试局")
    for c in T.CELLS:
        if c.kind == "decimal":
            r.cells[c.id] = "12.5"
        elif not c.is_total:
            r.cells[c.id] = rnd.randint(0, 40)
    r.recompute_totals()
    for col in T.T3_APPLICANT_COLS:  # 结转下年度 = 新收 + 结转 - 办结
        new = r.count(T.t3_key("new", col))
        carried = r.count(T.t3_key("carried", col))
        done = r.count(T.t3_key("total_done", col))
        if new + carried < done:
            r.cells[T.t3_key("new", col)] = done - carried + rnd.randint(0, 5)
        r.cells[T.t3_key("carry_next", col)] = r.count(T.t3_key("new", col)) + carried - done
    r.recompute_totals()
    return r


def grid_html(report: Report, table: str) -> str:
    """The official grid of one table as an HTML <table> with its rowspan/colspan."""
    g = T.GRIDS[table]
    rows: list[list[str]] = [[] for _ in range(g.rows)]
    for c in sorted(g.cells, key=lambda c: (c.row, c.col)):
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f" colspan='{c.colspan}'"
        text = c.text
        if c.cell is not None:
            v = report.cells.get(c.cell)
            text = "" if v is None else str(v)
        rows[c.row].append(f"<td{attrs}><p>{html.escape(text)}</p></td>")
    body = "\n".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f'<table border="1" class="MsoTable"><tbody>\n{body}\n</tbody></table>'


def report_html(report: Report, charset: str = "gb2312", meta: bool = True) -> bytes:
    """A saved web page: breadcrumbs, metadata table, title, six sections, three tables."""
    head = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else ""
    )
    parts = [
        f"<html><head>{head}<title>{report.effective_title}-政府网</title>"
        "<script>var x = '<td>1</td>';</script><style>td{color:red}</style></head><body>",
        '<div class="crumb">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>',
        "<table><tr><td>索引号：</td><td>000-2025-001</td><td>发布机构：</td>"
        f"<td>{report.organ}</td></tr></table>",
        f"<h1>{report.effective_title}</h1>",
    ]
    for sec in T.SECTIONS:
        parts.append(f"<p><strong>{sec.heading}</strong></p>")
        if sec.table:
            parts.append(grid_html(report, sec.table))
        text = report.sections.get(sec.key, "")
        for para in text.splitlines():
            parts.append(f"<p style='text-indent:2em'>{html.escape(para)}&nbsp;</p>")
    parts.append("</body></html>")
    page = "\n".join(parts)
    return page.encode("gb18030" if charset.lower() in ("gb2312", "gbk", "gb18030") else charset)


def pipe_text(report: Report, subtotal: bool = False) -> str:
    """Table 三 flattened as `a | b | c |` rows, optionally with a non-official 小计 column
    and 小计 rows (28 × 8) as some offices publish it."""
    lines = [f"{report.effective_title}", T.SECTIONS[0].heading, "概述。", T.SECTIONS[2].heading]
    head = [c.label for c in T.T3_COLS]
    if subtotal:
        head.insert(len(head) - 1, f"{T.T3_ORGS}小计")
    lines.append(f"{T.T3_NOTE} | {T.T3_APPLICANTS} |")
    lines.append(" | ".join(head) + " |")
    block = None
    for row in T.T3_ROWS:
        vals = [report.count(T.t3_key(row.id, c)) for c in T.T3_COL_IDS]
        if subtotal:
            vals.insert(len(vals) - 1, sum(vals[1:6]))
        label = row.label
        if row.block and row.block != block:
            label = f"{row.block} | {row.label}"
        if subtotal and block and row.block != block:
            sub = [
                sum(report.count(T.t3_key(r.id, c)) for r in T.T3_ROWS if r.block == block)
                for c in T.T3_COL_IDS
            ]
            sub.insert(len(sub) - 1, sum(sub[1:6]))
            lines.append(" | ".join(["小计", *map(str, sub)]) + " |")
        block = row.block
        lines.append(" | ".join([label, *map(str, vals)]) + " |")
    return "\n".join(lines) + "\n"
