"""Word imports: the blank official template, the template filled in with python-docx,
and files that only pretend to be .docx."""

from __future__ import annotations

import io
import shutil
import time
import zipfile

import docx
import pytest

from report_editor.importers import ImportFailed, import_file
from report_editor.model import template as T
from tests.conftest import shared_file
from tests.importers.samples import balanced_report


def test_blank_template_gives_empty_2021_report():
    res = import_file(shared_file("reference", "official-template.docx"))
    r = res.report
    assert res.source_kind == "docx"
    assert r.template == "2021"
    assert all(r.cells[c] is None for c in T.CELL_IDS)
    missing = {c for n in res.notes if n.kind == "missing_cell" for c in n.cells}
    assert missing == set(T.CELL_IDS)  # every cell listed: the tables were recognised
    assert not any(n.kind in ("table_absent", "missing_section", "ambiguous") for n in res.notes)
    assert all(v == "" for v in r.sections.values())  # "（文字描述）" is a prompt, not text
    assert r.title == ""


def _fill_template(src, dst, report, title: str, overview: str) -> None:
    shutil.copy(src, dst)
    d = docx.Document(str(dst))
    for p in d.paragraphs:
        if "模板" in p.text:
            p.text = title
    prompts = [p for p in d.paragraphs if p.text.startswith("（文字描述")]
    prompts[0].text = overview
    prompts[1].text = "（一）存在的问题\n一是宣传不够。"
    prompts[2].text = "本年度未收取信息处理费。"
    for table, key in zip(d.tables, ("t2", "t3", "t4"), strict=True):
        grid = T.GRIDS[key]
        assert (len(table.rows), len(table.columns)) == (grid.rows, grid.cols)
        for cid in (c.cell for c in grid.cells if c.cell):
            row, col = grid.data_position(cid)
            table.cell(row, col).text = str(report.cells[cid])
    d.save(str(dst))


def test_filled_template_imports_back_exactly(tmp_path):
    report = balanced_report(seed=3)
    report.cells[T.FEE_CELL] = "0.35"
    dst = tmp_path / "filled.docx"
    title = "某某县测试局2024年政府信息公开工作年度报告"
    _fill_template(
        shared_file("reference", "official-template.docx"), dst, report, title, "2024年，我局……"
    )
    res = import_file(dst)
    r = res.report
    assert {c: r.cells[c] for c in T.CELL_IDS} == {c: report.cells[c] for c in T.CELL_IDS}
    assert (r.title, r.organ, r.year) == (title, "某某县测试局", 2024)
    assert r.sections["overview"] == "2024年，我局……"
    assert r.sections["other"] == "本年度未收取信息处理费。"
    assert [n for n in res.notes if n.kind != "meta"] == []


def test_filled_template_with_wrong_total_is_kept_and_listed(tmp_path):
    report = balanced_report(seed=5)
    report.cells["t4.rev.total"] = report.count("t4.rev.total") + 1
    dst = tmp_path / "wrong.docx"
    _fill_template(shared_file("reference", "official-template.docx"), dst, report, "x", "y")
    res = import_file(dst)
    assert res.report.cells["t4.rev.total"] == report.cells["t4.rev.total"]
    mism = [n for n in res.notes if n.kind == "total_mismatch"]
    assert len(mism) == 1 and "t4.rev.total" in mism[0].cells


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_of_something_else_is_not_a_docx(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(_zip({"photos/a.jpg": b"\xff\xd8\xff" + b"0" * 100, "readme.txt": b"hi"}))
    with pytest.raises(ImportFailed, match="不是 Word"):
        import_file(p)


def test_corrupt_zip_is_refused(tmp_path):
    good = shared_file("reference", "official-template.docx").read_bytes()
    p = tmp_path / "cut.docx"
    p.write_bytes(good[: len(good) // 3])
    with pytest.raises(ImportFailed):
        import_file(p)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def test_entity_expansion_in_docx_is_refused_fast(tmp_path):
    good = shared_file("reference", "official-template.docx").read_bytes()
    members = {}
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        for name in z.namelist():
            members[name] = z.read(name)
    members["word/document.xml"] = BILLION_LAUGHS.encode()
    p = tmp_path / "lol.docx"
    p.write_bytes(_zip(members))
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed, match="实体"):
        import_file(p)
    assert time.perf_counter() - t0 < 5


def test_zip_bomb_member_is_refused(tmp_path):
    members = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/media/big.bin": b"\0" * (70 * 1024 * 1024),
    }
    p = tmp_path / "bomb.docx"
    p.write_bytes(_zip(members))
    assert p.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ImportFailed, match="压缩炸弹"):
        import_file(p)


def test_layout_table_around_real_tables_and_auto_numbered_headings(tmp_path):
    """Everything inside one outer layout table; headings numbered by Word, not typed."""
    report = balanced_report(seed=9)
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1).cell(0, 0)
    outer.paragraphs[0].text = "某县测试局2024年政府信息公开工作年度报告"
    for sec in T.SECTIONS:
        outer.add_paragraph(sec.title)  # no "一、": Word's list numbering draws it
        if sec.table:
            g = T.GRIDS[sec.table]
            t = outer.add_table(rows=g.rows, cols=g.cols)
            for c in g.cells:
                target = t.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    target = target.merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                target.text = c.text if c.cell is None else str(report.cells[c.cell])
        else:
            outer.add_paragraph(f"{sec.title}的正文。")
    p = tmp_path / "layout.docx"
    d.save(str(p))
    res = import_file(p)
    r = res.report
    assert {c: r.cells[c] for c in T.CELL_IDS} == {c: report.cells[c] for c in T.CELL_IDS}
    assert r.sections["problems"] == f"{T.SECTIONS[4].title}的正文。"
    assert (r.organ, r.year) == ("某县测试局", 2024)
