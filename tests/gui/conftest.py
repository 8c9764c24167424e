"""GUI test set-up: settings in tmp, the PySide6 refcount work-around, helpers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from report_editor.gui.qtcompat import pin_singletons

pin_singletons()


@pytest.fixture(autouse=True)
def _tmp_settings(tmp_path):
    """QSettings (window geometry, last report) never touch the user's real settings."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def doc(qapp, huaian_report):
    from report_editor.gui.document import ReportDocument

    d = ReportDocument(huaian_report)
    yield d
    d.deleteLater()


class FakePrompts:
    """Answers the window's modal questions; records what was asked."""

    def __init__(self):
        self.asked: list[tuple[str, str]] = []
        self.confirm_answers: list[bool] = []
        self.texts: list[str | None] = []
        self.files: list[str | None] = []
        self.choices: list[int | None] = []
        self.dialog_hook = None  # called with the dialog; returns accept?
        self.dialogs: list[QDialog] = []

    def confirm(self, title, text, yes="确定", no="取消"):
        self.asked.append(("confirm", f"{title}: {text} [{yes}/{no}]"))
        return self.confirm_answers.pop(0) if self.confirm_answers else True

    def choose(self, title, text, options):
        self.asked.append(("choose", f"{title}: {text} {options}"))
        return self.choices.pop(0) if self.choices else 0

    def info(self, title, text):
        self.asked.append(("info", f"{title}: {text}"))

    def error(self, title, text):
        self.asked.append(("error", f"{title}: {text}"))

    def get_text(self, title, label, default=""):
        self.asked.append(("text", title))
        return self.texts.pop(0) if self.texts else default

    def open_file(self, title, filters):
        self.asked.append(("open", title))
        return self.files.pop(0) if self.files else None

    def save_file(self, title, suggested, filters):
        self.asked.append(("save", f"{title}: {suggested}"))
        return self.files.pop(0) if self.files else None

    def run(self, dialog):
        self.dialogs.append(dialog)
        dialog.show()  # it really builds and shows
        ok = self.dialog_hook(dialog) if self.dialog_hook else False
        dialog.close()
        return ok

    def kinds(self, kind):
        return [t for k, t in self.asked if k == kind]


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def store(store_dir):
    from report_editor import storage

    s = storage.Store(folder=store_dir)
    yield s
    s.close()


def make_window(qtbot, store, store_dir, *, resize=True, **kw):
    from report_editor.gui.window import MainWindow

    w = MainWindow(store, data_dir=store_dir, **kw)
    w.prompts = FakePrompts()
    qtbot.addWidget(w)
    if resize:
        w.resize(1280, 860)
    w.show()
    return w


@pytest.fixture
def win(qtbot, store, store_dir, seed_path):
    return make_window(qtbot, store, store_dir, sample_path=seed_path)


@pytest.fixture
def huaian_win(win, store, huaian_report):
    rid = store.create(huaian_report)
    win.refresh_list()
    assert win.open_report(rid)
    return win
