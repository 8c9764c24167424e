"""预览PDF: the real PDF rendered in memory, shown in a QPdfView inside the real window."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView

from report_editor.export import pdf as P
from report_editor.gui.preview import PdfPreviewDialog, render_preview
from report_editor.gui.window import MainWindow

storage = pytest.importorskip("report_editor.storage")


class RecordingPrompts:
    """Shows the dialog non-modally instead of exec(), lets the test look at it."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.seen: list[dict] = []
        self.hook = None
        self.confirm_answers: list[bool] = []
        self.asked: list[str] = []

    def run(self, dialog):
        dialog.show()
        self.qtbot.waitExposed(dialog)
        if self.hook is not None:
            self.hook(dialog)
        self.seen.append(_snapshot(dialog))
        dialog.close()
        return False

    def confirm(self, title, text, yes="确定", no="取消"):
        self.asked.append(f"confirm {title}: {text}")
        return self.confirm_answers.pop(0) if self.confirm_answers else False

    def save_file(self, title, suggested, filters):
        self.asked.append(f"save {title}")
        return None

    def error(self, title, text):
        self.asked.append(f"error {title}: {text}")

    def info(self, title, text):
        self.asked.append(f"info {title}: {text}")


def _snapshot(d: PdfPreviewDialog) -> dict:
    return {
        "pages": d.document.pageCount(),
        "status": d.document.status(),
        "view": d.view.isVisible(),
        "banner": d.banner.text() if d.banner.isVisible() else None,
        "message": d.message.text() if d.message.isVisible() else None,
        "page_label": d.page_label.text(),
        "bytes": bytes(d.buffer.data()),
    }


@pytest.fixture
def store(tmp_path):
    s = storage.Store(folder=tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def open_win(qtbot, store, tmp_path, seed_path):
    def make(report):
        w = MainWindow(store, data_dir=tmp_path / "store", sample_path=seed_path)
        w.prompts = RecordingPrompts(qtbot)
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        rid = store.create(report)
        w.refresh_list()
        assert w.open_report(rid)
        return w

    return make


def _pdf_pages(data: bytes) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages), pdf.pages[0].extract_text() or ""


def test_action_is_in_toolbar_and_menu_and_needs_a_report(qtbot, store, tmp_path, seed_path):
    w = MainWindow(store, data_dir=tmp_path / "store", sample_path=seed_path)
    qtbot.addWidget(w)
    act = w.action("preview_pdf")
    assert act.text() == "预览PDF"
    assert act.shortcut().toString() == "Ctrl+Shift+P"
    assert not act.isEnabled()
    from PySide6.QtWidgets import QToolBar

    tb = w.findChild(QToolBar, "main_toolbar")
    names = [a.objectName() for a in tb.actions()]
    assert names.index("preview_pdf") + 1 == names.index("export_pdf")
    menus = {m.title(): [a.objectName() for a in m.actions()] for m in _menus(w)}
    assert "preview_pdf" in menus["报告(&R)"]
    assert "preview_pdf" in menus["文件(&F)"]


def _menus(w):
    return [a.menu() for a in w.menuBar().actions() if a.menu() is not None]


def test_preview_shows_every_page_of_the_huaian_report(open_win, huaian_report):
    w = open_win(huaian_report)
    assert w.action("preview_pdf").isEnabled()
    zooms = []

    def hook(d):
        assert d.view.pageMode() == QPdfView.PageMode.MultiPage
        assert d.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        d.zoom_in_button.click()
        zooms.append((d.view.zoomMode(), d.view.zoomFactor()))
        d.zoom_out_button.click()
        d.zoom_out_button.click()
        zooms.append((d.view.zoomMode(), d.view.zoomFactor()))
        d.fit_button.click()
        zooms.append((d.view.zoomMode(), None))

    w.prompts.hook = hook
    w.action("preview_pdf").trigger()
    (seen,) = w.prompts.seen
    pages, first_text = _pdf_pages(seen["bytes"])
    assert pages >= 2
    assert seen["status"] == QPdfDocument.Status.Ready
    assert seen["pages"] == pages
    assert seen["view"] and seen["banner"] is None and seen["message"] is None
    assert seen["page_label"] == f"第 1 页，共 {pages} 页"
    assert P.FAILED_MARK not in first_text
    assert huaian_report.organ[:4] in first_text.replace(" ", "").replace("\n", "")
    # zoom in / out change the factor; 适合宽度 goes back to fitting
    (m1, z1), (m2, z2), (m3, _) = zooms
    assert m1 == m2 == QPdfView.ZoomMode.Custom and z2 < z1
    assert m3 == QPdfView.ZoomMode.FitToWidth


def test_report_with_errors_is_previewed_marked_with_a_banner(open_win, huaian_report):
    huaian_report.cells["t3.new.natural"] += 7
    huaian_report.recompute_totals()
    errors = P.error_problems(huaian_report)
    assert any(p.rule == "R-01" for p in errors)
    w = open_win(huaian_report)

    def hook(d):
        assert d.export_button.isEnabled()
        w.prompts.confirm_answers.append(False)  # "先去改正" in the export's own question
        d.export_button.click()

    w.prompts.hook = hook
    w.action("preview_pdf").trigger()
    (seen,) = w.prompts.seen
    assert seen["view"]
    assert seen["banner"] is not None
    assert f"还有 {len(errors)} 个错误" in seen["banner"]
    assert "未通过校验" in seen["banner"]
    pages, first_text = _pdf_pages(seen["bytes"])
    assert seen["pages"] == pages
    assert P.FAILED_MARK in first_text
    # the dialog's 导出PDF… ran the window's export action (which asked about the errors)
    assert any(a.startswith("confirm 报告还有错误") for a in w.prompts.asked), w.prompts.asked


def test_missing_glyph_shows_the_message_instead_of_the_view(open_win, huaian_report):
    huaian_report.organ = "测试\ue000县政府"
    huaian_report.title = ""  # the organ is printed through the default title
    w = open_win(huaian_report)
    w.action("preview_pdf").trigger()
    (seen,) = w.prompts.seen
    assert not seen["view"]
    assert seen["pages"] == 0 and seen["bytes"] == b""
    assert seen["message"] and "字形" in seen["message"] and "U+E000" in seen["message"]
    assert seen["page_label"] == ""


def test_font_problem_message_is_shown(qtbot, monkeypatch, huaian_report):
    from report_editor.export.fonts import FontUnavailable

    def no_fonts():
        raise FontUnavailable("找不到仿宋字体。")

    monkeypatch.setattr(P, "default_fonts", no_fonts)
    result = render_preview(huaian_report)
    assert result.data is None and result.message == "找不到仿宋字体。"
    d = PdfPreviewDialog(result)
    qtbot.addWidget(d)
    d.show()
    assert d.message.isVisible() and not d.view.isVisible()
    assert not d.zoom_in_button.isEnabled()
