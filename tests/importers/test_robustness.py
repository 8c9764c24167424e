"""No input crashes or hangs the importer; bad input gets a Chinese message."""

from __future__ import annotations

import os
import time

import pytest

from report_editor.importers import ImportFailed, import_file, import_text
from report_editor.importers.base import MAX_TEXT_CHARS
from report_editor.model import dumps, loads
from report_editor.model import template as T


def _chinese(msg: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in msg)


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t  "])
def test_empty_files(tmp_path, content):
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    with pytest.raises(ImportFailed, match="空") as e:
        import_file(p)
    assert _chinese(str(e.value))


def test_empty_pasted_text_gives_empty_report_with_note():
    res = import_text("")
    assert all(v is None for v in res.report.cells.values())
    assert any(n.kind == "empty" for n in res.notes)


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf", ".html", ""])
def test_binary_garbage(tmp_path, suffix):
    p = tmp_path / f"garbage{suffix}"
    p.write_bytes(os.urandom(50_000))
    with pytest.raises(ImportFailed) as e:
        import_file(p)
    assert _chinese(str(e.value)) and str(p) in str(e.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImportFailed, match="不存在"):
        import_file(tmp_path / "nope.txt")
    with pytest.raises(ImportFailed, match="文件夹"):
        import_file(tmp_path)


def test_old_word_doc_is_explained(tmp_path):
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ImportFailed, match=r"\.docx"):
        import_file(p)


