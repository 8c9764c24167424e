"""Normalised label keys built from model.template, and the classification of one cell."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache

from ..model import template as T

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．,，]|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.、．,，](?!\d))"
)
_KEEP = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]")
_WS = re.compile(r"\s+")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def key(text: str) -> str:
    """Comparison key: NFKC, only letters, digits and CJK characters kept."""
    return _KEEP.sub("", nfkc(text))


def core(text: str) -> str:
    """Key without a leading structural number (`一、` `（一）` `1.`)."""
    s = _WS.sub("", nfkc(text))
    s = _NUMBERING.sub("", s, count=1)
    return key(s)


def similar(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity ratio; 0.0 early when it cannot reach `floor` (cheap upper bounds first)."""
    if floor and min(len(a), len(b)) * 2 < floor * (len(a) + len(b)):
        return 0.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if floor and (sm.real_quick_ratio() < floor or sm.quick_ratio() < floor):
        return 0.0
    return sm.ratio()


# ---------------------------------------------------------------- catalogue

SUBTOTAL = "SUBTOTAL"  # pseudo column / row id: recognised and dropped


@dataclass(frozen=True)
class RowLabel:
    table: str  # t2 / t3
    row: str  # t3 row id, or t2 row id (reg, norm, licensing, penalty, coercion, fees)
    full: str  # key with numbering
    core: str  # key without numbering
    short: str  # core before a parenthetical note ("部分公开")


T2_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    # t2 row id -> (label, cell ids in column order)
    "reg": (T.T2_ROW_REG, tuple(f"t2.reg.{c}" for c in T.T2_COL_IDS)),
    "norm": (T.T2_ROW_NORM, tuple(f"t2.norm.{c}" for c in T.T2_COL_IDS)),
    "licensing": (T.T2_ROW_LICENSING, ("t2.licensing",)),
    "penalty": (T.T2_ROW_PENALTY, ("t2.penalty",)),
    "coercion": (T.T2_ROW_COERCION, ("t2.coercion",)),
    "fees": (T.T2_ROW_FEES, (T.FEE_CELL,)),
}


def _short(label: str) -> str:
    head = re.split(r"[(（]", nfkc(_NUMBERING.sub("", nfkc(label))), maxsplit=1)[0]
    return key(head)


@lru_cache(maxsize=1)
def row_labels() -> tuple[RowLabel, ...]:
    out = [RowLabel("t2", rid, key(lab), core(lab), core(lab)) for rid, (lab, _) in T2_ROWS.items()]
    out += [RowLabel("t3", r.id, key(r.label), core(r.label), _short(r.label)) for r in T3_ROWS_ALL]
    return tuple(out)


T3_ROWS_ALL = T.T3_ROWS


@lru_cache(maxsize=1)
def header_keys() -> dict[str, str]:
    """Key -> role for every non-row label of the three tables."""
    h: dict[str, str] = {}
    for b in T.T2_BLOCKS:
        h[key(b)] = "t2title"
    h[key(T.T2_INFO)] = "t2head"
    for c in (*T.T2_COLS_ONE, T.T2_COL_DECISIONS, T.T2_COL_FEES):
        h[key(c)] = "t2head"
    h[key(T.T3_APPLICANTS)] = "t3group"
    h[key(T.T3_ORGS)] = "t3group"
    h[key(T.T3_RESULTS)] = "t3group"
    for c in T.T3_COLS:
        h[key(c.label)] = "t3col"
    for b in (T.T3_BLOCK_DENIED, T.T3_BLOCK_UNABLE, T.T3_BLOCK_NOTPROC, T.T3_BLOCK_OTHER):
        h[key(b)] = "t3block"
        h[core(b)] = "t3block"
    h[key(T.T4_REVIEW)] = "t4group"
    h[key(T.T4_LITIGATION)] = "t4group"
    for g in T.T4_GROUPS[1:]:
        h[key(g.label)] = "t4group"
    for _, lab in T.T4_COLS:
        h.setdefault(key(lab), "t4col")
    return h


@lru_cache(maxsize=1)
def _block_prefixes() -> tuple[str, ...]:
    """Keys of the merged group labels that a flattened row may carry before its own label."""
    out = {key(T.T3_RESULTS), core(T.T3_RESULTS)}
    for b in (T.T3_BLOCK_DENIED, T.T3_BLOCK_UNABLE, T.T3_BLOCK_NOTPROC, T.T3_BLOCK_OTHER):
        out |= {key(b), core(b)}
    return tuple(sorted(out, key=len, reverse=True))


T3_NOTE_KEY = key(T.T3_NOTE)
T3_NOTE_PREFIX = T3_NOTE_KEY[:10]


