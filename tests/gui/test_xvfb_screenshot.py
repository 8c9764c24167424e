"""The real window on a real X server (Xvfb): screenshots of 表三 with a balance error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCS = ROOT / "docs"

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
]


def _free_display() -> int:
    for n in range(91, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    n = _free_display()
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sock = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 10
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.skip("Xvfb did not start")
        time.sleep(0.05)
    yield f":{n}"
    proc.terminate()
    proc.wait(timeout=10)


def test_real_window_screenshot_of_table3_with_a_balance_error(xvfb, tmp_path):
    env = dict(os.environ)
    env.update(DISPLAY=xvfb, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    out = subprocess.run(
        [sys.executable, str(HERE / "shoot_window.py"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "saved" in out.stdout
    from PySide6.QtGui import QColor, QImage

    from report_editor.gui.grid_model import SEVERITY_BG

    shot = tmp_path / "screenshot-table3.png"
    img = QImage(str(shot))
    assert img.width() >= 1200 and img.height() >= 800
    assert shot.stat().st_size < 400_000
    # the error tint of the broken balance is on screen
    want = QColor(SEVERITY_BG["error"]).rgb() & 0xFFFFFF
    step = 4
    hits = sum(
        1
        for y in range(0, img.height(), step)
        for x in range(0, img.width(), step)
        if img.pixel(x, y) & 0xFFFFFF == want
    )
    assert hits > 50
    if os.environ.get("REPORT_EDITOR_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        for name in ("screenshot-table3.png", "screenshot-list.png"):
            shutil.copyfile(tmp_path / name, DOCS / name)
