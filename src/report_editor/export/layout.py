"""Text layout of the official PDF, independent of reportlab: paragraphs, headings, line breaks.

Chinese line breaking with kinsoku (禁则): no line starts with closing punctuation and no
line ends with opening punctuation; Latin words, numbers, e-mail addresses stay whole (a
URL or address longer than half a line may break after `/ ? & = _ @ . -`).
Adjacent punctuation (`。”`, `）。`, `”、“`) keeps its full width, as Word sets it on the
公文 character grid by default (no 标点挤压): every character, marks included, takes one
of the 28 cells of a line, so full lines align on the grid.
Widths come from a callable so that the rules can be tested without fonts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import template as T

# GB/T 15834 line-start / line-end rules (plus half-width forms seen in clerks' text).
NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】〉…—·,.;:?!)]%‰℃")
NO_LINE_END = frozenset("（《「『“‘〔【〈([")
NO_SPLIT_PAIRS = frozenset("—…")  # ——, …… never broken in the middle

_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.@/_\-:%+#&=~?]*")
# inside a Latin run wider than a line (a long URL or address): break after these
_LATIN_BREAK = re.compile(r"[^/?&=_@.\-]+[/?&=_@.\-]*|[/?&=_@.\-]+")
_WS = " \t\u3000\u00a0\u2002\u2003\u200b\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_CN_NUM = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^[{_CN_NUM}]{{1,3}}、")
_LEVEL2 = re.compile(rf"^[（(][{_CN_NUM}]{{1,3}}[）)]")
_RUN_IN_END = "。：:"
RUN_IN_MAX = 40  # a heading longer than this is not taken as a whole-paragraph heading

WidthFn = Callable[[str, str], float]  # (text, role) -> advance including char spacing


@dataclass
class Run:
    role: str
    text: str
    tight: bool = False  # a Latin word: justification adds space after it, not inside it


@dataclass
class Line:
    runs: list[Run]
    x: float = 0.0  # offset from the left edge of the text block
    extra: float = 0.0  # justification: added after each CJK glyph and each Latin word
    width: float = 0.0  # natural width

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Para:
    """A paragraph before line breaking: runs of text with their font roles."""

    runs: list[Run]
    kind: str = "body"  # body | heading1 | heading2 | title | signature
    align: str = "justify"  # justify | center | right4
    lines: list[Line] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line; leading indentation typed by the clerk removed."""
    out = []
    for raw in clean_text(text).split("\n"):
        s = raw.strip(_WS)
        if s:
            out.append(s)
    return out


def classify(paragraph: str, body: str, hei: str, kai: str) -> Para:
    """Body paragraph, or a `一、` / `（一）` heading; a run-in heading is split off."""
    for pattern, kind, role in ((_LEVEL1, "heading1", hei), (_LEVEL2, "heading2", kai)):
        m = pattern.match(paragraph)
        if not m:
            continue
        head_end = None
        for i, ch in enumerate(paragraph[: RUN_IN_MAX + 1]):
            if ch in _RUN_IN_END and i >= m.end():
                head_end = i + 1
                break
        if head_end is None:
            head_end = len(paragraph) if len(paragraph) <= RUN_IN_MAX else m.end()
        runs = [Run(role, paragraph[:head_end])]
        if head_end < len(paragraph):
            runs.append(Run(body, paragraph[head_end:]))
        return Para(runs, kind)
    return Para([Run(body, paragraph)])


# ---------------------------------------------------------------- line breaking


@dataclass
class _Tok:
    text: str
    role: str
    width: float
    glue: bool = False  # a later piece of a split Latin word: no justification space before


def _tokens(runs: list[Run], width: WidthFn) -> list[_Tok]:
    toks: list[_Tok] = []
    for run in runs:
        s = run.text
        i = 0
        while i < len(s):
            m = _LATIN_RUN.match(s, i)
            if m:
                word = m.group(0)
                # a trailing full stop or colon belongs to the sentence, not to the word
                while len(word) > 1 and word[-1] in ".:-/?":
                    word = word[:-1]
                j = i + len(word)
            else:
                j = i + 1
            piece = s[i:j]
            toks.append(_Tok(piece, run.role, width(piece, run.role)))
            i = j
    return toks


def _break_ok(prev: _Tok, nxt: _Tok) -> bool:
    if nxt.text[0] in NO_LINE_START or prev.text[-1] in NO_LINE_END:
        return False
    return not (prev.text[-1] in NO_SPLIT_PAIRS and prev.text[-1] == nxt.text[0])


