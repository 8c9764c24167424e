"""Fonts of the official PDF: one TrueType face per typographic role, embedded as subsets.

Resolution per role: the user's Windows fonts when present (宋体/黑体/楷体/仿宋 shipped with
Windows, 方正小标宋 if installed), then the fonts bundled in `resources/fonts/` (manifest
`fonts.json`). 小标宋 falls back to 黑体 when neither has it. No built-in CID font
(STSong-Light is never embedded) and no Helvetica fallback: a role without a font is an error.
Fonts are parsed and registered lazily (only the roles a report uses), once per process;
parsed metrics are cached on disk (`fontcache`).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..paths import resource_path

XIAOBIAOSONG, HEITI, KAITI, FANGSONG, SONGTI = (
    "xiaobiaosong",
    "heiti",
    "kaiti",
    "fangsong",
    "songti",
)
ROLES = (XIAOBIAOSONG, HEITI, KAITI, FANGSONG, SONGTI)
ROLE_LABELS = {
    XIAOBIAOSONG: "小标宋",
    HEITI: "黑体",
    KAITI: "楷体",
    FANGSONG: "仿宋",
    SONGTI: "宋体",
}
# Windows font files per role, most preferred first: (file name, TTC face index).
WINDOWS_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    XIAOBIAOSONG: (
        ("FZXBSJW.TTF", 0),
        ("方正小标宋简体.ttf", 0),
        ("FZXBSJW--GB1-0.ttf", 0),
        ("方正小标宋_GBK.ttf", 0),
    ),
    HEITI: (("simhei.ttf", 0),),
    KAITI: (("simkai.ttf", 0),),
    FANGSONG: (("simfang.ttf", 0),),
    SONGTI: (("simsun.ttc", 0),),
}
FALLBACK_ROLE = {XIAOBIAOSONG: HEITI}
MANIFEST = "fonts.json"


class FontUnavailable(Exception):
    """No usable font for a role; `message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FontChoice:
    role: str
    path: Path
    subfont: int
    source: str  # "windows" | "bundled"
    via: str  # the role whose font is used (differs on fallback)
    fallback: FontChoice | None = None  # used when this file cannot be loaded


def windows_font_dirs() -> list[Path]:
    """System and per-user font folders on Windows; empty elsewhere."""
    if sys.platform != "win32":
        return []
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return [d for d in dirs if d.is_dir()]


def bundled_dir() -> Path:
    return resource_path("fonts")


def bundled_fonts(folder: Path | None = None) -> dict[str, tuple[Path, int]]:
    """role -> (file, face index) from the bundled manifest; {} when absent or unreadable."""
    folder = bundled_dir() if folder is None else folder
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        roles = manifest.get("roles", {})
    except (OSError, ValueError, AttributeError):
        return {}
    out = {}
    for role, entry in roles.items() if isinstance(roles, dict) else ():
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            path = folder / entry["file"]
            if path.is_file():
                out[role] = (path, int(entry.get("subfontIndex", 0) or 0))
    return out


def _find_windows(role: str, dirs: Iterable[Path]) -> tuple[Path, int] | None:
    for d in dirs:
        for name, index in WINDOWS_FILES[role]:
            p = d / name
            if p.is_file():
                return p, index
    return None


def resolve_fonts(
    windows_dirs: Iterable[Path] | None = None, bundled: dict[str, tuple[Path, int]] | None = None
) -> dict[str, FontChoice]:
    """Choose a font for every role (without loading any); raises FontUnavailable."""
    wdirs = list(windows_font_dirs() if windows_dirs is None else windows_dirs)
    bundle = bundled_fonts() if bundled is None else bundled

    def pick(role: str) -> FontChoice | None:
        bundled = None
        if role in bundle:
            bundled = FontChoice(role, bundle[role][0], bundle[role][1], "bundled", role)
        found = _find_windows(role, wdirs)
        if found:
            return FontChoice(role, found[0], found[1], "windows", role, bundled)
        return bundled

    choices: dict[str, FontChoice] = {}
    missing = []
    for role in ROLES:
        choice = pick(role)
        if choice is None and role in FALLBACK_ROLE:
            fb = pick(FALLBACK_ROLE[role])
            if fb is not None:
                choice = FontChoice(role, fb.path, fb.subfont, fb.source, fb.via, fb.fallback)
        if choice is None:
            missing.append(ROLE_LABELS[role])
        else:
            choices[role] = choice
    if missing:
        raise FontUnavailable(
            f"找不到导出 PDF 所需的字体（{'、'.join(missing)}）：本机没有相应的 Windows 字体，"
            "程序自带的字体文件也缺失。请重新安装本程序。"
        )
    return choices


class FontSet:
    """The chosen fonts, registered with reportlab on first use (thread-safe, once)."""

    def __init__(self, choices: dict[str, FontChoice]) -> None:
        self.choices = choices
        self._names: dict[str, str] = {}
        self._faces: dict[str, object] = {}
        self._lock = threading.Lock()
        self.used: dict[str, FontChoice] = {}  # the font actually loaded per role

    def name(self, role: str) -> str:
        """The reportlab font name for `role`, registering the font if needed."""
        name = self._names.get(role)
        if name is None:
            with self._lock:
                name = self._names.get(role) or self._register(role)
        return name

    def cmap(self, role: str) -> dict[int, int]:
        self.name(role)
        return self._faces[role].face.charToGlyph  # type: ignore[attr-defined]

    def postscript_name(self, role: str) -> str:
        """The font's own PostScript name (what a PDF reader shows after the subset tag)."""
        self.name(role)
        name = self._faces[role].face.name  # type: ignore[attr-defined]
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)

    def has_char(self, role: str, ch: str) -> bool:
        return ord(ch) in self.cmap(role)

    def _register(self, role: str) -> str:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError

        from .fontcache import load_ttfont

        choice: FontChoice | None = self.choices[role]
        first_error = ""
        while choice is not None:
            key = (str(choice.path), choice.subfont)
            font = _REGISTERED.get(key)
            if font is None:
                name = f"RE{len(_REGISTERED) + 1}-{choice.path.stem}"
                try:
                    font = load_ttfont(name, choice.path, choice.subfont)
                except (TTFError, OSError, ValueError) as e:
                    # e.g. a Windows font with PostScript outlines: try the bundled one
                    first_error = first_error or f"字体文件“{choice.path.name}”无法读取：{e}"
                    choice = choice.fallback
                    continue
                pdfmetrics.registerFont(font)
                _REGISTERED[key] = font
            self._faces[role] = font
            self._names[role] = font.fontName
            self.used[role] = choice
            return font.fontName
        raise FontUnavailable(f"{first_error}（{ROLE_LABELS[role]}），也没有可替代的字体。")


# (path, face) -> registered TTFont; shared by every FontSet of the process.
_REGISTERED: dict[tuple[str, int], object] = {}
_DEFAULT: FontSet | None = None
_DEFAULT_LOCK = threading.Lock()


def default_fonts() -> FontSet:
    """The process-wide font set (resolved on first call)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = FontSet(resolve_fonts())
        return _DEFAULT
