"""The table model and view of 表二/三/四: validation, totals, tints, clipboard, undo, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from report_editor.gui.editors import TableTab, UndoKeysToWindow
from report_editor.gui.grid_model import SEVERITY_BG, GridModel
from report_editor.gui.grid_view import parse_block
from report_editor.model import template as T
from report_editor.model.report import Report

EDIT = Qt.ItemDataRole.EditRole
BG = Qt.ItemDataRole.BackgroundRole


@pytest.fixture
def t3(qtbot, doc):
    tab = TableTab(doc, T.SECTION_BY_KEY["requests_note"], UndoKeysToWindow())
    qtbot.addWidget(tab)
    tab.resize(1100, 900)
    tab.show()
    return tab


def _bg(model: GridModel, cid: str):
    brush = model.data(model.index_of(cid), BG)
    return None if brush is None else brush.color().name()


@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_every_table_model_passes_the_model_tester(qtmodeltester, doc, table):
    model = GridModel(table, doc)
    qtmodeltester.check(model)
    assert model.rowCount() == T.GRIDS[table].rows
    assert model.columnCount() == T.GRIDS[table].cols
    # every data cell of the table is placed exactly once
    assert sorted(model.position) == sorted(c.id for c in T.CELLS if c.table == table)


def test_labels_come_from_the_template_and_spans_are_set(t3):
    model, view = t3.model, t3.view
    for gc in T.GRIDS["t3"].cells:
        if gc.cell is None:
            shown = model.data(model.index(gc.row, gc.col))
            assert shown.replace("\n", "") == gc.text
        assert view.rowSpan(gc.row, gc.col) == gc.rowspan
        assert view.columnSpan(gc.row, gc.col) == gc.colspan
    assert view.horizontalHeader().isHidden()


def test_typing_into_table3_updates_totals_tints_and_problems(t3, doc):
    model = t3.model
    assert not [p for p in doc.problems if p.rule == "R-01"]  # the Huaian tables balance
    assert _bg(model, "t3.new.natural") is None
    ix = model.index_of("t3.new.natural")
    assert model.setData(ix, "3011", EDIT)
    assert doc.report.cells["t3.new.natural"] == 3011
    # the row total and the corner follow at once
    assert model.data(model.index_of("t3.new.total")) == "3129"
    r01 = [p for p in doc.problems if p.rule == "R-01"]
    assert r01, doc.problems
    assert "t3.new.natural" in r01[0].cells
    # cells of the broken balance are tinted as errors, with the message as tooltip
    err = SEVERITY_BG["error"].name()
    for cid in ("t3.new.natural", "t3.carried.natural", "t3.carry_next.natural"):
        assert _bg(model, cid) == err
        assert r01[0].message in model.data(model.index_of(cid), Qt.ItemDataRole.ToolTipRole)
    # the balance strip shows both sides
    assert t3.balance.sides("natural") == (3011 + 34, 2932 + 103)
    assert "≠" in t3.balance.cells["natural"].text()
    # put it back: balanced again, tints gone
    assert model.setData(ix, "3001", EDIT)
    assert not [p for p in doc.problems if p.rule == "R-01"]
    assert _bg(model, "t3.new.natural") is None
    assert "✓" in t3.balance.cells["natural"].text()


def test_bad_values_are_refused_and_the_old_value_kept(qtbot, doc):
    model = GridModel("t3", doc)
    ix = model.index_of("t3.granted.biz")
    before = doc.report.cells["t3.granted.biz"]
    for bad in ("abc", "-3", "2.5", "1e3", "１２a"):
        with qtbot.waitSignal(model.value_refused) as sig:
            assert not model.setData(ix, bad, EDIT)
        assert sig.args[0]  # a Chinese message
        assert doc.report.cells["t3.granted.biz"] == before
    assert doc.undo_stack.count() == 0


def test_full_width_digits_and_spaces_are_accepted(doc):
    model = GridModel("t3", doc)
    ix = model.index_of("t3.granted.biz")
    assert model.setData(ix, " ２５ ", EDIT)
    assert doc.report.cells["t3.granted.biz"] == 25
    assert model.data(ix) == "25"


def test_totals_are_read_only_and_distinct(doc):
    model = GridModel("t3", doc)
    total = model.index_of("t3.new.total")
    assert not (model.flags(total) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(total, "5", EDIT)
    assert model.flags(model.index_of("t3.new.natural")) & Qt.ItemFlag.ItemIsEditable
    assert _bg(model, "t3.granted.total") != _bg(model, "t3.granted.natural")
    label = model.index(3, 0)
    assert not (model.flags(label) & Qt.ItemFlag.ItemIsEditable)


def test_fee_cell_takes_four_decimals_in_wan(doc):
    model = GridModel("t2", doc)
    ix = model.index_of(T.FEE_CELL)
    assert model.setData(ix, "１８.４７１９", EDIT)
    assert doc.report.cells[T.FEE_CELL] == "18.4719"
    assert not model.setData(ix, "1.23456", EDIT)
    assert not model.setData(ix, "184719元", EDIT)
    assert doc.report.cells[T.FEE_CELL] == "18.4719"


def test_paste_a_block_that_fits(t3, doc):
    view = t3.view
    view.setCurrentIndex(t3.model.index_of("t3.granted.natural"))
    msg = view.paste_text("1\t2\t3\r\n4\t5\t6\r\n")
    assert "已粘贴" in msg
    c = doc.report.cells
    assert (c["t3.granted.natural"], c["t3.granted.biz"], c["t3.granted.research"]) == (1, 2, 3)
    assert (c["t3.partial.natural"], c["t3.partial.biz"], c["t3.partial.research"]) == (4, 5, 6)
    assert c["t3.granted.total"] == 1 + 2 + 3 + 0 + 50 + 3
    assert doc.undo_stack.count() == 1  # one step


def test_paste_that_does_not_fit_or_holds_text_is_refused_whole(t3, doc):
    view = t3.view
    before = dict(doc.report.cells)
    view.setCurrentIndex(t3.model.index_of("t3.granted.legal"))
    assert "未粘贴" in view.paste_text("1\t2\t3\t4\n")  # runs past the last column
    view.setCurrentIndex(t3.model.index_of("t3.carry_next.natural"))
    assert "未粘贴" in view.paste_text("1\n2\n")  # runs past the last row
    view.setCurrentIndex(t3.model.index_of("t3.granted.natural"))
    msg = view.paste_text("1\t2\n3\tx\n")
    assert "未粘贴" in msg and "x" in msg
    assert doc.report.cells == before
    assert doc.undo_stack.count() == 0


def test_paste_skips_label_rows_in_table2(qtbot, doc):
    tab = TableTab(doc, T.SECTION_BY_KEY["active_note"], UndoKeysToWindow())
    qtbot.addWidget(tab)
    tab.view.setCurrentIndex(tab.model.index_of("t2.licensing"))
    assert "已粘贴" in tab.view.paste_text("7\n8\n9\n")
    c = doc.report.cells
    assert (c["t2.licensing"], c["t2.penalty"], c["t2.coercion"]) == (7, 8, 9)


def test_copy_gives_tab_separated_rows(t3):
    view, model = t3.view, t3.model
    sm = view.selectionModel()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection(model.index_of("t3.new.natural"), model.index_of("t3.carried.biz"))
    sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert view.copy_selection() == "3001\t53\n34\t0"
    assert QApplication.clipboard().text() == "3001\t53\n34\t0\n"
    assert parse_block(QApplication.clipboard().text()) == [["3001", "53"], ["34", "0"]]


def test_undo_and_redo_restore_exact_values(t3, doc):
    model = t3.model
    c = doc.report.cells
    orig = (c["t3.new.natural"], c["t3.new.total"], c["t3.total_done.total"])
    model.setData(model.index_of("t3.new.natural"), "1", EDIT)
    t3.view.setCurrentIndex(model.index_of("t3.granted.natural"))
    t3.view.paste_text("10\t20\n")
    t3.fill_button.click()  # nothing blank in Huaian: no step
    assert doc.undo_stack.count() == 2
    after = dict(c)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert (c["t3.new.natural"], c["t3.new.total"], c["t3.total_done.total"]) == orig
    assert model.data(model.index_of("t3.new.total")) == str(orig[1])
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert c == after


def test_fill_blanks_is_one_undoable_step(qtbot, qapp):
    from report_editor.gui.document import ReportDocument

    d = ReportDocument(Report(year=2024, organ="测试局"))
    model = GridModel("t4", d)
    model.setData(model.index_of("t4.rev.maintain"), "2", EDIT)
    assert d.fill_blanks("t4") == 11  # 15 cells, 3 totals, 1 filled
    assert d.report.cells["t4.rev.correct"] == 0 and d.report.cells["t4.rev.total"] == 2
    assert d.report.cells["t4.lit_direct.total"] == 0
    assert d.report.cells["t3.new.natural"] is None  # other tables untouched
    d.undo_stack.undo()
    assert d.report.cells["t4.rev.correct"] is None
    assert d.report.cells["t4.lit_direct.total"] is None


def _type_into_editor(qtbot, view, text):
    editor = view.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    editor.insert(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_enter_moves_down_tab_moves_right_delete_blanks(qtbot, t3, doc):
    view, model = t3.view, t3.model
    view.setFocus()
    view.setCurrentIndex(model.index_of("t3.new.natural"))
    qtbot.keyClicks(view, "7")  # typing replaces: the editor opens with "7"
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "7"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: doc.report.cells["t3.new.natural"] == 7)
    qtbot.waitUntil(lambda: view.currentIndex() == model.index_of("t3.carried.natural"))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex() == model.index_of("t3.carried.biz")
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert doc.report.cells["t3.carried.biz"] is None
    # Enter from the last row of the first block skips the label-only rows
    view.setCurrentIndex(model.index_of("t3.carried.natural"))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex() == model.index_of("t3.granted.natural")


def test_ime_commit_opens_the_cell_editor(qtbot, t3, doc):
    """A Chinese input method in full-width mode commits '１２' straight into the grid."""
    view, model = t3.view, t3.model
    view.setFocus()
    view.setCurrentIndex(model.index_of("t3.granted.research"))
    ev = QInputMethodEvent("", [])
    ev.setCommitString("１２")
    QApplication.sendEvent(view, ev)
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    assert editor.text() == "１２"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: doc.report.cells["t3.granted.research"] == 12)


def test_refused_typing_keeps_old_value_and_says_why(qtbot, t3, doc):
    view, model = t3.view, t3.model
    messages = []
    t3.status_message.connect(messages.append)
    view.setFocus()
    view.setCurrentIndex(model.index_of("t3.granted.npo"))
    qtbot.keyClicks(view, "x")
    editor = view.findChild(QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(messages))
    assert "未接受" in messages[-1] and "原值保留" in messages[-1]
    assert doc.report.cells["t3.granted.npo"] == 0


def test_read_only_document_refuses_edits(qapp, huaian_report):
    from report_editor.gui.document import ReportDocument

    d = ReportDocument(huaian_report, read_only=True)
    model = GridModel("t3", d)
    ix = model.index_of("t3.new.natural")
    assert not (model.flags(ix) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(ix, "1", EDIT)
    assert model.paste_block(ix, [["1"]]).startswith("只读")
    assert model.clear_cells([ix]) == 0
    assert not model.setData(QModelIndex(), "1", EDIT)