def _stub(toks: list[_Tok], brk: int) -> bool:
    """A break inside a split Latin word that leaves fewer than 4 letters on one side."""
    if not toks[brk].glue:
        return False
    i = brk
    while i > 0 and toks[i].glue:
        i -= 1
    j = brk
    while j < len(toks) and toks[j].glue:
        j += 1
    before = sum(len(t.text) for t in toks[i:brk])
    after = sum(len(t.text) for t in toks[brk:j])
    return before < 4 or after < 4


def _runs_of(toks: list[_Tok]) -> list[Run]:
    runs: list[Run] = []
    for i, t in enumerate(toks):
        if t.glue and runs and runs[-1].tight:
            runs[-1].text += t.text
            continue
        tight = len(t.text) > 1 or (i + 1 < len(toks) and toks[i + 1].glue)
        if runs and runs[-1].role == t.role and not tight and not runs[-1].tight:
            runs[-1].text += t.text
        else:
            runs.append(Run(t.role, t.text, tight))
    return runs


def _split_wide(t: _Tok, room: float, width: WidthFn) -> list[_Tok]:
    """A long Latin word (URL, e-mail address, or wider than a line): glued pieces that may
    be broken after `/ ? & = _ @ . -`; a piece still wider than a line, into characters."""
    out = []
    for m in _LATIN_BREAK.finditer(t.text):
        piece = m.group(0)
        w = width(piece, t.role)
        if w > room and len(piece) > 1:
            out.extend(_Tok(ch, t.role, width(ch, t.role), True) for ch in piece)
        else:
            out.append(_Tok(piece, t.role, w, True))
    if out:
        out[0].glue = False
    return out


def break_lines(
    runs: list[Run],
    avail: float,
    width: WidthFn,
    *,
    first_indent: float = 0.0,
    justify: bool = True,
    max_stretch: float = 8.0,
) -> list[Line]:
    """Greedy line breaking with kinsoku (a forbidden break moves characters down).

    Lines but the last are justified by `extra` after each CJK glyph and each Latin word
    (never inside a word), unless that needs more than `max_stretch` per gap."""
    toks = _tokens(runs, width)
    # a token wider than a line, or a long URL / e-mail address, may break inside
    fixed: list[_Tok] = []
    room0 = avail - first_indent
    for t in toks:
        long_address = ("/" in t.text or "@" in t.text) and t.width > avail / 2
        if len(t.text) > 1 and (t.width > room0 or long_address):
            fixed.extend(_split_wide(t, room0, width))
        else:
            fixed.append(t)
    toks = fixed
    lines: list[Line] = []
    start = 0
    n = len(toks)
    while start < n:
        # no line starts with a space
        while start < n and toks[start].text == " ":
            start += 1
        if start >= n:
            break
        indent = first_indent if not lines else 0.0
        room = avail - indent
        used = 0.0
        end = start
        while end < n and used + toks[end].width <= room + 0.01:
            used += toks[end].width
            end += 1
        if end == start:  # a single token wider than the line
            end = start + 1
        if end < n:
            brk = end
            while brk > start + 1 and not (
                _break_ok(toks[brk - 1], toks[brk]) and not _stub(toks, brk)
            ):
                brk -= 1
            if brk == start + 1 and _stub(toks, brk):
                brk = end  # no better break: a short piece it is
            if brk == start + 1 and not _break_ok(toks[brk - 1], toks[brk]):
                # cannot move anything down: squeeze the forbidden character in instead
                brk = end + 1 if toks[end].text[0] in NO_LINE_START else end
                brk = min(brk, n)
            end = brk
        line_toks = toks[start:end]
        while line_toks and line_toks[-1].text == " ":
            line_toks.pop()
        natural = sum(t.width for t in line_toks)
        # after every CJK glyph and Latin word but the last
        slots = sum(1 for t in line_toks[1:] if not t.glue)
        extra = 0.0
        last = end >= n
        if justify and not last and slots > 0:
            extra = (room - natural) / slots
            if extra > max_stretch:
                extra = 0.0
        lines.append(Line(_runs_of(line_toks), indent, extra, natural))
        start = end
    return lines


# ---------------------------------------------------------------- title

