"""Table rules: 勾稽关系 R-01 … R-06, value domains R-07 … R-09, cross-year R-10/R-11,
the fee-unit warning V-21 and the two diagnostic hints H-01/H-02.

Everything about the tables is read from `model.template` once, at import time.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..model import template as T
from ..model.report import Report, is_valid_fee
from .problem import Problem

# V-21: 行政事业性收费 above this many 万元 was probably typed in 元. A department or township
# above 1 亿元 is implausible; a government's own report sums its whole area (淮安 2024 printed
# 96171.6 万元), so its threshold is 100 亿元.
FEE_PLAUSIBLE_MAX_WAN = Decimal(10000)
FEE_PLAUSIBLE_MAX_WAN_GOVERNMENT = Decimal(1000000)
_LABEL_LIMIT = 6  # cells named in a blank-cell message


def col_name(col: str) -> str:
    """Column name for messages: `自然人`, `商业企业` …; the ambiguous `其他` gets its group."""
    return T.t3_col_label(col) if col == "other_org" else T.T3_COL_BY_ID[col].label


_R01 = tuple(
    (
        col_name(c),
        tuple(T.t3_key(r, c) for r in ("new", "carried", "total_done", "carry_next")),
    )
    for c in T.T3_COL_IDS
)
_R01_SHORT = tuple(T.T3_ROW_SHORT[r] for r in ("new", "carried", "total_done", "carry_next"))

_T4_PARTS_TEXT = "、".join(label for cid, label in T.T4_COLS if cid != "total")


def _total_rule_prefix(rule: T.TotalRule) -> tuple[str, str, str]:
    """(subject, what the parts are, name of the total cell) for a total rule's message."""
    if rule.rule == "R-02":
        row = rule.total.split(".")[1]
        return T.T3_ROW_BY_ID[row].full_label, "各类申请人合计", "总计栏"
    if rule.rule == "R-03":
        col = rule.total.split(".")[2]
        done = T.T3_ROW_SHORT["total_done"]
        return f"{col_name(col)}列", "各项办理结果合计", done
    group = T.T4_GROUP_BY_ID[rule.total.split(".")[1]]
    return group.full_label, f"{_T4_PARTS_TEXT}合计", "总计栏"


# (rule, total, parts, all cells, message prefix parts, parts are a printed row)
_TOTALS = tuple(
    (
        r.rule,
        r.total,
        r.parts,
        (r.total, *r.parts),
        _total_rule_prefix(r),
        r.rule != "R-03",
    )
    for r in T.TOTAL_RULES
)

_COUNT_CELLS = T.COUNT_CELL_IDS
_INT_ONLY = {int}
_FEE_TABLE = T.FEE_CELL.split(".")[0]
# R-09 lists only the cells a person fills; totals are computed (or reported by R-02 … R-06).
_TABLE_CELLS = tuple(
    (t, tuple(c for c in T.CELL_IDS if c.startswith(t + ".") and c not in T.TOTAL_CELL_IDS))
    for t in T.GRIDS
)
_LABEL = {c.id: c.label for c in T.CELLS}
_T2_STOCK = tuple(
    (
        label,
        f"t2.{rid}.in_force",
        f"t2.{rid}.issued",
        f"t2.{rid}.repealed",
    )
    for rid, label in (("reg", T.T2_ROW_REG), ("norm", T.T2_ROW_NORM))
)
_CARRY_CHAIN = tuple(
    (col_name(c), T.t3_key("carried", c), T.t3_key("carry_next", c)) for c in T.T3_COL_IDS
)
_CARRIED_LABEL = T.T3_ROW_BY_ID["carried"].label
_CARRY_NEXT_LABEL = T.T3_ROW_BY_ID["carry_next"].label


def _show(v: object) -> str:
    return "空" if v is None else str(v)


def chinese_count(n: int) -> str:
    return "一" if n == 1 else str(n)


