"""The 2021 official format (国办公开办函〔2021〕30号) as data, written once.

Every label, cell id, merged span and total relation of the report lives here. The grids,
the checks, the PDF tables and the importers all read this module; nothing else in the code
spells an official label again. Source: shared/spec/official_format.md §1.4 and §2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FORMAT_NAME = "gov-info-annual-report"
FORMAT_VERSION = 1
TEMPLATES = ("2021", "2019", "pre2019")
ORGAN_KINDS = ("department", "government", "township")
ORGAN_KIND_LABELS = {"department": "部门", "government": "人民政府", "township": "乡镇（街道）"}
TEMPLATE_LABELS = {"2021": "2021年版", "2019": "2019年试行版", "pre2019": "2019年以前的旧版"}

TITLE_SUFFIX = "年政府信息公开工作年度报告"
FEE_UNIT = "万元"
FEE_MAX_DECIMALS = 4


def default_title(organ: str, year: int | None) -> str:
    """`{机关全称}{YYYY}年政府信息公开工作年度报告` (official_format.md §4.4)."""
    return f"{organ}{year if year is not None else ''}{TITLE_SUFFIX}"


# ---------------------------------------------------------------- sections (§1.4)


@dataclass(frozen=True)
class Section:
    key: str  # exchange-file key under "sections"
    number: str  # 一 … 六
    title: str  # canonical heading, verbatim
    table: str | None  # table printed under this section
    hint: str  # the official requirement, shortened for the editor
    short: str  # tab name in the editor (issue 5): 总体情况, 主动公开 …
    variants: tuple[str, ...] = ()  # heading variants accepted on import

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


SECTIONS: tuple[Section, ...] = (
    Section(
        "overview",
        "一",
        "总体情况",
        None,
        "对本机关贯彻落实《中华人民共和国政府信息公开条例》情况进行综述，主要包括主动公开、"
        "依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面；人民政府的报告还应"
        "包括工作考核、社会评议和责任追究结果情况。",
        "总体情况",
        ("政府信息公开工作的基本情况", "概述", "基本情况"),
    ),
    Section(
        "active_note",
        "二",
        "主动公开政府信息情况",
        "t2",
        "按表格填报《条例》第二十条第（一）（五）（六）（八）项数据；表下可加简短说明。",
        "主动公开",
    ),
    Section(
        "requests_note",
        "三",
        "收到和处理政府信息公开申请情况",
        "t3",
        "按表格填报收到和处理申请的数量；每列须满足：第一项加第二项之和，等于第三项加第四项之和。",
        "依申请公开",
        ("依申请公开政府信息情况",),
    ),
    Section(
        "appeals_note",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        "t4",
        "按表格填报因政府信息公开被申请行政复议、提起行政诉讼的情况；复议机关作为共同被告的案件不计。",
        "复议诉讼",
        ("因政府信息公开工作被申请行政复议、提起行政诉讼情况",),
    ),
    Section(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        None,
        "写明本机关政府信息公开工作存在的主要问题和改进措施，包括上一年度报告所列问题的整改情况。",
        "问题及改进",
        ("政府信息公开工作存在的主要问题及改进情况",),
    ),
    Section(
        "other",
        "六",
        "其他需要报告的事项",
        None,
        "写明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，以及其他需要报告的事项。",
        "其他事项",
    ),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

# Suggested sub-headings of 一、总体情况 (§1.4 practice); topic words for V-15.
OVERVIEW_TOPICS: tuple[str, ...] = (
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
)
OVERVIEW_SUBHEADINGS = tuple(
    f"（{n}）{t}" for n, t in zip("一二三四五", OVERVIEW_TOPICS, strict=True)
)
GOVERNMENT_OVERVIEW_TOPIC = "工作考核、社会评议和责任追究结果"
FEE_KEYWORD = "信息处理费"

PREAMBLE_BOILERPLATE = (
    "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求编制，全文包括"
    "总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
    "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本年度报告中所列数据统计期限为"
    "{year}年1月1日至12月31日。"
)


# ---------------------------------------------------------------- cells

CellKind = Literal["count", "decimal"]


@dataclass(frozen=True)
class CellDef:
    id: str
    table: str
    row_label: str  # full row label (block + item) for messages
    col_label: str
    kind: CellKind = "count"
    is_total: bool = False

    @property
    def label(self) -> str:
        return f"{self.row_label} · {self.col_label}" if self.col_label else self.row_label


@dataclass(frozen=True)
class TotalRule:
    """`total` must equal the sum of `parts` (R-02 … R-06)."""

    rule: str
    total: str
    parts: tuple[str, ...]


# ---- table 二 (§2.1)

T2_BLOCKS = ("第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项")
T2_INFO = "信息内容"
T2_COLS_ONE = ("本年制发件数", "本年废止件数", "现行有效件数")
T2_COL_DECISIONS = "本年处理决定数量"
T2_COL_FEES = "本年收费金额（单位：万元）"
T2_ROW_REG = "规章"
T2_ROW_NORM = "行政规范性文件"
T2_ROW_LICENSING = "行政许可"
T2_ROW_PENALTY = "行政处罚"
T2_ROW_COERCION = "行政强制"
T2_ROW_FEES = "行政事业性收费"

T2_COL_IDS = ("issued", "repealed", "in_force")


def _t2_cells() -> list[CellDef]:
    cells = []
    for rid, label in (("reg", T2_ROW_REG), ("norm", T2_ROW_NORM)):
        for cid, clabel in zip(T2_COL_IDS, T2_COLS_ONE, strict=True):
            cells.append(CellDef(f"t2.{rid}.{cid}", "t2", label, clabel))
    cells.append(CellDef("t2.licensing", "t2", T2_ROW_LICENSING, T2_COL_DECISIONS))
    cells.append(CellDef("t2.penalty", "t2", T2_ROW_PENALTY, T2_COL_DECISIONS))
    cells.append(CellDef("t2.coercion", "t2", T2_ROW_COERCION, T2_COL_DECISIONS))
    cells.append(CellDef("t2.fees_wan", "t2", T2_ROW_FEES, T2_COL_FEES, kind="decimal"))
    return cells


# ---- table 三 (§2.2)

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGS = "法人或其他组织"
T3_RESULTS = "三、本年度办理结果"


@dataclass(frozen=True)
class T3Row:
    id: str
    label: str  # label of this row's own cell (C1–C3, C2–C3 or C3)
    block: str | None = None  # （三）不予公开 etc. for sub-items
    in_results: bool = False  # under 三、本年度办理结果

    @property
    def full_label(self) -> str:
        """Label used in messages: block + item, e.g. `（三）不予公开 1.属于国家秘密`."""
        return f"{self.block} {self.label}" if self.block else self.label

    @property
    def short(self) -> str:
        """Short numbering used in check messages: 一, 二, 三（七）, 四, （三）1 …"""
        return T3_ROW_SHORT[self.id]


T3_BLOCK_DENIED = "（三）不予公开"
T3_BLOCK_UNABLE = "（四）无法提供"
T3_BLOCK_NOTPROC = "（五）不予处理"
T3_BLOCK_OTHER = "（六）其他处理"

_DENIED = (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
_UNABLE = (
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
)
_NOTPROC = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
_OTHER = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)

T3_ROWS: tuple[T3Row, ...] = (
    T3Row("new", "一、本年新收政府信息公开申请数量"),
    T3Row("carried", "二、上年结转政府信息公开申请数量"),
    T3Row("granted", "（一）予以公开", in_results=True),
    T3Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", in_results=True),
    *(T3Row(f"denied_{i}", t, T3_BLOCK_DENIED, True) for i, t in enumerate(_DENIED, 1)),
    *(T3Row(f"unable_{i}", t, T3_BLOCK_UNABLE, True) for i, t in enumerate(_UNABLE, 1)),
    *(T3Row(f"notproc_{i}", t, T3_BLOCK_NOTPROC, True) for i, t in enumerate(_NOTPROC, 1)),
    *(T3Row(f"other_{i}", t, T3_BLOCK_OTHER, True) for i, t in enumerate(_OTHER, 1)),
    T3Row("total_done", "（七）总计", in_results=True),
    T3Row("carry_next", "四、结转下年度继续办理"),
)
T3_ROW_IDS = tuple(r.id for r in T3_ROWS)
T3_ROW_BY_ID = {r.id: r for r in T3_ROWS}
T3_OUTCOME_ROWS = tuple(r.id for r in T3_ROWS if r.in_results and r.id != "total_done")

_BLOCK_NO = {
    T3_BLOCK_DENIED: "三",
    T3_BLOCK_UNABLE: "四",
    T3_BLOCK_NOTPROC: "五",
    T3_BLOCK_OTHER: "六",
}
T3_ROW_SHORT: dict[str, str] = {
    "new": "一",
    "carried": "二",
    "granted": "三（一）",
    "partial": "三（二）",
    "total_done": "三（七）总计",
    "carry_next": "四",
}
for _r in T3_ROWS:
    if _r.block:
        T3_ROW_SHORT[_r.id] = f"三（{_BLOCK_NO[_r.block]}）{_r.label.split('.', 1)[0]}"


@dataclass(frozen=True)
class T3Col:
    id: str
    label: str
    is_org: bool = False


T3_COLS: tuple[T3Col, ...] = (
    T3Col("natural", "自然人"),
    T3Col("biz", "商业企业", True),
    T3Col("research", "科研机构", True),
    T3Col("npo", "社会公益组织", True),
    T3Col("legal", "法律服务机构", True),
    T3Col("other_org", "其他", True),
    T3Col("total", "总计"),
)
T3_COL_IDS = tuple(c.id for c in T3_COLS)
T3_COL_BY_ID = {c.id: c for c in T3_COLS}
T3_APPLICANT_COLS = tuple(c.id for c in T3_COLS if c.id != "total")


def t3_key(row: str, col: str) -> str:
    return f"t3.{row}.{col}"


def t3_col_label(col: str) -> str:
    c = T3_COL_BY_ID[col]
    return f"{T3_ORGS}·{c.label}" if c.is_org else c.label


# ---- table 四 (§2.3)

T4_REVIEW = "行政复议"
T4_LITIGATION = "行政诉讼"


@dataclass(frozen=True)
class T4Group:
    id: str
    label: str  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    full_label: str


T4_GROUPS: tuple[T4Group, ...] = (
    T4Group("rev", T4_REVIEW, T4_REVIEW),
    T4Group("lit_direct", "未经复议直接起诉", f"{T4_LITIGATION}·未经复议直接起诉"),
    T4Group("lit_after_rev", "复议后起诉", f"{T4_LITIGATION}·复议后起诉"),
)
T4_COLS: tuple[tuple[str, str], ...] = (
    ("maintain", "结果维持"),
    ("correct", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_GROUP_BY_ID = {g.id: g for g in T4_GROUPS}
T4_COL_LABEL = dict(T4_COLS)


def t4_key(group: str, col: str) -> str:
    return f"t4.{group}.{col}"


# ---- all cells, in exchange-file order


def _t3_cells() -> list[CellDef]:
    return [
        CellDef(
            t3_key(r.id, c.id),
            "t3",
            r.full_label,
            t3_col_label(c.id),
            is_total=(c.id == "total" or r.id == "total_done"),
        )
        for r in T3_ROWS
        for c in T3_COLS
    ]


def _t4_cells() -> list[CellDef]:
    return [
        CellDef(t4_key(g.id, cid), "t4", g.full_label, clabel, is_total=(cid == "total"))
        for g in T4_GROUPS
        for cid, clabel in T4_COLS
    ]


CELLS: tuple[CellDef, ...] = (*_t2_cells(), *_t3_cells(), *_t4_cells())
CELL_IDS: tuple[str, ...] = tuple(c.id for c in CELLS)
CELL_BY_ID: dict[str, CellDef] = {c.id: c for c in CELLS}
COUNT_CELL_IDS = tuple(c.id for c in CELLS if c.kind == "count")
FEE_CELL = "t2.fees_wan"
TOTAL_CELL_IDS = frozenset(c.id for c in CELLS if c.is_total)
assert len(CELLS) == 200


def _total_rules() -> tuple[TotalRule, ...]:
    rules = [
        TotalRule("R-02", t3_key(r, "total"), tuple(t3_key(r, c) for c in T3_APPLICANT_COLS))
        for r in T3_ROW_IDS
    ]
    rules += [
        TotalRule("R-03", t3_key("total_done", c), tuple(t3_key(r, c) for r in T3_OUTCOME_ROWS))
        for c in T3_COL_IDS
    ]
    for rule, g in zip(("R-04", "R-05", "R-06"), T4_GROUPS, strict=True):
        parts = tuple(t4_key(g.id, c) for c, _ in T4_COLS if c != "total")
        rules.append(TotalRule(rule, t4_key(g.id, "total"), parts))
    return tuple(rules)


TOTAL_RULES: tuple[TotalRule, ...] = _total_rules()


def computed_total_order() -> tuple[TotalRule, ...]:
    """Total rules in an order where each total's parts are already computed.

    The corner cell t3.total_done.total is both a row total and a column total; its R-03
    rule (sum of the total column) comes after every R-02 row total.
    """
    return tuple(
        r for r in TOTAL_RULES if r.rule == "R-02" and "total_done" not in r.total
    ) + tuple(r for r in TOTAL_RULES if r.rule != "R-02")


# ---------------------------------------------------------------- grids (layout)


@dataclass(frozen=True)
class GridCell:
    """One placed cell of an official grid: label text or a data cell id, with its span."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    cell: str | None = None  # data cell id
    role: Literal["title", "header", "label", "note", "data"] = "label"
    vertical: bool = False  # typeset one character per line


