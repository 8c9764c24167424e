"""One table model for 表二/表三/表四, driven by `template.GRIDS`.

The whole printed grid, header rows included, is the model's body: label and header cells
are read-only items and `GridView` sets a span for every merged `GridCell`, so the screen
looks like the printed table. Data cells validate in `setData` and go through the document's
undo stack; total cells are computed and read-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ..checks.problem import SEVERITY_LABELS
from ..model import template as T
from ..model.report import ValueProblem, cell_text, parse_count, parse_fee
from .document import ReportDocument

Index = QModelIndex | QPersistentModelIndex

HEADER_BG = QColor("#e8ebf0")
TITLE_BG = QColor("#dde3ec")
TOTAL_BG = QColor("#eef3fa")
TOTAL_FG = QColor("#1f3f73")
SEVERITY_BG = {
    "error": QColor("#f6c6c6"),
    "warning": QColor("#fbe7a8"),
    "info": QColor("#d9ebfb"),
}

CELL_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
ROLE_ROLE = int(Qt.ItemDataRole.UserRole) + 2

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_BG = int(Qt.ItemDataRole.BackgroundRole)
_FG = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_STATUS = int(Qt.ItemDataRole.StatusTipRole)
_ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LABEL = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_TITLE_BRUSH = QBrush(TITLE_BG)
_HEADER_BRUSH = QBrush(HEADER_BG)
_TOTAL_BRUSH = QBrush(TOTAL_BG)
_TOTAL_FG_BRUSH = QBrush(TOTAL_FG)
_SEVERITY_BRUSH = {k: QBrush(v) for k, v in SEVERITY_BG.items()}


def parse_cell(cell_id: str, text: str) -> Any:
    """What the user typed into this cell as a stored value; raises ValueProblem.

    The model's parsers decide (they also take "447,228" as Excel/WPS copy it).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if cell_id == T.FEE_CELL:
        return parse_fee(text)
    return parse_count(text)


