"""The report list: organ, year, status, last saved; the list actions as buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .dialogs import fmt_time

ID_ROLE = Qt.ItemDataRole.UserRole + 30


class ReportListPanel(QWidget):
    """The report list: organ, year, status, last saved; the list actions as buttons."""

    def __init__(self, actions: list[QAction]) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(QLabel("<b>我的报告</b>"))
        self.tree = QTreeWidget()
        self.tree.setObjectName("report_list")
        self.tree.setHeaderLabels(["机关", "年度", "状态", "最后保存"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.tree, 1)
        self.empty_hint = QLabel("还没有报告。点“新建报告”开始，或导入已有报告。")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color:#666;")
        lay.addWidget(self.empty_hint)
        for act in actions:
            b = QToolButton()
            b.setDefaultAction(act)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            lay.addWidget(b)

    def fill(self, infos: list[Any], current: str | None) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        for info in infos:
            status = str(info.status or "")
            year = "" if info.year is None else str(info.year)
            item = QTreeWidgetItem(
                [info.organ or "（未填机关）", year, status, fmt_time(info.saved_at)]
            )
            item.setData(0, ID_ROLE, info.id)
            item.setToolTip(0, getattr(info, "title", "") or info.organ)
            self.tree.addTopLevelItem(item)
            if info.id == current:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self.empty_hint.setVisible(not infos)

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item else None
