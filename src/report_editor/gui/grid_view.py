"""The table view: official spans, spreadsheet keys, clipboard blocks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from .grid_model import GridModel

MIN_COL_WIDTH = 34


def parse_block(text: str) -> list[list[str]]:
    """Tab-separated rows as Excel/WPS put them on the clipboard (trailing newline dropped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return []
    return [line.split("\t") for line in text.split("\n")]


class CellDelegate(QStyledItemDelegate):
    """A plain right-aligned line edit: IME works, nothing is silently blocked."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        return editor


class GridView(QTableView):
    """QTableView showing one official grid with spans; Enter moves down, Tab right."""

    status_message = Signal(str)
    columns_laid_out = Signal(list)  # column widths after a re-layout
    fill_requested = Signal()  # 空白填0 from the context menu

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setStyleSheet("QTableView { gridline-color: #8a94a6; }")
        self.fit_height = False  # small grids: the view is exactly as tall as its rows
        self._refused: tuple[str, QPersistentModelIndex] | None = None

    # ---- model set-up

    def grid_model(self) -> GridModel:
        model = self.model()
        assert isinstance(model, GridModel)
        return model

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if not isinstance(model, GridModel):
            return
        self.clearSpans()
        for gc in model.grid.cells:
            if gc.rowspan > 1 or gc.colspan > 1:
                self.setSpan(gc.row, gc.col, gc.rowspan, gc.colspan)
        model.value_refused.connect(self._on_refused)
        self._layout_grid()
        first = model.index_of(next(iter(model.position)))
        self.setCurrentIndex(first)

    def _on_refused(self, message: str, index: QModelIndex) -> None:
        """A refused value: say why; the cursor stays on the cell (see closeEditor)."""
        self.status_message.emit(f"未接受：{message}（原值保留）")
        self._refused = (message, QPersistentModelIndex(index))
        QTimer.singleShot(0, self._show_refusal)  # after the editor has closed

    def _show_refusal(self) -> None:
        from PySide6.QtWidgets import QToolTip

        if self._refused is None:
            return
        message, pix = self._refused
        self._refused = None
        if not pix.isValid():
            return
        rect = self.visualRect(QModelIndex(pix))
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), message, self)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._layout_grid()

    def _layout_grid(self) -> None:
        """Column widths from the template weights, row heights from the wrapped labels."""
        model = self.model()
        if not isinstance(model, GridModel):
            return
        weights = model.grid.col_weights
        avail = max(self.viewport().width() - 2, 400)
        unit = avail / sum(weights)
        widths = [max(MIN_COL_WIDTH, int(w * unit)) for w in weights]
        for c, w in enumerate(widths):
            self.setColumnWidth(c, w)
        fm = QFontMetrics(self.font())
        base = fm.height() + 10
        heights = [base] * model.grid.rows
        for gc in model.grid.cells:
            if gc.cell or gc.vertical or not gc.text:
                continue
            width = sum(widths[gc.col : gc.col + gc.colspan]) - 8
            need = fm.boundingRect(0, 0, width, 10000, Qt.TextFlag.TextWordWrap, gc.text).height()
            need += 10
            per_row = need / gc.rowspan
            for r in range(gc.row, gc.row + gc.rowspan):
                heights[r] = max(heights[r], int(per_row + 0.99))
        for r, h in enumerate(heights):
            self.setRowHeight(r, h)
        if self.fit_height:
            self.setMaximumHeight(self.full_height())
        self.columns_laid_out.emit(widths)

    def full_height(self) -> int:
        rows = sum(self.rowHeight(r) for r in range(self.model().rowCount()))
        return rows + 2 * self.frameWidth() + 1

    # ---- navigation

    def _next_data_index(self, index: QModelIndex, down: bool, back: bool = False) -> QModelIndex:
        """The next cell for Enter (down) or Tab (right); computed totals are passed over
        when there is anything to type into, as in a protected spreadsheet."""
        model = self.grid_model()
        cells = sorted(p for cid, p in model.position.items() if model.is_editable_cell(cid))
        if not cells:
            cells = sorted(model.position.values())
        if not cells:
            return index
        here = (index.row(), index.column())
        if down:
            same_col = sorted(
                (p for p in cells if p[1] == here[1]), key=lambda p: p[0], reverse=back
            )
            after = [p for p in same_col if (p[0] < here[0] if back else p[0] > here[0])]
            if after:
                return model.index(*after[0])
            return index
        order = cells[::-1] if back else cells
        after = [p for p in order if (p < here if back else p > here)]
        return model.index(*after[0]) if after else index

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Any) -> QModelIndex:
        cur = self.currentIndex()
        if isinstance(self.model(), GridModel) and cur.isValid():
            if action == QAbstractItemView.CursorAction.MoveNext:
                return self._next_data_index(cur, down=False)
            if action == QAbstractItemView.CursorAction.MovePrevious:
                return self._next_data_index(cur, down=False, back=True)
        return super().moveCursor(action, modifiers)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if self._refused is not None and QModelIndex(self._refused[1]) == self.currentIndex():
            # the value was refused: stay on this cell (Enter/Tab must not carry on past it)
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.setFocus()
            return
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Return / Enter
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._move_to(self._next_data_index(self.currentIndex(), down=True))
            return
        super().closeEditor(editor, hint)

    def commit_open_editor(self) -> None:
        """Keep what is typed in an open cell editor (closing the window, switching report)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _move_to(self, index: QModelIndex) -> None:
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self._move_to(self._next_data_index(self.currentIndex(), down=True, back=back))
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._clear()
                return
            if self._typed_into_fixed_cell(event):
                return
        super().keyPressEvent(event)

    def _typed_into_fixed_cell(self, event: QKeyEvent) -> bool:
        """Typing on a total, label or read-only cell: say why nothing is typed.

        (Qt's default would jump to some other cell whose text starts with the key.)
        """
        text = event.text()
        if not text or not text.isprintable() or text.isspace():
            return False
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        ix = self.currentIndex()
        if not ix.isValid() or ix.flags() & Qt.ItemFlag.ItemIsEditable:
            return False
        model = self.grid_model()
        cid = model.cell_id(ix)
        if cid is None:
            msg = "这里是表头，不能填写；请选中一个数字单元格。"
        elif model.is_editable_cell(cid) or not model.is_total(cid):
            msg = "这份报告只能查看，不能修改。"
        else:
            msg = "总计由程序按分项自动计算，不能直接填写。"
        self.status_message.emit(msg)
        from PySide6.QtWidgets import QToolTip

        rect = self.visualRect(ix)
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), msg, self)
        return True

    def keyboardSearch(self, search: str) -> None:
        """No jumping to a cell whose text starts with what was typed."""

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """An IME commit without preedit (full-width digits) must not lose its text.

        Qt opens the editor on such an event but drops the committed text (the grid bug of
        "first keystroke lost"); open the editor here and hand the event to it.
        """
        ix = self.currentIndex()
        if (
            self.state() != QAbstractItemView.State.EditingState
            and event.commitString()
            and not event.preeditString()
            and ix.isValid()
            and ix.flags() & Qt.ItemFlag.ItemIsEditable
        ):
            self.edit(ix)
            editor = self.indexWidget(ix)
            if editor is not None:
                editor.setFocus()
                QGuiApplication.sendEvent(editor, event)
                event.accept()
                return
        super().inputMethodEvent(event)

    def _selected_or_current(self) -> list[QModelIndex]:
        sel = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        return sel or ([self.currentIndex()] if self.currentIndex().isValid() else [])

    # ---- context menu

    def context_menu(self) -> QMenu:
        """复制 / 粘贴 / 清空 / 空白填0, as a clerk expects on a right click."""
        menu = QMenu(self)
        model = self.grid_model()
        editable = not model.read_only
        menu.addAction("复制", QKeySequence.StandardKey.Copy, self.copy_selection)
        paste = menu.addAction("粘贴", QKeySequence.StandardKey.Paste, self.paste_clipboard)
        paste.setEnabled(editable)
        clear = menu.addAction("清空所选单元格", QKeySequence.StandardKey.Delete, self._clear)
        clear.setEnabled(editable)
        menu.addSeparator()
        fill = menu.addAction("本表空白填0", self.fill_requested.emit)
        fill.setEnabled(editable)
        return menu

    def contextMenuEvent(self, event: Any) -> None:
        ix = self.indexAt(event.pos())
        if ix.isValid() and not self.selectionModel().isSelected(ix):
            self.setCurrentIndex(ix)
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _clear(self) -> None:
        n = self.grid_model().clear_cells(self._selected_or_current())
        if n:
            self.status_message.emit(f"已清空 {n} 个单元格。")

    # ---- clipboard

    def copy_selection(self) -> str:
        model = self.grid_model()
        rows: dict[int, list[tuple[int, str]]] = {}
        for ix in self._selected_or_current():
            cid = model.cell_id(ix)
            if cid:
                rows.setdefault(ix.row(), []).append((ix.column(), model.data(ix) or ""))
        text = "\n".join("\t".join(v for _, v in sorted(cols)) for _, cols in sorted(rows.items()))
        if text:
            QGuiApplication.clipboard().setText(text + "\n")
            self.status_message.emit("已复制。")
        return text

    def paste_clipboard(self) -> str:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> str:
        sel = self._selected_or_current()
        if not sel:
            msg = "请先选中要粘贴到的单元格。"
        else:
            anchor = min(sel, key=lambda ix: (ix.row(), ix.column()))
            msg = self.grid_model().paste_block(anchor, parse_block(text))
        self.status_message.emit(msg)
        return msg

    def select_cells(self, cell_ids: list[str]) -> None:
        """Select these data cells (from the problems panel) and show the first."""
        model = self.grid_model()
        sm = self.selectionModel()
        sm.clearSelection()
        first = None
        for cid in cell_ids:
            if cid not in model.position:
                continue
            ix = model.index_of(cid)
            sm.select(ix, QItemSelectionModel.SelectionFlag.Select)
            if first is None:
                first = ix
        if first is not None:
            sm.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(first)
            self.setFocus()
