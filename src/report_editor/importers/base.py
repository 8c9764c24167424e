"""Result types and the common intermediate every source is turned into."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.report import Report

# Inputs larger than this are refused with a clear message: a report's text is some 10–50 KB,
# a PDF or Word file with pictures a few MB.
MAX_INPUT_BYTES = 40 * 1024 * 1024
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_TEXT_CHARS = 400_000


class ImportFailed(Exception):
    """The source cannot be read at all; the message is Chinese and user-facing."""


class ImportBug(ImportFailed):
    """An unexpected error inside the importer, turned into a message instead of a crash
    (the tests treat it as a failure)."""


@dataclass
class ImportNote:
    kind: str
    message: str
    cells: tuple[str, ...] = ()


@dataclass
class ImportResult:
    report: Report
    notes: list[ImportNote]
    source_kind: str


@dataclass
class Line:
    """One line of the intermediate document.

    A paragraph is a line with one cell and `sep=False`. A flattened table row from text is a
    line of several cells. A row of a real table (docx, html, pdf) carries `grid` (the table
    it belongs to) and `values`: the cell text where the cell starts, None where a merged
    cell continues, so numbers are read once while labels are seen in every merged position.
    """

    cells: list[str]
    sep: bool = False
    grid: int | None = None
    values: list[str | None] | None = None
    ragged: bool = False  # a table row with fewer cells than its table: positions unsure


@dataclass
class Document:
    lines: list[Line] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)

    def para(self, text: str) -> None:
        self.lines.append(Line([text]))

    def grid_table(
        self,
        grid_id: int,
        rows: list[list[str]],
        values: list[list[str | None]],
        ragged: list[bool] | None = None,
    ) -> None:
        flags = ragged or [False] * len(rows)
        for labels, vals, short in zip(rows, values, flags, strict=True):
            self.lines.append(Line(labels, sep=True, grid=grid_id, values=vals, ragged=short))
