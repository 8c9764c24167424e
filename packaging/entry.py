"""Frozen entry point of both executables: the console script ``report_editor.cli:main``.

``report-editor(.exe)`` is built windowed (no console on Windows), ``report-editor-cli(.exe)``
as a console program from the same script, so ``check``/``export``/``import``/``drafts`` print
their Chinese messages and return their exit status in a Command Prompt. When the windowed
exe is nevertheless given a command on Windows, it attaches to the parent console (if any) so
the messages are not lost; the exit status is then only seen with ``start /wait``.
"""

from __future__ import annotations

import os
import sys


def _attach_parent_console() -> None:
    """Windows GUI-subsystem exe started from a console with arguments: reuse that console."""
    if os.name != "nt" or sys.stdout is not None or len(sys.argv) < 2:
        return
    try:
        import ctypes

        if not ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            return
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    except Exception:  # no console to attach to: the command still runs, silently
        return


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()
    _attach_parent_console()
    from report_editor.cli import main

    raise SystemExit(main())
