"""Hard cases held against official_format.md §5 and §2, read back from the PDF."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest

from report_editor.cli import main
from report_editor.export import layout as L
from report_editor.export import pdf as P
from report_editor.model import save_report
from report_editor.model import template as T

MM = 72 / 25.4
PITCH = 225 * MM / 22
CHAR = 156 * MM / 28
BLOCK_LEFT, BLOCK_RIGHT, BLOCK_TOP, BLOCK_BOTTOM = 28 * MM, 184 * MM, 37 * MM, 262 * MM

URL = "https://www.mouxian-county-government.gov.cn/zwgk/zfxxgkzl/zfxxgknb/2024/annual_report_index.html?id=20240101&type=annual"
EMAIL = "zhengwugongkai_office2024@mouxian-county.gov.cn"
ORGAN = "中共某某省某某市某某县委机构编制委员会办公室某某县人民政府国有资产监督管理委员会"
T3_VALUES = (88888, 12345, 10001, 20002, 30003, 40004)  # 总计 201243: six digits


def hard_report(base):
    r = base.copy()
    r.organ = ORGAN
    r.title = ""
    r.preamble = (
        f"本报告电子版可在某某县人民政府门户网站（{URL}）下载。如有疑问请联系"
        f"（电话：0371-12345678，电子邮箱：{EMAIL}）。"
    )
    r.sections["overview"] = "\n".join(
        [
            "（一）主动公开：本年度我局主动公开政府信息1234条，重点领域信息全部按时公开。",
            "1.加强组织领导。成立政务公开工作领导小组。",
            "（1）明确责任分工。",
            "他说：“公开为常态……”——这是原则。“不公开为例外”、“应公开尽公开”。（见《条例》第五条）。",
            "（二）依申请公开",
            "甲" * 26 + "乙" * 28,  # ends exactly at the end of its second line
            "戊" * 26 + "己" * 28 + "。",  # the 。 would start line 3
            "（四）平台建设：网址www.mouxian.gov.cn，" + "规范审查程序。" * 6,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" * 2 + "结尾。",
        ]
    )
    for key in ("active_note", "requests_note", "appeals_note"):
        r.sections[key] = ""
    r.cells["t2.licensing"] = 11398889
    r.cells["t2.fees_wan"] = "12345.6789"
    for col, v in zip(T.T3_COL_IDS, T3_VALUES, strict=False):
        for row in T.T3_ROWS:
            r.cells[T.t3_key(row.id, col)] = v if row.id in ("new", "granted") else 0
    for key in r.cells:
        if key.startswith("t4."):
            r.cells[key] = 12345
    r.recompute_totals()
    r.cells[T.t3_key("carry_next", "natural")] = 1  # an R-01 error: export needs the flag
    r.signature_organ = "某某县人民政府国有资产监督管理委员会"
    r.signature_date = "2025-01-05"
    return r


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    from report_editor.model import load_report

    from ..conftest import DATA

    report = hard_report(load_report(DATA / "huaian-2024.json"))
    out = tmp_path_factory.mktemp("hard") / "hard.pdf"
    P.export_pdf(report, out, allow_errors=True)
    return report, out


@pytest.fixture(scope="module")
def huaian(tmp_path_factory):
    from report_editor.model import load_report

    from ..conftest import DATA

    out = tmp_path_factory.mktemp("huaian") / "huaian.pdf"
    P.export_pdf(load_report(DATA / "huaian-2024.json"), out)
    return out


def lines_by_top(page, size: float) -> list[list[dict]]:
    rows: dict[float, list[dict]] = defaultdict(list)
    for c in page.chars:
        if abs(c["size"] - size) < 0.1 and not c["text"].isspace():
            rows[round(c["top"], 1)].append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def text_of(line: list[dict]) -> str:
    return "".join(c["text"] for c in line)


# ---------------------------------------------------------------- title


def test_long_title_breaks_between_words_in_lines_of_at_most_20():
    for organ in (
        ORGAN,
        "中国（江苏）自由贸易试验区苏州片区苏州工业园区管理委员会",
        "尉氏县科学技术和工业信息化局尉氏县发展和改革委员会联合办公室",
        "内蒙古自治区锡林郭勒盟行政公署商务局市场监督管理局联合执法支队",
    ):
        lines = L.title_lines(organ + "2024" + T.TITLE_SUFFIX, 20)
        assert lines[-1] == "2024" + T.TITLE_SUFFIX
        assert "".join(lines[:-1]) == organ
        assert all(len(x) <= 20 for x in lines)
        for a, b in itertools.pairwise(lines[:-1]):
            joint = a[-3:] + b[:3]
            for word in ("委员会", "办公室", "人民政府", "中共", "县委"):
                inside = any(
                    joint.startswith(word, 3 - k) for k in range(1, len(word)) if 3 - k >= 0
                )
                assert not inside, (a, b, word)


def test_title_lines_centred_in_2hao_xiaobiaosong(hard):
    report, path = hard
    with pdfplumber.open(path) as pdf:
        lines = lines_by_top(pdf.pages[0], 22.0)
    assert [text_of(ln) for ln in lines] == L.title_lines(report.effective_title, 20)
    assert len(lines) == 4
    for ln in lines:
        centre = (ln[0]["x0"] + ln[-1]["x1"]) / 2
        assert abs(centre - (BLOCK_LEFT + BLOCK_RIGHT) / 2) < 1.0


# ---------------------------------------------------------------- the line grid


def on_grid(top: float, size: float = 16.0) -> float:
    """Distance in lines of a 16 pt line's glyph top from the page's 22-line grid."""
    pos = (top - BLOCK_TOP - (PITCH - size) / 2) / PITCH
    return abs(pos - round(pos))


def test_every_body_line_on_the_22_line_grid_also_on_page_1_and_after_tables(huaian):
    with pdfplumber.open(huaian) as pdf:
        pages = [lines_by_top(p, 16.0) for p in pdf.pages]
    tops = [ln[0]["top"] for lines in pages for ln in lines]
    assert len(tops) > 60
    assert all(on_grid(t) < 0.02 for t in tops)
    # page 1: the title and the blank line below it take whole lines; the rest is text
    first = pages[0]
    title_lines = round((first[0][0]["top"] - BLOCK_TOP - (PITCH - 16) / 2) / PITCH)
    assert title_lines + len(first) == 22
    assert any(len(lines) == 22 for lines in pages[1:])


def test_paragraph_ending_at_the_line_end_and_punctuation_pulled_down(hard):
    _, path = hard
    with pdfplumber.open(path) as pdf:
        texts = [text_of(ln) for p in pdf.pages for ln in lines_by_top(p, 16.0)]
    i = texts.index("甲" * 26)
    assert texts[i + 1] == "乙" * 28  # exactly full, no empty line after it
    assert texts[i + 2] == "戊" * 26
    assert texts[i + 3] == "己" * 27 and texts[i + 4] == "己。"


def test_consecutive_punctuation_kept_whole_and_paired_marks_unbroken(hard):
    """Adjacent marks keep full width (like Word's default grid, no 标点挤压), so every
    line stays on the 28-character grid; …… and —— are never split between lines."""
    _, path = hard
    with pdfplumber.open(path) as pdf:
        lines = [ln for p in pdf.pages for ln in lines_by_top(p, 16.0)]
    line = next(ln for ln in lines if "……”——" in text_of(ln))
    steps = sorted(b["x0"] - a["x0"] for a, b in itertools.pairwise(line))
    pitch = steps[len(steps) // 2]  # the line's character pitch (justified)
    assert abs(pitch - CHAR) < 1.0
    marks = [c for c in line if c["text"] in "……”——、。"]
    adjacent = 0
    for a, b in itertools.pairwise(marks):
        if abs(b["x0"] - a["x1"]) < 2:
            adjacent += 1
            # pdfminer loses Tc at font-subset switches: ±0.25 pt
            assert abs(b["x0"] - a["x0"] - pitch) < 0.3
    assert adjacent >= 4
    for a, b in itertools.pairwise(lines):
        ta, tb = text_of(a), text_of(b)
        assert not (ta.endswith("…") and tb.startswith("…"))
        assert not (ta.endswith("—") and tb.startswith("—"))


# ---------------------------------------------------------------- Latin runs


def test_urls_and_addresses_break_only_after_separators_without_letter_spacing(hard):
    _, path = hard
    with pdfplumber.open(path) as pdf:
        lines = lines_by_top(pdf.pages[0], 16.0)
    texts = [text_of(ln) for ln in lines]
    end = next(i for i, t in enumerate(texts) if t.startswith("一、"))
    lines, texts = lines[:end], texts[:end]  # the preamble
    joined = "".join(texts)
    assert URL in joined and EMAIL in joined
    pieces = [t for t in texts if any(ch.isascii() and ch.isalpha() for ch in t)]
    for a, b in itertools.pairwise(texts):
        if a[-1:].isascii() and b[:1].isascii() and a[-1:].isalnum() and b[:1].isalnum():
            pytest.fail(f"a Latin word broken between letters: {a!r} / {b!r}")
    assert pieces
    # justified lines: the letters of a word are set at their natural spacing
    for ln in lines:
        for a, b in itertools.pairwise(ln):
            if a["text"].isascii() and b["text"].isascii() and a["text"].isalnum():
                assert abs(b["x0"] - a["x1"]) < 0.6, text_of(ln)
        assert ln[-1]["x1"] <= BLOCK_RIGHT + 0.6


def test_long_url_pieces_end_at_separators():
    width = lambda text, role: sum(5.0 if ord(c) < 128 else 10.0 for c in text)  # noqa: E731
    lines = L.break_lines([L.Run("fs", "网站" + URL + "下载。")], 200, width, first_indent=20)
    texts = [ln.text for ln in lines]
    assert "".join(texts) == "网站" + URL + "下载。"
    for t in texts[:-1]:
        assert t[-1] in "/?&=_@.-" or not t[-1].isascii(), texts
    # no stub of fewer than 4 letters of the URL alone on a line
    assert all(len(t) >= 4 for t in texts)


# ---------------------------------------------------------------- tables


def _numbers(page) -> list[tuple[str, float, float, float]]:
    """(text, x0, x1, middle) of every number standing alone in a table cell."""
    out = []
    rows: dict[float, list[dict]] = defaultdict(list)
    for c in page.chars:
        if c["size"] < 12 and not c["text"].isspace():
            rows[round(c["top"], 1)].append(c)
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        groups = [[row[0]]]
        for c in row[1:]:
            if c["x0"] - groups[-1][-1]["x1"] < 1.0:
                groups[-1].append(c)
            else:
                groups.append([c])
        for g in groups:
            text = "".join(c["text"] for c in g)
            if re.fullmatch(r"\d+(\.\d+)?", text):
                mid = (g[0]["top"] + g[0]["bottom"]) / 2
                out.append((text, g[0]["x0"], g[-1]["x1"], mid))
    return out


def _verticals(page) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of the vertical table rules."""
    return [
        (e["x0"], e["top"], e["bottom"])
        for e in page.edges
        if e["orientation"] == "v" and e["bottom"] - e["top"] > 3
    ]


def test_big_numbers_fit_inside_narrow_columns_and_are_centred(hard):
    _, path = hard
    seen = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rules = _verticals(page)
            for text, x0, x1, mid in _numbers(page):
                seen.add(text)
                crossing = [x for x, t, b in rules if t < mid < b and x0 + 0.2 < x < x1 - 0.2]
                assert not crossing, f"{text} overflows its cell"
                left = max(x for x, t, b in rules if t < mid < b and x <= x0 + 0.2)
                right = min(x for x, t, b in rules if t < mid < b and x >= x1 - 0.2)
                assert x0 - left > 0.5 and right - x1 > 0.5, text
                assert abs((x0 + x1) / 2 - (left + right) / 2) < 1.0, text  # centred
    assert {"11398889", "12345.6789", "201243", "12345", "49380"} <= seen


def test_table_two_block_titles_centred(huaian):
    with pdfplumber.open(huaian) as pdf:
        found = 0
        for page in pdf.pages:
            for ln in lines_by_top(page, P.TABLE_SIZE):
                text = text_of(ln)
                if text.startswith("第二十条第"):
                    found += 1
                    centre = (ln[0]["x0"] + ln[-1]["x1"]) / 2
                    assert abs(centre - (BLOCK_LEFT + BLOCK_RIGHT) / 2) < 1.5, text
    assert found == 4


def test_labels_stay_inside_their_cells(hard):
    _, path = hard
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rules = _verticals(page)
            for c in page.chars:
                if c["size"] >= 12 or c["text"].isspace():
                    continue
                mid = (c["top"] + c["bottom"]) / 2
                inside = [
                    x for x, t, b in rules if t < mid < b and c["x0"] + 0.3 < x < c["x1"] - 0.3
                ]
                assert not inside, f"“{c['text']}” crosses a rule on page {page.page_number}"


# ---------------------------------------------------------------- page numbers


def _dash_row_mm(png: Path, x0_mm: float, x1_mm: float, dpi: int) -> float:
    from PIL import Image

    img = Image.open(png).convert("L")
    px = lambda mm: round(mm / 25.4 * dpi)  # noqa: E731
    box = img.crop((px(x0_mm), px(262), px(x1_mm), px(285)))
    for y in range(box.height):
        dark = sum(1 for x in range(box.width) if box.getpixel((x, y)) < 128)
        if dark > 4 * 2 * dpi / 72:  # a horizontal stroke (two dashes of 4 号)
            return y * 25.4 / dpi
    raise AssertionError("no dash found")


def test_page_number_dashes_7mm_below_the_text_block(huaian, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    dpi = 150
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "2",
            "-png",
            str(huaian),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert abs(_dash_row_mm(pngs[0], 150, 184, dpi) - 7.0) < 0.5  # odd: right
    assert abs(_dash_row_mm(pngs[1], 28, 60, dpi) - 7.0) < 0.5  # even: left


def test_cli_hard_report_marked_centred_numbers_and_signature(hard, tmp_path, capsys):
    report, _ = hard
    src = tmp_path / "hard.json"
    save_report(report, src)
    out = tmp_path / "hard.pdf"
    args = ["export", str(src), "-o", str(out)]
    assert main(args) == 1  # the R-01 error refuses
    assert main([*args, "--allow-errors", "--page-numbers", "center"]) == 0
    capsys.readouterr()
    with pdfplumber.open(out) as pdf:
        for i, page in enumerate(pdf.pages, 1):
            assert P.FAILED_MARK in (page.extract_text() or "")
            number = [
                c
                for c in page.chars
                if abs(c["size"] - P.PAGE_NO_SIZE) < 0.1 and c["top"] > BLOCK_BOTTOM
            ]
            assert "".join(c["text"] for c in number).replace(" ", "") == f"—{i}—"
            centre = (number[0]["x0"] + number[-1]["x1"]) / 2
            assert abs(centre - (BLOCK_LEFT + BLOCK_RIGHT) / 2) < 1.0
        last = [text_of(ln) for ln in lines_by_top(pdf.pages[-1], 16.0)]
    assert last[-2:] == [report.signature_organ, "2025年1月5日"]


def test_fonts_parsed_only_for_the_roles_a_report_uses(huaian_report):
    from report_editor.export.fonts import FANGSONG, HEITI, KAITI, FontSet, resolve_fonts

    report = huaian_report.copy()
    for key in report.sections:  # no （一） heading: no 楷体 anywhere
        report.sections[key] = "本机关认真落实条例，信息处理费为零。"
    fs = FontSet(resolve_fonts())
    P.render_pdf_bytes(report, fonts=fs)
    assert KAITI not in fs.used and {FANGSONG, HEITI} <= set(fs.used)
