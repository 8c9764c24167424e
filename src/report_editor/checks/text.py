"""Text rules: structure (V-07, V-09, V-19, V-20), text ↔ table (R-12 … R-14), years (R-15),
content (V-12, V-15 … V-17, V-25, V-27).

Regular expressions are compiled once at import; labels come from `model.template`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from ..model import template as T
from ..model.report import Report
from .problem import Problem
from .tables import col_name

_HEADING = {s.key: s.heading for s in T.SECTIONS}
_REQUIRED_TEXT = ("overview", "problems", "other")  # sections without a table (V-09)
_NARRATIVE = ("overview", "active_note", "requests_note", "appeals_note")  # R-12 scope
_CLAIMS = (*_NARRATIVE, "other")  # R-13 scope

# Gap between a keyword and its number: no digit, no clause punctuation.
_G = r"[^\d。；;，,、：:！？!?\n（）()“”]"
_CN_DIGITS = "零〇两一二三四五六七八九十百"
_UNIT = "件|起|份"
_NUM = rf"(?P<n>\d+(?:,\d{{3}})*\s*(?:{_UNIT})|[{_CN_DIGITS}]+(?:{_UNIT}))"
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_VALUE.update({"六": 6, "七": 7, "八": 8, "九": 9})


def parse_number(text: str) -> int | None:
    """'3,119 件' → 3119, '十二件' → 12, '两件' → 2; None when not a number below 1000."""
    s = text.rstrip("件起份 ").replace(",", "").strip()
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_VALUE:
            current = _CN_VALUE[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _t3(row: str) -> str:
    return T.t3_key(row, "total")


_NEW, _CARRIED, _DONE, _NEXT, _GRANTED = (
    _t3(r) for r in ("new", "carried", "total_done", "carry_next", "granted")
)
_REV = T.t4_key("rev", "total")
_LIT = (T.t4_key("lit_direct", "total"), T.t4_key("lit_after_rev", "total"))
_LABEL = {c.id: c.label for c in T.CELLS}
_T4_GROUP_CELLS = {g.id: tuple(T.t4_key(g.id, c) for c, _ in T.T4_COLS) for g in T.T4_GROUPS}

# (pattern, target cells, needs 申请 in the sentence, words one of which must occur).
_R12 = tuple(
    (re.compile(p), cells, need_request, words)
    for p, cells, need_request, words in (
        (
            rf"(?P<k>收到|受理|新收|接收|接到){_G}{{0,15}}?申请{_G}{{0,6}}?{_NUM}",
            (_NEW,),
            False,
            ("申请",),
        ),
        (
            rf"(?P<k>收到|受理|新收|接收|接到){_G}{{0,4}}?{_NUM}{_G}{{0,12}}?申请",
            (_NEW,),
            False,
            ("申请",),
        ),
        (rf"上一?年度?结转{_G}{{0,10}}?{_NUM}", (_CARRIED,), False, ("结转",)),
        (rf"结转(?:至|到)?下一?年度?{_G}{{0,10}}?{_NUM}", (_NEXT,), False, ("结转",)),
        (
            rf"(?:办结|答复|办理完毕|办理完成){_G}{{0,8}}?{_NUM}",
            (_DONE,),
            True,
            ("办结", "答复", "办理完"),
        ),
        (rf"予以公开{_G}{{0,6}}?{_NUM}", (_GRANTED,), False, ("予以公开",)),
        (rf"行政复议(?!后){_G}{{0,8}}?{_NUM}", (_REV,), False, ("行政复议",)),
        (rf"行政诉讼{_G}{{0,8}}?{_NUM}", _LIT, False, ("行政诉讼",)),
        (
            rf"(?:制发|印发|出台|制定|发布|新增){_G}{{0,12}}?规范性文件{_G}{{0,4}}?{_NUM}",
            ("t2.norm.issued",),
            False,
            ("规范性文件",),
        ),
        (
            rf"(?:制发|印发|出台|制定|发布|新增){_G}{{0,12}}?规章{_G}{{0,4}}?{_NUM}",
            ("t2.reg.issued",),
            False,
            ("规章",),
        ),
    )
)
# `103件顺延到下年度`: the number comes first, so find the keyword and look back.
_NEXT_AFTER = re.compile(r"(?:结转|顺延)(?:至|到)?下一?年度?")
_NUM_BEFORE = re.compile(rf"(?<![\d,]){_NUM}{_G}{{0,6}}?$")
_NEXT_LOOKBACK = 24
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")

# R-13 claims.
_DONE_WORDS = r"(?:办结|办理完毕|办理完成|答复完毕|处理完毕)"
_ALL_DONE = re.compile(
    rf"(?:所有|全部){_G}{{0,15}}?申请{_G}{{0,12}}?{_DONE_WORDS}"
    rf"|申请{_G}{{0,6}}?(?:均已|均|都已|已全部|全部){_G}{{0,6}}?{_DONE_WORDS}"
    rf"|(?:无|没有)(?:申请)?结转(?:至|到)?下一?年|(?:无|没有)下一?年度?结转"
)
_ALL_DONE_WORDS = ("办结", "办理完", "答复完毕", "处理完毕", "结转")
_NO_REQUEST_WORDS = ("收到", "接到", "受理")
_NO_REQUEST = re.compile(rf"(?:未|没有|无)(?:收到|接到|受理){_G}{{0,12}}?(?:申请|要求公开)")
_NO_APPEAL = re.compile(rf"(?:未(?!经)|没有|无(?!法))(?:{_G}{{0,16}}?)(?P<k>行政复议|行政诉讼)")

# R-14 信息处理费.
_FEE_NOTICE = re.compile(r"(?:收费|缴费)通知")
_FEE_NONE = re.compile(
    rf"(?:未|没有|无)(?:收取|产生|收|涉及)?{_G}{{0,6}}?{T.FEE_KEYWORD}|(?:未|没有|无)收费"
)
_FEE_AMOUNT = re.compile(rf"{T.FEE_KEYWORD}{_G}{{0,8}}?(\d+(?:\.\d+)?)\s*(万元|元)")

# R-15 years.
_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_PERIOD = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*0?1\s*月\s*0?1\s*日\s*(?:起\s*)?(?:至|到|—|－|-|～|~)\s*"
    r"(?:(\d{4})\s*年\s*)?12\s*月\s*31\s*日"
)
_SENTENCE_START = frozenset("。；！？\n：")
_DOC_NUMBER_OPEN = frozenset("〔[（(")
_COMPARE_BEFORE = re.compile(r"(?:较|比|同比|与|和|对比|相比|上)\s*$")

# V-09 top-level numbering inside a section body.
_TOP_LEVEL = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})、(.*)$", re.M)

# V-12 similarity.
_SPLIT = re.compile(r"[。！？；!?;\n]+")
_NUMBERING = re.compile(
    r"^[ \t\u3000]*(?:（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+、|\d+[.、．])", re.M
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t\u3000]+")
SIMILARITY_LIMIT = 0.8
_MIN_SENTENCE = 8  # shorter fragments (sub-headings) are not counted

# V-15 topics, with the shorter forms seen in practice (（四）平台建设方面, 信息管理 …).
_TOPICS = tuple(
    (
        topic,
        tuple({topic, topic.removeprefix("政府信息公开"), topic.removeprefix("政府")}),
    )
    for topic in T.OVERVIEW_TOPICS
)
_GOV_STEMS = tuple(
    part.removesuffix("结果")[-2:] for part in re.split("[、和]", T.GOVERNMENT_OVERVIEW_TOPIC)
)

# V-16 reference to last year's problems.
_PREVIOUS_REF = re.compile(r"整改|上一?年度?|去年|以往|往年|前一年")

# V-20.
_TITLE_CORE = T.TITLE_SUFFIX.removeprefix("年")

# V-25 outdated basis.
_OLD_BASIS = re.compile(
    r"(?:国务院令|国令)\s*第?\s*492\s*号|(?<!\d)492\s*号令"
    r"|国办公开办函\s*[〔\[（(]\s*2019\s*[〕\]）)]\s*60\s*号"
)

# V-27 lint.
_CJK = r"[\u4e00-\u9fff]"
_ASCII_COMMA = re.compile(rf"{_CJK}\s*[,;]\s*{_CJK}")
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")
_NUMERALS = set("零〇一二三四五六七八九十百千万")
_EXAMPLES = 3


def _sentence_at(text: str, start: int, end: int) -> str:
    a = max(text.rfind(ch, 0, start) for ch in "。；;！？!?\n") + 1
    m = _SENTENCE_END.search(text, end)
    return text[a : m.start() if m else len(text)]


def _snippet(text: str, start: int, end: int, pad: int = 6) -> str:
    return text[max(0, start - pad) : end + pad].replace("\n", " ").strip()


def check_text(report: Report, previous: Report | None, out: list[Problem]) -> None:
    sections = report.sections
    text = {k: _str(sections.get(k)) for k in T.SECTION_KEYS}
    year = report.year

    _structure(report, text, out)
    _text_vs_tables(report, text, out)
    _fees(report, text, out)
    if year is not None:
        _years(report, text, year, out)
    if previous is not None:
        _similarity(text, previous, out)
    _content(report, text, out)


# ------------------------------------------------------------------ structure


def _structure(report: Report, text: dict[str, str], out: list[Problem]) -> None:
    year = report.year
    if year is None:
        out.append(Problem("V-19", "error", (), "未填写报告年度（统计期限为该年1月1日至12月31日）"))
    # V-07: an old table layout cannot be used for a report year from 2021 on.
    if report.template != "2021" and (year is None or year >= 2021):
        old = T.TEMPLATE_LABELS.get(report.template, report.template)
        when = f"{year}年度" if year is not None else "2021年度及以后的"
        out.append(
            Problem(
                "V-07",
                "error",
                (),
                f"使用旧版格式：表格按{old}格式填写，{when}报告必须使用"
                f"{T.TEMPLATE_LABELS['2021']}格式（国办公开办函〔2021〕30号）",
            )
        )
    # V-09: sections without a table must have text (the table sections always have their
    # table in this model); a body must not restart the top-level numbering 一、二、….
    for key in _REQUIRED_TEXT:
        if not text[key].strip():
            out.append(
                Problem(
                    "V-09",
                    "error",
                    (),
                    f"缺少“{_HEADING[key]}”的内容：六个部分都必须填写，不能遗漏",
                    key,
                )
            )
    for key in T.SECTION_KEYS:
        body = text[key]
        if "、" not in body:
            continue
        heading = _HEADING[key]
        own = T.SECTION_BY_KEY[key]
        first_text = body.lstrip()
        for i, m in enumerate(_TOP_LEVEL.finditer(body)):
            line = m.group(0).strip()
            short = line if len(line) <= 24 else line[:24] + "…"
            if (
                i == 0
                and first_text.startswith(line)
                and line.startswith(own.number + "、")
                and (own.title in line or any(v in line for v in own.variants))
            ):
                why = "正文开头重复了章节标题（标题由程序自动排印）"
                out.append(Problem("V-09", "error", (), f"{heading}：“{short}”——{why}", key))
                continue
            why = "正文中出现一级编号，章节编号重新开始；本部分内的小标题应使用（一）（二）……"
            out.append(Problem("V-09", "error", (), f"{heading}：“{short}”——{why}", key))
            break  # one restart problem per section is enough


# ------------------------------------------------------------------


def _not_yet(body: str, m: re.Match[str]) -> bool:
    """`尚未…` (not yet) is no denial. Checked by hand: a look-behind in the pattern would
    make the regex engine slower on every position."""
    return m.group(0)[0] == "未" and body[m.start() - 1 : m.start()] == "尚"


def _first(pattern: re.Pattern[str], body: str, words: tuple[str, ...]) -> re.Match[str] | None:
    """First match not preceded by 尚, searched only in sentences holding one of `words`."""
    start = 0
    for sentence in _SENTENCE_END.split(body):
        end = start + len(sentence)
        if any(w in sentence for w in words):
            for m in pattern.finditer(body, start, end):
                if not _not_yet(body, m):
                    return m
        start = end + 1
    return None


def _r12_matches(body: str) -> Iterator[tuple[int, int, str, str | None, tuple[str, ...], bool]]:
    """(start, end, number text, keyword, target cells, needs 申请) for each quoted figure."""
    for pattern, cells, need_request, words in _R12:
        if any(w in body for w in words):
            for m in pattern.finditer(body):
                yield m.start(), m.end(), m.group("n"), m.groupdict().get("k"), cells, need_request
    if "结转" in body or "顺延" in body:
        for k in _NEXT_AFTER.finditer(body):
            m = _NUM_BEFORE.search(body, max(0, k.start() - _NEXT_LOOKBACK), k.start())
            if m:
                yield m.start(), k.end(), m.group("n"), None, (_NEXT,), False


def _text_vs_tables(report: Report, text: dict[str, str], out: list[Problem]) -> None:
    get = report.cells.get
    seen: set[tuple[str, tuple[str, ...], int]] = set()
    t4_groups = {g: [c for c in cells if _int(get(c)) > 0] for g, cells in _T4_GROUP_CELLS.items()}

    for key in _NARRATIVE:
        body = text[key]
        if not body:
            continue
        heading = _HEADING[key]
        for start, end, number, keyword, cells, need_request in _r12_matches(body):
            n = parse_number(number)
            if n is None:
                continue
            if need_request and "申请" not in _sentence_at(body, start, end):
                continue
            values = [get(c) for c in cells]
            if any(type(v) is not int for v in values):
                continue  # blank or invalid: report it
            value = sum(values)  # type: ignore[arg-type]
            quoted = body[start:end].replace("\n", " ").strip()
            accepted = {value}
            involved = cells
            if keyword == "受理" and type(get(_CARRIED)) is int:
                # 受理 is used by a few offices for 新收 + 上年结转 (official_format.md §3.4).
                accepted.add(value + get(_CARRIED))  # type: ignore[operator]
                involved = (*cells, _CARRIED)
            if n in accepted or (quoted, involved, n) in seen:
                continue
            seen.add((quoted, involved, n))
            # The reverse of "未发生行政复议" (text reports cases, table all 0) is an R-13
            # contradiction rather than an R-12 mismatch; one problem, not both.
            if cells in ((_REV,), _LIT) and n > 0 and value == 0:
                groups = ("rev",) if cells == (_REV,) else ("lit_direct", "lit_after_rev")
                out.append(
                    Problem(
                        "R-13",
                        "warning",
                        tuple(c for g in groups for c in _T4_GROUP_CELLS[g]),
                        f"{heading}写“{quoted}”，但表四相应各栏全为 0，前后矛盾",
                        key,
                    )
                )
                continue
            out.append(
                Problem(
                    "R-12",
                    "warning",
                    involved,
                    f"{heading}写“{quoted}”，与表格不符：{_describe(cells, values, keyword, get)}",
                    key,
                )
            )

    carry_cells = tuple(
        c for c in (T.t3_key("carry_next", c) for c in T.T3_COL_IDS) if _int(get(c)) > 0
    )
    new_cells = tuple(c for c in (T.t3_key("new", c) for c in T.T3_COL_IDS) if _int(get(c)) > 0)
    for key in _CLAIMS:
        body = text[key]
        if not body:
            continue
        heading = _HEADING[key]
        if carry_cells and any(w in body for w in _ALL_DONE_WORDS):
            m = _first(_ALL_DONE, body, _ALL_DONE_WORDS)
            if m:
                out.append(
                    Problem(
                        "R-13",
                        "warning",
                        carry_cells,
                        f"{heading}写“{_snippet(body, m.start(), m.end(), 0)}”，但表三"
                        f"“{T.T3_ROW_BY_ID['carry_next'].label}”{_t3_figures(carry_cells, get)}，"
                        "前后矛盾",
                        key,
                    )
                )
        if new_cells and any(w in body for w in _NO_REQUEST_WORDS):
            m = _first(_NO_REQUEST, body, _NO_REQUEST_WORDS)
            if m:
                out.append(
                    Problem(
                        "R-13",
                        "warning",
                        new_cells,
                        f"{heading}写“{_snippet(body, m.start(), m.end(), 0)}”，但表三"
                        f"“{T.T3_ROW_BY_ID['new'].label}”{_t3_figures(new_cells, get)}，前后矛盾",
                        key,
                    )
                )
        appeal_words = T.T4_REVIEW in body or T.T4_LITIGATION in body
        for m in _NO_APPEAL.finditer(body) if appeal_words else ():
            if _not_yet(body, m):
                continue
            tail = body[m.end() : m.end() + 8]
            named = {m.group("k")}
            for word, full in (("复议", T.T4_REVIEW), ("诉讼", T.T4_LITIGATION)):
                if word in tail:
                    named.add(full)
            groups = []
            if T.T4_REVIEW in named:
                groups.append("rev")
            if T.T4_LITIGATION in named:
                groups += ["lit_direct", "lit_after_rev"]
            nonzero = tuple(c for g in groups for c in t4_groups[g])
            if nonzero:
                figures = "，".join(
                    _t4_figures(g, t4_groups[g], get) for g in groups if t4_groups[g]
                )
                out.append(
                    Problem(
                        "R-13",
                        "warning",
                        nonzero,
                        f"{heading}写“{_snippet(body, m.start(), m.end() + len(tail), 0)}”，"
                        f"但表四有数：{figures}，前后矛盾",
                        key,
                    )
                )
                break


def _t3_figures(nonzero: tuple[str, ...], get: Callable) -> str:
    """The table-三 figures that contradict a claim: `总计为 5`, or, when the 总计 cell is 0
    or blank, the applicant columns that hold numbers: `中自然人为 5（总计栏为 0）`."""
    total = next((c for c in nonzero if c.endswith(".total")), None)
    if total is not None:
        return f"总计为 {get(total)}"
    cols = "、".join(f"{col_name(c.split('.')[2])}为 {get(c)}" for c in nonzero)
    shown = nonzero[0].rsplit(".", 1)[0] + ".total"
    return f"中{cols}（总计栏{_shown(get(shown))}）"


def _t4_figures(group: str, nonzero: list[str], get: Callable) -> str:
    """`行政复议总计 2`, or, when that 总计 is 0 or blank, the cells that hold numbers."""
    name = T.T4_GROUP_BY_ID[group].full_label
    total = T.t4_key(group, "total")
    if total in nonzero:
        return f"{name}总计 {get(total)}"
    cols = "、".join(f"{_LABEL[c]} {get(c)}" for c in nonzero)
    return f"{cols}（{name}总计栏{_shown(get(total))}）"


def _shown(v: object) -> str:
    return "未填" if v is None else f"为 {v}"


def _title_of(report: Report) -> str:
    title = report.title
    if isinstance(title, str) and title:
        return title
    return T.default_title(_str(report.organ), report.year)


def _str(v: object) -> str:
    return v if isinstance(v, str) else ""


def _int(v: object) -> int:
    return v if type(v) is int else 0


def _describe(cells: tuple[str, ...], values: list, keyword: str | None, get: Callable) -> str:
    if len(cells) > 1:
        parts = " + ".join(
            f"{_LABEL[c].split(' · ')[0]} {v}" for c, v in zip(cells, values, strict=True)
        )
        return f"表四{parts} = {sum(values)}"
    table = T.TABLE_NAMES[cells[0].split(".")[0]]
    text = f"{table}“{_LABEL[cells[0]]}”为 {values[0]}"
    if keyword == "受理" and type(get(_CARRIED)) is int:
        text += f"（加上年结转为 {values[0] + get(_CARRIED)}）"
    return text


def _fees(report: Report, text: dict[str, str], out: list[Problem]) -> None:
    """R-14 信息处理费 linkage (warning). Three cases: applications dropped for unpaid fees
    (（六）2 > 0) while the text says no fee was charged or is silent and never mentions a
    收费通知; a fee collected although the report had no application at all; a fee amount
    and a "no fee" statement in the same report."""
    get = report.cells.get
    other = text["other"]
    all_text = "\n".join(text.values())
    unpaid_cell = T.t3_key("other_2", "total")
    unpaid = _int(get(unpaid_cell))
    none_said = None
    for body in text.values():
        if T.FEE_KEYWORD in body or "收费" in body:
            none_said = _FEE_NONE.search(body)
            if none_said:
                break
    none_text = none_said.group(0) if none_said else ""
    if (
        unpaid > 0
        and (T.FEE_KEYWORD not in other or none_said)
        and not _FEE_NOTICE.search(all_text)
    ):
        label = T.CELL_BY_ID[unpaid_cell].row_label
        if none_said:
            said = f"只写了“{none_text}”"
        else:
            said = f"{_HEADING['other']}没有说明{T.FEE_KEYWORD}的情况"
        out.append(
            Problem(
                "R-14",
                "warning",
                (unpaid_cell,),
                f"表三“{label}”有 {unpaid} 件，说明发出过{T.FEE_KEYWORD}收费通知，"
                f"但{said}：请写明发出收费通知和收费的情况",
                "other",
            )
        )
    for m in _FEE_AMOUNT.finditer(all_text):
        amount = float(m.group(1))
        if amount <= 0:
            continue
        said = _snippet(all_text, m.start(), m.end(), 0)
        if none_said:
            out.append(
                Problem(
                    "R-14",
                    "warning",
                    (),
                    f"一处写“{said}”，另一处写“{none_text}”，前后矛盾",
                    "other",
                )
            )
        elif (
            type(get(_NEW)) is int and type(get(_CARRIED)) is int and get(_NEW) + get(_CARRIED) == 0
        ):
            out.append(
                Problem(
                    "R-14",
                    "warning",
                    (_NEW, _CARRIED),
                    f"写“{said}”，但表三本年新收和上年结转的申请都是 0：信息处理费只能向申请人收取",
                    "other",
                )
            )
        break


# ------------------------------------------------------------------ R-15 years


def _year_words(body: str) -> Iterator[tuple[int, int, int, bool]]:
    """(year, start, end, is `年度`) for every `YYYY年` (spaces allowed before 年)."""
    find = body.find
    i = find("年")
    while i != -1:
        j = i
        while j > 0 and body[j - 1] in " \t\u3000":
            j -= 1
        digits = body[j - 4 : j]
        if (
            j >= 4
            and digits.isdigit()
            and digits.isascii()
            and (j == 4 or not body[j - 5].isdigit())
        ):
            du = body[i + 1 : i + 2] == "度"
            yield int(digits), j - 4, i + 1 + du, du
        i = find("年", i + 1)


def _years(report: Report, text: dict[str, str], year: int, out: list[Problem]) -> None:
    """R-15. Title: any other 4-digit year is a warning. Body: the 统计期限 sentence must
    name Y; a year X ∉ {Y, Y+1} written as `X年度` or opening a sentence (`X年，我局…`) is a
    warning — Y+1 is the publication year and next year's plans, Y−1 is allowed only after
    a comparison word (较/比/同比/与…). Years elsewhere (law dates, 文号 〔2020〕) are not checked.
    """
    title = _title_of(report)
    stray = sorted({int(y) for y in _YEAR4.findall(title)} - {year})
    if stray:
        out.append(
            Problem(
                "R-15",
                "warning",
                (),
                f"标题“{title}”中出现 {'、'.join(map(str, stray))} 年，本报告是 {year} 年度",
            )
        )
    bodies = (("preamble", _str(report.preamble)), *text.items())
    allowed = {year, year + 1}
    for key, body in bodies:
        if not body:
            continue
        section = key if key in _HEADING else None
        where = _HEADING.get(key, "前言")
        period = "12" in body and "31" in body  # cheap test before the regex
        for m in _PERIOD.finditer(body) if period else ():
            ys = {int(m.group(1))} | ({int(m.group(2))} if m.group(2) else set())
            if ys != {year}:
                out.append(
                    Problem(
                        "R-15",
                        "warning",
                        (),
                        f"{where}：统计期限写“{_snippet(body, m.start(), m.end(), 0)}”，"
                        f"应为 {year}年1月1日至12月31日",
                        section,
                    )
                )
        found: dict[int, str] = {}
        for y, start, end, du in _year_words(body):
            if y in allowed or y in found or not 1990 <= y <= 2200:
                continue
            before = body[max(0, start - 8) : start].rstrip(" \t\u3000")
            last = before[-1:] or "\n"
            if du:  # `X年度`, unless inside a 文号 bracket
                if last in _DOC_NUMBER_OPEN:
                    continue
            elif last and last not in _SENTENCE_START:  # `X年` must open a sentence
                continue
            if y == year - 1 and _COMPARE_BEFORE.search(before[-3:]):
                continue
            found[y] = body[start : end + 8].split("\n")[0]
        for y, snip in found.items():
            out.append(
                Problem(
                    "R-15",
                    "warning",
                    (),
                    f"{where}：“{snip}”中的 {y} 年与报告年度 {year} 不一致，可能是沿用旧报告的文字",
                    section,
                )
            )
    date = report.signature_date
    if isinstance(date, str) and date[:4].isdigit() and int(date[:4]) != year + 1:
        out.append(
            Problem(
                "R-15",
                "warning",
                (),
                f"成文日期 {date} 不在 {year + 1} 年：{year} 年度报告应在 {year + 1} 年发布",
            )
        )


# ------------------------------------------------------------------ V-12 similarity


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[str, ...]:
    """Normalised sentences: numbering and spaces dropped, digits as '#' (a copy with the
    year changed is still a copy); fragments shorter than 8 characters left out."""
    text = _DIGITS.sub("#", _SPACES.sub("", _NUMBERING.sub("", text)))
    return tuple(s for s in _SPLIT.split(text) if len(s) >= _MIN_SENTENCE)


def _similarity(text: dict[str, str], previous: Report, out: list[Problem]) -> None:
    """V-12 内容雷同: more than 80% of a section's sentences (digits ignored, fragments under
    8 characters ignored, at least 2 sentences) also occur in last year's same section."""
    for key in _REQUIRED_TEXT:
        now = _sentences(text[key])
        if len(now) < 2:
            continue
        before = set(_sentences(previous.sections.get(key) or ""))
        same = sum(1 for s in now if s in before)
        ratio = same / len(now)
        if ratio > SIMILARITY_LIMIT:
            out.append(
                Problem(
                    "V-12",
                    "warning",
                    (),
                    f"{_HEADING[key]}与上年报告内容雷同：{len(now)} 句中有 {same} 句与上年相同"
                    f"（{ratio:.0%}，超过 {SIMILARITY_LIMIT:.0%}）",
                    key,
                )
            )