@dataclass(frozen=True)
class Grid:
    table: str
    caption: str
    rows: int
    cols: int
    header_rows: int  # rows repeated on a new page
    cells: tuple[GridCell, ...]
    col_weights: tuple[float, ...]  # relative column widths for print and screen

    def at(self, row: int, col: int) -> GridCell | None:
        """The placed cell whose span covers (row, col)."""
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def data_position(self, cell_id: str) -> tuple[int, int]:
        for c in self.cells:
            if c.cell == cell_id:
                return c.row, c.col
        raise KeyError(cell_id)


def _t2_grid() -> Grid:
    g: list[GridCell] = []
    r = 0

    def title(text: str) -> None:
        g.append(GridCell(r, 0, 1, 4, text, role="title"))

    title(T2_BLOCKS[0])
    r += 1
    g.append(GridCell(r, 0, text=T2_INFO, role="header"))
    for i, t in enumerate(T2_COLS_ONE):
        g.append(GridCell(r, 1 + i, text=t, role="header"))
    r += 1
    for rid, label in (("reg", T2_ROW_REG), ("norm", T2_ROW_NORM)):
        g.append(GridCell(r, 0, text=label))
        for i, cid in enumerate(T2_COL_IDS):
            g.append(GridCell(r, 1 + i, cell=f"t2.{rid}.{cid}", role="data"))
        r += 1
    blocks = (
        (T2_BLOCKS[1], T2_COL_DECISIONS, (("t2.licensing", T2_ROW_LICENSING),)),
        (
            T2_BLOCKS[2],
            T2_COL_DECISIONS,
            (("t2.penalty", T2_ROW_PENALTY), ("t2.coercion", T2_ROW_COERCION)),
        ),
        (T2_BLOCKS[3], T2_COL_FEES, ((FEE_CELL, T2_ROW_FEES),)),
    )
    for block, header, items in blocks:
        title(block)
        r += 1
        g.append(GridCell(r, 0, text=T2_INFO, role="header"))
        g.append(GridCell(r, 1, 1, 3, header, role="header"))
        r += 1
        for cid, label in items:
            g.append(GridCell(r, 0, text=label))
            g.append(GridCell(r, 1, 1, 3, cell=cid, role="data"))
            r += 1
    return Grid("t2", SECTIONS[1].heading, r, 4, 0, tuple(g), (1.6, 1, 1, 1))


