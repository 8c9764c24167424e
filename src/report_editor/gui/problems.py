"""The problems panel: every problem of the open report, a click goes to its cells."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QStyle

from ..checks.problem import SEVERITY_LABELS
from ..model import template as T

PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 10


def severity_icon(severity: str) -> QIcon:
    style = QApplication.style()
    pix = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    return style.standardIcon(pix)


class ProblemsPanel(QListWidget):
    """Lists problems with severity icon and message; emits the one clicked."""

    problem_activated = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("problems")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)
        self._icons: dict[str, QIcon] = {}
        self._shown: list[tuple[str, str, tuple[str, ...]]] = []

    def _icon(self, severity: str) -> QIcon:
        if severity not in self._icons:
            self._icons[severity] = severity_icon(severity)
        return self._icons[severity]

    def set_problems(self, problems: list[Any]) -> None:
        sig = [(p.severity, p.message, tuple(p.cells)) for p in problems]
        if sig == self._shown:
            # same list: keep the items (and the user's selection), refresh the objects
            for i, p in enumerate(problems):
                self.item(i).setData(PROBLEM_ROLE, p)
            return
        self._shown = sig
        self.setUpdatesEnabled(False)
        self.clear()
        for p in problems:
            item = QListWidgetItem(self._icon(p.severity), p.message)
            labels = [T.CELL_BY_ID[c].label for c in p.cells[:6] if c in T.CELL_BY_ID]
            tip = f"{SEVERITY_LABELS.get(p.severity, p.severity)}（{p.rule}）"
            if labels:
                tip += "\n涉及：" + "；".join(labels) + ("……" if len(p.cells) > 6 else "")
            item.setToolTip(tip)
            item.setData(PROBLEM_ROLE, p)
            self.addItem(item)
        if not problems:
            empty = QListWidgetItem("没有发现问题。")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(empty)
        self.setUpdatesEnabled(True)

    def set_placeholder(self, text: str) -> None:
        """No report open: one grey line saying what will appear here."""
        self._shown = [("", text, ())]
        self.clear()
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)

    def problem_at(self, row: int) -> Any:
        item = self.item(row)
        return item.data(PROBLEM_ROLE) if item else None

    def _activate(self, item: QListWidgetItem) -> None:
        p = item.data(PROBLEM_ROLE)
        if p is not None:
            self.problem_activated.emit(p)
