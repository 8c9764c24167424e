"""Placing the numbers of one table row into cells: by column, or by arithmetic when lost.

A row whose numbers line up with its columns is placed directly. A row that lost numbers
(fewer numbers than columns) is placed only where every arrangement consistent with the
total relations gives the same value (a row of six zeros with one cell lost is all zeros,
whichever cell was lost); everything else stays blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import combinations
from math import comb

from ..model import template as T
from .labels import SUBTOTAL, Value

MAX_ARRANGEMENTS = 20_000

Rule = tuple[str, tuple[str, ...]]  # total, parts


def rules_for(cols: Sequence[str]) -> list[Rule]:
    """Total relations among these cells (R-02 … R-06, plus the 法人或其他组织小计 column)."""
    present = set(cols)
    out: list[Rule] = [
        (r.total, r.parts)
        for r in T.TOTAL_RULES
        if r.total in present and all(p in present for p in r.parts)
    ]
    sub = [c for c in cols if c.endswith("." + SUBTOTAL)]
    if sub:
        prefix = sub[0][: -len(SUBTOTAL)]
        parts = tuple(prefix + c.id for c in T.T3_COLS if c.is_org)
        if all(p in present for p in parts):
            out.append((sub[0], parts))
    return out


def _propagate(
    known: dict[str, Decimal], blanks: set[str], rules: list[Rule]
) -> dict[str, Decimal] | None:
    known = dict(known)
    changed = True
    while changed:
        changed = False
        for total, parts in rules:
            unknown = [p for p in parts if p not in known]
            s = sum((known[p] for p in parts if p in known), Decimal(0))
            if total in known:
                if s > known[total]:
                    return None
                if not unknown:
                    if s != known[total]:
                        return None
                    continue
                if any(p in blanks for p in unknown):
                    continue
                if len(unknown) == 1:
                    known[unknown[0]] = known[total] - s
                    changed = True
                elif s == known[total]:
                    for p in unknown:
                        known[p] = Decimal(0)
                    changed = True
            elif not unknown and total not in blanks:
                known[total] = s
                changed = True
    return known


def align(cols: Sequence[str], tokens: Sequence[Value]) -> tuple[dict[str, Value], str]:
    """Map tokens to columns. Returns (cell -> value token, how) with how in
    direct / trimmed / derived / ambiguous / empty."""
    n = len(cols)
    toks = list(tokens)
    if not any(t.kind == "num" for t in toks) and len(toks) < n:
        return {}, "empty"
    if len(toks) == n:
        return dict(zip(cols, toks, strict=True)), "direct"
    if len(toks) > n:
        extra = len(toks) - n
        options = []
        for a in range(extra + 1):
            cut = toks[:a] + toks[len(toks) - (extra - a) :]
            if all(t.kind != "num" for t in cut):
                options.append(toks[a : a + n])
        if not options:
            return {}, "ambiguous"
        first = options[0]
        for other in options[1:]:
            for x, y in zip(first, other, strict=True):
                if (x.kind == "num") != (y.kind == "num") or x.number != y.number:
                    return {}, "ambiguous"
        return dict(zip(cols, first, strict=True)), "trimmed"
    return _derive(cols, toks)


def _derive(cols: Sequence[str], toks: list[Value]) -> tuple[dict[str, Value], str]:
    n, k = len(cols), len(toks)
    if comb(n, k) > MAX_ARRANGEMENTS:
        return {}, "ambiguous"
    rules = rules_for(cols)
    results: list[dict[str, Decimal]] = []
    for combo in combinations(range(n), k):
        known: dict[str, Decimal] = {}
        blanks: set[str] = set()
        for pos, tok in zip(combo, toks, strict=True):
            if tok.kind == "num" and tok.number is not None:
                known[cols[pos]] = tok.number
            else:
                blanks.add(cols[pos])
        done = _propagate(known, blanks, rules)
        if done is not None:
            results.append(done)
    if not results:
        return {}, "ambiguous"
    common = {c: v for c, v in results[0].items() if all(r.get(c) == v for r in results[1:])}
    if not common:
        return {}, "ambiguous"
    return {c: Value("num", v, str(v)) for c, v in common.items()}, "derived"
