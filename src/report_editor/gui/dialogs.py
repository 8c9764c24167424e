"""Dialogs of the editor window, and `Prompts`: every modal question in one replaceable place."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..model import template as T
from ..model.report import ValueProblem, yuan_to_wan

ITEM_ROLE = Qt.ItemDataRole.UserRole + 20


def fmt_time(value: Any) -> str:
    """A stored timestamp (datetime, ISO string or epoch seconds) for display."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        value = _dt.datetime.fromtimestamp(value)
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


LAST_DIR_KEY = "paths/last_dir"


def default_folder() -> str:
    """The clerk's documents folder (never the program's own folder)."""
    for loc in (
        QStandardPaths.StandardLocation.DocumentsLocation,
        QStandardPaths.StandardLocation.HomeLocation,
    ):
        folder = QStandardPaths.writableLocation(loc)
        if folder and Path(folder).is_dir():
            return folder
    return QDir.homePath()


class Prompts:
    """The window's modal questions; tests replace these methods instead of clicking.

    File dialogs start in the folder used last (kept in `settings`), else in 文档.
    """

    def __init__(self, parent: QWidget, settings: Any = None) -> None:
        self.parent = parent
        self.settings = settings

    def confirm(self, title: str, text: str, yes: str = "确定", no: str = "取消") -> bool:
        """A yes/no question; the buttons say what they do (“打开PDF”, not just 确定)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes_button

    def choose(self, title: str, text: str, options: list[str]) -> int | None:
        """Several answers and 取消: the index of the chosen one, None for 取消."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return buttons.index(clicked) if clicked in buttons else None

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

    def get_text(self, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(
            self.parent, title, label, QLineEdit.EchoMode.Normal, default
        )
        return text if ok else None

    def start_folder(self) -> str:
        last = self.settings.value(LAST_DIR_KEY) if self.settings is not None else None
        if last and Path(str(last)).is_dir():
            return str(last)
        return default_folder()

    def _remember(self, path: str) -> None:
        if path and self.settings is not None:
            self.settings.setValue(LAST_DIR_KEY, str(Path(path).parent))

    def open_file(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, self.start_folder(), filters)
        self._remember(path)
        return path or None

    def save_file(self, title: str, suggested: str, filters: str) -> str | None:
        start = str(Path(self.start_folder()) / Path(suggested).name)
        path, _ = QFileDialog.getSaveFileName(self.parent, title, start, filters)
        self._remember(path)
        return path or None

    def run(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted


class NewReportDialog(QDialog):
    """新建报告: organ, kind and year."""

    def __init__(self, parent: QWidget | None = None, organ: str = "", year: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("新建报告")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.organ = QLineEdit(organ)
        self.organ.setPlaceholderText("机关全称，例如 ××县××局")
        # a full organ name such as 尉氏县科学技术和工业信息化局 stays readable
        self.organ.setMinimumWidth(self.organ.fontMetrics().horizontalAdvance("字" * 24))
        form.addRow("发布机关：", self.organ)
        self.kind = QComboBox()
        for key, label in T.ORGAN_KIND_LABELS.items():
            self.kind.addItem(label, key)
        form.addRow("机关类别：", self.kind)
        self.year = QSpinBox()
        self.year.setRange(2008, 2200)
        self.year.setValue(year or _dt.date.today().year - 1)
        self.year.setSuffix(" 年度")
        form.addRow("报告年度：", self.year)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("新建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.organ.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self, *_: Any) -> None:
        ok = bool(self.organ.text().strip())
        self.ok_button.setEnabled(ok)
        self.ok_button.setToolTip("" if ok else "请先填写发布机关")

    def values(self) -> tuple[str, str, int]:
        return self.organ.text().strip(), self.kind.currentData(), self.year.value()


class YuanToWanDialog(QDialog):
    """元→万元: type an amount in 元, get the 万元 value for 行政事业性收费."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("元→万元换算")
        lay = QFormLayout(self)
        self.yuan = QLineEdit()
        self.yuan.setPlaceholderText("例如 184719")
        lay.addRow("金额（元）：", self.yuan)
        self.result = QLabel("—")
        lay.addRow("折合（万元）：", self.result)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("填入表格")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addRow(self.buttons)
        self.yuan.textChanged.connect(self._update)
        self.value: str | None = None
        self._update("")

    def _update(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.value = None
        if not text.strip():
            self.result.setText("—")
        else:
            try:
                self.value = yuan_to_wan(text)
                self.result.setText(self.value)
            except ValueProblem as exc:
                self.result.setText(str(exc))
        ok.setEnabled(self.value is not None)


class PasteTextDialog(QDialog):
    """粘贴文本导入: the whole report as copied from a web page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("粘贴文本导入")
        self.resize(680, 480)
        lay = QVBoxLayout(self)
        label = QLabel(
            "在网页上选中整篇年度报告（从标题到最后一段，连同表格），复制后粘贴到下面。"
            "程序按章节标题和表格的行、列名称读取；读不准的地方会逐项列出，不会猜数。"
        )
        label.setWordWrap(True)
        lay.addWidget(label)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("在这里粘贴（Ctrl+V）")
        lay.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("导入")
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(lambda: self.ok.setEnabled(bool(self.text().strip())))
        lay.addWidget(buttons)

    def text(self) -> str:
        return self.edit.toPlainText()


class NotesDialog(QDialog):
    """A titled list of messages (import notes, recovery messages)."""

    def __init__(self, title: str, intro: str, lines: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(620, 380)
        lay = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        lay.addWidget(label)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for line in lines:
            self.list.addItem(line)
        lay.addWidget(self.list, 1)
        if not lines:  # nothing to check: a short message, not an empty list
            label.setText(f"{intro}\n没有需要核对的地方。")
            self.list.hide()
            self.resize(520, 140)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)


class ListPickDialog(QDialog):
    """A list with action buttons: the version history and the trash use it."""

    def __init__(
        self,
        title: str,
        intro: str,
        items: list[tuple[str, Any]],
        actions: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 380)
        self.chosen_action: str | None = None
        lay = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        lay.addWidget(label)
        self.list = QListWidget()
        for text, data in items:
            it = QListWidgetItem(text)
            it.setData(ITEM_ROLE, data)
            self.list.addItem(it)
        if items:
            self.list.setCurrentRow(0)
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.buttons: dict[str, QPushButton] = {}
        for name in actions:
            b = buttons.addButton(name, QDialogButtonBox.ButtonRole.ActionRole)
            b.setEnabled(bool(items))
            b.clicked.connect(lambda _=False, n=name: self._choose(n))
            self.buttons[name] = b
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        lay.addWidget(buttons)

    def _choose(self, name: str) -> None:
        self.chosen_action = name
        self.accept()

    def chosen(self) -> Any:
        it = self.list.currentItem()
        return it.data(ITEM_ROLE) if it else None


def font_entries(fonts: Path) -> list[tuple[str, Path]]:
    """(label, licence file) for every font file listed in fonts/fonts.json."""
    import json

    try:
        data = json.loads((fonts / "fonts.json").read_text(encoding="utf-8"))
        files = data.get("files") or {}
    except (OSError, ValueError, AttributeError):
        files = {}
    out: list[tuple[str, Path]] = []
    for entry in files.values():
        if not isinstance(entry, dict) or not entry.get("file"):
            continue
        lic = fonts / str(entry.get("license") or "")
        kind = "SIL Open Font License 1.1" if lic.name.startswith("OFL") else lic.stem
        source = f"，源自 {entry['source']}" if entry.get("source") else ""
        label = f"字体：{entry.get('family', entry['file'])}（{entry['file']}{source}）　{kind}"
        out.append((label, lic))
    if not out:  # no index: at least the licence texts that are there
        for f in sorted(fonts.glob("OFL-*.txt")):
            out.append((f"字体：{f.stem.removeprefix('OFL-')}　SIL Open Font License 1.1", f))
    return out


def licence_entries() -> list[tuple[str, Path]]:
    """(label, licence file) for this program, every bundled library and every font."""
    import json

    from .. import paths

    out: list[tuple[str, Path]] = []
    folder = paths.resource_path("LICENSES")
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = []
    for e in index:
        if isinstance(e, dict) and e.get("file"):
            label = f"{e.get('name', e['file'])} {e.get('version', '')}　{e.get('license', '')}"
            out.append((label.strip(), folder / e["file"]))
    fonts = paths.resource_path("fonts")
    if fonts.is_dir():
        out.extend(font_entries(fonts))
    return out


class AboutDialog(QDialog):
    """关于: version, purpose and the licences of everything bundled."""

    def __init__(self, app_title: str, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于")
        self.resize(720, 520)
        lay = QVBoxLayout(self)
        head = QLabel(
            f"<h3>{app_title}</h3>版本 {version}<br>"
            "按国办公开办函〔2021〕30号统一格式编写、校验和导出政府信息公开工作年度报告。"
            "<br>下面是本程序及其使用的软件库、字体的许可证："
        )
        head.setWordWrap(True)
        lay.addWidget(head)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        for label, path in licence_entries():
            it = QListWidgetItem(label)
            it.setData(ITEM_ROLE, str(path))
            self.list.addItem(it)
        self.list.currentItemChanged.connect(self._show)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.text, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        try:
            self.text.setPlainText(Path(item.data(ITEM_ROLE)).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.text.setPlainText(f"许可证文件无法读取：{exc}")


MANUAL_IMAGE_WIDTH = 780


class ManualDialog(QDialog):
    """帮助 → 用户手册, shown inside the program: no .md viewer needed on the office PC."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("用户手册")
        self.resize(860, 640)
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(path.parent)])  # the screenshots beside it
        self.browser.setSource(
            QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource
        )
        self._fit_images(MANUAL_IMAGE_WIDTH)
        lay.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _fit_images(self, width: int) -> None:
        """Screenshots no wider than the page (height follows the aspect ratio)."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                fmt = frag.charFormat()
                if fmt.isImageFormat():
                    img = fmt.toImageFormat()
                    image = doc.resource(QTextDocument.ResourceType.ImageResource, img.name())
                    natural = getattr(image, "width", lambda: 0)()
                    if natural > width:
                        img.setWidth(width)
                        img.setHeight(image.height() * width / natural)
                        cur = QTextCursor(doc)
                        cur.setPosition(frag.position())
                        cur.setPosition(
                            frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cur.setCharFormat(img)
                it += 1
            block = block.next()
