"""Saved web pages: GBK pages with rowspan/colspan tables, charsets, entity tricks."""

from __future__ import annotations

import time

import pytest

from report_editor.importers import ImportFailed, import_file
from report_editor.model import template as T
from tests.importers.samples import balanced_report, pipe_text, report_html


def _report():
    r = balanced_report(seed=11)
    r.sections["overview"] = "（一）主动公开情况\n2024年，我局主动公开政府信息120条。"
    r.sections["problems"] = "一是宣传不够。"
    r.sections["other"] = "本年度未收取信息处理费。"
    return r


@pytest.mark.parametrize(
    ("charset", "meta"), [("gb2312", True), ("gbk", False), ("utf-8", True), ("utf-8", False)]
)
def test_html_page_with_merged_cells(tmp_path, charset, meta):
    r = _report()
    p = tmp_path / "report.html"
    p.write_bytes(report_html(r, charset=charset, meta=meta))
    res = import_file(p)
    got = res.report
    assert res.source_kind == "html"
    assert {c: got.cells[c] for c in T.CELL_IDS} == {c: r.cells[c] for c in T.CELL_IDS}
    assert got.organ == r.organ and got.year == 2024
    assert got.title == r.effective_title  # metadata table and breadcrumbs ignored
    for k in ("overview", "problems", "other"):
        assert got.sections[k] == r.sections[k]
    assert [n for n in res.notes if n.kind != "meta"] == []


def test_html_sniffed_without_extension(tmp_path):
    p = tmp_path / "saved_page"
    p.write_bytes(report_html(_report()))
    assert import_file(p).source_kind == "html"


def test_html_entity_bomb_is_refused_fast(tmp_path):
    lol = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    page = f"<?xml version='1.0'?><!DOCTYPE html [{lol}]><html><body><p>&l9;</p></body></html>"
    p = tmp_path / "lol.html"
    p.write_text(page, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed, match="实体"):
        import_file(p)
    assert time.perf_counter() - t0 < 2


def test_html_huge_spans_do_not_explode(tmp_path):
    page = (
        "<html><body><table>"
        + '<tr><td rowspan="99999999" colspan="99999999">x</td></tr>' * 50
        + "</table><p>一、总体情况</p></body></html>"
    )
    p = tmp_path / "span.html"
    p.write_text(page, encoding="utf-8")
    try:
        res = import_file(p)
    except ImportFailed as e:
        assert "表格" in str(e)
    else:
        assert res.source_kind == "html"


def test_html_deep_nesting_and_unclosed_tags(tmp_path):
    page = "<html><body>" + "<div><span>" * 3000 + "一、总体情况<p>正文<td>1<tr><table>"
    p = tmp_path / "deep.html"
    p.write_text(page, encoding="utf-8")
    from report_editor.importers import ImportBug, ImportFailed

    try:
        res = import_file(p)
    except ImportFailed as e:  # a clean refusal in Chinese is fine, an internal error is not
        assert not isinstance(e, ImportBug) and "年度报告" in str(e)
    else:
        assert res.source_kind == "html"


def test_subtotal_column_and_rows_recognised_and_dropped():
    from report_editor.importers import import_text

    r = _report()
    res = import_text(pipe_text(r, subtotal=True))
    got = res.report.cells
    t3 = [c for c in T.CELL_IDS if c.startswith("t3.")]
    assert {c: got[c] for c in t3} == {c: r.cells[c] for c in t3}
    notes = [n for n in res.notes if n.kind == "dropped_subtotal"]
    assert len(notes) == 1 and "小计" in notes[0].message


def test_html_table_with_subtotal_column_and_rows(tmp_path):
    r = _report()
    head = [T.T3_NOTE, *(c.label for c in T.T3_COLS[:-1]), f"{T.T3_ORGS}小计", "总计"]
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for row in T.T3_ROWS:
        vals = [r.count(T.t3_key(row.id, c)) for c in T.T3_COL_IDS]
        vals.insert(6, sum(vals[1:6]))
        rows.append(f"<tr><td>{row.label}</td>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>")
        if row.id == "denied_8":
            rows.append("<tr><td>小计</td>" + "<td>9</td>" * 8 + "</tr>")
    page = f"<html><body><p>{T.SECTIONS[2].heading}</p><table>{''.join(rows)}</table></body></html>"
    p = tmp_path / "sub.html"
    p.write_text(page, encoding="utf-8")
    res = import_file(p)
    t3 = [c for c in T.CELL_IDS if c.startswith("t3.")]
    assert {c: res.report.cells[c] for c in t3} == {c: r.cells[c] for c in t3}
    msg = " ".join(n.message for n in res.notes if n.kind == "dropped_subtotal")
    assert "小计”列" in msg and "小计”行" in msg
