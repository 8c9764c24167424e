"""The main window: report list, the open report's tabs, problems dock, autosave."""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPalette,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import paths
from ..model import template as T
from ..model.exchange import ExchangeError, load_report, save_report
from ..model.report import Report
from .dialogs import (
    AboutDialog,
    ListPickDialog,
    ManualDialog,
    NewReportDialog,
    NotesDialog,
    PasteTextDialog,
    Prompts,
    YuanToWanDialog,
    fmt_time,
)
from .document import SEVERITY_ORDER, ReportDocument, summarize
from .editors import BasicInfoEditor, SectionEditor, TableTab, UndoKeysToWindow, select_phrase
from .problems import ProblemsPanel, severity_icon
from .report_list import ID_ROLE, ReportListPanel
from .settings import app_settings

log = logging.getLogger(__name__)

APP_TITLE = "政府信息公开工作年度报告编辑器"
AUTOSAVE_MS = 1500
SMALL_SCREEN = (1600, 960)  # below this the first start is maximized
PROBLEMS_DOCK_HEIGHT = 120
NO_REPORT_HINT = "打开或新建一份报告后，这里会列出它的问题（勾稽关系、空白单元格、缺少的内容）。"
IMPORT_FILTER = "报告文件 (*.json *.txt *.docx *.pdf *.html *.htm);;所有文件 (*)"


def sample_report_path() -> Path:
    return paths.resource_path("samples", "weishi-2023.json")


def user_manual_path() -> Path:
    return paths.resources_dir().parent / "docs" / "用户手册.md"


def new_report(organ: str, kind: str, year: int | None) -> Report:
    """A blank report whose 总体情况 starts with the official sub-headings."""
    r = Report(year=year, organ=organ, kind=kind)
    heads = list(T.OVERVIEW_SUBHEADINGS)
    if kind == "government":
        heads.append(f"（{'一二三四五六'[len(heads)]}）{T.GOVERNMENT_OVERVIEW_TOPIC}")
    r.sections["overview"] = "\n".join(heads)
    return r


