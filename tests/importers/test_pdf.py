"""PDF imports: the real Huaian report, a scanned (image-only) PDF, broken PDFs."""

from __future__ import annotations

import pytest

from report_editor.importers import ImportFailed, import_file
from report_editor.model import template as T
from tests.conftest import DATA, shared_file


@pytest.fixture(scope="module")
def huaian():
    return import_file(shared_file("reference", "huaian-2024.pdf"))


def test_huaian_all_cells_exactly_as_printed(huaian):
    from report_editor.model import load_report

    path = DATA / "huaian-2024.json"
    if not path.exists():
        pytest.skip("fixture not there yet")
    fixture = load_report(path)
    r = huaian.report
    assert huaian.source_kind == "pdf"
    diff = {c: (r.cells[c], fixture.cells[c]) for c in T.CELL_IDS if r.cells[c] != fixture.cells[c]}
    assert diff == {}
    assert (r.organ, r.year, r.title) == (fixture.organ, fixture.year, fixture.title)
    assert r.preamble == fixture.preamble
    assert r.sections == fixture.sections
    assert r.kind == "government"


def test_huaian_spot_values_and_no_notes(huaian):
    c = huaian.report.cells
    assert c[T.t3_key("new", "total")] == 3119
    assert c[T.t3_key("total_done", "natural")] == 2932
    assert c[T.t3_key("other_1", "total")] == 71  # wrapped three-line label
    assert c[T.t3_key("unable_2", "natural")] == 11  # first row after the page break
    assert c[T.FEE_CELL] == "96171.6"
    assert c["t4.lit_after_rev.total"] == 20
    assert huaian.notes == []


def test_huaian_passes_the_checks(huaian):
    checks = pytest.importorskip("report_editor.checks")
    problems = checks.run_checks(huaian.report)
    errors = [p for p in problems if p.severity == "error"]
    assert errors == []


def _image_only_pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(40):  # a "scanned page": strokes and boxes, no text at all
        c.line(50, 60 + i * 18, 540, 70 + i * 18)
        c.rect(60 + i * 5, 100 + i * 10, 40, 12, fill=1)
    c.showPage()
    c.save()


def _scanned_pdf(path) -> None:
    """Pages that are only pictures, with a printed page number (as scanners produce)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (300, 420), 255)
    draw = ImageDraw.Draw(img)
    for y in range(20, 400, 14):
        draw.line((20, y, 280, y), fill=0, width=3)
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(3):
        c.drawImage(ImageReader(img), 40, 60, width=500, height=720)
        c.drawString(290, 30, f"- {page + 1} -")
        c.showPage()
    c.save()


@pytest.mark.parametrize("make", [_image_only_pdf, _scanned_pdf])
def test_scanned_pdf_without_text_layer_is_refused(tmp_path, make):
    p = tmp_path / "scan.pdf"
    make(p)
    with pytest.raises(ImportFailed, match="扫描件"):
        import_file(p)


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.4\n%garbage\x00\x01\x02 not really a pdf",
        b"%PDF-",
        b"%PDF-1.7\n1 0 obj <<>> endobj\n",
    ],
)
def test_broken_pdf_gives_chinese_message(tmp_path, payload):
    p = tmp_path / "broken.pdf"
    p.write_bytes(payload)
    with pytest.raises(ImportFailed) as e:
        import_file(p)
    assert "PDF" in str(e.value)


def test_truncated_real_pdf_does_not_crash(tmp_path):
    data = shared_file("reference", "huaian-2024.pdf").read_bytes()
    p = tmp_path / "half.pdf"
    p.write_bytes(data[: len(data) // 2])
    try:
        res = import_file(p)
    except ImportFailed as e:
        assert str(e)
    else:
        assert res.source_kind == "pdf"


def test_huaian_without_ruled_tables_read_from_text_lines(monkeypatch):
    """A PDF whose tables have no ruling lines: rows come from the text lines, wrapped
    labels are joined, and the cells still match their labels."""
    import pdfplumber

    from report_editor.model import load_report

    path = DATA / "huaian-2024.json"
    if not path.exists():
        pytest.skip("fixture not there yet")
    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", lambda self, *a, **k: [])
    res = import_file(shared_file("reference", "huaian-2024.pdf"))
    fixture = load_report(path)
    assert {c: res.report.cells[c] for c in T.CELL_IDS} == fixture.cells
    assert res.report.sections == fixture.sections
