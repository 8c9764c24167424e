"""Speed of the editor window (issue 5): start-up, edit-to-repaint, peak memory.

    python benchmarks/bench_gui.py [--runs N]

1. process start → window shown with a report open (real `python -m report_editor`,
   offscreen, the last report reopened from the session settings); target ≤ 1.0 s median;
2. an edit in 表三 → totals, tints, balance strip and problems panel repainted; target ≤ 16 ms;
3. peak RSS of the start-up process with a report open; target ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "huaian-2024.json"


def _prepare(tmp: Path) -> dict[str, str]:
    """A store with the Huaian report and session settings that reopen it."""
    from PySide6.QtCore import QSettings

    from report_editor.gui.settings import app_settings
    from report_editor.model import load_report
    from report_editor.storage import Store

    data = tmp / "data"
    config = tmp / "config"
    store = Store(folder=data)
    rid = store.create(load_report(FIXTURE))
    store.close()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config))
    s = app_settings()
    s.setValue("session/data_dir", str(data))
    s.setValue("session/last_report", rid)
    s.sync()
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(config),
        REPORT_EDITOR_QUIT_AFTER_SHOW="1",
        REPORT_EDITOR_HOME=str(data),
    )
    return env


def bench_startup(runs: int) -> tuple[list[float], float]:
    times = []
    with tempfile.TemporaryDirectory() as d:
        env = _prepare(Path(d))
        for _ in range(runs):
            t0 = time.time()
            out = subprocess.run(
                [sys.executable, "-m", "report_editor"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            shown = [
                line for line in out.stderr.splitlines() if line.startswith("report-editor shown ")
            ]
            if not shown or "open=1" not in shown[0]:
                raise SystemExit(f"window did not report a shown report:\n{out.stderr}")
            times.append(float(shown[0].split()[2]) - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return times, peak_mb


def bench_edit(edits: int) -> tuple[list[float], list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from report_editor.app import make_application

    app = make_application([])
    from report_editor.gui.window import MainWindow
    from report_editor.model import load_report
    from report_editor.storage import Store

    with tempfile.TemporaryDirectory() as d:
        store = Store(folder=Path(d))
        rid = store.create(load_report(FIXTURE))
        w = MainWindow(store, data_dir=d, restore_session=False)
        w.resize(1400, 1000)
        w.show()
        w.open_report(rid)
        tab = w.table_tab("t3")
        w.tabs.setCurrentWidget(tab)
        app.processEvents()
        model = tab.model
        ix = model.index_of("t3.new.natural")
        dirty, full = [], []
        for i in range(edits):
            # alternate between a balance error and the balanced value
            value = "3001" if i % 2 else str(3002 + i)
            t0 = time.perf_counter()
            model.setData(ix, value)
            app.processEvents()  # dirty cells, strip, tab markers and panel repaint
            dirty.append(time.perf_counter() - t0)
            value = "3001" if i % 2 == 0 else str(3002 + i)
            t0 = time.perf_counter()
            model.setData(ix, value)
            tab.view.viewport().repaint()  # worst case: the whole grid
            w.problems_panel.viewport().repaint()
            app.processEvents()
            full.append(time.perf_counter() - t0)
        w._autosave.stop()
        w.close()
        store.close()
    return dirty, full


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--edits", type=int, default=60)
    args = ap.parse_args()
    start, peak = bench_startup(args.runs)
    print(
        f"start-up to window shown with a report open: median {statistics.median(start):.3f} s "
        f"(min {min(start):.3f}, max {max(start):.3f}, {len(start)} runs; target ≤ 1.0 s)"
    )
    print(f"peak memory of that process: {peak:.0f} MB (target ≤ 200 MB)")
    dirty, full = bench_edit(args.edits)
    for name, xs in (
        ("repaint of the changed cells", dirty),
        ("forced repaint of whole grid", full),
    ):
        xs = sorted(xs)
        print(
            f"edit in 表三 → checks, totals, tints, panel; {name}: median "
            f"{statistics.median(xs) * 1000:.1f} ms (p90 {xs[int(len(xs) * 0.9)] * 1000:.1f} ms, "
            f"{len(xs)} edits; target ≤ 16 ms)"
        )


if __name__ == "__main__":
    main()