def test_huge_text_file_refused_quickly(tmp_path):
    p = tmp_path / "huge.txt"
    line = "一、本年新收政府信息公开申请数量 | 1 | 2 | 3 |\n".encode()
    with p.open("wb") as f:
        f.write(line * (20 * 1024 * 1024 // len(line)))
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed, match="太大"):
        import_file(p)
    assert time.perf_counter() - t0 < 2


def test_huge_pasted_text_refused():
    with pytest.raises(ImportFailed, match="太长"):
        import_text("甲" * (MAX_TEXT_CHARS + 1))


def test_largest_accepted_text_finishes_in_reasonable_time():
    rows = "".join(f"{r.label} | " + " | ".join(["7"] * 7) + " |\n" for r in T.T3_ROWS)
    text = (rows + "这是一段很长的说明文字，用来填充篇幅。" * 20 + "\n") * 200
    text = text[: MAX_TEXT_CHARS - 10]
    t0 = time.perf_counter()
    res = import_text(text)
    assert time.perf_counter() - t0 < 10
    assert loads(dumps(res.report)) == res.report


def test_gbk_text_file(tmp_path):
    p = tmp_path / "gbk.txt"
    text = "某县某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作。\n"
    p.write_bytes(text.encode("gbk"))
    res = import_file(p)
    assert res.report.organ == "某县某局" and res.report.year == 2023
    assert res.report.sections["overview"] == "本年度工作。"


def test_units_fullwidth_digits_and_signed_numbers():
    text = "\n".join(
        [
            T.SECTIONS[1].heading,
            f"{T.T2_BLOCKS[0]} |",
            f"{T.T2_INFO} | " + " | ".join(T.T2_COLS_ONE) + " |",
            f"{T.T2_ROW_REG} | １２ | 3件 | +2 |",
            f"{T.T2_ROW_NORM} | 5 | 1,000 | 7 |",
            f"{T.T2_BLOCKS[3]} |",
            f"{T.T2_INFO} | {T.T2_COL_FEES} |",
            f"{T.T2_ROW_FEES} | 184719元 |",
        ]
    )
    res = import_text(text)
    c = res.report.cells
    assert (c["t2.reg.issued"], c["t2.reg.repealed"], c["t2.reg.in_force"]) == (12, 3, None)
    assert c["t2.norm.repealed"] == 1000
    assert c[T.FEE_CELL] == "18.4719"
    units = {x for n in res.notes if n.kind == "unit_stripped" for x in n.cells}
    assert units == {"t2.reg.repealed", T.FEE_CELL}
    assert any(n.kind == "invalid" and "t2.reg.in_force" in n.cells for n in res.notes)


def test_numbers_that_cannot_be_placed_are_dropped_and_listed():
    # two numbers for the three 规章 columns: which column lost its number is unknown
    text = "\n".join(
        [
            T.SECTIONS[1].heading,
            f"{T.T2_BLOCKS[0]}",
            f"{T.T2_INFO}\t" + "\t".join(T.T2_COLS_ONE),
            f"{T.T2_ROW_REG}\t4\t9",
            f"{T.T2_ROW_NORM}\t1\t2\t3",
        ]
    )
    res = import_text(text)
    c = res.report.cells
    assert all(c[f"t2.reg.{x}"] is None for x in T.T2_COL_IDS)
    amb = [n for n in res.notes if n.kind == "ambiguous"]
    assert len(amb) == 1 and "4、9" in amb[0].message
    assert [c[f"t2.norm.{x}"] for x in T.T2_COL_IDS] == [1, 2, 3]


def test_lost_cell_derived_only_when_arithmetic_leaves_no_choice():
    label = T.T3_ROW_BY_ID["new"].label
    end = f"{T.SECTIONS[4].heading}\n问题。\n{T.SECTIONS[5].heading}\n无。\n"
    # 5 0 0 0 0 0 with one cell lost: only "the total was lost" balances -> derived
    res = import_text(f"{T.SECTIONS[2].heading}\n{label}\t5\t0\t0\t0\t0\t0\n{end}")
    row = [res.report.cells[T.t3_key("new", x)] for x in T.T3_COL_IDS]
    assert row == [5, 0, 0, 0, 0, 0, 5]
    derived = {c for n in res.notes if n.kind == "derived" for c in n.cells}
    assert derived == {T.t3_key("new", x) for x in T.T3_COL_IDS}
    # 1 0 0 0 0 1 can be natural=1,total=2 or biz=1,total=1 …: only the cells that are 0
    # in every arrangement (科研机构 … 法律服务机构) are placed
    res = import_text(f"{T.SECTIONS[2].heading}\n{label}\t1\t0\t0\t0\t0\t1\n{end}")
    row = [res.report.cells[T.t3_key("new", x)] for x in T.T3_COL_IDS]
    assert row == [None, None, 0, 0, 0, None, None]
    # 1 1 with five cells lost: nothing is certain
    res = import_text(f"{T.SECTIONS[2].heading}\n{label}\t1\t1\n{end}")
    assert all(res.report.cells[T.t3_key("new", x)] is None for x in T.T3_COL_IDS)
    assert any(n.kind == "ambiguous" for n in res.notes)


def test_tables_absent_under_their_headings():
    text = "\n".join(s.heading + "\n（表格为图片）" for s in T.SECTIONS)
    res = import_text(text)
    absent = [n for n in res.notes if n.kind == "table_absent"]
    assert len(absent) == 3
    assert all("标题下没有表格" in n.message for n in absent)


def test_heading_variants_and_metadata_before_title():
    text = "\n".join(
        [
            "首页 > 政府信息公开 > 年报",
            "索引号：11410223-2024-00001",
            "发布机构：某县交通运输局",
            "某县交通运输局",
            "2024年政府信息公开工作年度报告",
            "一、政府信息公开工作的基本情况",
            "概述文字。",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "五、政府信息公开工作存在的主要问题及改进情况",
            "问题文字。",
        ]
    )
    res = import_text(text)
    r = res.report
    assert r.title == "某县交通运输局2024年政府信息公开工作年度报告"
    assert (r.organ, r.year) == ("某县交通运输局", 2024)
    assert r.sections["overview"] == "概述文字。"
    assert r.sections["problems"] == "问题文字。"
    assert r.preamble == ""


def test_run_in_headings_and_year_after_title():
    res = import_text(
        "某县民政局政府信息公开工作年度报告（2023年度）\n"
        "一、总体情况。2023年，我局依法公开。\n"
        "五、存在的主要问题及改进情况：一是人手少。\n"
        "六、其他需要报告的事项\n无。\n"
    )
    r = res.report
    assert (r.organ, r.year) == ("某县民政局", 2023)
    assert r.sections["overview"] == "2023年，我局依法公开。"
    assert r.sections["problems"] == "一是人手少。"
    assert r.sections["other"] == "无。"


def test_space_separated_rows_as_copied_from_pdf():
    rows = [
        f"{T.T3_ROWS[0].label}  3  0  0  0  1  0  4",
        "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
    ]
    text = "\n".join([T.SECTIONS[2].heading, rows[0], T.SECTIONS[3].heading, T.T4_REVIEW, rows[1]])
    c = import_text(text).report.cells
    assert [c[T.t3_key("new", x)] for x in T.T3_COL_IDS] == [3, 0, 0, 0, 1, 0, 4]
    assert c["t4.rev.total"] == 351 and c["t4.lit_after_rev.total"] == 20


def test_signature_and_page_furniture():
    text = "\n".join(
        [
            "某县某局2024年政府信息公开工作年度报告",
            "发布时间：2025-01-20 来源：某县某局 【字体：大 中 小】",
            "一、总体情况",
            "正文。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。",
            "某县某局",
            "2025年1月20日",
            "【打印本页】 【关闭窗口】",
            "主办单位：某县人民政府办公室 网站标识码：4102230001",
        ]
    )
    r = import_text(text).report
    assert r.sections["other"] == "本年度未收取信息处理费。"
    assert (r.signature_organ, r.signature_date) == ("某县某局", "2025-01-20")
    assert r.preamble == ""


def test_old_format_marker_in_prose_does_not_switch_template():
    text = "\n".join(
        [
            T.SECTIONS[0].heading,
            "本年度我局严格执行政府集中采购的相关规定，依法公开采购项目数量和采购总金额等信息。",
            T.SECTIONS[1].heading,
            f"{T.T2_BLOCKS[0]}",
            f"{T.T2_INFO}\t" + "\t".join(T.T2_COLS_ONE),
            f"{T.T2_ROW_REG}\t0\t0\t0",
        ]
    )
    res = import_text(text)
    assert res.report.template == "2021"
    assert res.report.cells["t2.reg.issued"] == 0


def test_table_rows_numbered_like_sections_are_not_headings():
    from report_editor.importers.matcher import match_section

    for row in T.T3_ROWS:
        assert match_section(row.label) is None, row.label
    assert match_section(T.T3_RESULTS) is None
    for i, sec in enumerate(T.SECTIONS):
        assert match_section(sec.heading) == i
        assert match_section(sec.heading.replace("、", "．")) == i
        for v in sec.variants:
            assert match_section(f"{sec.number}、{v}") == i


def test_numbers_without_a_recognised_row_are_listed_not_placed():
    text = "\n".join(
        [
            T.SECTIONS[2].heading,
            f"{T.T3_ROW_BY_ID['granted'].label}\t1\t0\t0\t0\t0\t0\t1",
            f"{T.T3_BLOCK_OTHER}\t4\t0\t0\t0\t0\t0\t4",  # the 2019 single row: no such row now
            f"{T.T3_ROW_BY_ID['total_done'].label}\t5\t0\t0\t0\t0\t0\t5",
        ]
    )
    res = import_text(text)
    c = res.report.cells
    assert c[T.t3_key("granted", "total")] == 1 and c[T.t3_key("total_done", "total")] == 5
    assert all(c[T.t3_key(f"other_{i}", "natural")] is None for i in (1, 2, 3))
    stray = [n for n in res.notes if n.kind == "ambiguous"]
    assert len(stray) == 1 and "4、0" in stray[0].message


def test_block_label_and_item_label_in_one_cell():
    lines = [T.SECTIONS[2].heading]
    for row in T.T3_ROWS:
        prefix = f"{row.block} " if row.block else (f"{T.T3_RESULTS} " if row.in_results else "")
        lines.append(f"{prefix}{row.label} 1 0 0 0 0 0 1")
    c = import_text("\n".join(lines)).report.cells
    assert all(c[T.t3_key(r, "total")] == 1 for r in T.T3_ROW_IDS)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gb18030"])
def test_seed_in_other_encodings(tmp_path, encoding):
    from tests.conftest import shared_file

    text = shared_file("corpus", "seed-weishi-2023.txt").read_text(encoding="utf-8")
    p = tmp_path / "seed.txt"
    p.write_text(text, encoding=encoding)
    res = import_file(p)
    assert res.report == import_text(text).report


@pytest.mark.parametrize("name", ["huaian-2024.pdf", "official-template.docx"])
def test_corrupted_reference_files_never_crash(tmp_path, name):
    import random

    from tests.conftest import shared_file

    data = shared_file("reference", name).read_bytes()
    rnd = random.Random(name)
    for i in range(6):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if i % 2:
            b = b[: rnd.randrange(len(b))]
        p = tmp_path / f"{i}{name[-5:]}"
        p.write_bytes(bytes(b))
        try:
            res = import_file(p)
        except ImportFailed as e:
            assert _chinese(str(e))
        else:
            assert loads(dumps(res.report)) == res.report


def test_rtf_and_files_without_any_report_are_refused_in_chinese(tmp_path):
    from report_editor.importers import ImportBug, ImportFailed, import_file

    rtf = tmp_path / "报告.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}} hello}")
    with pytest.raises(ImportFailed) as e:
        import_file(rtf)
    assert "RTF" in str(e.value) and ".docx" in str(e.value)
    shopping = tmp_path / "清单.txt"
    shopping.write_text("买菜\n白菜 3 斤\n豆腐 2 块\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as e:
        import_file(shopping)
    assert not isinstance(e.value, ImportBug) and "没有找到年度报告" in str(e.value)
