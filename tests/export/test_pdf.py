"""The official PDF, read back with pdfplumber: labels, numbers, fonts, layout, refusals."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_editor.export import pdf as P
from report_editor.export.fonts import (
    FANGSONG,
    HEITI,
    KAITI,
    SONGTI,
    XIAOBIAOSONG,
    default_fonts,
)
from report_editor.export.layout import NO_LINE_END, NO_LINE_START
from report_editor.model import template as T
from report_editor.paths import resources_dir

MM = 72 / 25.4


def export(report, tmp_path: Path, name: str = "out.pdf", **kw) -> Path:
    out = tmp_path / name
    P.export_pdf(report, out, **kw)
    return out


@pytest.fixture(scope="module")
def huaian_pdf(tmp_path_factory):
    from report_editor.model import load_report

    from ..conftest import DATA

    report = load_report(DATA / "huaian-2024.json")
    out = tmp_path_factory.mktemp("pdf") / "huaian.pdf"
    P.export_pdf(report, out)
    return report, out


def stream_text(pdf) -> str:
    """All characters in content-stream order, whitespace removed."""
    return "".join(c["text"] for p in pdf.pages for c in p.chars if not c["text"].isspace())


def body_lines(page, size: float = 16.0) -> list[list[dict]]:
    """Characters of the given size grouped into lines by baseline, left to right."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for c in page.chars:
        if abs(c["size"] - size) < 0.1 and not c["text"].isspace():
            rows[round(c["top"])].append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def poppler_lines(path: Path, page: int) -> dict[float, tuple[float, float, str]]:
    """yMin -> (xMin, xMax, text) per text line, from poppler's pdftotext -bbox.

    pdfminer drops the character spacing (Tc) at each font-subset switch inside a line, so
    right edges are measured with poppler.
    """
    html = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines: dict[float, tuple[float, float, str]] = {}
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', html
    ):
        x0, y, x1, text = float(m[1]), round(float(m[2]), 1), float(m[3]), m[4]
        old = lines.get(y)
        lines[y] = (min(x0, old[0]), max(x1, old[1]), old[2] + text) if old else (x0, x1, text)
    return lines


def t3_rows(pdf) -> list[tuple[int, list]]:
    """(page number, cleaned row) of every body row of table 三, in order."""
    out = []
    for i, page in enumerate(pdf.pages, 1):
        for table in page.extract_tables():
            flat = [[(c or "").replace("\n", "") for c in row] for row in table]
            if not flat or T.T3_APPLICANTS not in flat[0]:
                continue
            out.extend((i, row) for row in flat[T.GRIDS["t3"].header_rows :])
    return out


def row_id(row: list[str]) -> str:
    labels = {r.label: r.id for r in T.T3_ROWS}
    for cell in row[:3]:
        if cell in labels:
            return labels[cell]
    raise AssertionError(f"no row label in {row}")


# ---------------------------------------------------------------- content


def test_a4_and_every_official_label_in_order(huaian_pdf):
    _report, path = huaian_pdf
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert abs(page.width - 210 * MM) < 0.5 and abs(page.height - 297 * MM) < 0.5
        text = stream_text(pdf)
    expected = ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    for sec in T.SECTIONS:
        expected.append(sec.heading)
        if sec.table:
            grid = T.GRIDS[sec.table]
            for gc in sorted(grid.cells, key=lambda c: (c.row, c.col)):
                if gc.text:
                    expected.append(gc.text)
    pos = 0
    for label in expected:
        found = text.find(label, pos)
        assert found >= 0, f"label missing or out of order: {label}"
        pos = found + len(label)


