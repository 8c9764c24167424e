"""`report-editor import SOURCE -o OUT.json`: exit codes, the written file, the printed report."""

from __future__ import annotations

import subprocess
import sys

from report_editor.cli import main
from report_editor.model import load_report
from report_editor.model import template as T
from tests.conftest import shared_file


def test_import_writes_exchange_file_and_prints_notes(tmp_path, capsys):
    out = tmp_path / "p.json"
    rc = main(["import", str(shared_file("corpus", "partial-002.txt")), "-o", str(out)])
    assert rc == 0
    r = load_report(out)
    assert r.cells["t2.norm.repealed"] == 12 and r.cells["t2.reg.in_force"] is None
    text = capsys.readouterr().out
    assert "【缺少的格子】" in text
    assert f"{T.T2_ROW_REG}”缺少：{T.T2_COLS_ONE[2]}" in text
    assert "已填 23/200 格" in text


def test_import_clean_pdf_prints_no_notes(tmp_path, capsys):
    out = tmp_path / "h.json"
    rc = main(["import", str(shared_file("reference", "huaian-2024.pdf")), "-o", str(out)])
    assert rc == 0
    assert load_report(out).cells[T.t3_key("new", "total")] == 3119
    assert "没有需要核对的地方" in capsys.readouterr().out


def test_unreadable_source_exit_2(tmp_path, capsys):
    src = tmp_path / "x.pdf"
    src.write_bytes(b"%PDF-1.4 broken")
    out = tmp_path / "o.json"
    assert main(["import", str(src), "-o", str(out)]) == 2
    assert not out.exists()
    assert "无法导入" in capsys.readouterr().err


def test_unwritable_output_exit_2(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "o.json"
    rc = main(["import", str(shared_file("corpus", "partial-001.txt")), "-o", str(out)])
    assert rc == 2
    assert "无法写入" in capsys.readouterr().err


def test_console_script_runs(tmp_path):
    out = tmp_path / "s.json"
    src = shared_file("corpus", "seed-weishi-2023.txt")
    proc = subprocess.run(
        [sys.executable, "-m", "report_editor", "import", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "推算所得" in proc.stdout
    assert load_report(out).organ == "尉氏县科学技术和工业信息化局"
