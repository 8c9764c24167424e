"""Hypothesis fuzzing of the text and HTML parsers with mutated corpus files, and the
regression cases in tests/importers/cases/ (inputs that once broke the importer).

Set IMPORT_FUZZ_SAVE=1 to store a new failing input in cases/ automatically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_editor.importers import ImportBug, ImportFailed, import_file, import_text
from report_editor.model import dumps, loads
from report_editor.model import template as T
from tests.conftest import SHARED
from tests.importers.samples import balanced_report, report_html

CASES = Path(__file__).parent / "cases"
CORPUS = sorted((SHARED / "corpus").glob("*.txt")) if (SHARED / "corpus").exists() else []
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _save(data: bytes, suffix: str) -> None:
    if os.environ.get("IMPORT_FUZZ_SAVE"):
        CASES.mkdir(exist_ok=True)
        name = hashlib.sha1(data).hexdigest()[:12]
        (CASES / f"fuzz-{name}{suffix}").write_bytes(data)


def _digits(text: str) -> str:
    return re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", text))


def import_or_refuse(text: str):
    """import_text, where a clean Chinese refusal is fine (None) and anything else is kept."""
    try:
        return import_text(text)
    except ImportFailed as e:
        assert str(e)
        assert not isinstance(e, ImportBug), e  # an internal error is a bug
        return None
    except Exception:
        _save(text.encode("utf-8", "surrogatepass"), ".txt")
        raise


def check_result(res, source_text: str | None) -> None:
    """Invariants of every import: a valid exchange report, no invented number."""
    r = res.report
    assert loads(dumps(r)) == r
    assert all(n.message for n in res.notes)
    if source_text is None:
        return
    exempt = {c for n in res.notes if n.kind in ("derived", "unit_stripped") for c in n.cells}
    text = _digits(source_text)
    for cid in T.CELL_IDS:
        v = r.cells[cid]
        if v is not None and cid not in exempt:
            assert str(v) in text, (cid, v)


_INSERTS = st.sampled_from(
    [
        "|",
        "|||",
        "\t",
        "\n",
        " | 0 | ",
        "/",
        "184719元",
        "１２",
        "小计",
        T.T3_ROWS[0].label,
        T.T3_ROWS[-1].label,
        T.SECTIONS[3].heading,
        T.T4_REVIEW,
        "（三）不予公开",
        "99999999999999999999",
        "\x00",
        "\ufeff",
        "\r",
    ]
)


@st.composite
def mutated_corpus(draw):
    path = draw(st.sampled_from(CORPUS))
    lines = path.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        op = draw(st.sampled_from(["del", "dup", "swap", "insert", "char", "cut"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "del":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(_INSERTS) + draw(st.text(max_size=8)))
        elif op == "char" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(_INSERTS) + lines[i][k + 1 :]
        elif op == "cut":
            lines = lines[:i]
    return "\n".join(lines)


@pytest.mark.skipif(not CORPUS, reason="shared corpus missing")
@FUZZ
@given(mutated_corpus())
def test_fuzz_text_parser(text):
    res = import_or_refuse(text)
    if res is not None:
        check_result(res, text)


_HTML_BITS = st.sampled_from(
    [
        b"<td>",
        b"</td>",
        b"<tr>",
        b"</table>",
        b"<table>",
        b'<td rowspan="30" colspan="9">',
        b"<br>",
        b"<!--",
        b"&nbsp;",
        b"&#x0;",
        b"<script>",
        b"\xff\xfe",
        b"\x81",
        b"<p>",
        "一、本年新收政府信息公开申请数量".encode("gb18030"),
        b"0",
    ]
)


@st.composite
def mutated_html(draw):
    seed = draw(st.integers(0, 5))
    data = bytearray(report_html(balanced_report(seed)))
    for _ in range(draw(st.integers(1, 10))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["ins", "del", "cut"]))
        if op == "ins":
            data[i:i] = draw(_HTML_BITS)
        elif op == "del":
            data[i : i + draw(st.integers(1, 400))] = b""
        else:
            data = data[: max(i, 40)]
    return bytes(data)


@FUZZ
@given(mutated_html())
def test_fuzz_html_parser(data):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "page.html"
        p.write_bytes(data)
        try:
            res = import_file(p)
        except ImportFailed as e:
            assert str(e)
            assert not isinstance(e, ImportBug), e  # an internal error is a bug
            return
        except Exception:
            _save(data, ".html")
            raise
    check_result(res, None)


def _case_files() -> list[Path]:
    if not CASES.exists():
        return []
    return sorted(p for p in CASES.iterdir() if p.suffix in (".txt", ".html", ".docx", ".pdf"))


@pytest.mark.parametrize("case", _case_files(), ids=lambda p: p.name)
def test_regression_cases(case):
    expect_path = case.with_suffix(".expect.json")
    expect = json.loads(expect_path.read_text(encoding="utf-8")) if expect_path.exists() else {}
    try:
        res = import_file(case)
    except ImportFailed as e:
        assert str(e)
        assert not isinstance(e, ImportBug), e  # an internal error is a bug
        assert not expect
        return
    text = None
    if res.source_kind == "txt":
        text = case.read_bytes().decode("utf-8", "replace")
    check_result(res, text)
    r = res.report
    for key in ("title", "organ", "year"):
        if key in expect:
            assert getattr(r, key) == expect[key]
    for cid, value in expect.get("cells", {}).items():
        assert r.cells[cid] == value, cid


_PIECES = st.sampled_from(
    [*"0123456789 |\t\n/_-—（）()、。：年月日元万件"]
    + [r.label for r in T.T3_ROWS[::3]]
    + [s.heading for s in T.SECTIONS]
    + ["2025年2月31日", "2024年1月5日", "某县某局", "小计", T.T4_REVIEW, T.T2_BLOCKS[0]]
    + [T.T2_ROW_REG, T.OLD_2019_MARKERS[0], "政府信息公开工作年度报告", T.T3_NOTE]
)


@FUZZ
@given(st.lists(_PIECES, max_size=200).map("".join))
def test_fuzz_text_from_label_pieces(text):
    res = import_or_refuse(text)
    if res is not None:
        check_result(res, text)