# characters after which an organ name may be broken (end of an administrative unit)
_ORGAN_BREAK_AFTER = frozenset("省市县区旗州盟镇乡街局委厅办府会院处所室署部司中站队")
# unit words that end an organ part well (a break after them is preferred)
_UNIT_WORDS = ("委员会", "办公室", "人民政府", "办事处", "管理局", "中心", "政府", "局", "厅")
# words never broken inside (a unit character followed by more of the same word)
_KEEP_WHOLE = (
    "中共",
    "人民",
    "政府",
    "委员会",
    "办公室",
    "办事处",
    "县委",
    "市委",
    "省委",
    "区委",
    "州委",
    "党委",
    "工委",
    "市场",
    "城市",
    "区域",
    "社区",
    "部门",
    "中心",
    "中国",
    "局长",
    "所属",
    "县级",
    "市级",
    "省级",
    "区级",
    "乡镇",
    "镇街",
    "街道",
    "州府",
    *(f"{unit}人民政府" for unit in "省市县区旗州盟镇乡"),  # 某某县｜人民政府 is one name
)
_BAD_BREAK = 1000.0


def title_lines(title: str, max_chars: int) -> list[str]:
    """Break a title into lines keeping words whole: the organ name first, then `YYYY年…报告`."""
    title = title.strip(_WS)
    if len(title) <= max_chars:
        return [title]
    m = re.search(r"(\d{4}|[〇零一二三四五六七八九]{4})年", title)
    if m and m.start() > 0:
        head, tail = title[: m.start()], title[m.start() :]
    elif title.endswith(T.TITLE_SUFFIX[1:]):
        head, tail = title[: -len(T.TITLE_SUFFIX) + 1], title[-len(T.TITLE_SUFFIX) + 1 :]
    else:
        head, tail = title, ""
    lines = _break_words(head, max_chars)
    if tail:
        lines.extend(_break_words(tail, max_chars))
    return lines


def _break_cost(text: str, p: int) -> float:
    """Cost of a line break before text[p]: 0 after a unit word, large inside a word."""
    if text[p] in NO_LINE_START or text[p - 1] in NO_LINE_END:
        return float("inf")
    for word in _KEEP_WHOLE:
        for k in range(1, len(word)):  # p falls inside an occurrence of `word`
            if text.startswith(word, p - k):
                return _BAD_BREAK
    if any(text.startswith(w, p - len(w)) for w in _UNIT_WORDS):
        return 0.0
    if text[p - 1] in _ORGAN_BREAK_AFTER:
        return 4.0
    return _BAD_BREAK


def _break_words(text: str, max_chars: int) -> list[str]:
    """Fewest lines of at most `max_chars`, broken after unit words, lengths balanced
    (梯形/菱形); a break inside a word only when no other break fits."""
    n = len(text)
    if n <= max_chars:
        return [text]
    costs = {p: _break_cost(text, p) for p in range(1, n)}
    k_min = -(-n // max_chars)
    best: tuple[float, list[int]] | None = None
    for k in (k_min, k_min + 1):
        target = n / k
        # dp[j][p]: cheapest way to set text[:p] as j lines
        dp: list[dict[int, tuple[float, int]]] = [{0: (0.0, 0)}]
        for j in range(1, k + 1):
            row: dict[int, tuple[float, int]] = {}
            ends = [n] if j == k else [p for p in range(1, n) if costs[p] < float("inf")]
            for p in ends:
                for q, (c0, _) in dp[j - 1].items():
                    if 0 < p - q <= max_chars:
                        c = c0 + (p - q - target) ** 2 / 4 + (costs[p] if p < n else 0.0)
                        if p not in row or c < row[p][0]:
                            row[p] = (c, q)
            dp.append(row)
        if n not in dp[k]:
            continue
        cuts = [n]
        for j in range(k, 0, -1):
            cuts.append(dp[j][cuts[-1]][1])
        cuts.reverse()
        cost = dp[k][n][0]
        if best is None or cost < best[0] - (_BAD_BREAK / 2 if k > k_min else 0):
            best = (cost, cuts)
        if cost < _BAD_BREAK:
            break  # good breaks with the fewest lines
    if best is None:  # only forbidden breaks: cut at the measure
        return [text[i : i + max_chars] for i in range(0, n, max_chars)]
    cuts = best[1]
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


def format_date(iso: str | None) -> str:
    """`2025-01-05` -> `2025年1月5日` (no zero padding); other text kept as written."""
    if not iso:
        return ""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", iso)
    if not m:
        return iso.strip()
    y, mo, d = m.groups()
    return f"{int(y)}年{int(mo)}月{int(d)}日"
