"""Text layout of the official PDF, independent of reportlab: paragraphs, headings, line breaks.

Chinese line breaking with kinsoku (禁则): no line starts with closing punctuation and no
line ends with opening punctuation; Latin words, numbers, e-mail addresses stay whole.
Widths come from a callable so that the rules can be tested without fonts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import template as T

# GB/T 15834 line-start / line-end rules (plus half-width forms seen in clerks' text).
NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】〉…—·,.;:?!)]%‰℃")
NO_LINE_END = frozenset("（《「『“‘〔【〈([")
NO_SPLIT_PAIRS = frozenset("—…")  # ——, …… never broken in the middle

_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.@/_\-:%+#&=~]*")
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


@dataclass
class Line:
    runs: list[Run]
    x: float = 0.0  # offset from the left edge of the text block
    extra: float = 0.0  # additional spacing after each glyph but the last (justification)
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
                while len(word) > 1 and word[-1] in ".:-/":
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


def _runs_of(toks: list[_Tok]) -> list[Run]:
    runs: list[Run] = []
    for t in toks:
        if runs and runs[-1].role == t.role:
            runs[-1].text += t.text
        else:
            runs.append(Run(t.role, t.text))
    return runs


def break_lines(
    runs: list[Run],
    avail: float,
    width: WidthFn,
    *,
    first_indent: float = 0.0,
    justify: bool = True,
    max_stretch: float = 48.0,
) -> list[Line]:
    """Greedy line breaking with kinsoku (a forbidden break moves characters down)."""
    toks = _tokens(runs, width)
    # split any token wider than a line into characters
    fixed: list[_Tok] = []
    for t in toks:
        if t.width > avail - first_indent and len(t.text) > 1:
            fixed.extend(_Tok(ch, t.role, width(ch, t.role)) for ch in t.text)
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
            while brk > start + 1 and not _break_ok(toks[brk - 1], toks[brk]):
                brk -= 1
            if brk == start + 1 and not _break_ok(toks[brk - 1], toks[brk]):
                # cannot move anything down: squeeze the forbidden character in instead
                brk = end + 1 if toks[end].text[0] in NO_LINE_START else end
                brk = min(brk, n)
            end = brk
        line_toks = toks[start:end]
        while line_toks and line_toks[-1].text == " ":
            line_toks.pop()
        natural = sum(t.width for t in line_toks)
        glyphs = sum(len(t.text) for t in line_toks)
        extra = 0.0
        last = end >= n
        if justify and not last and glyphs > 1:
            extra = (room - natural) / (glyphs - 1)
            if extra * (glyphs - 1) > max_stretch:
                extra = 0.0
        lines.append(Line(_runs_of(line_toks), indent, extra, natural))
        start = end
    return lines


# ---------------------------------------------------------------- title

# characters after which an organ name may be broken (end of an administrative unit)
_ORGAN_BREAK_AFTER = frozenset("省市县区旗州盟镇乡街局委厅办府会院处所室署部司中站队")


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


def _break_words(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    n_lines = -(-len(text) // max_chars)
    target = -(-len(text) // n_lines)  # balanced lines (梯形/菱形)
    out = []
    rest = text
    while len(rest) > max_chars:
        cands = [
            i + 1
            for i, ch in enumerate(rest[:max_chars])
            if ch in _ORGAN_BREAK_AFTER and i + 1 < len(rest)
        ]
        cut = min(cands, key=lambda c: (abs(c - target), -c)) if cands else max_chars
        # never start a line with closing punctuation
        while cut > 1 and rest[cut] in NO_LINE_START:
            cut -= 1
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return out


def format_date(iso: str | None) -> str:
    """`2025-01-05` -> `2025年1月5日` (no zero padding); other text kept as written."""
    if not iso:
        return ""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", iso)
    if not m:
        return iso.strip()
    y, mo, d = m.groups()
    return f"{int(y)}年{int(mo)}月{int(d)}日"
