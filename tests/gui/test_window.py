"""The whole window on a real store in tmp: autosave, problems, session, dialogs, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from report_editor.gui import dialogs as D
from report_editor.model import load_report, save_report
from report_editor.model import template as T
from tests.gui.conftest import make_window

storage = pytest.importorskip("report_editor.storage")
EDIT = Qt.ItemDataRole.EditRole


def test_first_run_offers_new_previous_import_and_sample(win):
    assert win.stack.currentWidget() is win.start_page
    assert win.list_panel.tree.topLevelItemCount() == 0
    assert win.list_panel.empty_hint.isVisibleTo(win)
    for name in ("new", "new_from_previous", "import", "sample"):
        assert win.action(name).isEnabled(), name
    assert win.windowTitle() == "政府信息公开工作年度报告编辑器"


def test_sample_action_is_disabled_without_the_file(qtbot, store, store_dir, tmp_path):
    w = make_window(qtbot, store, store_dir, sample_path=tmp_path / "missing.json")
    assert not w.action("sample").isEnabled()


def test_new_report_starts_with_the_overview_subheadings_and_autosaves(qtbot, win, store):
    def fill(dlg):
        assert isinstance(dlg, D.NewReportDialog)
        dlg.organ.setText("测试县测试局")
        dlg.year.setValue(2024)
        return True

    win.prompts.dialog_hook = fill
    win.action("new").trigger()
    assert win.doc is not None and win.report_id is not None
    assert win.doc.report.sections["overview"].split("\n") == list(T.OVERVIEW_SUBHEADINGS)
    assert win.windowTitle() == "测试县测试局 · 2024年度 · 已保存"
    assert win.list_panel.tree.topLevelItemCount() == 1
    model = win.table_tab("t3").model
    model.setData(model.index_of("t3.new.natural"), "5", EDIT)
    assert win.windowTitle().endswith("未保存")
    qtbot.waitUntil(lambda: store.load(win.report_id).cells["t3.new.natural"] == 5, timeout=2500)
    assert win.windowTitle().endswith("已保存")
    assert store.load(win.report_id).cells["t3.new.total"] == 5
    # the status bar reports the broken balance
    assert "错误" in win.check_label.text()


def test_typing_in_table3_updates_tab_marker_panel_and_status(huaian_win):
    w = huaian_win
    i3 = 1 + T.SECTION_KEYS.index("requests_note")
    assert w.tabs.tabText(i3) == "三、依申请公开"
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.carried.natural"), "40", EDIT)
    errors = [p for p in w.doc.problems if p.severity == "error"]
    assert errors
    assert w.tabs.tabText(i3).startswith("三、依申请公开（")
    texts = [w.problems_panel.item(i).text() for i in range(w.problems_panel.count())]
    assert any("相差 6" in t for t in texts), texts
    assert "个错误" in w.check_label.text()
    model.setData(model.index_of("t3.carried.natural"), "34", EDIT)
    assert "个错误" not in w.check_label.text()


def test_clicking_a_problem_selects_its_cells(qtbot, huaian_win):
    w = huaian_win
    w.tabs.setCurrentIndex(0)
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.carry_next.biz"), "9", EDIT)
    row = next(
        i
        for i in range(w.problems_panel.count())
        if w.problems_panel.problem_at(i) is not None
        and "t3.carry_next.biz" in w.problems_panel.problem_at(i).cells
    )
    item = w.problems_panel.item(row)
    rect = w.problems_panel.visualItemRect(item)
    qtbot.mouseClick(w.problems_panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    tab = w.table_tab("t3")
    assert w.tabs.currentWidget() is tab
    selected = {model.cell_id(ix) for ix in tab.view.selectionModel().selectedIndexes()}
    assert "t3.carry_next.biz" in selected
    assert model.cell_id(tab.view.currentIndex()) in w.problems_panel.problem_at(row).cells


def test_text_problem_click_focuses_the_section_editor(huaian_win):
    w = huaian_win
    text_probs = [p for p in w.doc.problems if not p.cells and p.section]
    assert text_probs
    for p in text_probs:
        w.go_to_problem(p)
        assert w.tabs.currentWidget() is w.section_tabs[p.section]
    # a problem quoting the text selects the quoted words in the editor
    from report_editor.checks import Problem

    quoting = Problem("R-12", "warning", (), "总体情况写“受理政府信息公开申请3119件”……", "overview")
    w.go_to_problem(quoting)
    chosen = w.section_tabs["overview"].editor.textCursor().selectedText()
    assert chosen == "受理政府信息公开申请3119件"


def test_undo_redo_actions_cover_cells_and_text(huaian_win):
    w = huaian_win
    model = w.table_tab("t4").model
    model.setData(model.index_of("t4.rev.pending"), "7", EDIT)
    w.doc.set_field("sections.other", "无。")
    c = w.doc.report.cells
    assert c["t4.rev.total"] == sum(
        c[f"t4.rev.{k}"] for k in ("maintain", "correct", "other", "pending")
    )
    w.action("undo").trigger()
    assert w.doc.report.sections["other"] != "无。"
    w.action("undo").trigger()
    assert w.doc.report.cells["t4.rev.pending"] != 7
    w.action("redo").trigger()
    assert w.doc.report.cells["t4.rev.pending"] == 7


def test_closing_and_reopening_restores_the_report_and_geometry(qtbot, store_dir, huaian_report):
    s1 = storage.Store(folder=store_dir)
    w1 = make_window(qtbot, s1, store_dir)
    rid = s1.create(huaian_report)
    w1.refresh_list()
    w1.open_report(rid)
    w1.resize(701, 555)
    model = w1.table_tab("t2").model
    model.setData(model.index_of("t2.norm.issued"), "12", EDIT)
    w1.close()  # saves at once, no waiting for the autosave timer
    s1.close()
    s2 = storage.Store(folder=store_dir)
    try:
        w2 = make_window(qtbot, s2, store_dir, resize=False)
        assert w2.report_id == rid
        assert w2.doc.report.cells["t2.norm.issued"] == 12
        assert (w2.size().width(), w2.size().height()) == (701, 555)
        w2.close()
    finally:
        s2.close()


def test_second_window_on_the_same_store_is_read_only(qtbot, store, store_dir, huaian_report):
    rid = store.create(huaian_report)
    second = storage.Store(folder=store_dir)
    try:
        assert second.read_only
        w = make_window(qtbot, second, store_dir, restore_session=False)
        assert w.banner.isVisibleTo(w)
        assert "只能查看" in w.banner_label.text()
        assert not w.action("new").isEnabled()
        w.open_report(rid)
        assert w.doc.read_only and w.windowTitle().endswith("只读")
        model = w.table_tab("t3").model
        assert not model.setData(model.index_of("t3.new.natural"), "1", EDIT)
        w.close()
    finally:
        second.close()


def test_save_failure_is_shown_not_swallowed(qtbot, huaian_win, monkeypatch):
    w = huaian_win

    def boom(*a, **k):
        raise storage.StoreError("保存失败：磁盘空间已满。")

    monkeypatch.setattr(w.store, "save", boom)
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.granted.npo"), "1", EDIT)
    assert not w.save_now()
    assert w.windowTitle().endswith("保存失败")
    assert "磁盘空间已满" in w.save_label.text()
    assert any("磁盘空间已满" in t for t in w.prompts.kinds("error"))
    monkeypatch.undo()
    assert w.save_now()
    assert w.windowTitle().endswith("已保存")


def test_export_pdf_asks_when_errors_and_offers_to_open(huaian_win, tmp_path, monkeypatch):
    pytest.importorskip("report_editor.export.pdf")
    import report_editor.gui.window as window_mod

    opened = []
    monkeypatch.setattr(window_mod.QDesktopServices, "openUrl", lambda url: opened.append(url))
    w = huaian_win
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.new.biz"), "60", EDIT)
    out = tmp_path / "out.pdf"
    w.prompts.files = [str(out)]
    w.prompts.confirm_answers = [True, True]
    assert w.export_pdf()
    confirms = w.prompts.kinds("confirm")
    assert "未通过校验" in confirms[0] and "导出完成" in confirms[1]
    assert out.read_bytes().startswith(b"%PDF")
    assert opened and opened[0].toLocalFile() == str(out)
    # declining the error question exports nothing
    w.prompts.confirm_answers = [False]
    w.prompts.files = [str(tmp_path / "no.pdf")]
    assert not w.export_pdf()
    assert not (tmp_path / "no.pdf").exists()


def test_export_and_import_json(huaian_win, tmp_path, store):
    w = huaian_win
    out = tmp_path / "send.json"
    w.prompts.files = [str(out)]
    assert w.export_json()
    again = load_report(out)
    assert again.cells == w.doc.report.cells
    # import the file back: same organ and year → the existing report is updated
    again.sections["other"] = "导入后的文字。"
    save_report(again, out)
    w.prompts.files = [str(out)]
    assert w.import_report()
    assert w.doc.report.sections["other"] == "导入后的文字。"
    assert isinstance(w.prompts.dialogs[-1], D.NotesDialog)
    assert len(store.list_reports()) == 1


def test_import_a_text_report_shows_the_notes(huaian_win, tmp_path):
    pytest.importorskip("report_editor.importers")
    from tests.conftest import shared_file

    src = shared_file("corpus", "seed-weishi-2023.txt")
    w = huaian_win
    w.prompts.files = [str(src)]
    assert w.import_report()
    assert w.doc.report.organ == "尉氏县科学技术和工业信息化局"
    assert isinstance(w.prompts.dialogs[-1], D.NotesDialog)


def test_text_pasted_into_the_window_is_imported(win):
    from tests.conftest import shared_file

    pasted = shared_file("corpus", "seed-weishi-2023.txt").read_text(encoding="utf-8")

    def paste(dialog):
        if not isinstance(dialog, D.PasteTextDialog):
            return False
        assert not dialog.ok.isEnabled()  # nothing pasted yet
        dialog.edit.setPlainText(pasted)
        assert dialog.ok.isEnabled()
        return True

    win.prompts.dialog_hook = paste
    assert win.action("paste_import").text() == "粘贴文本导入…"
    win.action("paste_import").trigger()
    assert win.doc is not None and win.doc.report.organ == "尉氏县科学技术和工业信息化局"
    assert win.doc.report.year == 2023
    assert isinstance(win.prompts.dialogs[-1], D.NotesDialog)

    win.prompts.dialog_hook = lambda d: d.edit.setPlainText("买菜：白菜 3 斤") or True
    assert not win.import_pasted_text()
    assert any("没有找到年度报告" in t for t in win.prompts.kinds("error"))


def test_import_of_a_broken_file_says_why(huaian_win, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    w = huaian_win
    w.prompts.files = [str(bad)]
    assert not w.import_report()
    assert any("bad.json" in t for t in w.prompts.kinds("error"))


def test_versions_and_history_restore(huaian_win, store):
    w = huaian_win
    w.prompts.texts = ["报送前"]
    assert w.save_version()
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.granted.natural"), "1", EDIT)
    assert w.save_now()

    def pick(dlg):
        assert isinstance(dlg, D.ListPickDialog)
        for i in range(dlg.list.count()):
            if dlg.list.item(i).text().startswith("报送前"):
                dlg.list.setCurrentRow(i)
        dlg.buttons["恢复此版本"].click()
        return True

    w.prompts.dialog_hook = pick
    assert w.show_history()
    assert w.doc.report.cells["t3.granted.natural"] == 1288
    assert store.load(w.report_id).cells["t3.granted.natural"] == 1288


def test_history_and_copies_wait_until_the_edits_are_saved(huaian_win, monkeypatch):
    w = huaian_win

    def boom(*a, **k):
        raise storage.StoreError("保存失败：磁盘空间已满。")

    monkeypatch.setattr(w.store, "save", boom)
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.granted.natural"), "7", EDIT)
    w.prompts.dialog_hook = lambda dlg: pytest.fail("history offered over unsaved edits")
    assert not w.show_history()
    assert not w.duplicate_report()  # a copy of the stale file would miss the edit
    assert not w.new_from_previous()
    assert len(w.store.list_reports()) == 1
    assert w.doc.report.cells["t3.granted.natural"] == 7  # the edit is still in the window
    assert any("磁盘空间已满" in t for t in w.prompts.kinds("error"))
    monkeypatch.undo()
    assert w.save_now()
    assert w.store.load(w.report_id).cells["t3.granted.natural"] == 7


def test_duplicate_delete_and_restore_from_trash(huaian_win, store):
    w = huaian_win
    assert w.duplicate_report()
    assert len(store.list_reports()) == 2
    assert w.delete_report()
    assert w.doc is None and len(store.list_reports()) == 1

    def restore(dlg):
        dlg.buttons["恢复"].click()
        return True

    w.prompts.dialog_hook = restore
    w.show_trash()
    assert len(store.list_reports()) == 2


def test_new_from_previous_year(huaian_win, store):
    w = huaian_win
    assert w.new_from_previous()
    assert w.doc.report.year == 2025
    assert w.doc.previous is not None and w.doc.previous.year == 2024


def test_sample_opens_read_only_and_can_be_copied(win, store):
    assert win.open_sample()
    assert win.doc.read_only and win.is_sample
    assert win.windowTitle().endswith("示例（只读）")
    assert win.banner_button.isVisible()
    win.banner_button.click()
    assert not win.is_sample and not win.doc.read_only
    assert len(store.list_reports()) == 1


def test_fee_helper_converts_yuan(huaian_win):
    w = huaian_win

    def type_yuan(dlg):
        dlg.yuan.setText("184719元")
        return True

    w.prompts.dialog_hook = type_yuan
    w.fee_helper()
    assert w.doc.report.cells[T.FEE_CELL] == "18.4719"


def test_every_dialog_opens(qtbot, win):
    shown = [
        D.NewReportDialog(win),
        D.YuanToWanDialog(win),
        D.NotesDialog("导入结果", "说明", ["一", "二"], win),
        D.ListPickDialog("历史版本", "说明", [("版本一", "v1")], ["恢复此版本"], win),
    ]
    for dlg in shown:
        qtbot.addWidget(dlg)
        dlg.show()
        assert dlg.isVisible() and dlg.windowTitle()
        dlg.close()
    win.action("about").trigger()
    about = win.prompts.dialogs[-1]
    assert isinstance(about, D.AboutDialog)
    assert about.list.count() >= 2 and about.text.toPlainText()  # licences listed and readable
    # the real Prompts build standard dialogs: open each and close it at once
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    real = D.Prompts(win)

    def close_active():
        dlg = QApplication.activeModalWidget()
        if dlg is not None:
            dlg.reject()

    for call in (
        lambda: real.confirm("标题", "内容"),
        lambda: real.info("标题", "内容"),
        lambda: real.error("标题", "内容"),
        lambda: real.get_text("标题", "名称："),
        lambda: real.run(D.NewReportDialog(win)),
    ):
        QTimer.singleShot(50, close_active)
        call()


def test_settings_are_kept_in_the_redirected_folder(win, _tmp_settings):
    win.close()
    assert any(Path(_tmp_settings).rglob("*.ini"))
    assert QSettings.defaultFormat() is not None


def test_ctrl_z_and_ctrl_y_keys_reach_the_shared_undo_stack(qtbot, huaian_win):
    w = huaian_win
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    i = 1 + T.SECTION_KEYS.index("other")
    w.tabs.setCurrentIndex(i)
    editor = w.section_tabs["other"].editor
    editor.setFocus()
    before = w.doc.report.sections["other"]
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "abc")
    assert w.doc.report.sections["other"] == before + "abc"
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.doc.report.sections["other"] == before
    assert editor.toPlainText() == before
    qtbot.keyClick(editor, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == before + "abc"


def test_help_menu_opens_the_user_manual_inside_the_program(win, monkeypatch):
    import report_editor.gui.window as window_mod

    opened = []
    monkeypatch.setattr(window_mod.QDesktopServices, "openUrl", lambda url: opened.append(url))
    if not window_mod.user_manual_path().is_file():
        pytest.skip("docs/用户手册.md not written yet")
    win.action("manual").trigger()
    # an office PC often has no program for .md files: the program shows it itself
    assert not opened
    manual = win.prompts.dialogs[-1]
    assert isinstance(manual, D.ManualDialog)
    text = manual.browser.toPlainText()
    assert "用户手册" in text and "新建报告" in text
    assert "![" not in text and "| --- |" not in text  # rendered, not raw Markdown
    assert manual.browser.horizontalScrollBar().maximum() == 0  # screenshots fit the page


def test_opening_a_report_with_wrong_printed_totals_recomputes_them_undoably(
    huaian_report, store, win
):
    huaian_report.cells["t3.new.total"] = 3000  # printed wrong (3119 is right)
    rid = store.create(huaian_report)
    assert win.open_report(rid)
    assert win.doc.report.cells["t3.new.total"] == 3119
    assert "重新计算" in win.banner_label.text() and win.banner.isVisibleTo(win)
    win.action("undo").trigger()
    assert win.doc.report.cells["t3.new.total"] == 3000
    assert any(p.rule == "R-02" for p in win.doc.problems)
    win.action("redo").trigger()
    assert win.save_now()
    assert store.load(rid).cells["t3.new.total"] == 3119


def test_read_only_window_takes_over_when_the_other_closes(qtbot, store_dir, huaian_report):
    first = storage.Store(folder=store_dir)
    rid = first.create(huaian_report)
    second = storage.Store(folder=store_dir)
    try:
        w = make_window(qtbot, second, store_dir, restore_session=False)
        w.open_report(rid)
        assert w.doc.read_only and w.banner_button.isVisible()
        w.banner_button.click()  # the other window is still open
        assert w.doc.read_only and w.prompts.kinds("info")
        first.close()
        w.banner_button.click()
        assert not second.read_only and not w.doc.read_only
        assert not w.banner.isVisibleTo(w)
        model = w.table_tab("t3").model
        assert model.setData(model.index_of("t3.granted.npo"), "2", EDIT)
        assert w.save_now() and second.load(rid).cells["t3.granted.npo"] == 2
        w.close()
    finally:
        first.close()
        second.close()


def test_a_value_still_in_the_cell_editor_is_kept_on_close(qtbot, huaian_win, store):
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index_of("t3.granted.research"))
    qtbot.keyClicks(tab.view, "5")  # editor open, Return never pressed
    rid = w.report_id
    w.close()
    assert store.load(rid).cells["t3.granted.research"] == 5


def test_a_value_still_in_the_cell_editor_is_exported_and_versioned(qtbot, huaian_win, tmp_path):
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index_of("t3.granted.research"))
    qtbot.keyClicks(tab.view, "6")  # editor open, Return never pressed: a toolbar click
    out = tmp_path / "out.json"
    w.prompts.files = [str(out)]
    assert w.export_json()
    assert load_report(out).cells["t3.granted.research"] == 6
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index_of("t3.granted.legal"))
    qtbot.keyClicks(tab.view, "4")
    w.prompts.texts = ["报送版"]
    assert w.save_version()
    version = next(v for v in w.store.versions(w.report_id) if v.name == "报送版")
    assert w.store.load_version(w.report_id, version.id).cells["t3.granted.legal"] == 4
