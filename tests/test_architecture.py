"""The core never imports Qt: only gui/ and app.py may (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "report_editor"


def _qt_importers() -> list[str]:
    bad = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("gui/") or rel == "app.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "PySide6" or n.startswith("PySide6.") for n in names):
                bad.append(rel)
    return bad


def test_no_pyside6_outside_gui_layer():
    assert _qt_importers() == []


def test_the_check_itself_detects_a_qt_import(tmp_path, monkeypatch):
    fake = SRC / "model" / "_probe_qt_import.py"
    fake.write_text("from PySide6 import QtCore\n", encoding="utf-8")
    try:
        assert "model/_probe_qt_import.py" in _qt_importers()
    finally:
        fake.unlink()
