"""Line breaking, headings and title breaking, without fonts (fixed-width metrics)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from report_editor.export import layout as L

CHAR = 10.0


def width(text: str, role: str) -> float:
    """Full-width characters one unit, ASCII half a unit."""
    return sum(CHAR / 2 if ord(c) < 128 else CHAR for c in text)


def lines_of(text: str, chars: int = 28, indent: int = 2) -> list[str]:
    runs = [L.Run("fangsong", text)]
    return [ln.text for ln in L.break_lines(runs, chars * CHAR, width, first_indent=indent * CHAR)]


def test_plain_chinese_fills_28_characters_with_two_character_indent():
    text = "政" * 100
    lines = lines_of(text)
    assert [len(x) for x in lines] == [26, 28, 28, 18]
    assert "".join(lines) == text


def test_closing_punctuation_never_starts_a_line():
    # the 27th character would be a comma at the start of line 2
    text = "甲" * 26 + "，" + "乙" * 10 + "。”" + "丙" * 40
    lines = lines_of(text)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in L.NO_LINE_START
    assert lines[0].endswith("甲") and lines[1].startswith("甲，")


def test_opening_punctuation_never_ends_a_line():
    text = "甲" * 25 + "《条例》" + "乙" * 40
    lines = lines_of(text)
    assert "".join(lines) == text
    for line in lines:
        assert line[-1] not in L.NO_LINE_END


def test_latin_words_numbers_and_addresses_stay_whole():
    text = "联系电话：0517-83605210，电子邮箱：hazwgkc@163.com。" * 3
    lines = lines_of(text, chars=20)
    joined = "".join(lines)
    assert joined == text
    for line in lines:
        assert not line.startswith(("83605210", "163.com", "@"))
    assert all("0517-83605210" in x or "0517" not in x for x in lines)


def test_justified_lines_fill_the_measure_and_last_line_is_ragged():
    runs = [L.Run("fangsong", "甲" * 26 + "，" + "乙" * 30)]
    lines = L.break_lines(runs, 280, width, first_indent=20)
    first = lines[0]
    glyphs = len(first.text)
    assert abs(first.width + first.extra * (glyphs - 1) + first.x - 280) < 1e-6
    assert lines[-1].extra == 0


_TEXT = st.text(
    alphabet=st.sampled_from(list("政府信息公开年报告，。、；：？！（）《》“”‘’ab12")),
    min_size=1,
    max_size=200,
)


@settings(max_examples=40)
@given(_TEXT)
def test_kinsoku_holds_for_any_text(text):
    lines = lines_of(text, chars=12)
    assert "".join(lines) == text.strip(" ")
    for i, line in enumerate(lines):
        if i > 0 and len(lines[i - 1]) > 1:
            assert line[0] not in L.NO_LINE_START or all(c in L.NO_LINE_START for c in line)
        if i < len(lines) - 1 and len(line) > 1:
            assert line[-1] not in L.NO_LINE_END


def test_headings_run_in_and_standalone():
    p = L.classify("（一）主动公开情况。2024年，市政府网站主动公开", "fs", "hei", "kai")
    assert [(r.role, r.text) for r in p.runs] == [
        ("kai", "（一）主动公开情况。"),
        ("fs", "2024年，市政府网站主动公开"),
    ]
    assert p.kind == "heading2"
    p = L.classify("（二）依申请公开办理情况：", "fs", "hei", "kai")
    assert [r.role for r in p.runs] == ["kai"]
    p = L.classify("一、加强组织领导", "fs", "hei", "kai")
    assert p.kind == "heading1" and p.runs[0].role == "hei"
    for text in ("1.属于国家秘密", "（1）第一项", "我局认真落实"):
        p = L.classify(text, "fs", "hei", "kai")
        assert p.kind == "body" and [r.role for r in p.runs] == ["fs"]


def test_paragraphs_drop_clerk_indentation_and_blank_lines():
    assert L.split_paragraphs("\u3000\u3000第一段。\r\n\n  第二段\x07。\n") == [
        "第一段。",
        "第二段。",
    ]


def test_title_keeps_organ_on_first_line_and_year_on_second():
    assert L.title_lines("淮安市人民政府2024年政府信息公开工作年度报告", 20) == [
        "淮安市人民政府",
        "2024年政府信息公开工作年度报告",
    ]
    assert L.title_lines("某局2024年报告", 20) == ["某局2024年报告"]
    organ = "尉氏县科学技术和工业信息化局尉氏县发展和改革委员会联合办公室"
    lines = L.title_lines(organ + "2023年政府信息公开工作年度报告", 20)
    assert lines[-1] == "2023年政府信息公开工作年度报告"
    assert "".join(lines[:-1]) == organ
    assert all(len(x) <= 20 for x in lines)
    # broken after a unit name, not inside a word
    assert lines[0][-1] in "局会室县"


def test_dates_are_not_zero_padded():
    assert L.format_date("2025-01-05") == "2025年1月5日"
    assert L.format_date("2024-12-31") == "2024年12月31日"
    assert L.format_date(None) == ""