def check_tables(report: Report, previous: Report | None, out: list[Problem]) -> None:
    cells = report.cells
    get = cells.get
    # Arithmetic values (blank and junk count 0) and the blank count cells. Fast path, all
    # in C: every count cell holds a non-negative int (the usual case in the editor).
    vals = list(map(get, _COUNT_CELLS))
    clean = set(map(type, vals)) == _INT_ONLY and min(vals) >= 0
    if clean:
        num = dict(zip(_COUNT_CELLS, vals, strict=True))
        blank: set[str] = set()
    else:
        num = {k: v if type(v) is int else 0 for k, v in zip(_COUNT_CELLS, vals, strict=True)}
        blank = {k for k, v in zip(_COUNT_CELLS, vals, strict=True) if v is None}
    value = num.__getitem__

    # R-01 per column, all seven columns; the diffs feed hint H-01.
    diffs: list[int] = []
    for name, keys in _R01:
        if blank.issuperset(keys):
            diffs.append(0)
            continue
        a, b, c, d = map(value, keys)
        left, right = a + b, c + d
        diffs.append(left - right)
        if left != right:
            vals = [get(k) for k in keys]
            s = _R01_SHORT
            out.append(
                Problem(
                    "R-01",
                    "error",
                    keys,
                    f"{name}列：{s[0]}（{_show(vals[0])}）+ {s[1]}（{_show(vals[1])}）= {left}，"
                    f"{s[2]}（{_show(vals[2])}）+ {s[3]}（{_show(vals[3])}）= {right}，"
                    f"相差 {abs(left - right)}",
                )
            )

    # R-02 … R-06 from template.TOTAL_RULES. A blank part counts as 0 (R-09 reports it); a
    # relation whose cells are all blank is skipped (nothing entered yet). A blank total next
    # to entered parts is reported here, even when they sum to 0 (a printed total missing
    # from an imported file); R-09 never lists totals, which the editor computes.
    hints: list[Problem] = []
    for rule, total, parts, involved, (subject, what, total_name), is_row in _TOTALS:
        s = sum(map(value, parts))
        t = num[total]
        total_blank = total in blank
        if (s == t and not total_blank) or blank.issuperset(involved):
            continue
        if not total_blank:
            shown = f"填 {get(total)}，相差 {abs(s - t)}"
        elif s:
            shown = f"未填（按 0 计），相差 {abs(s)}"
        else:
            shown = "未填（应为 0）"
        out.append(Problem(rule, "error", involved, f"{subject}：{what} {s}，{total_name}{shown}"))
        if is_row:
            _hint_split_number(parts, [get(p) for p in parts], t - s, t, hints)

    if not clean:
        _check_counts(cells, out)
    _check_fee(cells, out)

    # R-09 blank cells a person fills, one problem per table. Error: reviewers treat blanks
    # as incomplete and export refuses them unless 空白按 0 打印 is chosen. A blank total is
    # implied by its blank parts, or reported by R-02 … R-06 when its parts are entered.
    for table, ids in _TABLE_CELLS:
        if clean and table != _FEE_TABLE:
            continue
        blank_ids = tuple(c for c in ids if get(c) is None)
        if blank_ids:
            named = "；".join(_LABEL[c] for c in blank_ids[:_LABEL_LIMIT])
            more = f" 等 {len(blank_ids)} 格" if len(blank_ids) > _LABEL_LIMIT else ""
            out.append(
                Problem(
                    "R-09",
                    "error",
                    blank_ids,
                    f"{T.TABLE_NAMES[table]}有 {len(blank_ids)} 个空白单元格（没有数据请填 0）："
                    f"{named}{more}",
                )
            )

    # V-21 fee probably typed in 元.
    fee = get(T.FEE_CELL)
    limit = (
        FEE_PLAUSIBLE_MAX_WAN_GOVERNMENT if report.kind == "government" else FEE_PLAUSIBLE_MAX_WAN
    )
    if is_valid_fee(fee) and Decimal(fee) > limit:  # type: ignore[arg-type]
        yuan = Decimal(fee) * 10000  # type: ignore[arg-type]
        out.append(
            Problem(
                "V-21",
                "warning",
                (T.FEE_CELL,),
                f"{T.T2_ROW_FEES}填 {fee} {T.FEE_UNIT}，即 {yuan.normalize():f} 元，超过 "
                f"{limit} {T.FEE_UNIT}：可能按元填写了，请确认单位是{T.FEE_UNIT}",
            )
        )

    if previous is not None:
        _check_previous(report, previous, out)

    _hint_wrong_column(diffs, out)
    out.extend(hints)


def _check_counts(cells: dict, out: list[Problem]) -> None:
    """R-07 counts are non-negative integers.

    Catches values that bypassed the model (a Report built in code or by an importer).
    """
    get = cells.get
    for cid in _COUNT_CELLS:
        v = get(cid)
        if v is None or (type(v) is int and v >= 0):
            continue
        label = _LABEL[cid]
        if type(v) is int:
            why = f"填了负数 {v}，数量只能是 0 或正整数"
        elif isinstance(v, float | Decimal) and not isinstance(v, bool):
            why = f"填了 {v}，数量必须是整数，不能有小数"
        else:
            why = f"“{v}”不是数字，只能填 0 或正整数"
        out.append(Problem("R-07", "error", (cid,), f"{label}：{why}"))