def _set_text_colour(label: QLabel, colour: str | None, bold: bool = False) -> None:
    """Colour a status label through its palette: no style sheet, no re-polish per edit."""
    pal = label.palette()
    role = QPalette.ColorRole.WindowText
    want = QColor(colour) if colour else QApplication.palette(label).color(role)
    if pal.color(role) != want:
        pal.setColor(role, want)
        label.setPalette(pal)
    if label.font().bold() != bold:
        f = label.font()
        f.setBold(bold)
        label.setFont(f)


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """Wait cursor while reading or writing a file (a big PDF takes a few seconds)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


class ReportTabs(QTabWidget):
    """QTabWidget whose marker updates do not repaint the page under the tabs.

    QTabWidget.setTabText and every LayoutRequest (any label in a page changing its text)
    re-lay out the widget and update() all of it, so one edit in 表三 redrew the whole grid.
    Tab texts go to the tab bar directly, and a LayoutRequest that leaves the tab bar's
    height as it is only adjusts the tab bar's width.
    """

    def setTabText(self, index: int, text: str) -> None:  # type: ignore[override]
        self.tabBar().setTabText(index, text)

    def setTabIcon(self, index: int, icon: QIcon) -> None:  # type: ignore[override]
        self.tabBar().setTabIcon(index, icon)

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.LayoutRequest and self.isVisible():
            bar = self.tabBar()
            hint = bar.sizeHint()
            if bar.isVisible() and hint.height() == bar.height():
                width = min(hint.width(), self.width() - bar.x())
                if width != bar.width():
                    bar.resize(width, bar.height())
                return True
        return super().event(ev)


def _message(exc: BaseException) -> str:
    return str(getattr(exc, "message", None) or exc)


class MainWindow(QMainWindow):
    """One window over one store."""

    def __init__(
        self,
        store: Any,
        *,
        data_dir: Path | str | None = None,
        sample_path: Path | None = None,
        settings: QSettings | None = None,
        restore_session: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.data_dir = str(data_dir or "")
        self.sample_path = sample_path if sample_path is not None else sample_report_path()
        self.settings = settings or app_settings()
        self.prompts = Prompts(self, self.settings)
        self.doc: ReportDocument | None = None
        self.report_id: str | None = None
        self.is_sample = False
        self.save_error: str | None = None
        self._shown_error: str | None = None
        self._undo_filter = UndoKeysToWindow(self)
        self.undo_group = QUndoGroup(self)
        self.section_tabs: dict[str, QWidget] = {}
        self.tabs: QTabWidget | None = None

        self.setObjectName("main_window")
        self.setWindowTitle(APP_TITLE)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(min(1280, int(screen.width() * 0.92)), min(860, int(screen.height() * 0.9)))
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_now)

        self._build_actions()
        self._build_ui()
        self._build_menus()
        self.refresh_list()
        self._update_actions()
        self._update_title()

        geo = self.settings.value("window/geometry")
        self.first_start = geo is None
        if geo is not None:
            self.restoreGeometry(geo)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        if restore_session:
            self.restore_last_report()
        messages = list(getattr(store, "recovery_messages", []) or [])
        if messages:
            QTimer.singleShot(0, lambda: self._show_recovery(messages))

    def show_initial(self) -> None:
        """First start on a laptop-sized screen (1366×768): maximized, so 表三 has room."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if (
            self.first_start
            and screen is not None
            and (screen.width() < SMALL_SCREEN[0] or screen.height() < SMALL_SCREEN[1])
        ):
            self.showMaximized()
        else:
            self.show()

    # ------------------------------------------------------------------ building

    def _act(self, name: str, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        a = QAction(text, self)
        a.setObjectName(name)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        self.actions_by_name[name] = a
        return a

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        A = self._act
        A("new", "新建报告", self.new_report, QKeySequence.StandardKey.New, "新建一份空白年度报告")
        A(
            "new_from_previous",
            "从上一年报告新建",
            self.new_from_previous,
            None,
            "以所选报告为上一年度，新建下一年度的报告（结转数、机关信息等自动带入）",
        )
        A("duplicate", "复制", self.duplicate_report, None, "复制所选报告")
        A("delete", "删除", self.delete_report, None, "把所选报告移到回收站")
        A("trash", "回收站…", self.show_trash, None, "查看、恢复已删除的报告")
        A(
            "import",
            "导入已有报告…",
            self.import_report,
            QKeySequence.StandardKey.Open,
            "导入交换文件（.json）或已发布的报告（.txt .docx .pdf .html）",
        )
        A(
            "paste_import",
            "粘贴文本导入…",
            self.import_pasted_text,
            None,
            "把从网页上复制的报告全文粘贴进来，读出各章节和表格数字",
        )
        A(
            "export_json",
            "导出JSON…",
            self.export_json,
            None,
            "把当前报告写成交换文件，发给其他单位",
        )
        A("export_pdf", "导出PDF…", self.export_pdf, "Ctrl+P", "导出公文格式的 PDF")
        A("preview_pdf", "预览PDF", self.preview_pdf, "Ctrl+Shift+P", "预览将要导出的 PDF")
        A("sample", "打开示例报告", self.open_sample, None, "打开一份已发布的报告作为示例（只读）")
        A("save", "立即保存", self.save_now, QKeySequence.StandardKey.Save, "立即保存到草稿库")
        A("save_version", "保存版本…", self.save_version, None, "给当前内容起个名字，以后可以恢复")
        A("history", "历史版本…", self.show_history, None, "查看并恢复以前保存的版本")
        A(
            "copy_sample",
            "用示例新建我的报告",
            self.copy_sample_to_store,
            None,
            "把示例报告复制一份到草稿库，在此基础上修改",
        )
        A("close_report", "关闭报告", self.close_report, QKeySequence.StandardKey.Close)
        A("quit", "退出", self.close, QKeySequence.StandardKey.Quit)
        A("about", "关于…", self.show_about)
        A("manual", "用户手册", self.open_manual, QKeySequence.StandardKey.HelpContents)
        self.undo_action = self.undo_group.createUndoAction(self, "撤销")
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = self.undo_group.createRedoAction(self, "重做")
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.actions_by_name["undo"] = self.undo_action
        self.actions_by_name["redo"] = self.redo_action
        sample_ok = self.sample_path.is_file()
        self.actions_by_name["sample"].setEnabled(sample_ok)
        if not sample_ok:
            self.actions_by_name["sample"].setToolTip("示例报告文件缺失")

    def action(self, name: str) -> QAction:
        return self.actions_by_name[name]

    def _build_ui(self) -> None:
        a = self.actions_by_name
        self.list_panel = ReportListPanel(
            [
                a["new"],
                a["new_from_previous"],
                a["duplicate"],
                a["delete"],
                a["import"],
                a["sample"],
            ]
        )
        self.list_panel.tree.itemClicked.connect(self._list_clicked)
        self.list_panel.tree.itemActivated.connect(self._list_clicked)

        self.stack = QStackedWidget()
        self.start_page = self._build_start_page()
        self.stack.addWidget(self.start_page)
        self.editor_page = QWidget()
        ed = QVBoxLayout(self.editor_page)
        ed.setContentsMargins(0, 0, 0, 0)
        self.banner = QWidget()
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet(
            "#banner { background:#fff4cf; border-bottom:1px solid #e0c97a; }"
        )
        bl = QHBoxLayout(self.banner)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        bl.addWidget(self.banner_label, 1)
        self.banner_button = QPushButton()
        self.banner_button.hide()
        bl.addWidget(self.banner_button)
        self._banner_slot: Any = None
        self.banner_button.clicked.connect(lambda: self._banner_slot and self._banner_slot())
        self.banner.hide()
        self.tab_holder = QVBoxLayout()
        ed.addLayout(self.tab_holder, 1)
        self.stack.addWidget(self.editor_page)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(self.banner)
        rl.addWidget(self.stack, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list_panel)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 980])
        self.splitter = split
        self.setCentralWidget(split)

        self.problems_panel = ProblemsPanel()
        self.problems_panel.problem_activated.connect(self.go_to_problem)
        self.problems_dock = QDockWidget("问题列表", self)
        self.problems_dock.setObjectName("problems_dock")
        self.problems_dock.setWidget(self.problems_panel)
        self.problems_dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [PROBLEMS_DOCK_HEIGHT], Qt.Orientation.Vertical)
        self.problems_panel.set_placeholder(NO_REPORT_HINT)

        sb = self.statusBar()
        self.check_label = QLabel()
        self.check_label.setObjectName("check_label")
        self.save_label = QLabel()
        self.save_label.setObjectName("save_label")
        sb.addPermanentWidget(self.check_label)
        sb.addPermanentWidget(self.save_label)

        if getattr(self.store, "read_only", False):
            self._show_store_read_only()

    def _store_read_only_text(self) -> str:
        who = getattr(self.store, "locked_by", None)
        if not who and getattr(self.store, "read_only_reason", None):
            return f"{self.store.read_only_reason}本窗口只能查看，不能修改。"
        who_text = f"（{who}）" if who else ""
        return (
            f"草稿库正在被另一个窗口使用{who_text}。为避免冲突，本窗口只能查看，不能修改；"
            "请到正在使用的窗口中编辑，或关闭那个窗口后点“重新尝试编辑”。"
        )

    def _show_store_read_only(self) -> None:
        can_retry = hasattr(self.store, "try_take_lock") and getattr(self.store, "locked_by", None)
        self._show_banner(
            self._store_read_only_text(),
            "重新尝试编辑" if can_retry else None,
            self.retry_write_lock if can_retry else None,
        )

    def retry_write_lock(self) -> bool:
        """The other window may be closed by now: take over the store and edit."""
        if not self.store.try_take_lock():
            self.prompts.info("仍然只读", "草稿库仍在被另一个窗口使用，请先关闭那个窗口。")
            return False
        rid = self.report_id
        tab = self.tabs.currentIndex() if self.tabs is not None else 0
        self.close_report()
        self.banner.hide()
        self.refresh_list()
        self._update_actions()
        if rid and self.open_report(rid) and self.tabs is not None:
            self.tabs.setCurrentIndex(tab)
        self.show_status("现在可以编辑了。")
        return True

    def _build_start_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        title = QLabel(f"<h2>{APP_TITLE}</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        intro = QLabel(
            "按国务院办公厅2021年统一格式编写政府信息公开工作年度报告：表格自动合计、"
            "勾稽关系随填随查、自动保存，可导出公文格式的 PDF。"
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(intro)
        for name in ("new", "new_from_previous", "import", "sample"):
            b = QToolButton()
            b.setDefaultAction(self.actions_by_name[name])
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setMinimumWidth(260)
            b.setMinimumHeight(36)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(b)
            row.addStretch(1)
            lay.addLayout(row)
        lay.addStretch(2)
        return page

    def _build_menus(self) -> None:
        a = self.actions_by_name
        mb = self.menuBar()
        m = mb.addMenu("文件(&F)")
        for n in (
            "new",
            "new_from_previous",
            "import",
            "paste_import",
            None,
            "save",
            "save_version",
            "history",
            None,
            "preview_pdf",
            "export_pdf",
            "export_json",
            None,
            "sample",
            "close_report",
            None,
            "quit",
        ):
            m.addSeparator() if n is None else m.addAction(a[n])
        m = mb.addMenu("编辑(&E)")
        m.addAction(self.undo_action)
        m.addAction(self.redo_action)
        m = mb.addMenu("报告(&R)")
        for n in ("duplicate", "delete", "trash"):
            m.addAction(a[n])
        m.addSeparator()
        m.addAction(a["preview_pdf"])
        m = mb.addMenu("视图(&V)")
        m.addAction(self.problems_dock.toggleViewAction())
        self.problems_dock.toggleViewAction().setText("问题列表")
        m = mb.addMenu("帮助(&H)")
        m.addAction(a["manual"])
        m.addAction(a["about"])
        tb = self.addToolBar("常用")
        tb.setObjectName("main_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for n in (
            "new",
            "import",
            "save_version",
            "history",
            "preview_pdf",
            "export_pdf",
            "export_json",
        ):
            tb.addAction(a[n])
        tb.addSeparator()
        # toolbar buttons keep a short fixed text; the menu shows what will be undone
        for name, text, target in (
            ("tb_undo", "撤销", self.undo_action),
            ("tb_redo", "重做", self.redo_action),
        ):
            short = QAction(text, self)
            short.setObjectName(name)
            short.setEnabled(target.isEnabled())
            short.triggered.connect(target.trigger)
            target.changed.connect(
                lambda s=short, t=target: (s.setEnabled(t.isEnabled()), s.setToolTip(t.text()))
            )
            tb.addAction(short)

    # ------------------------------------------------------------------ state display

    @property
    def read_only(self) -> bool:
        return self.doc is None or self.doc.read_only

    def is_saved(self) -> bool:
        if self.doc is None or self.doc.read_only:
            return True
        return self.save_error is None and self.doc.undo_stack.isClean()

    def _update_title(self) -> None:
        if self.doc is None:
            self.setWindowTitle(APP_TITLE)
            self.save_label.setText("")
            self.check_label.setText("")
            return
        r = self.doc.report
        organ = r.organ or "（未填机关）"
        year = f"{r.year}年度" if r.year is not None else "（未填年度）"
        if self.is_sample:
            state = "示例（只读）"
        elif self.doc.read_only:
            state = "只读"
        elif self.save_error:
            state = "保存失败"
        elif self.is_saved():
            state = "已保存"
        else:
            state = "未保存"
        self.setWindowTitle(f"{organ} · {year} · {state}")
        if self.save_error:
            self.save_label.setText(f"保存失败：{self.save_error}")
            _set_text_colour(self.save_label, "#b00020", True)
        else:
            self.save_label.setText(state if state != "已保存" else "已保存到草稿库")
            _set_text_colour(self.save_label, "#9a6700" if state == "未保存" else None)

    def _update_actions(self) -> None:
        has_doc = self.doc is not None
        store_rw = not getattr(self.store, "read_only", False)
        in_store = has_doc and not self.is_sample and self.report_id is not None
        a = self.actions_by_name
        for n in ("new", "import", "trash"):
            a[n].setEnabled(store_rw)
        sel = self.list_panel.selected_id() or (self.report_id if in_store else None)
        a["new_from_previous"].setEnabled(store_rw)
        for n in ("duplicate", "delete"):
            a[n].setEnabled(store_rw and sel is not None)
        for n in ("export_json", "export_pdf", "preview_pdf", "close_report"):
            a[n].setEnabled(has_doc)
        for n in ("save", "save_version", "history"):
            a[n].setEnabled(in_store and store_rw and not self.read_only)
        a["copy_sample"].setEnabled(self.is_sample and store_rw)

    def _show_banner(self, text: str, button: str | None = None, slot: Any = None) -> None:
        self._banner_slot = slot
        self.banner_label.setText(text)
        self.banner_button.setVisible(button is not None)
        if button:
            self.banner_button.setText(button)
        self.banner.show()

    def show_status(self, message: str, ms: int = 8000) -> None:
        self.statusBar().showMessage(message, ms)

    # ------------------------------------------------------------------ report list

    def refresh_list(self) -> None:
        try:
            infos = list(self.store.list_reports())
        except Exception as exc:
            log.exception("list_reports failed")
            self.prompts.error("读取草稿库失败", _message(exc))
            infos = []
        self.list_panel.fill(infos, self.report_id)

    def _list_clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        rid = item.data(0, ID_ROLE)
        if rid and rid != self.report_id:
            self.open_report(rid)
        self._update_actions()

    def _selected_or_open(self) -> str | None:
        return self.list_panel.selected_id() or (None if self.is_sample else self.report_id)

    # ------------------------------------------------------------------ opening

    def open_report(self, report_id: str) -> bool:
        if not self.close_report():
            return False
        try:
            report = self.store.load(report_id)
        except Exception as exc:
            self.prompts.error("打开报告失败", _message(exc))
            return False
        previous = None
        try:
            previous = self.store.previous_year(report_id)
        except Exception:
            log.exception("previous_year failed")
        read_only = bool(getattr(self.store, "read_only", False)) or report.template != "2021"
        self._install(ReportDocument(report, previous=previous, read_only=read_only, parent=self))
        self.report_id = report_id
        self.is_sample = False
        if getattr(self.store, "read_only", False):
            self._show_store_read_only()
        elif report.template != "2021":
            label = T.TEMPLATE_LABELS.get(report.template, report.template)
            self._show_banner(
                f"这份报告使用{label}格式，只能查看；"
                f"本程序只编辑{T.TEMPLATE_LABELS['2021']}格式的报告。"
            )
        fixed = self.doc.fix_totals() if self.doc is not None else []
        if fixed:
            labels = "、".join(T.CELL_BY_ID[c].label for c in fixed[:3])
            more = f"等 {len(fixed)} 个" if len(fixed) > 3 else ""
            self._show_banner(
                f"这份报告里有总计与分项之和不符（{labels}{more}），已按分项重新计算。"
                "要看原来的数字，可以“撤销”这一步。"
            )
        self.settings.setValue("session/data_dir", self.data_dir)
        self.settings.setValue("session/last_report", report_id)
        self.refresh_list()
        self._update_actions()
        return True

    def open_sample(self) -> bool:
        if not self.sample_path.is_file():
            self.prompts.error("打开示例报告", "示例报告文件缺失。")
            return False
        try:
            report = load_report(self.sample_path)
        except ExchangeError as exc:
            self.prompts.error("打开示例报告", str(exc))
            return False
        if not self.close_report():
            return False
        self.is_sample = True
        self.report_id = None
        self._install(ReportDocument(report, read_only=True, parent=self))
        self._show_banner(
            "这是一份已发布的示例报告，只能查看。可以参考它的写法，或用它新建一份自己的报告。",
            "用示例新建我的报告",
            self.copy_sample_to_store,
        )
        self.refresh_list()
        self._update_actions()
        return True

    def _install(self, doc: ReportDocument) -> None:
        self.doc = doc
        self.save_error = None
        self._shown_error = None
        self.undo_group.addStack(doc.undo_stack)
        self.undo_group.setActiveStack(doc.undo_stack)
        doc.undo_stack.cleanChanged.connect(lambda _c: self._update_title())
        doc.changed.connect(self._on_changed)
        doc.problems_changed.connect(self._on_problems)
        doc.field_changed.connect(self._on_field)
        self.banner.hide()
        self.tabs = self._build_tabs(doc)
        self.tab_holder.addWidget(self.tabs)
        self.stack.setCurrentWidget(self.editor_page)
        self._on_problems()
        self._update_title()

    def _build_tabs(self, doc: ReportDocument) -> QTabWidget:
        tabs = ReportTabs()
        tabs.setObjectName("report_tabs")
        self._tab_marks: dict[int, str | None] = {}
        self.section_tabs = {}
        self.basic = BasicInfoEditor(doc, self._undo_filter)
        self.basic.status_message.connect(self.show_status)
        tabs.addTab(self.basic, "基本信息")
        tabs.setTabToolTip(0, "发布机关、年度、标题、前言、署名")
        for sec in T.SECTIONS:
            if sec.table:
                w: QWidget = TableTab(doc, sec, self._undo_filter)
                w.status_message.connect(self.show_status)
                if sec.table == "t2":
                    w.fee_helper_requested.connect(self.fee_helper)
            else:
                w = SectionEditor(doc, sec, self._undo_filter)
            self.section_tabs[sec.key] = w
            i = tabs.addTab(w, self._tab_base(sec))
            tabs.setTabToolTip(i, sec.heading)
        return tabs

    @staticmethod
    def _tab_base(sec: T.Section) -> str:
        return f"{sec.number}、{sec.short}"

    def table_tab(self, table: str) -> TableTab:
        for sec in T.SECTIONS:
            if sec.table == table:
                w = self.section_tabs[sec.key]
                assert isinstance(w, TableTab)
                return w
        raise KeyError(table)

    def close_report(self) -> bool:
        """Save and close the open report; False if the user keeps it open."""
        if self.doc is None:
            return True
        self.commit_editors()
        if not self.save_now() and not self.prompts.confirm(
            "保存失败", f"报告没能保存：{self.save_error}\n仍然关闭它吗？未保存的修改会丢失。"
        ):
            return False
        self._autosave.stop()
        doc = self.doc
        self.undo_group.removeStack(doc.undo_stack)
        if self.tabs is not None:
            self.tab_holder.removeWidget(self.tabs)
            self.tabs.hide()
            self.tabs.setParent(None)
            self.tabs.deleteLater()
            self.tabs = None
        self.section_tabs = {}
        self.doc = None
        doc.deleteLater()
        self.report_id = None
        self.is_sample = False
        self.save_error = None
        self.banner.hide()
        if getattr(self.store, "read_only", False):
            self._show_store_read_only()
        self.stack.setCurrentWidget(self.start_page)
        self.problems_panel.set_placeholder(NO_REPORT_HINT)
        self._update_title()
        self._update_actions()
        return True

    def restore_last_report(self) -> bool:
        rid = self.settings.value("session/last_report")
        if not rid or self.settings.value("session/data_dir") != self.data_dir:
            return False
        try:
            known = {i.id for i in self.store.list_reports()}
        except Exception:
            return False
        return rid in known and self.open_report(rid)

    # ------------------------------------------------------------------ live state

    def _on_changed(self) -> None:
        self._autosave.start()
        self._update_title()

    def _on_field(self, field: str) -> None:
        if field in ("organ", "year"):
            self._update_title()

    def _on_problems(self) -> None:
        doc = self.doc
        if doc is None:
            return
        self.problems_panel.set_problems(doc.problems)
        text = doc.check_error or summarize(doc.problems)
        self.check_label.setText(text)
        has_error = any(p.severity == "error" for p in doc.problems)
        _set_text_colour(self.check_label, "#b00020" if has_error else "#1e6b34", has_error)
        self.problems_dock.setWindowTitle(
            f"问题列表（{len(doc.problems)}）" if doc.problems else "问题列表"
        )
        self._update_tab_markers()

    def problem_tab_index(self, problem: Any) -> int:
        if problem.cells:
            table = problem.cells[0].split(".", 1)[0]
            for i, sec in enumerate(T.SECTIONS):
                if sec.table == table:
                    return i + 1
        if problem.section in T.SECTION_KEYS:
            return T.SECTION_KEYS.index(problem.section) + 1
        return 0

    def _update_tab_markers(self) -> None:
        if self.tabs is None or self.doc is None:
            return
        per_tab: dict[int, list[Any]] = {}
        for p in self.doc.problems:
            per_tab.setdefault(self.problem_tab_index(p), []).append(p)
        for i in range(self.tabs.count()):
            base = "基本信息" if i == 0 else self._tab_base(T.SECTIONS[i - 1])
            probs = per_tab.get(i, [])
            worst = None
            if probs:
                worst = min((p.severity for p in probs), key=lambda s: SEVERITY_ORDER.get(s, 9))
            text = f"{base}（{len(probs)}）" if probs else base
            if self.tabs.tabText(i) != text or self._tab_marks.get(i) != worst:
                self._tab_marks[i] = worst
                self.tabs.setTabText(i, text)
                self.tabs.setTabIcon(i, severity_icon(worst) if worst else QIcon())

    def go_to_problem(self, problem: Any) -> None:
        if self.tabs is None:
            return
        i = self.problem_tab_index(problem)
        self.tabs.setCurrentIndex(i)
        if problem.cells and i > 0:
            sec = T.SECTIONS[i - 1]
            tab = self.section_tabs[sec.key]
            assert isinstance(tab, TableTab)
            tab.view.select_cells([c for c in problem.cells if c.startswith(f"{sec.table}.")])
        elif i > 0:
            w = self.section_tabs[T.SECTIONS[i - 1].key]
            editor = w.note.editor if isinstance(w, TableTab) else w.editor  # type: ignore[attr-defined]
            editor.setFocus()
            select_phrase(editor, problem.message)
        else:
            self.basic.organ.setFocus()

    # ------------------------------------------------------------------ saving

    def commit_editors(self) -> None:
        for w in self.section_tabs.values():
            if isinstance(w, TableTab):
                w.view.commit_open_editor()

    def save_now(self) -> bool:
        """Write the open report to the store now; a failure is shown, never swallowed."""
        self._autosave.stop()
        doc = self.doc
        if doc is None or doc.read_only or self.report_id is None:
            return True
        if doc.undo_stack.isClean() and self.save_error is None:
            return True
        try:
            self.store.save(self.report_id, doc.report)
        except Exception as exc:
            log.exception("save failed")
            self.save_error = _message(exc)
            self._update_title()
            if self._shown_error != self.save_error:
                self._shown_error = self.save_error
                self.prompts.error(
                    "保存失败",
                    f"报告没能保存到草稿库：\n{self.save_error}\n\n"
                    "修改还在窗口里。程序会在下次修改时再试；也可以先“导出JSON…”另存一份。",
                )
            return False
        self.save_error = None
        self._shown_error = None
        doc.undo_stack.setClean()
        self._update_title()
        self.show_status("已自动保存。", 3000)
        self.refresh_list()
        return True

    # ------------------------------------------------------------------ list actions

    def new_report(self) -> bool:
        dlg = NewReportDialog(self)
        if not self.prompts.run(dlg):
            return False
        organ, kind, year = dlg.values()
        return self._create_and_open(new_report(organ, kind, year))

    def _create_and_open(self, report: Report) -> bool:
        try:
            rid = self.store.create(report)
        except Exception as exc:
            self.prompts.error("新建报告失败", _message(exc))
            return False
        self.refresh_list()
        return self.open_report(rid)

    def new_from_previous(self) -> bool:
        rid = self._selected_or_open()
        if rid is None:
            self.prompts.info(
                "从上一年报告新建",
                "请先在左边的列表里选中上一年度的报告；列表里没有的话，先用“导入已有报告…”导入它。",
            )
            return False
        self.commit_editors()
        if not self.save_now():  # last year's report must be read as the clerk sees it
            return False
        try:
            new_id = self.store.new_from_previous(rid)
        except Exception as exc:
            self.prompts.error("从上一年报告新建", _message(exc))
            return False
        self.refresh_list()
        return self.open_report(new_id)

    def duplicate_report(self) -> bool:
        rid = self._selected_or_open()
        if rid is None:
            return False
        self.commit_editors()
        if not self.save_now():  # the copy must hold what the window shows
            return False
        try:
            new_id = self.store.duplicate(rid)
        except Exception as exc:
            self.prompts.error("复制报告失败", _message(exc))
            return False
        self.refresh_list()
        return self.open_report(new_id)

    def delete_report(self) -> bool:
        rid = self._selected_or_open()
        if rid is None:
            return False
        item = self.list_panel.tree.currentItem()
        name = item.text(0) + item.text(1) + "年度" if item else "这份报告"
        if not self.prompts.confirm(
            "删除报告", f"把“{name}”移到回收站吗？以后可以从回收站恢复。", yes="移到回收站"
        ):
            return False
        if rid == self.report_id and not self.close_report():
            return False
        try:
            self.store.delete(rid)
        except Exception as exc:
            self.prompts.error("删除失败", _message(exc))
            return False
        self.refresh_list()
        self._update_actions()
        self.show_status("已移到回收站。")
        return True

    def show_trash(self) -> None:
        try:
            items = list(self.store.trash())
        except Exception as exc:
            self.prompts.error("回收站", _message(exc))
            return
        rows = [(f"{i.organ} · {i.year}年度　（{fmt_time(i.saved_at)}）", i.id) for i in items]
        dlg = ListPickDialog("回收站", "已删除的报告：", rows, ["恢复", "清空回收站"], self)
        if not self.prompts.run(dlg):
            return
        try:
            if dlg.chosen_action == "恢复" and dlg.chosen() is not None:
                self.store.restore_from_trash(dlg.chosen())
                self.show_status("已恢复。")
            elif dlg.chosen_action == "清空回收站" and self.prompts.confirm(
                "清空回收站", "回收站里的报告会被永久删除，不能恢复。确定吗？"
            ):
                self.store.empty_trash()
                self.show_status("回收站已清空。")
        except Exception as exc:
            self.prompts.error("回收站", _message(exc))
        self.refresh_list()

    def import_report(self) -> bool:
        path = self.prompts.open_file("导入已有报告", IMPORT_FILTER)
        if not path:
            return False
        notes: list[Any] = []
        try:
            with busy():
                if path.lower().endswith(".json"):
                    report = load_report(path)
                else:
                    from ..importers import import_file

                    result = import_file(path)
                    report, notes = result.report, list(result.notes)
        except Exception as exc:
            self.prompts.error("导入失败", _message(exc))
            return False
        return self._adopt_import(report, notes, f"“{Path(path).name}”")

    def import_pasted_text(self) -> bool:
        """Text copied from a published web page, pasted into a dialog (issue 7)."""
        dialog = PasteTextDialog(self)
        if not self.prompts.run(dialog):
            return False
        from ..importers import import_text, nothing_found

        try:
            with busy():
                result = import_text(dialog.text())
        except Exception as exc:
            self.prompts.error("导入失败", _message(exc))
            return False
        if nothing_found(result):
            self.prompts.error(
                "导入失败",
                "粘贴的文字里没有找到年度报告的内容（标题、机关、年度、章节标题或表格）。",
            )
            return False
        return self._adopt_import(result.report, list(result.notes), "粘贴的文字")

    def _adopt_import(self, report: Report, notes: list[Any], source: str) -> bool:
        """Put an imported report into the store (asking before replacing) and open it."""
        # what is typed in the open report is saved first: closing it after the import
        # must not write the old text over the imported one
        self.commit_editors()
        if not self.save_now():
            return False
        existing = self._find_existing(report)
        replace = True
        if existing is not None:
            answer = self.prompts.choose(
                "导入报告",
                f"草稿库里已经有“{report.organ} · {report.year}年度”的报告。\n"
                "替换它的话，替换前的内容会自动保存为一个历史版本（可在“历史版本…”中恢复）；"
                "也可以把导入的内容另存为一份新报告。",
                ["替换已有报告", "另存为新报告"],
            )
            if answer is None:
                return False
            replace = answer == 0
        try:
            if replace:
                if existing is not None and existing == self.report_id and not self.close_report():
                    return False
                rid, created = self.store.import_report(report)
            else:
                rid, created = self.store.create(report), True
        except Exception as exc:
            self.prompts.error("导入失败", _message(exc))
            return False
        self.refresh_list()
        self.open_report(rid)
        what = "新建了" if created else "替换了已有的"
        intro = f"已从{source}{what}报告：{report.organ} · {report.year}年度。"
        if notes:
            intro += "\n下面这些地方程序没能确定，请逐项核对："
        lines = [getattr(n, "message", str(n)) for n in notes]
        self.prompts.run(NotesDialog("导入结果", intro, lines, self))
        return True

    def _find_existing(self, report: Report) -> str | None:
        find = getattr(self.store, "find", None)
        if find is None or not report.organ:
            return None
        try:
            return find(report.organ, report.year)
        except Exception:
            log.exception("find failed")
            return None

    def export_json(self) -> bool:
        if self.doc is None:
            return False
        self.commit_editors()  # a value still in a cell editor belongs to the export
        r = self.doc.report
        suggested = f"{r.organ}{r.year or ''}年度报告.json"
        path = self.prompts.save_file("导出JSON", suggested, "交换文件 (*.json)")
        if not path:
            return False
        try:
            save_report(r, path)
        except Exception as exc:
            self.prompts.error("导出失败", _message(exc))
            return False
        self.show_status(f"已导出：{path}")
        return True

    def export_pdf(self) -> bool:
        doc = self.doc
        if doc is None:
            return False
        self.commit_editors()  # a value still in a cell editor belongs to the export
        doc.flush_checks()
        errors = [p for p in doc.problems if p.severity == "error"]
        if errors and not self.prompts.confirm(
            "报告还有错误",
            f"报告还有 {len(errors)} 个错误（例如：{errors[0].message}）。\n"
            "仍然导出的话，PDF 每一页都会标注“未通过校验”。要继续导出吗？",
            yes="仍然导出",
            no="先去改正",
        ):
            return False
        path = self.prompts.save_file(
            "导出PDF", f"{doc.report.effective_title}.pdf", "PDF 文件 (*.pdf)"
        )
        if not path:
            return False
        try:
            from ..export.pdf import export_pdf

            with busy():
                export_pdf(doc.report, path, allow_errors=bool(errors), previous=doc.previous)
        except Exception as exc:
            log.exception("export_pdf failed")
            self.prompts.error("导出PDF失败", _message(exc))
            return False
        if self.prompts.confirm(
            "导出完成", f"PDF 已导出到：\n{path}\n\n现在打开它吗？", yes="打开PDF", no="不用了"
        ):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return True

    def preview_pdf(self) -> bool:
        from .preview import open_preview

        return open_preview(self)

    def save_version(self) -> bool:
        if self.doc is None or self.report_id is None or self.read_only:
            return False
        default = _dt.datetime.now().strftime("%m月%d日 %H:%M 的版本")
        name = self.prompts.get_text("保存版本", "给这个版本起个名字：", default)
        if not name or not name.strip():
            return False
        self.commit_editors()
        if not self.save_now():
            return False
        try:
            self.store.save_version(self.report_id, name.strip())
        except Exception as exc:
            self.prompts.error("保存版本失败", _message(exc))
            return False
        self.show_status(f"已保存版本“{name.strip()}”。")
        return True

    def show_history(self) -> bool:
        if self.doc is None or self.report_id is None:
            return False
        # restoring replaces the window's content: what is typed must be in the store first
        self.commit_editors()
        if not self.save_now():
            return False
        try:
            versions = list(self.store.versions(self.report_id))
        except Exception as exc:
            self.prompts.error("历史版本", _message(exc))
            return False
        rows = [
            (
                f"{v.name}　{fmt_time(v.created)}{'　（自动）' if getattr(v, 'auto', False) else ''}",
                v.id,
            )
            for v in versions
        ]
        dlg = ListPickDialog(
            "历史版本",
            "选择一个版本恢复（当前内容会先自动保存为一个版本）：",
            rows,
            ["恢复此版本"],
            self,
        )
        if not self.prompts.run(dlg) or dlg.chosen() is None:
            return False
        if not self.prompts.confirm("恢复版本", "用所选版本替换当前内容吗？", yes="恢复此版本"):
            return False
        rid = self.report_id
        try:
            self.store.restore_version(rid, dlg.chosen())
        except Exception as exc:
            self.prompts.error("恢复版本失败", _message(exc))
            return False
        tab = self.tabs.currentIndex() if self.tabs is not None else 0
        self.report_id = None  # force reload
        self.doc.undo_stack.setClean()
        self.close_report()
        if self.open_report(rid) and self.tabs is not None:
            self.tabs.setCurrentIndex(tab)  # the clerk stays where they were
        self.show_status("已恢复所选版本。")
        return True

    def copy_sample_to_store(self) -> bool:
        if not self.is_sample or self.doc is None:
            return False
        return self._create_and_open(self.doc.report.copy())

    def fee_helper(self) -> None:
        if self.doc is None or self.read_only:
            return
        dlg = YuanToWanDialog(self)
        if self.prompts.run(dlg) and dlg.value is not None:
            self.doc.set_cells({T.FEE_CELL: dlg.value}, "元→万元换算")
            self.show_status(f"收费金额已填为 {dlg.value} 万元。")

    def show_about(self) -> None:
        from .. import __version__

        self.prompts.run(AboutDialog(APP_TITLE, __version__, self))

    def open_manual(self) -> bool:
        """docs/用户手册.md beside the resources (source checkout and bundle alike)."""
        path = user_manual_path()
        if not path.is_file():
            self.prompts.error("用户手册", f"找不到用户手册：{path}")
            return False
        # shown by the program itself: an office PC often has no program for .md files
        self.prompts.run(ManualDialog(path, self))
        return True

    def _show_recovery(self, messages: list[str]) -> None:
        self.prompts.run(
            NotesDialog("草稿库已恢复", "打开草稿库时发现并处理了以下情况：", messages, self)
        )

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_editors()
        if (
            self.doc is not None
            and not self.save_now()
            and not self.prompts.confirm(
                "保存失败", f"报告没能保存：{self.save_error}\n仍然退出吗？未保存的修改会丢失。"
            )
        ):
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        event.accept()