# ------------------------------------------------------------------ V-15 … V-27


def _content(report: Report, text: dict[str, str], out: list[Problem]) -> None:
    overview = text["overview"]
    if overview.strip():
        missing = [t for t, forms in _TOPICS if not any(f in overview for f in forms)]
        if missing:
            out.append(
                Problem(
                    "V-15",
                    "warning",
                    (),
                    f"{_HEADING['overview']}缺少{'、'.join(f'“{t}”' for t in missing)}方面的内容",
                    "overview",
                )
            )
        # 条例第五十条第（四）项: required of 人民政府 reports. Townships (乡镇人民政府 or
        # 街道办事处, which is not a government) get an info-level reminder only.
        if report.kind in ("government", "township") and not all(s in overview for s in _GOV_STEMS):
            sev = "warning" if report.kind == "government" else "info"
            out.append(
                Problem(
                    "V-15",
                    sev,
                    (),
                    f"{T.ORGAN_KIND_LABELS['government']}的报告应在{_HEADING['overview']}"
                    f"（{T.OVERVIEW_TOPICS[-1]}）中写明"
                    f"“{T.GOVERNMENT_OVERVIEW_TOPIC}情况”",
                    "overview",
                )
            )
    problems = text["problems"]
    if problems.strip() and not _PREVIOUS_REF.search(problems):
        out.append(
            Problem(
                "V-16",
                "warning",
                (),
                f"{_HEADING['problems']}没有提到上一年度报告所列问题的整改情况",
                "problems",
            )
        )
    if text["other"].strip() and T.FEE_KEYWORD not in text["other"]:
        out.append(
            Problem(
                "V-17",
                "warning",
                (),
                f"{_HEADING['other']}没有说明{T.FEE_KEYWORD}的收取情况"
                f"（没有收取也应写明，如“本年度未收取{T.FEE_KEYWORD}”）",
                "other",
            )
        )
    _title(report, out)
    bodies = (("preamble", _str(report.preamble)), *text.items())
    for key, body in bodies:
        if not body:
            continue
        section = key if key in _HEADING else None
        where = _HEADING.get(key, "前言")
        m = _OLD_BASIS.search(body) if "492" in body or "60" in body else None
        if m:
            out.append(
                Problem(
                    "V-25",
                    "warning",
                    (),
                    f"{where}引用“{m.group(0)}”：现行《中华人民共和国政府信息公开条例》为"
                    "2019年修订版（国务院令第711号），年报格式依据国办公开办函〔2021〕30号",
                    section,
                )
            )
        commas = (
            [_snippet(body, m.start(), m.end(), 3) for m in _ASCII_COMMA.finditer(body)]
            if "," in body or ";" in body
            else []
        )
        if commas:
            out.append(
                Problem(
                    "V-27",
                    "info",
                    (),
                    f"{where}有 {len(commas)} 处中文之间用了半角标点（应为全角“，”“；”）："
                    + "；".join(f"“{c}”" for c in commas[:_EXAMPLES]),
                    section,
                )
            )
        doubled = [m.group(0) for m in _DOUBLED.finditer(body) if not set(m.group(1)) <= _NUMERALS]
        if doubled:
            out.append(
                Problem(
                    "V-27",
                    "info",
                    (),
                    f"{where}有重复的词语：" + "、".join(f"“{d}”" for d in doubled[:_EXAMPLES]),
                    section,
                )
            )


def _title(report: Report, out: list[Problem]) -> None:
    """V-20 title form `{机关全称}{YYYY}年政府信息公开工作年度报告` (or year first)."""
    title = _title_of(report)
    issues = []
    organ = _str(report.organ).strip()
    if not organ:
        issues.append("未填写机关全称")
    elif organ not in title:
        issues.append(f"标题中没有机关全称“{organ}”（不要用简称）")
    if _TITLE_CORE not in title:
        issues.append(f"标题应以“{_TITLE_CORE}”结尾，不能写成其他名称")
    if report.year is not None and f"{report.year}年" not in title:
        issues.append(f"标题中没有报告年度“{report.year}年”")
    if issues:
        expected = T.default_title(organ or "（机关全称）", report.year)
        out.append(
            Problem("V-20", "warning", (), f"标题“{title}”：{'；'.join(issues)}。应为“{expected}”")
        )