def _check_fee(cells: dict, out: list[Problem]) -> None:
    """R-08 the fee is a 万元 decimal string, ≤ 4 places, not negative."""
    fee = cells.get(T.FEE_CELL)
    if fee is None or is_valid_fee(fee):
        return
    label = _LABEL[T.FEE_CELL]
    why = f"“{fee}”不是有效金额，应为万元数，最多四位小数"
    if isinstance(fee, str | int | float | Decimal) and not isinstance(fee, bool):
        try:
            d = Decimal(str(fee).strip())
        except InvalidOperation:
            d = None
        if d is not None and d.is_finite():
            if d < 0:
                why = f"填了负数 {fee}，收费金额不能为负数"
            elif d.as_tuple().exponent < -T.FEE_MAX_DECIMALS:  # type: ignore[operator]
                why = f"{fee} 超过四位小数：金额单位是{T.FEE_UNIT}，最多四位小数（0.0001{T.FEE_UNIT}即1元）"
            elif not isinstance(fee, str):
                why = f"{fee!r} 应写成万元数的文本（如 “{d:f}”）"
    out.append(Problem("R-08", "error", (T.FEE_CELL,), f"{label}：{why}"))


def _check_previous(report: Report, previous: Report, out: list[Problem]) -> None:
    # R-10 carry-over chain, per column (warning: mergers and corrections can break it).
    cur = report.cells.get
    prev = previous.cells.get
    for name, carried, carry_next in _CARRY_CHAIN:
        a, b = cur(carried), prev(carry_next)
        if type(a) is not int or type(b) is not int or a == b:
            continue
        out.append(
            Problem(
                "R-10",
                "warning",
                (carried,),
                f"{name}列：本年“{_CARRIED_LABEL}”填 {a}，上年报告“{_CARRY_NEXT_LABEL}”为 {b}，"
                f"相差 {abs(a - b)}（机构合并或数据更正时可说明原因）",
            )
        )
    # R-11 stock of 规章 / 行政规范性文件: info only, documents also lapse by expiry.
    for label, in_force, issued, repealed in _T2_STOCK:
        p, c, i, r = prev(in_force), cur(in_force), cur(issued), cur(repealed)
        if not all(type(v) is int for v in (p, c, i, r)):
            continue
        expected = p + i - r  # type: ignore[operator]
        if c != expected:
            out.append(
                Problem(
                    "R-11",
                    "info",
                    (in_force, issued, repealed),
                    f"{label}：上年现行有效 {p} + 本年制发 {i} − 本年废止 {r} = {expected}，"
                    f"本年现行有效填 {c}，相差 {abs(c - expected)}（文件到期失效也会造成差异，请核对）",  # type: ignore[operator]
                )
            )


def _hint_wrong_column(diffs: list[int], out: list[Problem]) -> None:
    """H-01: two applicant columns off by +n and −n in R-01 while 总计 balances.

    Severity info (both hints): they only explain R-01/R-02 errors already reported.
    "多" means 一 + 二 exceeds 三（七）总计 + 四 in that column.
    """
    if len(diffs) != len(_R01) or diffs[-1] != 0:
        return
    off = [(i, d) for i, d in enumerate(diffs[:-1]) if d]
    if len(off) != 2 or off[0][1] != -off[1][1]:
        return
    (i, di), (j, _dj) = off
    more, less = (i, j) if di > 0 else (j, i)
    n = abs(di)
    cells = _R01[more][1] + _R01[less][1]
    out.append(
        Problem(
            "H-01",
            "info",
            cells,
            f"看起来有{chinese_count(n)}件申请被计入了错误的申请人类别"
            f"（{_R01[more][0]}列多 {n}，{_R01[less][0]}列少 {n}）",
        )
    )


def _hint_split_number(
    parts: tuple[str, ...], values: list[object], diff: int, total: int, out: list[Problem]
) -> None:
    """H-02: two adjacent single-digit cells that, read as one two-digit number, repair the row.

    Putting 10a+b into the left cell and 0 into the right one changes the sum by 9a.
    """
    if diff <= 0 or diff % 9:
        return
    for k in range(len(parts) - 1):
        a, b = values[k], values[k + 1]
        if type(a) is int and type(b) is int and 1 <= a <= 9 and 0 <= b <= 9 and 9 * a == diff:
            out.append(
                Problem(
                    "H-02",
                    "info",
                    (parts[k], parts[k + 1]),
                    f"可能把一个两位数拆成了两个格：{_LABEL[parts[k]]}（{a}）和"
                    f"{_LABEL[parts[k + 1]]}（{b}）如果是一个数 {10 * a + b}，本行合计正好等于 {total}",
                )
            )
            return
