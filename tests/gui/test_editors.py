"""Narrative and 基本信息 editors: undo through the shared stack, IME, char count."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from report_editor.gui.document import ReportDocument
from report_editor.gui.editors import (
    BasicInfoEditor,
    SectionEditor,
    UndoKeysToWindow,
    count_chars,
    parse_date,
)
from report_editor.model import template as T
from report_editor.model.report import Report


def _commit(widget, text: str) -> None:
    """Type Chinese the way an input method does (keyClicks with Chinese aborts Qt)."""
    ev = QInputMethodEvent("", [])
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


@pytest.fixture
def blank_doc(qapp):
    d = ReportDocument(Report(year=2024, organ="测试县测试局"))
    yield d
    d.deleteLater()


def test_section_editor_types_chinese_counts_and_undoes_as_one_step(qtbot, blank_doc):
    sec = T.SECTION_BY_KEY["problems"]
    ed = SectionEditor(blank_doc, sec, UndoKeysToWindow())
    qtbot.addWidget(ed)
    ed.show()
    ed.editor.setFocus()
    assert sec.hint in "".join(w.text() for w in ed.findChildren(type(ed.count)))
    for part in ("（一）存在的问题", "。", "公开内容不够全面"):
        _commit(ed.editor, part)
    assert blank_doc.report.sections["problems"] == "（一）存在的问题。公开内容不够全面"
    assert "字数：17" in ed.count.text()
    assert blank_doc.undo_stack.count() == 1  # a burst of typing is one step
    blank_doc.undo_stack.undo()
    assert blank_doc.report.sections["problems"] == ""
    assert ed.editor.toPlainText() == ""
    assert "字数：0" in ed.count.text()  # the count follows undo as well as typing
    blank_doc.undo_stack.redo()
    assert ed.editor.toPlainText() == "（一）存在的问题。公开内容不够全面"


def test_ctrl_z_in_a_text_field_is_left_to_the_window(qtbot, blank_doc):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    ed = SectionEditor(blank_doc, T.SECTION_BY_KEY["other"], UndoKeysToWindow())
    qtbot.addWidget(ed)
    ev = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.sendEvent(ed.editor, ev)
    assert not ev.isAccepted()  # the window's 撤销 action gets the key


def test_basic_info_fields_and_boilerplate(qtbot, blank_doc):
    basic = BasicInfoEditor(blank_doc, UndoKeysToWindow())
    qtbot.addWidget(basic)
    basic.show()
    assert basic.title.placeholderText() == T.default_title("测试县测试局", 2024)
    basic.organ.setFocus()
    basic.organ.selectAll()
    _commit(basic.organ, "示例市人民政府")
    assert blank_doc.report.organ == "示例市人民政府"
    assert basic.title.placeholderText() == T.default_title("示例市人民政府", 2024)
    basic.kind.setCurrentIndex(basic.kind.findData("government"))
    assert blank_doc.report.kind == "government"
    basic.year.setValue(2023)
    assert blank_doc.report.year == 2023
    basic.insert_preamble.click()
    assert blank_doc.report.preamble == T.PREAMBLE_BOILERPLATE.format(year=2023)
    assert basic.preamble.toPlainText() == blank_doc.report.preamble
    basic.signature_date.setText("２０２４年1月20日")
    basic.signature_date.editingFinished.emit()
    assert blank_doc.report.signature_date == "2024-01-20"
    msgs = []
    basic.status_message.connect(msgs.append)
    basic.signature_date.setText("明天")
    basic.signature_date.editingFinished.emit()
    assert msgs and blank_doc.report.signature_date == "2024-01-20"
    # undo walks back through every field, one step each
    while blank_doc.undo_stack.canUndo():
        blank_doc.undo_stack.undo()
    assert blank_doc.report.organ == "测试县测试局"
    assert blank_doc.report.kind == "department" and blank_doc.report.year == 2024
    assert basic.kind.currentData() == "department" and basic.year.value() == 2024


def test_helpers():
    assert count_chars("一二 三\n四") == 4
    assert parse_date("") is None
    assert parse_date("2024/1/5") == "2024-01-05"
    with pytest.raises(ValueError):
        parse_date("2024-02-30")
