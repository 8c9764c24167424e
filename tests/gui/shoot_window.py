"""Run the real window on an X server and save screenshots (used by test_xvfb_screenshot).

    python tests/gui/shoot_window.py OUT_DIR      (DISPLAY must point at an X server)

Shows the 淮安 2024 report with a balance error typed into 表三, and the 总体情况 tab.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data"
MAX_BYTES = 400_000


def save_small_png(image, path: Path) -> int:
    """PNG under MAX_BYTES: full colour if it fits, else a 256-colour palette."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image.save(str(path), "PNG", 9)
    if path.stat().st_size > MAX_BYTES:
        small = image.convertToFormat(
            QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
        )
        small.save(str(path), "PNG", 9)
    return path.stat().st_size


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="shoot-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "cfg"))
    from report_editor.app import make_application

    app = make_application(["report-editor"])
    from report_editor.gui.window import MainWindow
    from report_editor.model import load_report
    from report_editor.storage import Store

    store = Store(folder=tmp / "store")
    store.create(load_report(FIXTURES / "weishi-2023.json"))
    rid = store.create(load_report(FIXTURES / "huaian-2024.json"))
    w = MainWindow(store, data_dir=tmp / "store", restore_session=False)
    w.resize(1440, 960)
    w.show()
    w.open_report(rid)
    w.splitter.setSizes([330, 1110])
    tab = w.table_tab("t3")
    w.tabs.setCurrentWidget(tab)
    model = tab.model
    # a typing slip: 3001 → 3011 in 一、本年新收 · 自然人
    model.setData(model.index_of("t3.new.natural"), "3011", Qt.ItemDataRole.EditRole)
    tab.view.setCurrentIndex(model.index_of("t3.granted.biz"))
    tab.view.clearSelection()
    w.save_now()
    for _ in range(20):
        app.processEvents()
    QApplication.processEvents()
    shot = w.grab().toImage()
    n1 = save_small_png(shot, out / "screenshot-table3.png")

    w.tabs.setCurrentIndex(1)  # 一、总体情况
    for _ in range(10):
        app.processEvents()
    n2 = save_small_png(w.grab().toImage(), out / "screenshot-list.png")
    print(f"saved {n1} {n2} {shot.width()}x{shot.height()} problems={len(w.doc.problems)}")
    w.doc.undo_stack.setClean()
    w.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