def test_huaian_numbers_in_the_right_cells(huaian_pdf):
    report, path = huaian_pdf
    with pdfplumber.open(path) as pdf:
        rows = t3_rows(pdf)
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    assert [row_id(r) for _, r in rows] == list(T.T3_ROW_IDS)
    for _, row in rows:
        rid = row_id(row)
        values = row[3:]
        assert values == [str(report.cells[T.t3_key(rid, c)]) for c in T.T3_COL_IDS], rid
    # table 二: label -> value(s)
    t2 = {}
    for t in tables:
        for row in t:
            cells = [c for c in row if c]
            if cells and cells[0] in (
                T.T2_ROW_REG,
                T.T2_ROW_NORM,
                T.T2_ROW_LICENSING,
                T.T2_ROW_PENALTY,
                T.T2_ROW_COERCION,
                T.T2_ROW_FEES,
            ):
                t2[cells[0]] = cells[1:]
    assert t2[T.T2_ROW_REG] == ["1", "0", "11"]
    assert t2[T.T2_ROW_NORM] == ["8", "26", "66"]
    assert t2[T.T2_ROW_LICENSING] == [str(report.cells["t2.licensing"])]
    assert t2[T.T2_ROW_FEES] == ["96171.6"]  # as stored, no separators
    # table 四: the data row in grid order
    t4 = next(t for t in tables if t[0][0] == T.T4_REVIEW)
    expected = [
        str(report.cells[gc.cell])
        for gc in sorted(T.GRIDS["t4"].cells, key=lambda c: c.col)
        if gc.cell
    ]
    assert t4[-1] == expected


def test_fonts_embedded_truetype_and_roles(huaian_pdf):
    _, path = huaian_pdf
    data = path.read_bytes()
    assert b"STSong" not in data and b"Helvetica" not in data
    fonts = default_fonts()
    with pdfplumber.open(path) as pdf:
        names = {c["fontname"].split("+")[-1] for p in pdf.pages for c in p.chars}
        page1 = pdf.pages[0]
        title = {c["fontname"].split("+")[-1] for c in page1.chars if c["size"] > 20}
        lines = body_lines(page1)
    assert title == {fonts.postscript_name(XIAOBIAOSONG)}
    by_text = {"".join(c["text"] for c in ln): ln for ln in lines}
    heading = next(ln for t, ln in by_text.items() if t.startswith("一、总体情况"))
    assert {c["fontname"].split("+")[-1] for c in heading} == {fonts.postscript_name(HEITI)}
    runin = next(ln for t, ln in by_text.items() if t.startswith("（一）主动公开情况。"))
    kai = fonts.postscript_name(KAITI)
    assert [c["fontname"].endswith(kai) for c in runin[:10]] == [True] * 10
    assert not any(c["fontname"].endswith(kai) for c in runin[10:])
    assert names <= {
        fonts.postscript_name(r) for r in (XIAOBIAOSONG, HEITI, KAITI, FANGSONG, SONGTI)
    }
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows and all(" yes yes " in r and "TrueType" in r for r in rows), out
    else:  # every font dict points at an embedded TrueType program
        assert data.count(b"/FontFile2") >= len(names)


def test_page_numbers_alternate_and_centred(huaian_pdf, tmp_path):
    report, path = huaian_pdf

    def numbers(p: Path):
        with pdfplumber.open(p) as pdf:
            for i, page in enumerate(pdf.pages, 1):
                chars = [c for c in page.chars if abs(c["size"] - 14) < 0.1]
                text = "".join(c["text"] for c in chars).replace(" ", "")
                assert text == f"—{i}—"
                x0 = min(c["x0"] for c in chars)
                x1 = max(c["x1"] for c in chars)
                top = min(c["top"] for c in chars)
                yield i, x0, x1, top

    block_bottom = (37 + 225) * MM
    for i, x0, x1, top in numbers(path):
        assert block_bottom + 2 * MM < top < block_bottom + 8 * MM  # dash: test_review
        if i % 2:  # odd: right, one character from the edge
            assert abs((28 + 156) * MM - 14 - x1) < 1.5
        else:
            assert abs(28 * MM + 14 - x0) < 1.5
    centred = export(report, tmp_path, page_numbers="center")
    for _, x0, x1, _ in numbers(centred):
        assert abs((x0 + x1) / 2 - (28 + 78) * MM) < 1.5  # centre of the 版心


