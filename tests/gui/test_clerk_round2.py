"""What a clerk ran into using the real window (second round), each pinned by a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from report_editor import paths
from report_editor.gui import dialogs as D
from report_editor.model import save_report
from report_editor.model import template as T
from tests.gui.conftest import make_window

storage = pytest.importorskip("report_editor.storage")
EDIT = Qt.ItemDataRole.EditRole


# ---------------------------------------------------------------- new report dialog


def test_new_report_dialog_shows_a_full_organ_name_and_needs_one(qtbot, win):
    dlg = D.NewReportDialog(win)
    qtbot.addWidget(dlg)
    dlg.show()
    name = "尉氏县科学技术和工业信息化局"
    assert dlg.organ.width() > dlg.organ.fontMetrics().horizontalAdvance(name) + 10
    assert not dlg.ok_button.isEnabled()  # no nameless report in the list
    dlg.organ.setText("  ")
    assert not dlg.ok_button.isEnabled()
    dlg.organ.setText(name)
    assert dlg.ok_button.isEnabled()


# ---------------------------------------------------------------- table input


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Tab])
def test_a_refused_value_keeps_the_cursor_on_its_cell(qtbot, huaian_win, key):
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    view, model = tab.view, tab.model
    view.setFocus()
    here = model.index_of("t3.granted.natural")
    old = w.doc.report.cells["t3.granted.natural"]
    view.setCurrentIndex(here)
    qtbot.keyClicks(view, "abc")
    qtbot.keyClick(view.focusWidget(), key)
    qtbot.wait(10)  # the delegate commits through a queued call
    assert w.doc.report.cells["t3.granted.natural"] == old
    assert view.currentIndex() == here  # not carried on past the refusal
    assert view.state() != view.State.EditingState
    assert "未接受" in w.statusBar().currentMessage()
    # a good value then goes on as usual
    qtbot.keyClicks(view, "7")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(10)
    assert w.doc.report.cells["t3.granted.natural"] == 7
    assert view.currentIndex() != here


def test_typing_on_a_total_says_why_and_does_not_jump_elsewhere(qtbot, huaian_win):
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    view, model = tab.view, tab.model
    view.setFocus()
    total = model.index_of("t3.new.total")
    view.setCurrentIndex(total)
    before = dict(w.doc.report.cells)
    qtbot.keyClicks(view, "5")  # some other total shows 5: Qt would jump there
    assert view.currentIndex() == total
    assert "自动计算" in w.statusBar().currentMessage()
    assert w.doc.report.cells == before
    view.setCurrentIndex(model.index(0, 0))  # a header
    qtbot.keyClicks(view, "1")
    assert view.currentIndex() == model.index(0, 0)
    assert "表头" in w.statusBar().currentMessage()


def test_tab_and_enter_pass_over_the_computed_totals(qtbot, huaian_win):
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    view, model = tab.view, tab.model
    view.setFocus()
    view.setCurrentIndex(model.index_of("t3.new.other_org"))  # last column before 总计
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert model.cell_id(view.currentIndex()) == "t3.carried.natural"
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert model.cell_id(view.currentIndex()) == "t3.new.other_org"
    # Enter down the 自然人 column: （七）总计 is skipped, 四、结转 follows the last part
    parts = [k for k in model.position if k.endswith(".natural") and not model.is_total(k)]
    before_total = sorted(parts, key=lambda k: model.position[k])[-2]
    view.setCurrentIndex(model.index_of(before_total))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert model.cell_id(view.currentIndex()) == "t3.carry_next.natural"


def test_counts_copied_from_excel_with_thousands_separators_are_taken(huaian_win):
    w = huaian_win
    tab = w.table_tab("t2")
    model, view = tab.model, tab.view
    assert model.setData(model.index_of("t2.licensing"), "447,229", EDIT)
    assert w.doc.report.cells["t2.licensing"] == 447229
    assert model.setData(model.index_of("t2.licensing"), "４４７，２２８", EDIT)
    assert w.doc.report.cells["t2.licensing"] == 447228
    for bad in ("1,23", "12,3456", ",123"):
        assert not model.setData(model.index_of("t2.licensing"), bad, EDIT)
    assert w.doc.report.cells["t2.licensing"] == 447228
    # a block pasted from a formatted sheet
    view.setCurrentIndex(model.index_of("t2.penalty"))
    assert view.paste_text("3,985,759\n88,284\n").startswith("已粘贴")
    assert w.doc.report.cells["t2.penalty"] == 3985759
    assert w.doc.report.cells["t2.coercion"] == 88284


def test_right_click_menu_copies_pastes_clears_and_fills(qtbot, huaian_win):
    w = huaian_win
    tab = w.table_tab("t4")
    view, model = tab.view, tab.model
    view.setCurrentIndex(model.index_of("t4.rev.pending"))
    menu = view.context_menu()
    acts = {a.text(): a for a in menu.actions() if a.text()}
    assert set(acts) == {"复制", "粘贴", "清空所选单元格", "本表空白填0"}
    acts["清空所选单元格"].trigger()
    assert w.doc.report.cells["t4.rev.pending"] is None
    acts["本表空白填0"].trigger()
    assert w.doc.report.cells["t4.rev.pending"] == 0
    acts["复制"].trigger()
    assert QGuiApplication.clipboard().text().strip() == "0"
    QGuiApplication.clipboard().setText("5\n")
    acts["粘贴"].trigger()
    assert w.doc.report.cells["t4.rev.pending"] == 5


# ---------------------------------------------------------------- file dialogs


def test_file_dialogs_start_in_documents_and_then_in_the_last_folder(
    huaian_win, tmp_path, monkeypatch
):
    w = huaian_win
    real = D.Prompts(w, w.settings)
    seen: list[str] = []
    picked = tmp_path / "收发" / "上报.json"
    picked.parent.mkdir()

    def fake_open(parent, title, folder, filters):
        seen.append(folder)
        return str(picked), filters

    def fake_save(parent, title, start, filters):
        seen.append(start)
        return "", filters

    monkeypatch.setattr(D.QFileDialog, "getOpenFileName", fake_open)
    monkeypatch.setattr(D.QFileDialog, "getSaveFileName", fake_save)
    real.save_file("导出PDF", "报告.pdf", "PDF 文件 (*.pdf)")
    # not the program's working folder (on Windows: where it is installed)
    first = Path(seen[0])
    assert first.is_absolute() and first.name == "报告.pdf"
    assert first.parent == Path(D.default_folder())
    assert real.open_file("导入", "*.json") == str(picked)
    real.save_file("导出PDF", "报告.pdf", "PDF 文件 (*.pdf)")
    assert Path(seen[-1]) == picked.parent / "报告.pdf"
    # remembered across windows
    assert QSettings(w.settings.fileName(), QSettings.Format.IniFormat).value(
        D.LAST_DIR_KEY
    ) == str(picked.parent)


# ---------------------------------------------------------------- import


def _exported(w, tmp_path, text: str) -> Path:
    out = tmp_path / "来文.json"
    r = w.doc.report.copy()
    r.sections["other"] = text
    save_report(r, out)
    return out


def test_importing_a_report_that_exists_asks_replace_or_keep_both(huaian_win, store, tmp_path):
    w = huaian_win
    rid = w.report_id
    mine = w.doc.report.sections["other"]
    src = _exported(w, tmp_path, "来文的其他事项。")
    # 取消: nothing changes
    w.prompts.files, w.prompts.choices = [str(src)], [None]
    assert not w.import_report()
    assert any("已经有" in t for t in w.prompts.kinds("choose"))
    assert len(store.list_reports()) == 1
    assert store.load(rid).sections["other"] == mine
    # 另存为新报告: both kept, the new one is open
    w.prompts.files, w.prompts.choices = [str(src)], [1]
    assert w.import_report()
    assert len(store.list_reports()) == 2
    assert w.report_id != rid and w.doc.report.sections["other"] == "来文的其他事项。"
    assert store.load(rid).sections["other"] == mine


def test_import_over_the_open_report_is_not_overwritten_by_its_unsaved_edits(
    huaian_win, store, tmp_path
):
    w = huaian_win
    rid = w.report_id
    src = _exported(w, tmp_path, "来文的其他事项。")
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.granted.npo"), "5", EDIT)  # not yet autosaved
    assert not w.is_saved()
    w.prompts.files, w.prompts.choices = [str(src)], [0]
    assert w.import_report()
    assert w.report_id == rid
    assert w.doc.report.sections["other"] == "来文的其他事项。"
    assert store.load(rid).sections["other"] == "来文的其他事项。"
    # the edit was saved before the import replaced the report: it is in the history
    versions = store.versions(rid)
    assert any(store.load_version(rid, v.id).cells["t3.granted.npo"] == 5 for v in versions)


def test_import_and_export_show_a_wait_cursor(huaian_win, tmp_path, monkeypatch):
    import report_editor.gui.window as window_mod

    w = huaian_win
    src = _exported(w, tmp_path, "x")
    cursors = []
    real_load = window_mod.load_report

    def slow_load(path):
        cursors.append(QGuiApplication.overrideCursor())
        return real_load(path)

    monkeypatch.setattr(window_mod, "load_report", slow_load)
    w.prompts.files = [str(src)]
    assert w.import_report()
    assert cursors and cursors[0] is not None
    assert cursors[0].shape() == Qt.CursorShape.WaitCursor
    assert QGuiApplication.overrideCursor() is None  # restored afterwards


def test_an_import_without_notes_says_so_briefly(qtbot, win):
    dlg = D.NotesDialog("导入结果", "已从“a.json”新建了报告。", [], win)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.list.isVisible()
    assert dlg.height() < 250
    full = D.NotesDialog("导入结果", "请核对：", ["第一处", "第二处"], win)
    qtbot.addWidget(full)
    full.show()
    assert full.list.isVisible() and full.list.count() == 2


def test_questions_say_what_their_buttons_do(qtbot, win):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    seen = []

    def look():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.extend(b.text() for b in box.buttons())
        box.reject()

    QTimer.singleShot(50, look)
    assert not D.Prompts(win).confirm("导出完成", "现在打开它吗？", yes="打开PDF", no="不用了")
    assert sorted(seen) == ["不用了", "打开PDF"]


def test_the_export_questions_name_their_answers(huaian_win, tmp_path, monkeypatch):
    pytest.importorskip("report_editor.export.pdf")
    import report_editor.gui.window as window_mod

    monkeypatch.setattr(window_mod.QDesktopServices, "openUrl", lambda url: None)
    w = huaian_win
    model = w.table_tab("t3").model
    model.setData(model.index_of("t3.new.biz"), "60", EDIT)
    w.prompts.files = [str(tmp_path / "out.pdf")]
    assert w.export_pdf()
    asked = w.prompts.kinds("confirm")
    assert asked[0].endswith("[仍然导出/先去改正]") and asked[1].endswith("[打开PDF/不用了]")


# ---------------------------------------------------------------- versions


def test_restoring_a_version_keeps_the_tab_the_clerk_was_on(huaian_win):
    w = huaian_win
    w.prompts.texts = ["报送前"]
    assert w.save_version()
    i = 1 + T.SECTION_KEYS.index("overview")
    w.tabs.setCurrentIndex(i)

    def pick(dlg):
        dlg.buttons["恢复此版本"].click()
        return True

    w.prompts.dialog_hook = pick
    assert w.show_history()
    assert w.tabs.currentIndex() == i


# ---------------------------------------------------------------- about, panel


def test_about_lists_every_library_and_every_bundled_font_file(win):
    win.action("about").trigger()
    about = win.prompts.dialogs[-1]
    labels = [about.list.item(i).text() for i in range(about.list.count())]
    index = json.loads(paths.resource_path("LICENSES", "index.json").read_text("utf-8"))
    for e in index:
        assert any(e["name"] in t and e.get("version", "") in t for t in labels), e["name"]
    fonts = json.loads(paths.resource_path("fonts", "fonts.json").read_text("utf-8"))
    for f in fonts["files"].values():
        hits = [i for i, t in enumerate(labels) if f["file"] in t]
        assert hits, f["file"]
        about.list.setCurrentRow(hits[0])
        assert "SIL OPEN FONT LICENSE" in about.text.toPlainText().upper()


def test_problems_panel_says_what_it_is_for_before_a_report_is_open(huaian_win):
    w = huaian_win
    w.close_report()
    texts = [w.problems_panel.item(i).text() for i in range(w.problems_panel.count())]
    assert texts and "打开" in texts[0]
    assert w.problems_panel.problem_at(0) is None


# ---------------------------------------------------------------- screen size


def _visible_data_rows(view) -> int:
    model = view.grid_model()
    vp = view.viewport().rect()
    return sum(
        1 for r in model.data_rows if vp.contains(view.visualRect(model.index(r, 4)).center())
    )


def test_table3_shows_enough_rows_on_a_1366x768_screen(qtbot, huaian_win):
    w = huaian_win
    w.resize(1366, 728)  # 768 minus the taskbar
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.view.viewport().height() > 100)
    QApplication.processEvents()
    assert _visible_data_rows(tab.view) >= 9


@pytest.mark.parametrize("table", ["t2", "t4"])
def test_small_tables_are_shown_whole_and_the_note_gets_the_rest(qtbot, huaian_win, table):
    w = huaian_win
    w.resize(1366, 728)
    tab = w.table_tab(table)
    w.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.view.viewport().height() > 50)
    QApplication.processEvents()
    model, view = tab.model, tab.view
    assert view.height() >= view.full_height()
    for r in range(model.rowCount()):  # every row of the printed table is on screen
        rect = view.visualRect(model.index(r, 0))
        assert view.viewport().rect().contains(rect.center()), r
    assert tab.note.editor.height() > 3 * tab.note.editor.fontMetrics().lineSpacing()


def test_the_window_still_fits_a_1366x768_screen_at_125_percent(huaian_win):
    w = huaian_win
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        hint = w.minimumSizeHint()
        assert hint.width() <= 1366 / 1.25 and hint.height() <= 728 / 1.25, (i, hint)


def test_first_start_on_a_small_screen_is_maximized(qtbot, store, store_dir):
    w = make_window(qtbot, store, store_dir, resize=False)
    w.hide()
    assert w.first_start
    screen = w.screen().availableGeometry()
    if screen.width() >= 1600 and screen.height() >= 960:
        pytest.skip("test screen is large")
    w.show_initial()
    assert w.isMaximized()
    w.close()  # geometry saved: the next start restores it instead
    w2 = make_window(qtbot, store, store_dir, resize=False)
    assert not w2.first_start


# ---------------------------------------------------------------- speed


class _PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.areas: list[int] = []

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            r = event.region().boundingRect()
            self.areas.append(r.width() * r.height())
        return False


def test_an_edit_repaints_only_what_changed_not_the_whole_tab(qtbot, huaian_win):
    """Tab markers, the balance strip and the status colour change with every such edit;
    none of them may make Qt redraw the whole 表三 page (grid frame, splitter, note)."""
    w = huaian_win
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    qtbot.waitExposed(w)
    model = tab.model
    ix = model.index_of("t3.new.natural")
    assert w.doc.report.cells["t3.new.natural"] == 3001  # balanced
    for value in ("3002", "3001"):  # the tab bar takes its height with the first marker
        model.setData(ix, value, EDIT)
        qtbot.wait(20)
    spy = _PaintSpy()
    tab.installEventFilter(spy)
    whole = tab.width() * tab.height()
    # unbalanced and back: tab markers, balance strip and status change every time
    for value in ("3002", "3001", "3005", "3001"):
        spy.areas.clear()
        model.setData(ix, value, EDIT)
        qtbot.wait(20)
        assert max(spy.areas, default=0) < whole / 3, (value, spy.areas, whole)
    tab.removeEventFilter(spy)
