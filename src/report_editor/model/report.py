"""The report as plain data: what the editor edits, the store keeps and the PDF prints."""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import template as T

CellValue = int | str | None  # int for counts, decimal string for the fee, None = blank

_FEE_RE = re.compile(r"^(0|[1-9]\d*)(\.\d{1,4})?$")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")  # "447,228" as Excel/WPS copy a formatted cell


class ValueProblem(ValueError):
    """A value that cannot go into a cell; the message is Chinese and user-facing."""


def normalize_digits(text: str) -> str:
    """Full-width digits, dots and spaces to ASCII; surrounding whitespace stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_count(text: str) -> int | None:
    """A count as a clerk types it: '' → blank, '１２' → 12; anything else refused."""
    s = normalize_digits(text).replace(" ", "")
    if s == "":
        return None
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if s.isascii() and s.isdigit():
        return int(s)
    if s.startswith("-") and s[1:].isdigit():
        raise ValueProblem("数量不能为负数，请输入 0 或正整数。")
    if re.fullmatch(r"[+-]?\d*\.\d+|[+-]?\d+\.\d*", s):
        raise ValueProblem("数量必须是整数，不能有小数。")
    raise ValueProblem(f"“{text.strip()}”不是数字：这里只能填 0 或正整数（件）。")


def parse_fee(text: str) -> str | None:
    """A fee in 万元: up to four decimals, kept as typed (trailing zeros trimmed)."""
    s = normalize_digits(text).replace(" ", "").replace(",", "")
    if s.endswith(T.FEE_UNIT):
        s = s[: -len(T.FEE_UNIT)]
    if s == "":
        return None
    if s.startswith("-"):
        raise ValueProblem("收费金额不能为负数。")
    if s.endswith("元"):
        raise ValueProblem("金额单位是万元：请用“元→万元”换算，或直接填万元数。")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueProblem(f"“{text.strip()}”不是金额：请填写万元数，最多四位小数。") from None
    if not d.is_finite() or d < 0:
        raise ValueProblem(f"“{text.strip()}”不是有效金额。")
    if d.as_tuple().exponent < -T.FEE_MAX_DECIMALS and d != d.quantize(Decimal("0.0001")):
        raise ValueProblem("收费金额最多保留四位小数（0.0001万元即1元）。")
    return format_fee(d)


def format_fee(d: Decimal) -> str:
    s = format(d.quantize(Decimal("0.0001")), "f") if d.as_tuple().exponent < 0 else format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def yuan_to_wan(yuan: str) -> str:
    """The 元 → 万元 helper: '184719元' → '18.4719'."""
    s = normalize_digits(yuan).replace(",", "").removesuffix("元").strip()
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueProblem(f"“{yuan.strip()}”不是金额。") from None
    if d < 0:
        raise ValueProblem("金额不能为负数。")
    return format_fee(d / Decimal(10000))


def is_valid_fee(value: object) -> bool:
    return isinstance(value, str) and bool(_FEE_RE.match(value))


def empty_sections() -> dict[str, str]:
    return dict.fromkeys(T.SECTION_KEYS, "")


def empty_cells() -> dict[str, CellValue]:
    return dict.fromkeys(T.CELL_IDS)


@dataclass
class Report:
    year: int | None = None
    organ: str = ""
    kind: str = "department"
    title: str = ""
    preamble: str = ""
    sections: dict[str, str] = field(default_factory=empty_sections)
    cells: dict[str, CellValue] = field(default_factory=empty_cells)
    signature_organ: str = ""
    signature_date: str | None = None  # ISO YYYY-MM-DD
    template: str = "2021"

    # --- derived

    @property
    def effective_title(self) -> str:
        return self.title or T.default_title(self.organ, self.year)

    def count(self, cell_id: str) -> int:
        """Cell value as a number for arithmetic (blank counts as 0)."""
        v = self.cells.get(cell_id)
        return v if isinstance(v, int) else 0

    def blank_cells(self) -> list[str]:
        return [c for c in T.CELL_IDS if self.cells.get(c) is None]

    def copy(self) -> Report:
        return copy.deepcopy(self)

    def recompute_totals(self) -> list[str]:
        """Set every total cell to the sum of its parts; returns the ids that changed.

        A total stays blank while all its parts are blank.
        """
        changed = []
        for rule in T.computed_total_order():
            values = [self.cells.get(p) for p in rule.parts]
            new = None if all(v is None for v in values) else sum(v or 0 for v in values)
            if self.cells.get(rule.total) != new:
                self.cells[rule.total] = new
                changed.append(rule.total)
        return changed

    def fill_blanks(self, table: str | None = None) -> list[str]:
        """空白填0: blank cells of one table (or all) become 0; returns the ids filled."""
        filled = []
        for cid in T.CELL_IDS:
            if (table is None or cid.startswith(table + ".")) and self.cells.get(cid) is None:
                self.cells[cid] = "0" if cid == T.FEE_CELL else 0
                filled.append(cid)
        return filled

    def set_cell_text(self, cell_id: str, text: str) -> CellValue:
        """Parse what a user typed and store it; raises ValueProblem and keeps the old value."""
        value = parse_fee(text) if cell_id == T.FEE_CELL else parse_count(text)
        self.cells[cell_id] = value
        return value


def cell_text(value: CellValue) -> str:
    return "" if value is None else str(value)
