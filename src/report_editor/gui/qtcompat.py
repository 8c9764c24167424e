"""Work-arounds for defects of the pinned Qt binding (no Qt import here).

PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to `True`/`False`/`None` in some
signal emissions: after some thousands of edits the process aborts with "bool_dealloc:
deallocating True or False". CPython 3.12+ makes these singletons immortal; on 3.11 we give
them a reference count so large that no leak of that kind can bring it to zero.
"""

from __future__ import annotations

import ctypes
import sys

_DONE = False
_PINS = 1 << 40


def pin_singletons() -> None:
    """Make None/True/False/Ellipsis/NotImplemented effectively immortal (CPython < 3.12)."""
    global _DONE
    if _DONE or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (None, True, False, Ellipsis, NotImplemented):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))
        refcnt.value += _PINS
    _DONE = True