def test_body_typography_grid_and_line_start_punctuation(huaian_report, tmp_path):
    report = huaian_report.copy()
    punct = "我局坚持“公开为常态、不公开为例外”原则，做到应公开尽公开；（一）加强组织领导：" * 4
    report.sections["overview"] = "\n".join([report.sections["overview"], *[punct] * 12])
    path = export(report, tmp_path)
    with pdfplumber.open(path) as pdf:
        pages = [body_lines(p) for p in pdf.pages]
    checked = 0
    for lines in pages:
        for ln in lines:
            text = "".join(c["text"] for c in ln)
            assert text[0] not in NO_LINE_START, text
            assert text[-1] not in NO_LINE_END, text
            checked += 1
            assert ln[0]["x0"] >= 28 * MM - 0.5
    assert checked > 100
    # pure-text pages: at most 22 lines (one fewer when a paragraph would leave a single
    # line behind), on the fixed pitch; justified lines fill the 156 mm measure
    assert all(len(lines) <= 22 for lines in pages)
    full_page = next(i for i, lines in enumerate(pages) if len(lines) == 22)
    lines = pages[full_page]
    tops = [ln[0]["top"] for ln in lines]
    pitch = 225 * MM / 22
    assert all(abs(b - a - pitch) < 0.3 for a, b in itertools.pairwise(tops))
    assert abs(tops[0] - 37 * MM) < pitch
    plain = [ln for ln in lines if all(ord(c["text"]) > 0x2FFF for c in ln)]
    assert max(len(ln) for ln in plain) == 28
    if shutil.which("pdftotext"):  # right edges: justified lines fill the 156 mm measure
        right = (28 + 156) * MM
        edges = [x1 for y, (_, x1, _) in poppler_lines(path, full_page + 1).items() if y < 262 * MM]
        assert len(edges) == 22
        assert all(x1 <= right + 0.5 for x1 in edges)  # glyph overhang of -Tc only
        assert sum(abs(x1 - right) < 0.5 for x1 in edges) >= 15


def test_long_narrative_breaks_table_three_with_repeated_labels(huaian_report, tmp_path):
    """Table 三 over a page break: header rows and spanning labels repeated, no row split."""
    base = huaian_report.copy()
    base.sections["overview"] = "\n".join(["本机关认真贯彻落实条例要求。" * 8] * 6)
    seen_block_break = seen_before_results = False
    for extra in range(0, 22, 3):
        report = base.copy()
        report.sections["active_note"] = "\n".join(["表格说明文字。"] * extra)
        with pdfplumber.open(export(report, tmp_path, f"long{extra}.pdf")) as pdf:
            rows = t3_rows(pdf)
            pages_text = [p.extract_text() or "" for p in pdf.pages]
        ids = [row_id(r) for _, r in rows]
        assert ids == list(T.T3_ROW_IDS)  # every row exactly once: none split or lost
        pages = sorted({p for p, _ in rows})
        assert len(pages) in (2, 3), extra
        for page in pages:  # the vertical label beside no rows or enough rows, never 1–3
            results = [r for p, r in rows if p == page and T.T3_ROW_BY_ID[row_id(r)].in_results]
            assert len(results) == 0 or len(results) >= 4, (extra, page)
            seen_before_results |= len(results) == 0 and page == pages[0]
        for page in pages:
            assert T.T3_APPLICANTS in pages_text[page - 1]  # header on every page
        for page in pages[1:]:
            first = next(r for p, r in rows if p == page)
            row = T.T3_ROW_BY_ID[row_id(first)]
            if row.in_results:
                assert first[0] == T.T3_RESULTS  # vertical label re-emitted
            if row.block and row.id != next(x.id for x in T.T3_ROWS if x.block == row.block):
                assert first[1] == row.block  # block label re-emitted mid-block
                seen_block_break = True
    assert seen_block_break and seen_before_results


def test_missing_glyph_refused_naming_char_and_place(huaian_report, tmp_path):
    report = huaian_report.copy()
    report.sections["problems"] = "第一段。\n存在\ue000问题和𪚥字。"
    out = tmp_path / "x.pdf"
    with pytest.raises(P.ExportRefused) as e:
        P.export_pdf(report, out)
    msg = e.value.message
    assert "U+E000" in msg and "五、存在的主要问题及改进情况" in msg and "第2段" in msg
    assert not out.exists()
    assert all(p.severity == "error" for p in e.value.problems)