def _t3_grid() -> Grid:
    g: list[GridCell] = [
        GridCell(0, 0, 3, 3, T3_NOTE, role="note"),
        GridCell(0, 3, 1, 7, T3_APPLICANTS, role="header"),
        GridCell(1, 3, 2, 1, T3_COLS[0].label, role="header"),
        GridCell(1, 4, 1, 5, T3_ORGS, role="header"),
        GridCell(1, 9, 2, 1, T3_COLS[-1].label, role="header"),
        *(GridCell(2, 4 + i, text=c.label, role="header") for i, c in enumerate(T3_COLS[1:-1])),
    ]
    first_result = 3 + T3_ROW_IDS.index("granted")
    n_results = sum(1 for r in T3_ROWS if r.in_results)
    g.append(GridCell(first_result, 0, n_results, 1, T3_RESULTS, vertical=True))
    seen_blocks: set[str] = set()
    for i, row in enumerate(T3_ROWS):
        r = 3 + i
        if not row.in_results:
            g.append(GridCell(r, 0, 1, 3, row.label))
        elif row.block is None:
            g.append(GridCell(r, 1, 1, 2, row.label))
        else:
            if row.block not in seen_blocks:
                seen_blocks.add(row.block)
                span = sum(1 for x in T3_ROWS if x.block == row.block)
                g.append(GridCell(r, 1, span, 1, row.block))
            g.append(GridCell(r, 2, text=row.label))
        for j, col in enumerate(T3_COLS):
            g.append(GridCell(r, 3 + j, cell=t3_key(row.id, col.id), role="data"))
    weights = (0.55, 1.25, 3.2, *(1.0,) * 7)
    return Grid("t3", SECTIONS[2].heading, 3 + len(T3_ROWS), 10, 3, tuple(g), weights)


