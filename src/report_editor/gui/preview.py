"""预览PDF: the official PDF rendered in memory and shown in a QPdfView (no temp files)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..model.report import Report

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0


@dataclass
class PreviewResult:
    """What the preview shows: the PDF bytes, or a Chinese message why there are none."""

    data: bytes | None
    errors: list[Any] = field(default_factory=list)
    message: str | None = None


def render_preview(report: Report, previous: Report | None = None) -> PreviewResult:
    """Render `report` as the export would (errors allowed and marked, blanks as they are)."""
    from ..export.fonts import FontUnavailable
    from ..export.pdf import ExportRefused, error_problems, render_pdf_bytes

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        errors = error_problems(report, previous, blank_as_zero=False)
        data = render_pdf_bytes(report, allow_errors=True, blank_as_zero=False, previous=previous)
    except (ExportRefused, FontUnavailable) as exc:
        return PreviewResult(None, message=exc.message)
    except Exception as exc:  # never crash the editor over a preview
        log.exception("preview rendering failed")
        return PreviewResult(None, message=f"无法生成预览：{exc}")
    finally:
        QGuiApplication.restoreOverrideCursor()
    return PreviewResult(data, errors)


def errors_banner_text(count: int) -> str:
    from ..export.pdf import FAILED_MARK

    return (
        f"报告还有 {count} 个错误。预览和导出的 PDF 每一页都会标注“{FAILED_MARK}”；"
        "改正后再导出即可去掉标注。"
    )


class PdfPreviewDialog(QDialog):
    """Multi-page view fitted to the width, zoom buttons, page counter, 导出PDF… button."""

    def __init__(
        self,
        result: PreviewResult,
        *,
        title: str = "",
        export: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"预览PDF · {title}" if title else "预览PDF")
        self.resize(820, 900)
        self._export = export
        lay = QVBoxLayout(self)

        self.banner = QLabel()
        self.banner.setObjectName("preview_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #fdecea; color: #b00020; padding: 6px; font-weight: bold; }"
        )
        self.banner.setVisible(bool(result.errors) and result.data is not None)
        if result.errors:
            self.banner.setText(errors_banner_text(len(result.errors)))
        lay.addWidget(self.banner)

        self.message = QLabel(result.message or "")
        self.message.setObjectName("preview_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message.setVisible(result.data is None)
        lay.addWidget(self.message, 1 if result.data is None else 0)

        # the bytes live in a QByteArray/QBuffer owned by the dialog for the view's lifetime
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self._bytes = QByteArray(result.data or b"")
        self.buffer = QBuffer(self)
        if result.data is not None:
            self.buffer.setData(self._bytes)
            self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self.buffer)
            if self.document.status() == QPdfDocument.Status.Error:
                self.message.setText("无法显示预览：生成的 PDF 读不出来。")
                self.message.setVisible(True)
        self.has_view = result.data is not None and self.message.isHidden()
        self.view.setVisible(self.has_view)
        lay.addWidget(self.view, 1)

        bar = QHBoxLayout()
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_out_button.setShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut))
        self.zoom_in_button = QPushButton("放大")
        self.zoom_in_button.setShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn))
        self.fit_button = QPushButton("适合宽度")
        self.zoom_out_button.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.zoom_in_button.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.fit_button.clicked.connect(self.fit_width)
        self.page_label = QLabel()
        self.page_label.setObjectName("preview_pages")
        self.export_button = QPushButton("导出PDF…")
        self.export_button.setEnabled(export is not None)
        self.export_button.clicked.connect(self._run_export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for b in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.export_button):
            b.setAutoDefault(False)  # Enter does not zoom; it closes
        close.setDefault(True)
        for b in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            b.setEnabled(self.has_view)
            bar.addWidget(b)
        bar.addSpacing(12)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(close)
        lay.addLayout(bar)

        self.view.pageNavigator().currentPageChanged.connect(self._update_page_label)
        self._update_page_label()

    # ------------------------------------------------------------------ state

    def page_count(self) -> int:
        return self.document.pageCount() if self.has_view else 0

    def _update_page_label(self, *_: Any) -> None:
        n = self.page_count()
        if n == 0:
            self.page_label.setText("")
            return
        current = self.view.pageNavigator().currentPage() + 1
        self.page_label.setText(f"第 {current} 页，共 {n} 页")

    def _fit_factor(self) -> float:
        """The zoom factor that FitToWidth shows now (QPdfView keeps zoomFactor at 1 there)."""
        if self.document.pageCount() == 0:
            return 1.0
        page_pt = self.document.pagePointSize(0).width()
        margins = self.view.documentMargins()
        width = self.view.viewport().width() - margins.left() - margins.right()
        dpi = self.view.logicalDpiX() / 72.0
        return max(ZOOM_MIN, width / (page_pt * dpi)) if page_pt > 0 and width > 0 else 1.0

    def zoom(self, step: float) -> None:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            factor = self.view.zoomFactor()
        else:
            factor = self._fit_factor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(ZOOM_MAX, max(ZOOM_MIN, factor * step)))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _run_export(self) -> None:
        if self._export is not None:
            self._export()


def open_preview(window: Any) -> bool:
    """预览PDF for the window's open report; the dialog goes through `window.prompts.run`."""
    doc = getattr(window, "doc", None)
    if doc is None:
        return False
    window.commit_editors()  # a value still in a cell editor belongs to the preview
    export_action = window.action("export_pdf")
    result = render_preview(doc.report, doc.previous)
    dialog = PdfPreviewDialog(
        result,
        title=doc.report.effective_title,
        export=export_action.trigger,
        parent=window,
    )
    try:
        window.prompts.run(dialog)
    finally:
        dialog.deleteLater()
    return result.data is not None