def test_errors_refused_then_marked_on_every_page(huaian_report, tmp_path):
    report = huaian_report.copy()
    report.cells["t3.new.natural"] = 3002  # breaks 勾稽关系
    out = tmp_path / "bad.pdf"
    with pytest.raises(P.ExportRefused) as e:
        P.export_pdf(report, out)
    assert not out.exists()
    assert any(p.rule == "R-01" for p in e.value.problems)
    assert "错误" in e.value.message
    P.export_pdf(report, out, allow_errors=True)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 4
        for page in pdf.pages:
            marks = [c for c in page.chars if c["text"] == P.FAILED_MARK[0]]
            top = [c for c in marks if c["top"] < 37 * MM]
            assert top, "visible mark in the top margin"
            assert "未通过校验" in "".join(c["text"] for c in page.chars if c["top"] < 37 * MM)
            assert top[0]["non_stroking_color"] not in ((0,), (0, 0, 0), None)


def test_blanks_refused_or_printed_as_zero(huaian_report, tmp_path):
    report = huaian_report.copy()
    report.cells["t2.reg.issued"] = None
    with pytest.raises(P.ExportRefused) as e:
        P.render_pdf_bytes(report)
    assert any(p.rule == "R-09" for p in e.value.problems)
    data = P.render_pdf_bytes(report, blank_as_zero=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        rows = [r for p in pdf.pages for t in p.extract_tables() for r in t]
    reg = next(r for r in rows if r[0] == T.T2_ROW_REG)
    assert reg[1:] == ["0", "0", "11"]
    assert "未通过校验" not in stream_text(pdfplumber.open(io.BytesIO(data)))


def test_metadata_without_paths(huaian_pdf):
    report, path = huaian_pdf
    data = path.read_bytes()
    with pdfplumber.open(path) as pdf:
        meta = pdf.metadata
    assert meta["Title"] == report.effective_title
    assert meta["Author"] == report.organ
    assert "report-editor" in meta["Creator"] and "report-editor" in meta["Producer"]
    for leak in (str(path.parent), str(resources_dir()), str(Path.home())):
        assert leak.encode() not in data
    assert not re.search(rb"(/home/|/tmp/|C:\\\\|Users)", data)


def test_signature_right_aligned_four_characters(huaian_report, tmp_path):
    report = huaian_report.copy()
    report.signature_organ = "淮安市人民政府办公室"
    report.signature_date = "2025-01-05"
    with pdfplumber.open(export(report, tmp_path)) as pdf:
        lines = body_lines(pdf.pages[-1])
    texts = ["".join(c["text"] for c in ln) for ln in lines]
    assert texts[-1] == "2025年1月5日"
    assert texts[-2] == "淮安市人民政府办公室"
    char = 156 * MM / 28
    assert abs(lines[-1][-1]["x1"] - ((28 + 156) * MM - 4 * char)) < 2
    centre = lambda ln: (ln[0]["x0"] + ln[-1]["x1"]) / 2  # noqa: E731
    assert abs(centre(lines[-1]) - centre(lines[-2])) < 2


def test_pages_render_to_png(huaian_pdf, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    from PIL import Image

    _, path = huaian_pdf
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    with pdfplumber.open(path) as pdf:
        assert len(pngs) == len(pdf.pages)
    img = Image.open(pngs[0]).convert("L")
    w, h = img.size
    title_band = img.crop((0, int(h * 0.12), w, int(h * 0.22)))
    assert title_band.getextrema()[0] < 100  # the title is printed (not blank boxes)


_SECTION_TEXT = st.lists(
    st.sampled_from([*"政府信息公开，。、；：？！（）《》“”—…\n \u3000\tab1<>&", "（一）", "一、"]),
    max_size=300,
).map("".join)


@settings(max_examples=6, deadline=None)
@given(overview=_SECTION_TEXT, other=_SECTION_TEXT)
def test_any_text_exports_or_is_refused_cleanly(overview, other):
    from report_editor.model import Report

    report = Report(year=2024, organ="某县统计局")
    report.sections["overview"] = overview
    report.sections["other"] = other
    data = P.render_pdf_bytes(report, allow_errors=True, blank_as_zero=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = stream_text(pdf)
    visible = [c for c in overview + other if not c.isspace()]
    assert all(c in text for c in visible)  # markup-like text printed literally


def test_markup_characters_are_printed_literally(huaian_report):
    report = huaian_report.copy()
    report.sections["other"] = "收费<b>0</b>元 & R&D 费用 <br/> 完。"
    data = P.render_pdf_bytes(report)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "收费<b>0</b>元&R&D费用<br/>完。" in stream_text(pdf)
