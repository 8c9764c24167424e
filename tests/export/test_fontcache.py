"""The disk cache of parsed font metrics: identical fonts, never a failed export."""

from __future__ import annotations

import os
import shutil

import pytest

from report_editor.export import fontcache as C
from report_editor.export import fonts as F

SAMPLE = [ord(c) for c in "淮安市人民政府2024年政府信息公开工作年度报告，。（）“”—镕喆堃珺玥赟Aa1"]


@pytest.fixture(scope="module")
def font_file():
    found = F.bundled_fonts()
    if F.KAITI not in found:
        pytest.fail("bundled fonts missing (resources/fonts/fonts.json)")
    return found[F.KAITI][0]  # the one from another source family (LXGW WenKai)


def test_cached_font_equals_parsed_font_and_subsets_identically(font_file, tmp_path):
    from reportlab.pdfbase.ttfonts import TTFont

    parsed = TTFont("P", str(font_file))
    first = C.load_ttfont("A", font_file, 0, tmp_path)  # parses, writes the cache
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 10_000
    cached = C.load_ttfont("B", font_file, 0, tmp_path)  # from the cache
    assert cached.fontName == "B"
    assert C._same(first, parsed) and C._same(cached, parsed)
    assert cached.face.charToGlyph == parsed.face.charToGlyph
    assert cached.face.makeSubset(SAMPLE) == parsed.face.makeSubset(SAMPLE)
    assert cached.stringWidth("政府信息公开", 16) == parsed.stringWidth("政府信息公开", 16)


def test_damaged_cache_is_ignored_and_rewritten(font_file, tmp_path):
    C.load_ttfont("A", font_file, 0, tmp_path)
    (cache,) = tmp_path.iterdir()
    good = cache.read_bytes()
    for damage in (b"", b"garbage", good[: len(good) // 2], good + b"x", C.MAGIC + b"\xff\xff"):
        cache.write_bytes(damage)
        font = C.load_ttfont("B", font_file, 0, tmp_path)
        assert font.face.charToGlyph[ord("政")] > 0
        assert cache.read_bytes() == good


def test_changed_font_file_gets_a_new_entry(font_file, tmp_path):
    copy = tmp_path / "font.ttf"
    shutil.copyfile(font_file, copy)
    folder = tmp_path / "cache"
    C.load_ttfont("A", copy, 0, folder)
    st = copy.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    C.load_ttfont("B", copy, 0, folder)
    assert len(list(folder.iterdir())) == 2


def test_unwritable_cache_folder_still_loads(font_file, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    font = C.load_ttfont("A", font_file, 0, blocker / "fonts")
    assert font.face.charToGlyph[ord("政")] > 0


def test_cache_folder_is_the_user_cache_not_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORT_EDITOR_HOME", str(tmp_path))
    assert tmp_path not in C.cache_dir().parents
    assert C.cache_dir().name == "fonts"


@pytest.mark.parametrize("role", F.ROLES)
def test_every_bundled_font_round_trips_exactly(role, tmp_path):
    """The bundled fonts are cached without the write-time comparison: prove it here."""
    from reportlab.pdfbase.ttfonts import TTFont

    path, index = F.bundled_fonts()[role]
    parsed = TTFont("P", str(path), subfontIndex=index)
    cached = C.decode(C.encode(parsed), "Q", path)
    assert C._same(cached, parsed)
    for key in ("charWidths", "hmetrics", "glyphPos"):  # int stays int, float stays float
        a, b = getattr(cached.face, key), getattr(parsed.face, key)
        items = (
            zip(a.values(), b.values(), strict=True)
            if isinstance(a, dict)
            else zip(a, b, strict=True)
        )
        assert all(type(x) is type(y) for x, y in items), key
