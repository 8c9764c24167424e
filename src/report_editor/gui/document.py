"""The open report as a Qt object: edits go through undo commands, checks rerun after each."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..model import template as T
from ..model.report import CellValue, Report

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
TEXT_MERGE_SECONDS = 3.0
TEXT_CHECK_DELAY_MS = 200

# Editable plain fields of a Report, plus "sections.<key>".
PLAIN_FIELDS = (
    "organ",
    "kind",
    "year",
    "title",
    "preamble",
    "signature_organ",
    "signature_date",
)


def _run_checks(report: Report, previous: Report | None) -> list[Any]:
    from ..checks import run_checks

    return list(run_checks(report, previous=previous))


def summarize(problems: list[Any]) -> str:
    from ..checks import summarize as _summarize

    return _summarize(problems)


class CellsCommand(QUndoCommand):
    """Set several cells at once (an edit, a paste, 空白填0, a Delete)."""

    def __init__(self, doc: ReportDocument, changes: Mapping[str, CellValue], text: str):
        super().__init__(text)
        self._doc = doc
        self._new = dict(changes)
        self._old = {cid: doc.report.cells.get(cid) for cid in changes}

    def redo(self) -> None:
        self._doc._apply_cells(self._new)

    def undo(self) -> None:
        self._doc._apply_cells(self._old)


class TotalsCommand(QUndoCommand):
    """Bring stored totals in line with their parts; undo shows the totals as they were."""

    def __init__(self, doc: ReportDocument, computed: Mapping[str, CellValue]):
        super().__init__("重新计算总计")
        self._doc = doc
        self._new = dict(computed)
        self._old = {cid: doc.report.cells.get(cid) for cid in computed}

    def redo(self) -> None:
        self._doc._apply_cells(self._new, recompute=False)

    def undo(self) -> None:
        self._doc._apply_cells(self._old, recompute=False)


class FieldCommand(QUndoCommand):
    """Change one text field; a burst of typing in the same field merges into one step."""

    ID = 4711

    def __init__(self, doc: ReportDocument, field: str, new: Any, *, merge: bool, text: str):
        super().__init__(text)
        self._doc = doc
        self.field = field
        self._old = doc.get_field(field)
        self._new = new
        self._merge = merge
        self._stamp = time.monotonic()

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, FieldCommand) or other.field != self.field:
            return False
        if not (self._merge and other._merge):
            return False
        if other._stamp - self._stamp > TEXT_MERGE_SECONDS:
            return False
        self._new = other._new
        self._stamp = other._stamp
        return True

    def redo(self) -> None:
        self._doc._apply_field(self.field, self._new)

    def undo(self) -> None:
        self._doc._apply_field(self.field, self._old)


class ReportDocument(QObject):
    """A Report with its undo stack and its current list of problems.

    Views never write the Report directly: they call `set_cells` / `set_field` /
    `fill_blanks`, which push undoable commands; every change reruns the checks.
    """

    cells_changed = Signal(list)  # ids whose value changed, totals included
    field_changed = Signal(str)  # "organ", "sections.overview", …
    problems_changed = Signal()
    changed = Signal()  # any content change (autosave hooks here)

    def __init__(
        self,
        report: Report,
        *,
        previous: Report | None = None,
        read_only: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.previous = previous
        self.read_only = read_only
        self.undo_stack = QUndoStack(self)
        self.problems: list[Any] = []
        self.cell_problems: dict[str, list[Any]] = {}
        self.check_error: str | None = None
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_CHECK_DELAY_MS)
        self._text_timer.timeout.connect(self.recheck)
        self.recheck()

    # ---- reading

    def cell(self, cell_id: str) -> CellValue:
        return self.report.cells.get(cell_id)

    def get_field(self, field: str) -> Any:
        if field.startswith("sections."):
            return self.report.sections.get(field.split(".", 1)[1], "")
        if field not in PLAIN_FIELDS:
            raise KeyError(field)
        return getattr(self.report, field)

    def worst_severity(self, cell_id: str) -> str | None:
        probs = self.cell_problems.get(cell_id)
        if not probs:
            return None
        return min((p.severity for p in probs), key=lambda s: SEVERITY_ORDER.get(s, 9))

    # ---- editing (undoable)

    def set_cells(self, changes: Mapping[str, CellValue], text: str = "修改单元格") -> bool:
        """Push one undo step that sets these cells; totals are never set directly."""
        if self.read_only:
            return False
        changes = {
            cid: v
            for cid, v in changes.items()
            if cid not in T.TOTAL_CELL_IDS and self.report.cells.get(cid) != v
        }
        if not changes:
            return False
        self.undo_stack.push(CellsCommand(self, changes, text))
        return True

    def fix_totals(self) -> list[str]:
        """Totals that differ from the sum of their parts (an imported report keeps the
        printed ones) are recomputed as one undoable step; returns their ids."""
        if self.read_only:
            return []
        probe = self.report.copy()
        changed = probe.recompute_totals()
        if changed:
            self.undo_stack.push(TotalsCommand(self, {c: probe.cells[c] for c in changed}))
        return changed

    def fill_blanks(self, table: str) -> int:
        """空白填0 for one table as one undo step; returns how many cells were filled."""
        blanks = [
            c.id
            for c in T.CELLS
            if c.table == table and not c.is_total and self.report.cells.get(c.id) is None
        ]
        changes = {cid: ("0" if cid == T.FEE_CELL else 0) for cid in blanks}
        self.set_cells(changes, f"{T.TABLE_NAMES.get(table, table)}空白填0")
        return len(changes)

    def set_field(self, field: str, value: Any, *, merge: bool = True) -> bool:
        if self.read_only or self.get_field(field) == value:
            return False
        label = "修改文字" if merge else "修改"
        self.undo_stack.push(FieldCommand(self, field, value, merge=merge, text=label))
        return True

    # ---- applying (called by the commands)

    def _apply_cells(self, values: Mapping[str, CellValue], recompute: bool = True) -> None:
        self.report.cells.update(values)
        totals = self.report.recompute_totals() if recompute else []
        self.cells_changed.emit(list(dict.fromkeys([*values, *totals])))
        self.recheck()
        self.changed.emit()

    def _apply_field(self, field: str, value: Any) -> None:
        if field.startswith("sections."):
            self.report.sections[field.split(".", 1)[1]] = value
        else:
            setattr(self.report, field, value)
        self.field_changed.emit(field)
        self._text_timer.start()
        self.changed.emit()

    # ---- checks

    def recheck(self) -> None:
        self._text_timer.stop()
        try:
            problems = _run_checks(self.report, self.previous)
            self.check_error = None
        except Exception as exc:  # a broken rule must not break editing; shown in status bar
            problems = []
            self.check_error = f"校验出错：{exc}"
        problems.sort(key=lambda p: SEVERITY_ORDER.get(p.severity, 9))
        self.problems = problems
        index: dict[str, list[Any]] = {}
        for p in problems:
            for cid in p.cells:
                index.setdefault(cid, []).append(p)
        self.cell_problems = index
        self.problems_changed.emit()

    def flush_checks(self) -> None:
        """Run pending text checks now (tests, export)."""
        if self._text_timer.isActive():
            self.recheck()
