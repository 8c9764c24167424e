"""Font resolution: Windows fonts first, then the bundled ones; never a silent fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from report_editor.export import fonts as F


def _stand_in(target: Path, source: Path) -> None:
    """A file named like a Windows font (symlink, or a copy where links are not allowed)."""
    try:
        target.symlink_to(source)
    except OSError:
        shutil.copyfile(source, target)


@pytest.fixture
def bundle():
    found = F.bundled_fonts()
    if set(found) != set(F.ROLES):
        pytest.fail(f"bundled fonts incomplete: {sorted(found)} (resources/fonts/fonts.json)")
    return found


def test_bundle_covers_every_role_and_gbk_name_characters(bundle):
    fs = F.FontSet(F.resolve_fonts([], bundle))
    for role in F.ROLES:
        for ch in "镕喆堃珺玥赟政府，。（）《》“”—0123456789":
            assert fs.has_char(role, ch), (role, ch)
        assert not fs.has_char(role, "\ue000")


def test_windows_fonts_win_over_bundled(tmp_path, bundle):
    # stand-ins named like the Windows files (symlinks to the bundled TrueType fonts)
    _stand_in(tmp_path / "simfang.ttf", bundle[F.KAITI][0])
    _stand_in(tmp_path / "simhei.ttf", bundle[F.HEITI][0])
    choices = F.resolve_fonts([tmp_path], bundle)
    assert choices[F.FANGSONG].source == "windows"
    assert choices[F.FANGSONG].path.name == "simfang.ttf"
    assert choices[F.HEITI].source == "windows"
    assert choices[F.KAITI].source == "bundled"
    # no 方正小标宋 on this "Windows": the bundled 小标宋 is used
    assert choices[F.XIAOBIAOSONG].source == "bundled"
    fs = F.FontSet(choices)
    assert fs.name(F.FANGSONG) == fs.name(F.FANGSONG)
    assert fs.has_char(F.FANGSONG, "政")


def test_xiaobiaosong_falls_back_to_heiti(tmp_path, bundle):
    _stand_in(tmp_path / "simhei.ttf", bundle[F.HEITI][0])
    partial = {k: v for k, v in bundle.items() if k != F.XIAOBIAOSONG}
    choices = F.resolve_fonts([tmp_path], partial)
    assert choices[F.XIAOBIAOSONG].via == F.HEITI
    assert choices[F.XIAOBIAOSONG].path == tmp_path / "simhei.ttf"


def test_missing_fonts_are_an_error_in_chinese(tmp_path):
    with pytest.raises(F.FontUnavailable) as e:
        F.resolve_fonts([tmp_path], {})
    assert "仿宋" in e.value.message and "字体" in e.value.message
    assert F.bundled_fonts(tmp_path) == {}
    (tmp_path / "fonts.json").write_text("{broken", encoding="utf-8")
    assert F.bundled_fonts(tmp_path) == {}


def test_unreadable_windows_font_falls_back_to_bundled(tmp_path, bundle):
    (tmp_path / "simfang.ttf").write_bytes(b"not a font")
    fs = F.FontSet(F.resolve_fonts([tmp_path], bundle))
    assert fs.choices[F.FANGSONG].source == "windows"
    assert fs.has_char(F.FANGSONG, "政")
    assert fs.used[F.FANGSONG].source == "bundled"


def test_unreadable_font_without_alternative_is_reported(tmp_path):
    manifest = {"roles": {F.FANGSONG: {"file": "x.ttf"}}}
    (tmp_path / "fonts.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "x.ttf").write_bytes(b"not a font")
    bundle = F.bundled_fonts(tmp_path)
    choice = F.FontChoice(F.FANGSONG, bundle[F.FANGSONG][0], 0, "bundled", F.FANGSONG)
    fs = F.FontSet({F.FANGSONG: choice})
    with pytest.raises(F.FontUnavailable) as e:
        fs.name(F.FANGSONG)
    assert "x.ttf" in e.value.message and "仿宋" in e.value.message


def test_fonts_are_registered_once_per_process(bundle):
    a = F.FontSet(F.resolve_fonts([], bundle))
    b = F.FontSet(F.resolve_fonts([], bundle))
    assert a.name(F.SONGTI) == b.name(F.SONGTI)
    assert a._faces[F.SONGTI] is b._faces[F.SONGTI]
    # roles sharing one file share one registration
    if bundle[F.FANGSONG] == bundle[F.SONGTI]:
        assert a.name(F.FANGSONG) == a.name(F.SONGTI)
    assert F.default_fonts() is F.default_fonts()
