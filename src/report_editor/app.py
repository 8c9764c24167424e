"""QApplication set-up: high DPI, Chinese translations, icon, exception hook, the window."""

from __future__ import annotations

import datetime as _dt
import logging
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from . import __version__, paths
from .fileutil import os_error_reason

log = logging.getLogger(__name__)

ERROR_LOG = ("logs", "error.log")
_hook_busy = False


def error_log_path(data_dir: Path) -> Path:
    return data_dir.joinpath(*ERROR_LOG)


def write_error_log(
    data_dir: Path, exc_type: type[BaseException], exc: BaseException, tb: Any
) -> Path:
    """Append one traceback with a time stamp; returns the log file."""
    path = error_log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    stamp = _dt.datetime.now().isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as f:
        f.write(f"===== {stamp} report-editor {__version__}\n{text}\n")
    return path


def install_excepthook(data_dir: Path, show_dialog: bool = True) -> None:
    """Every uncaught exception (also in Qt slots) is logged and shown in Chinese."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        global _hook_busy
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            path = write_error_log(data_dir, exc_type, exc, tb)
        except OSError:
            path = None
        sys.__excepthook__(exc_type, exc, tb)
        if not show_dialog or _hook_busy:
            return
        _hook_busy = True
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is None:
                return
            where = f"详细信息已记录在：\n{path}" if path else "错误日志无法写入。"
            QMessageBox.critical(
                None,
                "程序出错",
                "很抱歉，程序遇到了一个意外错误。\n"
                f"错误：{exc_type.__name__}: {exc}\n\n{where}\n\n"
                "已输入的内容会自动保存；如果问题反复出现，请把日志文件发给技术支持。",
            )
        finally:
            _hook_busy = False

    sys.excepthook = hook


def install_translators(app: Any) -> list[Any]:
    """Qt's own zh_CN strings (standard buttons and dialogs): bundled copy first, then Qt's."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    candidates = [
        paths.resource_path("translations", "qtbase_zh_CN.qm"),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_zh_CN.qm",
    ]
    for qm in candidates:
        if qm.is_file():
            tr = QTranslator(app)
            if tr.load(str(qm)):
                app.installTranslator(tr)
                installed.append(tr)
                break
    return installed


def app_icon() -> Any:
    from PySide6.QtGui import QIcon

    for name in ("report-editor.svg", "report-editor.ico", "report-editor.png"):
        p = paths.resource_path("icons", name)
        if p.is_file():
            icon = QIcon(str(p))
            if not icon.isNull() and not icon.pixmap(32, 32).isNull():  # SVG plugin may be absent
                return icon
    return QIcon()


def make_application(argv: Sequence[str] | None = None) -> Any:
    """The QApplication, created once, with high-DPI policy set before it exists."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from .gui.qtcompat import pin_singletons
    from .gui.settings import APPLICATION, ORGANIZATION

    pin_singletons()
    existing = QApplication.instance()
    if existing is not None:
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("年度报告编辑器")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    install_translators(app)
    return app


def open_store(folder: Path) -> Any:
    from .storage import Store

    return Store(folder=folder)


def prepare_data_folder(folder: Path) -> str | None:
    """Create the data folder if missing; why it cannot be used (Chinese), or None."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = "路径上已有同名文件，不是文件夹" if os.path.isfile(folder) else os_error_reason(e)
        return f"无法打开草稿库文件夹 {folder}：{reason}。"
    return None


def show_start_error(title: str, message: str) -> None:
    """A start-up failure: a dialog when a QApplication exists, else standard error.

    A windowed Windows build has no standard error (sys.stderr is None): there the
    application is created just to show the dialog, or the clerk would see nothing.
    """
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None and sys.stderr is not None:
        print(message, file=sys.stderr)
        return
    if QApplication.instance() is None:
        make_application(None)
    QMessageBox.critical(None, title, message)


def main(data_dir: str | None = None, argv: Sequence[str] | None = None) -> int:
    """Start the editor window on the store in `data_dir` (or the default data folder)."""
    folder = paths.data_dir(data_dir)
    problem = prepare_data_folder(folder)
    if problem:
        show_start_error("无法打开草稿库", problem)
        return 2
    install_excepthook(folder)
    app = make_application(argv)
    from PySide6.QtWidgets import QMessageBox

    from .gui.window import MainWindow

    try:
        store = open_store(folder)
    except Exception as exc:
        write_error_log(folder, type(exc), exc, exc.__traceback__)
        QMessageBox.critical(
            None, "无法打开草稿库", f"草稿库“{folder}”无法打开：\n{getattr(exc, 'message', exc)}"
        )
        return 2
    try:
        window = MainWindow(store, data_dir=folder)
        window.show_initial()
        if os.environ.get("REPORT_EDITOR_QUIT_AFTER_SHOW"):  # start-up benchmark / smoke test
            from PySide6.QtCore import QTimer

            def shown() -> None:
                opened = int(window.doc is not None)
                print(f"report-editor shown {time.time():.6f} open={opened}", file=sys.stderr)
                window.close()

            QTimer.singleShot(0, shown)
        return int(app.exec())
    finally:
        store.close()
