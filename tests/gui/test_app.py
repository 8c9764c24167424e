"""app.py: exception hook, translations, icon, and a real start of `python -m report_editor`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QCoreApplication

from report_editor import app


def test_excepthook_logs_to_the_data_folder_and_shows_a_chinese_dialog(qapp, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a))
    app.install_excepthook(tmp_path)
    try:
        raise ValueError("坏数据")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    log = tmp_path / "logs" / "error.log"
    text = log.read_text(encoding="utf-8")
    assert "ValueError: 坏数据" in text and "Traceback" in text
    assert len(shown) == 1
    title, body = shown[0][1], shown[0][2]
    assert title == "程序出错" and str(log) in body and "坏数据" in body


def test_qt_dialogs_speak_chinese(qapp):
    translators = app.install_translators(qapp)
    try:
        assert translators, "no qtbase_zh_CN.qm found"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        for t in translators:
            qapp.removeTranslator(t)


def test_application_icon_is_found(qapp):
    from report_editor import paths

    if not paths.resource_path("icons", "report-editor.svg").is_file():
        pytest.skip("icon not in resources yet")
    icon = app.app_icon()
    assert not icon.isNull() and not icon.pixmap(32, 32).isNull()


def test_the_program_starts_and_reopens_the_last_report(tmp_path, _tmp_settings, huaian_report):
    from report_editor.gui.settings import app_settings
    from report_editor.storage import Store

    data = tmp_path / "data"
    with Store(folder=data) as store:
        rid = store.create(huaian_report)
    s = app_settings()
    s.setValue("session/data_dir", str(data))
    s.setValue("session/last_report", rid)
    s.sync()
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(_tmp_settings),
        REPORT_EDITOR_QUIT_AFTER_SHOW="1",
    )
    out = subprocess.run(
        [sys.executable, "-m", "report_editor", "--data-dir", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "report-editor shown" in out.stderr and "open=1" in out.stderr
    assert not (data / "logs" / "error.log").exists()
