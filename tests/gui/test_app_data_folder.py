"""app.main with a data folder that cannot be used: a Chinese message and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys

from report_editor import app


def test_data_folder_that_is_a_file_gives_a_dialog(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    taken = tmp_path / "数据"
    taken.write_text("不是文件夹", encoding="utf-8")
    assert app.main(data_dir=str(taken)) == 2
    (args,) = shown
    assert args[1] == "无法打开草稿库"
    assert str(taken) in args[2] and "已有同名文件，不是文件夹" in args[2]
    assert taken.read_text(encoding="utf-8") == "不是文件夹"  # nothing lost

    shown.clear()
    below_a_file = taken / "子文件夹"
    assert app.main(data_dir=str(below_a_file)) == 2
    (args,) = shown
    assert str(below_a_file) in args[2] and "不是文件夹" in args[2]


def test_without_a_qapplication_the_message_goes_to_stderr(tmp_path):
    taken = tmp_path / "数据"
    taken.write_text("x", encoding="utf-8")
    code = f"from report_editor import app; raise SystemExit(app.main(data_dir={str(taken)!r}))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert f"无法打开草稿库文件夹 {taken}：路径上已有同名文件，不是文件夹。" in out.stderr


def test_without_standard_error_the_message_is_a_dialog(tmp_path):
    # A windowed Windows build has sys.stderr = None: printing would show the clerk nothing.
    taken = tmp_path / "数据"
    taken.write_text("x", encoding="utf-8")
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "shown = []\n"
        "QMessageBox.critical = lambda *a, **k: shown.append(a[2])\n"
        "real = sys.stdout\n"
        "sys.stderr = None\n"
        "from report_editor import app\n"
        f"code = app.main(data_dir={str(taken)!r})\n"
        "print(code, shown, file=real)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("2 [") and "已有同名文件，不是文件夹" in out.stdout