class GridModel(QAbstractTableModel):
    """Adapter from a `template.Grid` and a `ReportDocument` to a Qt table."""

    value_refused = Signal(str, QModelIndex)  # Chinese message, where

    def __init__(self, table: str, doc: ReportDocument, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table
        self.grid = T.GRIDS[table]
        self._doc = doc
        self._anchor: dict[tuple[int, int], T.GridCell] = {}
        self._covered: set[tuple[int, int]] = set()
        self.position: dict[str, tuple[int, int]] = {}
        for gc in self.grid.cells:
            self._anchor[(gc.row, gc.col)] = gc
            for r in range(gc.row, gc.row + gc.rowspan):
                for c in range(gc.col, gc.col + gc.colspan):
                    if (r, c) != (gc.row, gc.col):
                        self._covered.add((r, c))
            if gc.cell:
                self.position[gc.cell] = (gc.row, gc.col)
        self.data_rows = sorted({r for r, _ in self.position.values()})
        self._tinted: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._build_static()
        doc.cells_changed.connect(self._on_cells_changed)
        doc.problems_changed.connect(self._on_problems_changed)
        self._on_problems_changed()

    # ---- structure

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid.rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid.cols

    def cell_id(self, index: Index) -> str | None:
        if not index.isValid():
            return None
        gc = self._anchor.get((index.row(), index.column()))
        return gc.cell if gc else None

    def index_of(self, cell_id: str) -> QModelIndex:
        r, c = self.position[cell_id]
        return self.index(r, c)

    @property
    def read_only(self) -> bool:
        return self._doc.read_only

    @staticmethod
    def is_total(cell_id: str | None) -> bool:
        return cell_id in T.TOTAL_CELL_IDS

    def is_editable_cell(self, cell_id: str | None) -> bool:
        return bool(cell_id) and cell_id not in T.TOTAL_CELL_IDS and not self._doc.read_only

    # ---- data

    def _build_static(self) -> None:
        """Roles that never change, per position: painting asks for them thousands of times."""
        self._static: dict[tuple[int, int], dict[int, Any]] = {}
        self._flags: dict[tuple[int, int], Qt.ItemFlag] = {}
        self._cell_at: dict[tuple[int, int], str] = {}
        bold = self._bold
        for key, gc in self._anchor.items():
            if gc.cell:
                self._cell_at[key] = gc.cell
                is_total = gc.cell in T.TOTAL_CELL_IDS
                self._static[key] = {
                    _ALIGN: _ALIGN_NUMBER,
                    _FG: _TOTAL_FG_BRUSH if is_total else None,
                    _FONT: bold if is_total else None,
                    _STATUS: T.CELL_BY_ID[gc.cell].label,
                    CELL_ID_ROLE: gc.cell,
                    ROLE_ROLE: "total" if is_total else "data",
                }
                f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if self.is_editable_cell(gc.cell):
                    f |= Qt.ItemFlag.ItemIsEditable
                self._flags[key] = f
                continue
            bg = None
            if gc.role == "title":
                bg = _TITLE_BRUSH
            elif gc.role in ("header", "note"):
                bg = _HEADER_BRUSH
            left = gc.role == "label" and not gc.vertical
            self._static[key] = {
                _DISPLAY: "\n".join(gc.text) if gc.vertical else gc.text,
                _TOOLTIP: gc.text if gc.role in ("label", "note") else None,
                _BG: bg,
                _FONT: bold if gc.role in ("title", "header") else None,
                _ALIGN: _ALIGN_LABEL if left else _ALIGN_CENTER,
                ROLE_ROLE: gc.role,
            }
            self._flags[key] = Qt.ItemFlag.ItemIsEnabled

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # painting calls this ~1000 times per full repaint: two dict look-ups at most
        key = (index.row(), index.column())
        role = role if type(role) is int else int(role)
        cid = self._cell_at.get(key)
        if cid is not None:
            if role in (_DISPLAY, _EDIT):
                return cell_text(self._doc.report.cells.get(cid))
            if role == _BG:
                sev = self._doc.worst_severity(cid)
                if sev is not None:
                    return _SEVERITY_BRUSH.get(sev)
                return _TOTAL_BRUSH if cid in T.TOTAL_CELL_IDS else None
            if role == _TOOLTIP:
                return self._tooltip(cid)
        static = self._static.get(key)
        return None if static is None else static.get(role)

    def _tooltip(self, cid: str) -> str:
        lines = [T.CELL_BY_ID[cid].label]
        if cid in T.TOTAL_CELL_IDS:
            lines.append("（自动计算，不能直接填写）")
        elif cid == T.FEE_CELL:
            lines.append(f"单位：{T.FEE_UNIT}，最多{T.FEE_MAX_DECIMALS}位小数")
        for p in self._doc.cell_problems.get(cid, ()):
            lines.append(f"【{SEVERITY_LABELS.get(p.severity, p.severity)}】{p.message}")
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = self._flags.get((index.row(), index.column()))
        if f is not None:
            return f
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        cid = self.cell_id(index)
        if not self.is_editable_cell(cid):
            return False
        assert cid is not None
        text = "" if value is None else str(value)
        try:
            parsed = parse_cell(cid, text)
        except ValueProblem as exc:
            self.value_refused.emit(str(exc), QModelIndex(index))
            return False
        if parsed != self._doc.cell(cid):
            self._doc.set_cells({cid: parsed}, f"填写 {T.CELL_BY_ID[cid].label}")
        return True

    # ---- block operations (paste, delete)

    def block_targets(
        self, anchor_row: int, anchor_col: int, rows: int, cols: int
    ) -> list[list[str]] | str:
        """Cell ids a rows×cols block starting at the anchor lands on, or a Chinese refusal.

        Block rows go to the next grid rows that hold data cells (label-only rows between
        are skipped); block columns are grid columns, each must start a data cell.
        """
        if anchor_row not in self.data_rows:
            return "请先选中要粘贴到的第一个数据单元格。"
        start = self.data_rows.index(anchor_row)
        if start + rows > len(self.data_rows):
            return f"粘贴的内容有 {rows} 行，从所选单元格往下放不下。"
        targets: list[list[str]] = []
        for i in range(rows):
            r = self.data_rows[start + i]
            line = []
            for j in range(cols):
                gc = self._anchor.get((r, anchor_col + j))
                if gc is None or not gc.cell:
                    return f"粘贴的内容有 {rows} 行 {cols} 列，超出了表格的数据区域。"
                line.append(gc.cell)
            targets.append(line)
        return targets

    def paste_block(self, anchor: QModelIndex, block: list[list[str]]) -> str:
        """Paste a parsed block whole or not at all; returns the Chinese status message."""
        if self._doc.read_only:
            return "只读：不能修改。"
        if not block:
            return "剪贴板里没有可粘贴的数字。"
        rows, cols = len(block), max(len(line) for line in block)
        targets = self.block_targets(anchor.row(), anchor.column(), rows, cols)
        if isinstance(targets, str):
            return f"未粘贴：{targets}"
        changes: dict[str, Any] = {}
        skipped_totals = 0
        for i, line in enumerate(targets):
            for j, cid in enumerate(line):
                text = block[i][j] if j < len(block[i]) else ""
                try:
                    value = parse_cell(cid, text)
                except ValueProblem as exc:
                    label = T.CELL_BY_ID[cid].label
                    return f"未粘贴：第{i + 1}行第{j + 1}列“{text.strip()}”（{label}）：{exc}"
                if cid in T.TOTAL_CELL_IDS:
                    skipped_totals += 1
                    continue
                changes[cid] = value
        self._doc.set_cells(changes, f"粘贴 {rows}×{cols}")
        msg = f"已粘贴 {rows} 行 {cols} 列。"
        if skipped_totals:
            msg += f"总计单元格自动计算，忽略了其中 {skipped_totals} 个总计值。"
        return msg

    def clear_cells(self, indexes: list[QModelIndex]) -> int:
        changes = {}
        for ix in indexes:
            cid = self.cell_id(ix)
            if self.is_editable_cell(cid):
                changes[cid] = None
        if changes:
            self._doc.set_cells(changes, "清空单元格")
        return len(changes)

    # ---- document signals

    def _emit_cell(self, cid: str) -> None:
        pos = self.position.get(cid)
        if pos is not None:
            ix = self.index(*pos)
            self.dataChanged.emit(ix, ix)

    def _on_cells_changed(self, ids: list[str]) -> None:
        for cid in ids:
            self._emit_cell(cid)

    def _on_problems_changed(self) -> None:
        probs = self._doc.cell_problems
        sig = {
            cid: (self._doc.worst_severity(cid), tuple(p.message for p in probs.get(cid, ())))
            for cid in self.position
        }
        old = self._tinted
        self._tinted = sig
        for cid, s in sig.items():
            if old.get(cid) != s:
                self._emit_cell(cid)