def t3_col_for(text: str) -> str | None:
    """Column id of a table-三 header cell (自然人 … 总计), SUBTOTAL for a 小计 column."""
    k = key(text)
    if not k:
        return None
    if "小计" in k:
        return SUBTOTAL
    for c in T.T3_COLS:
        if k == key(c.label):
            return c.id
    return None


def t4_col_for(text: str) -> str | None:
    k = key(text)
    for cid, lab in T.T4_COLS:
        if k == key(lab):
            return cid
    return None


def t4_group_for(text: str) -> str | None:
    k = key(text)
    for g in T.T4_GROUPS[1:]:
        if k == key(g.label):
            return g.id
    if k == key(T.T4_REVIEW):
        return "rev"
    return None


def t2_col_for(text: str) -> str | None:
    k = key(text)
    for cid, lab in zip(T.T2_COL_IDS, T.T2_COLS_ONE, strict=True):
        lk = key(lab)
        if k == lk or (k.startswith(lk) and len(k) <= len(lk) + 8):
            return cid
    return None


@lru_cache(maxsize=8192)
def match_row(text: str) -> RowLabel | None:
    """The row whose label this cell holds, matched on normalised keys, never on position."""
    k = key(text)
    if len(k) < 2 or len(k) > 70:
        return None
    c = core(text)
    labels = row_labels()
    for r in labels:
        if k == r.full:
            return r
    hk = header_keys()
    if k in hk or c in hk:
        return None
    for prefix in _block_prefixes():  # `（三）不予公开 1.属于国家秘密` in one cell
        if k.startswith(prefix) and len(k) > len(prefix) + 1:
            r = match_row(k[len(prefix) :])
            if r is not None:
                return r
    for r in labels:
        if c and c == r.core:
            return r
    for r in labels:
        if c and len(r.short) >= 4 and c == r.short:
            return r
    best, best_score = None, 0.0
    for r in labels:
        if len(r.core) < 6 or len(c) < 5:
            continue
        if (c.startswith(r.core) and len(c) <= len(r.core) + 10) or (
            r.core.startswith(c) and len(c) >= 0.6 * len(r.core)
        ):
            return r
        s = similar(c, r.core, 0.86)
        if s > best_score:
            best, best_score = r, s
    if best is not None and best_score >= 0.86:
        return best
    return None


# ---------------------------------------------------------------- values

PLACEHOLDERS = frozenset({"/", "_", "-", "—", "--", "——", "－", "／", "＿", "\\", "无", "—-", "__"})
_NUM = re.compile(r"^\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNITS = ("万元", "元", "件", "个", "条", "项", "次", "宗")


@dataclass(frozen=True)
class Value:
    kind: str  # num / blank / placeholder / bad
    number: Decimal | None = None
    raw: str = ""
    unit: str = ""


@lru_cache(maxsize=8192)
def parse_value(text: str) -> Value | None:
    """A data cell: number (units and spaces stripped), blank, placeholder; None if not a value."""
    s = _WS.sub("", nfkc(text)).strip()
    if s == "":
        return Value("blank", raw=text)
    if s in PLACEHOLDERS or set(s) <= set("/_-—－／＿\\"):
        return Value("placeholder", raw=text)
    unit = ""
    for u in _UNITS:
        if s.endswith(u) and len(s) > len(u):
            unit, s = u, s[: -len(u)]
            break
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if _NUM.match(s):
        try:
            return Value("num", Decimal(s), text, unit)
        except InvalidOperation:  # pragma: no cover - regex guarantees digits
            return None
    if re.fullmatch(r"[+-]\d+(?:\.\d+)?", s):
        return Value("bad", raw=text)
    return None


def is_narrative(text: str) -> bool:
    s = nfkc(text).strip()
    if key(s).startswith(T3_NOTE_PREFIX):
        return False
    if len(s) >= 18 and re.search(r"[。，,；;：:]", s):
        return True
    # a short sentence under a table (`无。` `本年度情况见下表。`): no table label ends so
    return bool(re.search(r"[\u3400-\u9fff][。！？!?]$", s)) and match_row(s) is None


@lru_cache(maxsize=8192)
def classify_header(text: str) -> str | None:
    """Role of a non-row label cell, or None."""
    k = key(text)
    if not k or len(k) > 70:
        return None
    hk = header_keys()
    if k in hk:
        return hk[k]
    c = core(text)
    if c in hk:
        return hk[c]
    if k.startswith(T3_NOTE_PREFIX):
        return "t3note"
    if t2_col_for(text):
        return "t2head"
    if "小计" in k and len(k) <= 14:
        return "subtotal"
    return None
