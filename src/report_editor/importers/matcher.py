"""The one shared matcher: intermediate lines -> Report + import notes.

Numbers are placed by their row label (read from model.template, normalised) and by the
column labels of the table header; never by position alone. Whatever cannot be placed with
certainty stays blank and is listed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..model import template as T
from ..model.report import Report, ValueProblem, format_fee
from .base import Document, ImportNote, Line
from .labels import (
    SUBTOTAL,
    T2_ROWS,
    RowLabel,
    Value,
    classify_header,
    is_narrative,
    key,
    match_row,
    nfkc,
    parse_value,
    similar,
    t2_col_for,
    t3_col_for,
    t4_col_for,
    t4_group_for,
)
from .placing import align

_RUN_IN = re.compile(r"^([一二三四五六][、.．,，][^。：:]{2,36}?)[。：:](.+)$")
_SECTION_RE = re.compile(r"^\s*([一二三四五六七八])\s*[、.．,，]\s*(\S.*)$")
_TABLE_OF = {"active_note": "t2", "requests_note": "t3", "appeals_note": "t4"}
_TABLE_SECTION = {v: k for k, v in _TABLE_OF.items()}
_T4_CELLS = tuple(T.t4_key(g.id, c) for g in T.T4_GROUPS for c, _ in T.T4_COLS)
_PLACEHOLDER_PARA = re.compile(r"^[(（]\s*文字描述.*[)）]$")


def match_section(text: str) -> int | None:
    """Index of the section whose heading this line is (numbering + title or a variant)."""
    s = nfkc(text).strip()
    if len(s) > 40:
        return None
    m = _SECTION_RE.match(s)
    if not m and len(s) <= 24:
        k = key(s)  # Word's automatic numbering leaves the number out of the text
        for i, sec in enumerate(T.SECTIONS):
            if k in {key(c) for c in (sec.title, *sec.variants)}:
                return i
        return None
    if not m or re.search(r"[。：:；;，,].", m.group(2).rstrip("。：:")):
        return None  # text runs on after the heading: handled as a run-in heading
    title = key(m.group(2))
    if not title:
        return None
    best, best_score = None, 0.0
    for i, sec in enumerate(T.SECTIONS):
        for cand in (sec.title, *sec.variants):
            ck = key(cand)
            if title == ck or (title.startswith(ck) and len(title) <= len(ck) + 3):
                return i
            sc = similar(title, ck, 0.8)
            if sc > best_score:
                best, best_score = i, sc
    return best if best_score >= 0.8 else None


@dataclass
class _Pending:
    table: str
    row: str | None  # t2 row id / t3 row id; None for t4 or a dropped subtotal row
    label: str
    line: int
    on_label_line: int = 0
    tokens: list[Value] = field(default_factory=list)
    drop: bool = False


@dataclass
class _GridState:
    header: list[list[str | None]] = field(default_factory=list)
    ragged: bool = False  # a header row is shorter/longer than the table: no column map


class Matcher:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.report = Report()
        self.notes: list[ImportNote] = list(doc.notes)
        self.paras: dict[str, list[str]] = {k: [] for k in T.SECTION_KEYS}
        self.pre: list[str] = []
        self.section = -1
        self.headings_seen: list[int] = []
        self.table: str | None = None
        self.t2_cols: list[str] = list(T.T2_COL_IDS)
        self.t2_header: list[str] = []
        self.t3_cols: list[str] = list(T.T3_COL_IDS)
        self.pending: _Pending | None = None
        self.tables_seen: set[str] = set()
        self.source: dict[str, str] = {}  # cell -> row description it was read from
        self.placeholders: list[str] = []
        self.units: list[tuple[str, str]] = []
        self.subtotals: list[str] = []
        self.grids: dict[int, _GridState] = {}
        self.t3_colmap: dict[int, str] | None = None
        self.t3_width = 0  # width of the grid the table-三 column map was read from
        self.t4_colmap: dict[int, str] | None = None
        self.t2_colmap: dict[int, str] | None = None
        self.cells_mode = True
        self.frags: list[str] = []  # unmatched text pieces, joined to find wrapped labels
        self.strays: dict[str, list[str]] = {}  # numbers outside any recognised row
        self.grid_widths: dict[int, int] = {}
        self.fee_header = ""  # the fee header when it says the amounts are in 元

    # ------------------------------------------------------------ driver

    def run(self) -> tuple[Report, list[ImportNote]]:
        self._detect_template()
        self._detect_fee_unit()
        for i, line in enumerate(self.doc.lines):
            if line.grid is not None:
                self._grid_line(line, i)
            else:
                self._text_line(line, i)
        self._flush(at_end=self._cut_short())
        self._finish_sections()
        self._metadata()
        self._final_notes()
        return self.report, self.notes

    # ------------------------------------------------------------ template detection

    def _detect_fee_unit(self) -> None:
        """A fee header altered to （单位：元）: the fee is printed in 元, converted on import."""
        prefix = key(T.T2_COL_FEES.split("（")[0])
        for ln in self.doc.lines:
            for c in ln.cells:
                k = key(c or "")
                if k.startswith(prefix) and len(k) <= len(prefix) + 8:
                    unit = k[len(prefix) :]
                    if "元" in unit and "万元" not in unit:
                        self.fee_header = (c or "").strip()
                        return

    def _detect_template(self) -> None:
        # markers count only in label-like cells (a table header, a heading), not in prose
        labels = {
            k
            for ln in self.doc.lines
            for c in ln.cells
            if c and (len(ln.cells) > 1 or len(c) <= 40) and (k := key(c))
        }

        def found(markers: tuple[str, ...]) -> list[str]:
            out = []
            for m in markers:
                mk = key(m)
                if any(mk in k and len(k) <= len(mk) + 12 for k in labels):
                    out.append(m)
            return out

        variants = {key(v) for sec in T.SECTIONS for v in sec.variants}
        old19 = found(T.OLD_2019_MARKERS)
        pre = [m for m in found(T.PRE_2019_MARKERS) if key(m) not in variants]
        new = found(T.MARKERS_2021)
        if old19:
            self.report.template = "2019"
            names = "、".join(old19[:4])
            self.notes.append(
                ImportNote(
                    "old_format",
                    f"原文使用 2019 年试行版表格（出现“{names}”等旧版标签），不是 2021 年版格式；"
                    "表格数字没有套入 2021 年版表格，请按 2021 年版格式重新填报（V-07）。",
                )
            )
            self.cells_mode = False
        elif pre and len(new) < 3:
            self.report.template = "pre2019"
            names = "、".join(pre[:4])
            self.notes.append(
                ImportNote(
                    "old_format",
                    f"原文是 2019 年以前的旧版年度报告（出现“{names}”等旧版内容）；"
                    "表格数字没有套入 2021 年版表格，请按 2021 年版格式重新填报（V-07）。",
                )
            )
            self.cells_mode = False

    # ------------------------------------------------------------ text lines

    def _text_line(self, line: Line, idx: int) -> None:
        cells = [c for c in line.cells]
        nonempty = [c for c in cells if c.strip()]
        if not nonempty:
            if line.sep and self.pending is not None and not self._row_starts(idx + 1):
                self._add_token(Value("blank"), idx)
            return
        if len(nonempty) == 1:
            sec = match_section(nonempty[0])
            if sec is not None:
                self._heading(sec)
                return
            m = _RUN_IN.match(nfkc(nonempty[0]).strip())
            if m and (sec := match_section(m.group(1))) is not None:
                self._heading(sec)  # `一、总体情况。2023年，……` on one line
                self._paragraph(nonempty[0].strip()[len(m.group(1)) + 1 :])
                return
        if self.table is None and not self._table_like(nonempty):
            self._paragraph(" ".join(c.strip() for c in nonempty))
            return
        for cell in cells:
            self._text_cell(cell, idx, line)
        p = self.pending
        one_number_per_line = p is not None and p.table == "t4" and len(nonempty) == 1
        if p is not None and p.line == idx and p.on_label_line > 0 and not one_number_per_line:
            self._flush(at_end=idx == len(self.doc.lines) - 1 and self._cut_short())

    def _row_starts(self, idx: int) -> bool:
        """Does line `idx` begin a new table row (a row label, or a block label before one)?
        A lone `|` just before it marks the row boundary, not an empty cell."""
        lines = self.doc.lines
        if idx >= len(lines) or lines[idx].grid is not None:
            return False
        first = next((c for c in lines[idx].cells if c.strip()), "")
        if not first or parse_value(first) is not None:
            return False
        j = idx  # a vertical label copied one character per line (`三` `、` `本` …)
        while len(key(first)) < 12 and j + 1 < len(lines) and lines[j + 1].grid is None:
            nxt = [c.strip() for c in lines[j + 1].cells if c.strip()]
            if len(nxt) != 1 or (len(key(first)) > 2 and len(key(nxt[0])) > 2):
                break
            if parse_value(nxt[0]) is not None:
                break
            first += nxt[0]
            j += 1
        if key(first).startswith(key(T.T3_RESULTS)):
            return True
        if match_row(first) is not None or match_section(first) is not None:
            return True
        role = classify_header(first)
        return role is not None and role not in ("t3col", "t4col")

    def _cut_short(self) -> bool:
        """The text stops inside a table: the later sections never came."""
        return not any(i > 3 for i in self.headings_seen)

    def _table_like(self, cells: list[str]) -> bool:
        """Outside a table section: does this line hold table labels?"""
        for c in cells:
            r = match_row(c)
            if r is not None and key(c) in (r.full, r.core):
                return True
            role = classify_header(c)
            if role in ("t2title", "t3note", "t4group") or (role and len(cells) > 1):
                return True
        return False

    def _text_cell(self, text: str, idx: int, line: Line) -> None:
        v = parse_value(text)
        if v is not None:
            if v.kind == "blank" and not line.sep:
                return
            if v.kind != "blank":
                self.frags.clear()
            if self.pending is None and v.kind == "num" and self.table == "t4":
                self.pending = _Pending("t4", None, T.T4_LITIGATION, idx)
            if self.pending is not None:
                self._add_token(v, idx)
            elif v.kind == "num" and self.table in ("t2", "t3"):
                self._stray(self.table, text)
            return
        r = match_row(text)
        if r is not None:
            self._flush()
            self._start_row(r, text, idx)
            return
        role = classify_header(text)
        if role is not None:
            self._flush()
            self._header(role, text, idx)
            return
        if is_narrative(text):
            self._flush()
            self.frags.clear()
            self._paragraph(text.strip())
            return
        # a piece of a label wrapped over lines (PDF, narrow cells) or unknown short text
        p = self.pending
        if p is not None and any(t.kind == "num" for t in p.tokens):
            self._flush()
        piece = text.strip()
        if not piece:
            return
        self.frags.append(piece)
        del self.frags[:-3]
        prev = self.frags[:-1]
        candidates = ["".join(self.frags[i:]) for i in range(len(prev) - 1, -1, -1)]
        candidates += [q + piece for q in reversed(prev)]  # a piece of another column between
        for joined in candidates:
            r = match_row(joined)
            if r is not None:
                self._flush()
                self._start_row(r, joined, idx)
                return

    def _add_token(self, v: Value, idx: int) -> None:
        p = self.pending
        assert p is not None
        p.tokens.append(v)
        if p.line == idx:
            p.on_label_line += 1

    def _start_row(self, r: RowLabel, text: str, idx: int) -> None:
        self.frags.clear()
        self.table = r.table
        self.tables_seen.add(r.table)
        self.pending = _Pending(r.table, r.row, text.strip(), idx)

    def _header(self, role: str, text: str, idx: int) -> None:
        if role == "t2title":
            self.table = "t2"
            self.tables_seen.add("t2")
            self.t2_header = []
        elif role == "t2head":
            self.table = "t2"
            self.tables_seen.add("t2")
            c = t2_col_for(text)
            if c and c not in self.t2_header:
                self.t2_header.append(c)
                if len(self.t2_header) == 3:
                    self.t2_cols = list(self.t2_header)
        elif role in ("t3col", "t3group", "t3note", "t3block"):
            if self.table == "t4" and role in ("t3col", "t3block"):
                return  # `总计` / `其他` (a broken `其他结果`) also occur in table 四
            self.table = "t3"
            self.tables_seen.add("t3")
        elif role == "subtotal":
            if self.table == "t3" and not any(k.startswith("t3.") for k in self.source):
                if SUBTOTAL not in self.t3_cols:
                    self.t3_cols.insert(self.t3_cols.index("total"), SUBTOTAL)
                    self.subtotals.append(f"“{text.strip()}”列")
            else:
                self.pending = _Pending(self.table or "t3", None, text.strip(), idx, drop=True)
        elif role in ("t4group", "t4col"):
            self.table = "t4"
            self.tables_seen.add("t4")

    # ------------------------------------------------------------ sections

    def _heading(self, sec: int) -> None:
        self._flush()
        self.section = sec
        self.headings_seen.append(sec)
        self.table = T.SECTIONS[sec].table

    def _paragraph(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if self.section < 0:
            self.pre.append(text)
        else:
            self.paras[T.SECTIONS[self.section].key].append(text)

    def _finish_sections(self) -> None:
        for paras in self.paras.values():  # page furniture of saved web pages
            paras[:] = [p for p in paras if not (len(p) < 80 and _JUNK.search(nfkc(p)))]
        self._signature()
        for k, paras in self.paras.items():
            kept = [p for p in paras if not _PLACEHOLDER_PARA.match(nfkc(p).strip())]
            if len(kept) < len(paras):
                self.notes.append(
                    ImportNote(
                        "placeholder",
                        f"“{T.SECTION_BY_KEY[k].heading}”下只有模板提示文字（如“（文字描述）”），"
                        "按空白导入。",
                    )
                )
            self.report.sections[k] = "\n".join(clean_text(p) for p in kept)
        missing = [s for i, s in enumerate(T.SECTIONS) if i not in self.headings_seen]
        if missing:
            names = "、".join(s.heading for s in missing)
            self.notes.append(
                ImportNote("missing_section", f"原文中没有找到这些部分的标题：{names}。")
            )

    def _signature(self) -> None:
        """署名 and 成文日期 at the end of the last section become the signature."""
        last = next((k for k in reversed(T.SECTION_KEYS) if self.paras[k]), None)
        if last is None:
            return
        paras = self.paras[last]
        m = _DATE_LINE.match(nfkc(paras[-1]).strip())
        if not m:
            return
        try:
            day = datetime.date(*(int(g) for g in m.groups()))
        except ValueError:
            return
        self.report.signature_date = day.isoformat()
        paras.pop()
        if paras:
            prev = paras[-1].strip()
            if 0 < len(prev) <= 30 and not re.search(r"[。，,；;：:！？]", prev):
                self.report.signature_organ = clean_text(prev)
                paras.pop()

    # ------------------------------------------------------------ grid lines

    def _grid_line(self, line: Line, idx: int) -> None:
        self._flush()
        gid = line.grid
        assert gid is not None and line.values is not None
        st = self.grids.setdefault(gid, _GridState())
        labels, values = line.cells, line.values
        if not any((c or "").strip() for c in labels):
            return
        row, row_idx = None, -1
        for j, text in enumerate(labels):
            if text and parse_value(text) is None:
                r = match_row(text)
                if r is not None:
                    row, row_idx = r, j
        roles = [classify_header(t) if t else None for t in labels]
        if "subtotal" in roles and any(
            (v := parse_value(x or "")) is not None and v.kind == "num" for x in values
        ):
            self.subtotals.append(f"“{next(t for t in labels if t and '小计' in t)}”行")
            return
        if row is None:
            self._grid_header_or_data(st, labels, values, roles, idx, line.ragged)
            return
        self.table = row.table
        self.tables_seen.add(row.table)
        desc = labels[row_idx].strip()
        after = list(range(row_idx + 1, len(values)))
        if row.table == "t2":
            cols = T2_ROWS[row.row][1]
            if len(cols) == 3:
                cm = self.t2_colmap
                if cm and not line.ragged and all(j > row_idx for j in cm):
                    toks = {
                        f"t2.{row.row}.{c}": _val(values[j] if j < len(values) else None)
                        for j, c in cm.items()
                    }
                    self._place_direct(toks, desc)
                    return
            tokens = [_val(values[j]) for j in after if values[j] is not None]
            self._place_row(list(self._t2_cells(row.row)), tokens, desc, trim_only=True)
            return
        cm = self.t3_colmap
        if (
            cm
            and not line.ragged
            and len(line.cells) == self.t3_width
            and all(j > row_idx for j in cm)
        ):
            toks = {}
            for j, c in cm.items():
                toks[T.t3_key(row.row, c) if c != SUBTOTAL else f"t3.{row.row}.{SUBTOTAL}"] = _val(
                    values[j] if j < len(values) else None
                )
            self._place_direct(toks, desc)
            return
        tokens = [_val(values[j]) for j in after if values[j] is not None]
        cells = self._t3_cells(row.row)
        if cm and any(c == SUBTOTAL for c in cm.values()):  # the header had a 小计 column
            cells = [
                T.t3_key(row.row, c) if c != SUBTOTAL else f"t3.{row.row}.{SUBTOTAL}"
                for _, c in sorted(cm.items())
            ]
        elif len(cells) < self._t3_grid_width(gid):
            # most rows of this table hold more numbers than there are columns: an extra
            # column whose header is lost; which number belongs where is unknown
            self._ambiguous(cells, tokens, desc)
            return
        self._place_row(cells, tokens, desc)

    def _t3_grid_width(self, gid: int) -> int:
        """The usual number of value cells in the table-三 rows of one grid."""
        if gid not in self.grid_widths:
            counts: list[int] = []
            for ln in self.doc.lines:
                if ln.grid != gid or ln.values is None:
                    continue
                at = next(
                    (
                        j
                        for j, t in enumerate(ln.cells)
                        if t
                        and parse_value(t) is None
                        and (r := match_row(t)) is not None
                        and r.table == "t3"
                    ),
                    None,
                )
                if at is not None:
                    counts.append(sum(1 for v in ln.values[at + 1 :] if v and v.strip()))
            self.grid_widths[gid] = max(set(counts), key=counts.count) if counts else 0
        return self.grid_widths[gid]

    def _grid_header_or_data(self, st, labels, values, roles, idx, ragged=False) -> None:
        role_set = {r for r in roles if r}
        if "t2title" in role_set:
            self.table = "t2"
            self.tables_seen.add("t2")
            self.t2_colmap = None
            return
        if "t2head" in role_set:
            cm = {j: c for j, t in enumerate(labels) if t and (c := t2_col_for(t))}
            if len(set(cm.values())) == 3:
                self.t2_colmap = None if ragged else cm
            self.tables_seen.add("t2")
            return
        nums = [parse_value(v) for v in values if v]
        has_num = any(v is not None and v.kind == "num" for v in nums)
        hits = {t for t, r in zip(labels, roles, strict=False) if r}
        if (
            role_set & {"t3col", "t3group", "t3note", "t4group", "t4col", "t3block"}
            and not has_num
            and (len(hits) >= 2 or st.header or self.table in ("t3", "t4"))
        ):  # one `其他` in a metadata table (主题分类：其他) is no table header
            # a PDF leaves merged header cells empty: a group label covers the cells to its right
            filled: list[str | None] = []
            for j, t in enumerate(labels):
                left = filled[j - 1] if j > 0 else None
                filled.append(left if not t and left and _is_group(left) else t)
            st.header.append(filled)
            st.ragged = st.ragged or ragged
            t3_specific = bool(role_set & {"t3note", "t3group", "t3block"}) or any(
                t and t3_col_for(t) not in (None, "total") for t in labels
            )
            if role_set & {"t4group", "t4col"} and not t3_specific:
                self.table = "t4"
                self.tables_seen.add("t4")
                self.t4_colmap = None if st.ragged else _t4_colmap(st.header) or self.t4_colmap
            else:
                self.table = "t3"
                self.tables_seen.add("t3")
                cm = _t3_colmap(st.header)
                if st.ragged:
                    self.t3_colmap = None  # columns shifted somewhere: place by count
                elif cm:
                    self.t3_colmap = cm
                    self.t3_width = len(labels)
            return
        if has_num and self.table == "t4":
            self.tables_seen.add("t4")
            cm = self.t4_colmap
            if cm and not ragged:
                self._place_direct(
                    {c: _val(values[j] if j < len(values) else None) for j, c in cm.items()},
                    T.T4_REVIEW,
                )
            else:
                tokens = [_val(v) for v in values if v is not None]
                self._place_row(list(_T4_CELLS), tokens, T.TABLE_NAMES["t4"])
            return
        if has_num and self.table in ("t2", "t3"):
            for v in values:
                if v and (pv := parse_value(v)) is not None and pv.kind == "num":
                    self._stray(self.table, v)
            return
        # a table used for layout, or narrative inside a table: keep its text
        seen: list[str] = []
        for t in labels:
            if t and t.strip() and t not in seen:
                seen.append(t)
        for t in seen:
            sec = match_section(t)
            if sec is not None:
                self._heading(sec)
            elif is_narrative(t) or self.table is None:
                self._paragraph(t)

    def _stray(self, table: str, raw: str) -> None:
        """A number in a table that belongs to no recognised row: never placed, listed."""
        if self.cells_mode:
            self.strays.setdefault(table, []).append(raw.strip())

    # ------------------------------------------------------------ placing

    def _t2_cells(self, row: str) -> tuple[str, ...]:
        cols = T2_ROWS[row][1]
        if len(cols) == 3:
            return tuple(f"t2.{row}.{c}" for c in self.t2_cols)
        return cols

    def _t3_cells(self, row: str) -> list[str]:
        return [T.t3_key(row, c) if c != SUBTOTAL else f"t3.{row}.{SUBTOTAL}" for c in self.t3_cols]

    def _flush(self, at_end: bool = False) -> None:
        p = self.pending
        self.pending = None
        if p is None or not self.cells_mode:
            return
        if p.drop:
            if any(t.kind == "num" for t in p.tokens):
                self.subtotals.append(f"“{p.label}”行")
            return
        if p.table == "t4":
            cols = list(_T4_CELLS)
        elif p.table == "t2" and p.row:
            cols = list(self._t2_cells(p.row))
        elif p.row:
            cols = self._t3_cells(p.row)
        else:
            return
        tokens = p.tokens
        if p.table == "t2" and len(cols) == 1:
            if (
                p.on_label_line < len(tokens)
                and tokens[0].kind == "blank"
                and any(t.kind == "num" for t in tokens)
            ):
                # one cell per line: an empty cell, then a number whose own row label may
                # have been lost — it cannot be told apart from a shifted value
                nums = "、".join(t.raw.strip() for t in tokens if t.kind == "num")
                self.notes.append(
                    ImportNote(
                        "ambiguous",
                        f"“{p.label}”一行的数字格是空的，其后的数字（{nums}）可能属于下一行"
                        "（行名丢失），无法确定，未导入，请按原文核对后填写。",
                        tuple(cols),
                    )
                )
                return
            self._place_row(cols, tokens, p.label, trim_only=True)
            return
        if at_end and 0 < len(tokens) < len(cols):
            self.notes.append(
                ImportNote(
                    "truncated",
                    f"原文在“{p.label}”这一行中断，只读到 {len(tokens)} 格；"
                    "已按顺序读入，其余各格缺失。",
                    tuple(cols[len(tokens) :]),
                )
            )
            self._place_direct(dict(zip(cols, tokens, strict=False)), p.label)
            return
        self._place_row(cols, tokens, p.label)

    def _place_row(
        self, cols: list[str], tokens: list[Value], desc: str, trim_only: bool = False
    ) -> None:
        if not self.cells_mode:
            return
        if trim_only and len(cols) == 1 and len(tokens) > 1:
            # one value cell merged over several columns: the rest are its empty copies
            filled = [t for t in tokens if t.kind != "blank"]
            tokens = filled if filled else [Value("blank")]
        mapping, how = align(cols, tokens)
        if how == "ambiguous":
            self._ambiguous(cols, tokens, desc)
            return
        if how == "derived":
            placed = tuple(c for c in mapping if SUBTOTAL not in c)
            self.notes.append(
                ImportNote(
                    "derived",
                    f"“{desc}”一行原文只有 {len(tokens)} 格（应为 {len(cols)} 格），"
                    f"有数字丢失；按勾稽关系能唯一确定的 {len(placed)} 格为推算所得，不是直接读出。",
                    placed,
                )
            )
        self._place_direct(mapping, desc)

    def _ambiguous(self, cols: list[str], tokens: list[Value], desc: str) -> None:
        if not self.cells_mode:
            return
        numbers = [t.raw.strip() for t in tokens if t.kind == "num"]
        self.notes.append(
            ImportNote(
                "ambiguous",
                f"“{desc}”一行的数字（{'、'.join(numbers)}）与表格的 {len(cols)} 列对不上，"
                "无法确定各数字属于哪一列，均未导入，请按原文核对后填写。",
                tuple(c for c in cols if SUBTOTAL not in c),
            )
        )

    def _place_direct(self, mapping: dict[str, Value], desc: str) -> None:
        if not self.cells_mode:
            return
        for cid, tok in mapping.items():
            if SUBTOTAL in cid:
                if tok.kind == "num" and f"“{T.T3_ORGS}小计”列" not in self.subtotals:
                    self.subtotals.append(f"“{T.T3_ORGS}小计”列")
                continue
            self._set(cid, tok, desc)

    def _set(self, cid: str, tok: Value, desc: str) -> None:
        if cid not in T.CELL_BY_ID:
            return
        if tok.kind == "placeholder":
            self.placeholders.append(cid)
            return
        if tok.kind == "bad":
            self.notes.append(
                ImportNote(
                    "invalid",
                    f"“{T.CELL_BY_ID[cid].label}”原文为“{tok.raw.strip()}”，不是有效数字，按空白导入。",
                    (cid,),
                )
            )
            return
        if tok.kind != "num" or tok.number is None:
            return
        if cid == T.FEE_CELL and self.fee_header and not tok.unit:
            tok = Value("num", tok.number, tok.raw, "元")
        if cid in self.source:
            if self.report.cells.get(cid) != _cell_value(cid, tok):
                self.notes.append(
                    ImportNote(
                        "ambiguous",
                        f"“{T.CELL_BY_ID[cid].label}”在原文中出现两次且数字不同，保留第一次读到的数字。",
                        (cid,),
                    )
                )
            return
        try:
            value = _cell_value(cid, tok)
        except ValueProblem as e:
            self.notes.append(ImportNote("invalid", f"“{T.CELL_BY_ID[cid].label}”：{e}", (cid,)))
            return
        if tok.unit:
            self.units.append((cid, tok.raw.strip()))
        self.report.cells[cid] = value
        self.source[cid] = desc

    # ------------------------------------------------------------ metadata

    def _metadata(self) -> None:
        title, preamble = split_title(self.pre)
        r = self.report
        if title and "模板" in title:
            self.notes.append(
                ImportNote(
                    "placeholder",
                    f"原文标题是“{clean_text(title)}”（空白模板），未作为报告标题导入。",
                )
            )
            title = ""
        if title:
            r.title = clean_text(title)
            organ, year = organ_year_from_title(r.title)
            if organ:
                r.organ = organ
            if year:
                r.year = year
        r.preamble = "\n".join(clean_text(p) for p in preamble)
        body = "\n".join([*self.pre, *r.sections.values()])[:20000]
        if r.year is None:
            r.year = year_from_text(body)
            if r.year is not None:
                self.notes.append(
                    ImportNote(
                        "meta", f"标题中没有年份，报告年度按正文推断为 {r.year} 年，请核对。"
                    )
                )
        if not r.organ:
            organ = organ_from_text(body)
            if organ:
                r.organ = organ
                self.notes.append(
                    ImportNote("meta", f"标题中没有机关名称，按正文推断为“{organ}”，请核对。")
                )
        if r.year is None:
            self.notes.append(ImportNote("meta", "原文没有写明报告年度，请手工填写。"))
        if not r.organ:
            self.notes.append(ImportNote("meta", "原文没有写明发布机关全称，请手工填写。"))
        if "人民政府" in r.organ and not r.organ.endswith(("办公室", "办公厅")):
            r.kind = "township" if re.search(r"[乡镇]人民政府$", r.organ) else "government"
        elif re.search(r"(街道办事处|[乡镇])$", r.organ):
            r.kind = "township"

    # ------------------------------------------------------------ notes

    def _final_notes(self) -> None:
        r = self.report
        if not self.cells_mode:
            return
        if self.placeholders:
            labels = "、".join(T.CELL_BY_ID[c].label for c in self.placeholders[:6])
            more = "等" if len(self.placeholders) > 6 else ""
            self.notes.append(
                ImportNote(
                    "placeholder",
                    f"{len(self.placeholders)} 格原文为“/”“-”“_”之类的占位符，按空白导入：{labels}{more}。",
                    tuple(self.placeholders),
                )
            )
        for cid, raw in self.units:
            extra = ""
            shown = f"“{raw}”"
            in_yuan = cid == T.FEE_CELL and "万元" not in raw
            if in_yuan and not raw.endswith("元"):
                shown += f"（表头为“{self.fee_header}”）"
            if in_yuan:
                extra = "（按元换算为万元，即除以 10000"
                n = parse_value(raw)
                if n is not None and n.number is not None:
                    exact = n.number / Decimal(10000)
                    if exact != exact.quantize(_FEE_STEP, rounding=ROUND_HALF_UP):
                        extra += f"；精确值 {exact.normalize():f} 万元超过四位小数，已四舍五入"
                extra += "）"
            self.notes.append(
                ImportNote(
                    "unit_stripped",
                    f"“{T.CELL_BY_ID[cid].label}”原文为{shown}，已去掉单位{extra}，导入为 {r.cells[cid]}。",
                    (cid,),
                )
            )
        if self.subtotals:
            self.notes.append(
                ImportNote(
                    "dropped_subtotal",
                    f"原文表三多出非官方的{'、'.join(dict.fromkeys(self.subtotals))}，"
                    "已识别并舍去（官方表格没有小计）。",
                )
            )
        for t, nums in self.strays.items():
            shown = "、".join(nums[:12]) + ("等" if len(nums) > 12 else "")
            self.notes.append(
                ImportNote(
                    "ambiguous",
                    f"{T.TABLE_NAMES[t]}中有 {len(nums)} 个数字（{shown}）找不到对应的行标签"
                    "（行名与官方表格不符或原文错乱），未导入，请按原文核对。",
                )
            )
        for t in ("t2", "t3", "t4"):
            ids = tuple(c for c in T.CELL_IDS if c.startswith(t + "."))
            if t not in self.tables_seen and all(r.cells[c] is None for c in ids):
                sec = T.SECTION_BY_KEY[_TABLE_SECTION[t]]
                index = T.SECTIONS.index(sec)
                if index in self.headings_seen:
                    where = "标题下没有表格（可能是图片）"
                elif self._cut_short() and index > max(self.headings_seen, default=-1):
                    where = "不在原文中（原文在此之前就中断了，内容不完整）"
                else:
                    where = "没有找到（可能是图片）"
                self.notes.append(
                    ImportNote(
                        "table_absent",
                        f"{T.TABLE_NAMES[t]}（{sec.heading}）{where}，{len(ids)} 格全部空白。",
                        ids,
                    )
                )
                continue
            self._missing_notes(t)
        for rule in T.TOTAL_RULES:
            vals = [r.cells.get(c) for c in (rule.total, *rule.parts)]
            if any(v is None for v in vals):
                continue
            total = r.count(rule.total)
            parts = sum(r.count(p) for p in rule.parts)
            if total != parts:
                self.notes.append(
                    ImportNote(
                        "total_mismatch",
                        f"原文“{T.CELL_BY_ID[rule.total].label}”印的是 {total}，"
                        f"但各分项之和为 {parts}；按原文保留，检查时会报出（{rule.rule}）。",
                        (rule.total, *rule.parts),
                    )
                )

    def _missing_notes(self, table: str) -> None:
        r = self.report
        groups: dict[str, list[str]] = {}
        for c in T.CELLS:
            if c.table == table and r.cells[c.id] is None and c.id not in self.placeholders:
                groups.setdefault(c.row_label, []).append(c.id)
        for row_label, ids in groups.items():
            cols = "、".join(T.CELL_BY_ID[c].col_label for c in ids)
            self.notes.append(
                ImportNote(
                    "missing_cell",
                    f"{T.TABLE_NAMES[table]}“{row_label}”缺少：{cols}（{len(ids)} 格空白）。",
                    tuple(ids),
                )
            )


_FEE_STEP = Decimal(1).scaleb(-T.FEE_MAX_DECIMALS)


def _val(text: str | None) -> Value:
    if text is None:
        return Value("blank")
    v = parse_value(text)
    if v is None:
        return Value("bad", raw=text)
    return v


def _cell_value(cid: str, tok: Value) -> int | str:
    n = tok.number
    assert n is not None
    if cid == T.FEE_CELL:
        # the cell is in 万元: an amount printed in 元 (`184719元`, or a header altered to
        # （单位：元）) is converted ÷ 10000, rounded half up to four decimals; the import
        # report says so (unit_stripped), with the exact value when rounding changed it
        if tok.unit == "元":
            return format_fee((n / Decimal(10000)).quantize(_FEE_STEP, rounding=ROUND_HALF_UP))
        if n.as_tuple().exponent < -T.FEE_MAX_DECIMALS:
            raise ValueProblem("收费金额超过四位小数。")
        return format_fee(n)
    if n != n.to_integral_value():
        raise ValueProblem(f"数量“{tok.raw.strip()}”不是整数，按空白导入。")
    return int(n)


def _is_group(text: str) -> bool:
    return t4_group_for(text) is not None or key(text) in (
        key(T.T4_LITIGATION),
        key(T.T3_APPLICANTS),
        key(T.T3_ORGS),
    )


def _t3_colmap(header: list[list[str | None]]) -> dict[int, str] | None:
    width = max(len(r) for r in header)
    cm: dict[int, str] = {}
    for j in range(width):
        for row in reversed(header):
            t = row[j] if j < len(row) else None
            c = t3_col_for(t) if t else None
            if c:
                cm[j] = c
                break
    ids = [c for c in cm.values() if c != SUBTOTAL]
    if len(ids) == len(T.T3_COL_IDS) and set(ids) == set(T.T3_COL_IDS):
        return cm
    return None


def _t4_colmap(header: list[list[str | None]]) -> dict[int, str] | None:
    width = max(len(r) for r in header)
    cm: dict[int, str] = {}
    for j in range(width):
        leaf = None
        for row in reversed(header):
            t = row[j] if j < len(row) else None
            if t and (leaf := t4_col_for(t)):
                break
        group = None
        for row in header:
            t = row[j] if j < len(row) else None
            g = t4_group_for(t) if t else None
            if g in ("lit_direct", "lit_after_rev") or (g == "rev" and group is None):
                group = g
        if leaf and group:
            cm[j] = T.t4_key(group, leaf)
    if len(set(cm.values())) == len(_T4_CELLS):
        return cm
    return None


# ---------------------------------------------------------------- text helpers

_CJK = r"\u3400-\u9fff"
_SP_CJK_L = re.compile(rf"(?<=[{_CJK}（）()，。；：、“”])[ \u3000]+(?=[0-9A-Za-z])")
_SP_CJK_R = re.compile(rf"(?<=[0-9A-Za-z%])[ \u3000]+(?=[{_CJK}（）()，。；：、“”])")
_HALF_NUM = re.compile(r"^\(([一二三四五六七八九十]+)\)\s*")


def clean_text(text: str) -> str:
    """Drop spaces between digits and Chinese (font-switch gaps), `(一) ` -> `（一）`."""
    s = text.replace("\u00a0", " ").strip()
    s = _SP_CJK_L.sub("", s)
    s = _SP_CJK_R.sub("", s)
    s = _HALF_NUM.sub(lambda m: f"（{m.group(1)}）", s)
    return s


_META = re.compile(
    r"^[【\[]?\s*(索引号|发布机构|发文机关|发布日期|发布时间|成文日期|生成日期|主题分类|公开方式|"
    r"公开时限|文号|发文字号|信息来源|来源|浏览次数|访问量|点击数|字号|字体|分类|首页|当前位置|"
    r"您当前的位置|您的位置|当前位置|发文日期|公开范围|有效性|时效|打印|关闭|分享|责任编辑|作者|"
    r"扫一扫|政府信息公开\s*>|网站首页)"
)
_JUNK = re.compile(
    r"(主办单位|承办单位|主办：|承办：|版权所有|网站标识码|ICP备|公网安备|技术支持|网站地图|"
    r"扫一扫|打印本页|关闭窗口|【打印】|【关闭】|分享到|字体：|字号：|上一篇|下一篇|相关链接)"
)
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


def split_title(pre: list[str]) -> tuple[str, list[str]]:
    """Title (possibly split over two lines; metadata and breadcrumbs ignored) and preamble."""
    paras = [p.strip() for p in pre if p.strip()]
    for i, p in enumerate(paras):
        if _is_meta(p):
            continue
        k = key(p)
        joined = None
        if i + 1 < len(paras) and _short_line(p) and _short_line(paras[i + 1]):
            nk = key(paras[i + 1])
            if not _is_title(nk) or re.match(r"^(19|20)\d{2}年", nk):
                joined = p + paras[i + 1]
        if _is_title(k):
            title, end = p, i + 1
            prev = paras[i - 1] if i > 0 else ""
            if (
                prev
                and _short_line(prev)
                and not _is_meta(prev)
                and (
                    re.match(r"^(19|20)\d{2}年", k)
                    or (k.startswith("政府信息公开") and _ORGAN_OR_YEAR_END.search(key(prev)))
                )
            ):
                title = prev + p  # title split over two lines
        elif joined and _is_title(key(joined)):
            title, end = joined, i + 2
        else:
            continue
        tk = key(title)  # a page repeats the title (metadata table, then heading):
        for j in range(len(paras) - 1, end - 1, -1):  # the preamble follows the last one
            if key(paras[j]) == tk:
                end = j + 1
                break
        rest = [q for q in paras[end:] if not _is_meta(q)]
        return title, rest
    return "", [p for p in paras if not _is_meta(p)]


_ORGAN_OR_YEAR_END = re.compile(
    r"((19|20)\d{2}年度?|[局委办厅部署院会室处所站队府镇乡道区县市省心司行])$"
)


def _is_title(k: str) -> bool:
    return "政府信息公开" in k and ("年度报告" in k or "工作报告" in k) and len(k) <= 60


def _short_line(p: str) -> bool:
    k = key(p)
    return 0 < len(k) <= 30 and not re.search(r"[。，,；;：:]", p)


def _is_meta(p: str) -> bool:
    s = nfkc(p).strip()
    return bool(_META.match(s)) or (s.count(">") >= 1 and len(s) < 80) or s.count("»") >= 1


_TITLE_RE = (
    re.compile(r"^(?P<organ>.*?)(?<![0-9])(?P<year>(19|20)[0-9]{2})\s*年度?\s*政府信息公开"),
    re.compile(r"^(?P<year>(19|20)\d{2})\s*年度?\s*(?P<organ>.*?)政府信息公开"),
    re.compile(r"^(?P<organ>.*?)政府信息公开工作年度报告[(（](?P<year>(19|20)\d{2})\s*年?度?[)）]"),
)
_TITLE_NO_YEAR = re.compile(r"^(?P<organ>[^0-9]{2,40}?)政府信息公开工作年度报告$")


def organ_year_from_title(title: str) -> tuple[str, int | None]:
    t = re.sub(r"\s+", "", nfkc(title))
    for rx in _TITLE_RE:
        m = rx.match(t)
        if m:
            organ = m.group("organ").strip("（）()《》“”\"' ")
            return organ, _plausible_year(int(m.group("year")))
    m = _TITLE_NO_YEAR.match(t)
    if m and _ORGAN_OR_YEAR_END.search(m.group("organ")):
        return m.group("organ").strip("（）()《》“”\"' "), None
    return "", None


_Y = r"(?<![0-9])((?:19|20)[0-9]{2})"


def year_from_text(text: str) -> int | None:
    t = re.sub(r"[ \t\u3000]+", "", nfkc(text))
    for rx in (
        rf"统计期限[为是自从]?{_Y}年1月1日",
        rf"{_Y}年1月1日[至到-]",
        rf"{_Y}年度?政府信息公开工作年度报告",
        rf"{_Y}年度政府信息公开",
        rf"^{_Y}年度?[,，]",
    ):
        m = re.search(rx, t, re.M)
        if m:
            return _plausible_year(int(m.group(1)))
    return None


def _plausible_year(year: int | None) -> int | None:
    return year if year is not None and 1990 <= year <= 2200 else None


def organ_from_text(text: str) -> str:
    t = re.sub(r"[ \t\u3000]+", "", nfkc(text))
    m = re.search(r"现公布(\S{2,30}?)(?:\d{4})年度?政府信息公开工作年度报告", t)
    if m:
        return m.group(1)
    m = re.search(r"([^\s，,。；：:、（(]{2,30}?)(?:\d{4})年度?政府信息公开工作年度报告", t)
    if m and not re.search(r"(根据|按照|现将|现公布|本|我)", m.group(1)):
        return m.group(1)
    return ""
