"""PySide6 6.12 on CPython 3.11 under-counts references to True/False/None in emissions."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if sys.argv[1] == "pinned":
        from report_editor.gui.qtcompat import pin_singletons
        pin_singletons()
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    class O(QObject):
        flag = Signal(bool)
        value = Signal(object)
    o = O()
    seen = []
    o.flag.connect(seen.append)
    o.value.connect(seen.append)
    for _ in range(int(sys.argv[2])):
        o.flag.emit(True)
        o.value.emit(None)
    print(len(seen))
    """
)


def _run(mode: str, n: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(n)], capture_output=True, text=True, timeout=120
    )


def test_many_emissions_survive_with_pinned_singletons():
    done = _run("pinned", 60_000)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "120000"
