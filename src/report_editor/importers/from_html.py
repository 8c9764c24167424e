"""Saved web pages -> intermediate lines, with real tables (rowspan/colspan unrolled).

Parsed with the standard library's html.parser: it never loads DTDs, never expands custom
entities and never touches the network. The charset comes from a BOM, a <meta> declaration,
or is detected (UTF-8, then GB18030, which covers GBK and GB2312).
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from .base import MAX_TEXT_BYTES, MAX_TEXT_CHARS, Document, ImportFailed
from .from_text import _INVISIBLE

MAX_SPAN = 60
MAX_GRID_CELLS = 100_000
MAX_DEPTH = 300

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "blockquote",
        "pre",
        "center",
        "form",
        "dl",
        "dt",
        "dd",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "hr",
    ]
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def decode_html(data: bytes) -> str:
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    m = _CHARSET.search(data[:8192])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn"):
            name = "gb18030"
        try:
            codecs.lookup(name)
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


class _Node:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []
        self.parent = parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.cur = self.root
        self.depth = 0
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag in _SKIP:
                self.skip += 1
            return
        if tag in _SKIP:
            self.skip = 1
            return
        if tag in _VOID:
            self.cur.children.append(_Node(tag, {}, self.cur))
            return
        if tag in ("td", "th", "tr"):
            self._auto_close(tag)
        elif tag == "p":
            self._close_open("p", stop=("td", "th", "table", "div"))
        if self.depth >= MAX_DEPTH:
            return
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        self.cur = node
        self.depth += 1

    def _auto_close(self, tag: str) -> None:
        stops = ("table",)
        closes = ("td", "th") if tag in ("td", "th") else ("td", "th", "tr")
        n = self.cur
        while n is not None and n.tag not in stops:
            if n.tag in closes:
                self._pop_to(n)
                return
            if tag in ("td", "th") and n.tag == "tr":
                return
            n = n.parent

    def _close_open(self, tag: str, stop: tuple[str, ...]) -> None:
        n = self.cur
        while n is not None and n.tag not in stop:
            if n.tag == tag:
                self._pop_to(n)
                return
            n = n.parent

    def _pop_to(self, node: _Node) -> None:
        n = self.cur
        while n is not None and n is not node:
            n = n.parent
            self.depth -= 1
        if node.parent is not None:
            self.cur = node.parent
            self.depth -= 1

    def handle_endtag(self, tag):
        if self.skip:
            if tag in _SKIP:
                self.skip -= 1
            return
        n = self.cur
        while n is not None and n.tag != "#root":
            if n.tag == tag:
                self._pop_to(n)
                return
            if tag != "table" and n.tag == "table":
                return
            n = n.parent

    def handle_data(self, data):
        if not self.skip and data:
            self.cur.children.append(data)


def html_to_document(data: bytes) -> Document:
    text = _INVISIBLE.sub("", decode_html(data))
    if len(text) > MAX_TEXT_BYTES:
        raise ImportFailed("网页文件太大，不像一份年度报告，未导入。")
    if re.search(r"<!ENTITY", text[:65536], re.I):
        raise ImportFailed("网页中含有 XML 实体声明（可能是恶意构造的文件），为安全起见未导入。")
    b = _TreeBuilder()
    try:
        b.feed(text)
        b.close()
    except (AssertionError, ValueError) as e:
        raise ImportFailed(f"网页内容无法解析（{type(e).__name__}）。") from None
    doc = Document()
    w = _Walker(doc)
    w.walk(b.root, 0)
    w.flush()
    if sum(sum(len(c) for c in ln.cells) for ln in doc.lines) > MAX_TEXT_CHARS * 3:
        raise ImportFailed("网页中的文字太多，不像一份年度报告，未导入。")
    return doc


def _has_table(node: _Node) -> bool:
    stack = list(node.children)
    while stack:
        c = stack.pop()
        if isinstance(c, _Node):
            if c.tag == "table":
                return True
            stack.extend(c.children)
    return False


def _text_of(node: _Node) -> str:
    out: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        c = stack.pop()
        if isinstance(c, str):
            out.append(c)
        else:
            if c.tag in _BLOCK and out:
                out.append("\n")
            stack.extend(reversed(c.children))
    return "".join(out)


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.buf: list[str] = []
        self.gid = 0

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n\u3000\xa0]+", " ", "".join(self.buf)).strip()
        self.buf.clear()
        if text:
            self.doc.para(text)

    def walk(self, node: _Node, depth: int) -> None:
        for c in node.children:
            if isinstance(c, str):
                self.buf.append(c)
                continue
            if c.tag == "table" and not _has_table(c):
                self.flush()
                self._grid(c)
                continue
            block = c.tag in _BLOCK or c.tag in ("td", "th", "tr", "table")
            if block:
                self.flush()
            if depth < MAX_DEPTH:
                self.walk(c, depth + 1)
            else:
                self.buf.append(_text_of(c))
            if block:
                self.flush()

    def _grid(self, table: _Node) -> None:
        rows: list[list[tuple[str, int, int]]] = []
        stack: list[_Node | str] = list(reversed(table.children))
        while stack:
            c = stack.pop()
            if isinstance(c, str):
                continue
            if c.tag == "tr":
                cells = []
                for td in c.children:
                    if isinstance(td, _Node) and td.tag in ("td", "th"):
                        cells.append((_cell(td), _span(td, "rowspan"), _span(td, "colspan")))
                rows.append(cells)
            elif c.tag in ("thead", "tbody", "tfoot"):
                stack.extend(reversed(c.children))
            elif c.tag == "caption":
                self.doc.para(_text_of(c).strip())
        grid_l: list[list[str]] = []
        grid_v: list[list[str | None]] = []
        occupied: dict[tuple[int, int], tuple[str, bool]] = {}
        budget = MAX_GRID_CELLS
        for r, cells in enumerate(rows):
            col = 0
            for text, rs, cs in cells:
                while (r, col) in occupied:
                    col += 1
                for dr in range(rs):
                    for dc in range(cs):
                        budget -= 1
                        if budget < 0:
                            raise ImportFailed("网页中的表格过大（合并单元格数目异常），未导入。")
                        occupied[(r + dr, col + dc)] = (text, dr == 0 and dc == 0)
                col += cs
        if not occupied:
            return
        n_rows = max(r for r, _ in occupied) + 1
        n_cols = max(c for _, c in occupied) + 1
        widths = [
            1 + max((c for c in range(n_cols) if (r, c) in occupied), default=-1)
            for r in range(n_rows)
        ]
        typical = max(set(widths), key=widths.count)
        ragged: list[bool] = []
        for r in range(n_rows):
            grid_l.append([occupied.get((r, c), ("", True))[0] for c in range(n_cols)])
            # a position no cell covers (a <td> missing from a short row) has no value at
            # all: the cells before it may be shifted, so its row is placed by count only
            grid_v.append(
                [
                    (t if origin else None)
                    for t, origin in (occupied.get((r, c), ("", False)) for c in range(n_cols))
                ]
            )
            ragged.append(widths[r] != typical)
        self.doc.grid_table(self.gid, grid_l, grid_v, ragged)
        self.gid += 1


def _cell(td: _Node) -> str:
    return re.sub(r"[ \t\r\n\u3000\xa0]+", " ", _text_of(td)).strip()


def _span(td: _Node, name: str) -> int:
    raw = td.attrs.get(name, "1")
    m = re.match(r"\s*(\d+)", raw)
    n = int(m.group(1)) if m else 1
    return max(1, min(n, MAX_SPAN))
