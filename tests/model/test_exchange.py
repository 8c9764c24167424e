"""The exchange file: strict reading, complete writing, lossless round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_editor.model import (
    ExchangeError,
    Report,
    ValueProblem,
    dumps,
    load_report,
    loads,
    parse_count,
    parse_fee,
    save_report,
    yuan_to_wan,
)
from report_editor.model import template as T
from report_editor.model.exchange import report_to_dict

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
counts = st.none() | st.integers(min_value=0, max_value=2**53)
fees = st.none() | st.decimals(
    min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False
).map(lambda d: parse_fee(str(d)))


@st.composite
def reports(draw) -> Report:
    r = Report(
        year=draw(st.none() | st.integers(1990, 2200)),
        organ=draw(text),
        kind=draw(st.sampled_from(T.ORGAN_KINDS)),
        title=draw(text),
        preamble=draw(text),
        template=draw(st.sampled_from(T.TEMPLATES)),
        signature_organ=draw(text),
        signature_date=draw(
            st.none() | st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)
        ),
    )
    r.sections = {k: draw(text) for k in T.SECTION_KEYS}
    for cid in T.CELL_IDS:
        r.cells[cid] = draw(fees) if cid == T.FEE_CELL else draw(counts)
    return r


@given(reports())
def test_round_trip_is_lossless(report):
    assert loads(dumps(report)) == report


def test_writer_writes_all_200_keys_in_utf8(tmp_path):
    path = tmp_path / "r.json"
    save_report(Report(year=2023, organ="尉氏县科学技术和工业信息化局"), path)
    raw = path.read_bytes()
    assert "尉氏县".encode() in raw  # not \u-escaped
    data = json.loads(raw.decode("utf-8"))
    assert list(data["cells"]) == list(T.CELL_IDS)
    assert data["format"] == "gov-info-annual-report" and data["version"] == 1


def _doc(**changes):
    d = report_to_dict(Report(year=2023, organ="某局"))
    for k, v in changes.items():
        d[k] = v
    return d


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["cells"].update({"t3.new.natural": -1}), "t3.new.natural"),
        (lambda d: d["cells"].update({"t3.new.natural": 1.5}), "t3.new.natural"),
        (lambda d: d["cells"].update({"t3.new.natural": "3"}), "t3.new.natural"),
        (lambda d: d["cells"].update({"t3.new.natural": True}), "t3.new.natural"),
        (lambda d: d["cells"].update({"t2.fees_wan": "1.23456"}), "t2.fees_wan"),
        (lambda d: d["cells"].update({"t2.fees_wan": "-1"}), "t2.fees_wan"),
        (lambda d: d["cells"].update({"t2.fees_wan": 12}), "t2.fees_wan"),
        (lambda d: d["cells"].update({"t9.bogus": 1}), "t9.bogus"),
        (lambda d: d["sections"].update({"intro": ""}), "sections.intro"),
        (lambda d: d["organ"].update(kind="company"), "organ.kind"),
        (lambda d: d.update(template="2030"), "template"),
        (lambda d: d["signature"].update(date="2024/1/5"), "signature.date"),
        (lambda d: d["signature"].update(date="2024-02-30"), "signature.date"),
        (lambda d: d["signature"].update(date="2024-13-45"), "signature.date"),
    ],
)
def test_bad_files_are_refused_naming_file_and_key(tmp_path, mutate, key):
    d = _doc()
    mutate(d)
    path = tmp_path / "坏文件.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ExchangeError) as e:
        load_report(path)
    assert str(path) in str(e.value) and key in str(e.value)


def test_a_folder_is_refused_in_chinese(tmp_path):
    with pytest.raises(ExchangeError) as e:
        load_report(tmp_path)
    assert str(tmp_path) in str(e.value) and "文件夹" in str(e.value)


def test_missing_cell_keys_read_as_blank():
    d = _doc()
    del d["cells"]["t3.new.natural"]
    r = loads(json.dumps(d))
    assert r.cells["t3.new.natural"] is None and len(r.cells) == 200


@pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"{", b"[1]"])
def test_unreadable_files_are_refused_in_chinese(tmp_path, raw):
    p = tmp_path / "x.json"
    p.write_bytes(raw)
    with pytest.raises(ExchangeError) as e:
        load_report(p)
    assert "x.json" in str(e.value)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12", 12), (" １２ ", 12), ("", None), ("0", 0), ("447,228", 447228), ("１，２３４", 1234)],
)
def test_counts_accept_digits_including_full_width(typed, value):
    assert parse_count(typed) == value


@pytest.mark.parametrize("typed", ["abc", "-3", "1.5", "+2", "十二", "1e3", "1,23", "12,3456"])
def test_counts_refuse_everything_else_in_chinese(typed):
    with pytest.raises(ValueProblem) as e:
        parse_count(typed)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


def test_fee_keeps_up_to_four_decimals_and_converts_yuan():
    assert parse_fee("96171.6") == "96171.6"
    assert parse_fee("1.2300") == "1.23"
    assert parse_fee("０.５") == "0.5"
    with pytest.raises(ValueProblem):
        parse_fee("1.23456")
    assert yuan_to_wan("184719元") == "18.4719"
    assert Decimal(yuan_to_wan("5")) == Decimal("0.0005")


def test_recompute_totals_keeps_blank_totals_blank():
    r = Report()
    assert r.recompute_totals() == []
    r.cells["t3.new.natural"] = 2
    r.cells["t3.granted.biz"] = 1
    changed = r.recompute_totals()
    assert r.cells["t3.new.total"] == 2
    assert r.cells["t3.total_done.biz"] == 1 and r.cells["t3.total_done.total"] == 1
    assert "t3.carried.total" not in changed