def _t4_grid() -> Grid:
    g: list[GridCell] = [
        GridCell(0, 0, 1, 5, T4_REVIEW, role="header"),
        GridCell(0, 5, 1, 10, T4_LITIGATION, role="header"),
    ]
    for i, (_, label) in enumerate(T4_COLS):
        g.append(GridCell(1, i, 2, 1, label, role="header"))
    for k, grp in enumerate(T4_GROUPS[1:]):
        g.append(GridCell(1, 5 + 5 * k, 1, 5, grp.label, role="header"))
        for i, (_, label) in enumerate(T4_COLS):
            g.append(GridCell(2, 5 + 5 * k + i, text=label, role="header"))
    for k, grp in enumerate(T4_GROUPS):
        for i, (cid, _) in enumerate(T4_COLS):
            g.append(GridCell(3, 5 * k + i, cell=t4_key(grp.id, cid), role="data"))
    return Grid("t4", SECTIONS[3].heading, 4, 15, 3, tuple(g), (1.0,) * 15)


GRIDS: dict[str, Grid] = {"t2": _t2_grid(), "t3": _t3_grid(), "t4": _t4_grid()}
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


# ---------------------------------------------------------------- old formats (§4.6)

OLD_2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "其他对外管理服务事项",
    "第二十条第（九）项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
)
PRE_2019_MARKERS = (
    "主动公开信息数",
    "依申请公开政府信息情况",
    "收费及减免情况",
    "不予公开政府信息情况",
    "否决公开",
    "第三十二条",
)
MARKERS_2021 = (
    *T2_COLS_ONE,
    T2_COL_DECISIONS,
    T2_COL_FEES,
    T2_ROW_NORM,
    *_OTHER,
)
