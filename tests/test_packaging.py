"""Fast checks of packaging/ and resources/ (the real frozen build runs in .ci/run)."""

from __future__ import annotations

import ast
import json
import re
import struct
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import defusedxml.ElementTree as DefusedET
import pytest

import report_editor
from report_editor import paths

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
SPEC = PACKAGING / "report-editor.spec"
ISS = PACKAGING / "installer.iss"
ICO = RESOURCES / "icons" / "report-editor.ico"
APP_ID = "C1F7C471-B6A6-4DD8-AC32-7F24EDE53E9F"  # generated once: must never change
ICO_SIZES = {16, 24, 32, 48, 64, 128, 256}


@pytest.fixture
def version_info(monkeypatch):
    monkeypatch.syspath_prepend(str(PACKAGING))
    import version_info

    return version_info


# --- PyInstaller spec --------------------------------------------------------------------


class _Recorder:
    """Stand-ins for PyInstaller's spec globals that record how the spec calls them."""

    def __init__(self, fake_qt_files: list[tuple[str, str, str]]):
        self.calls: dict[str, list[SimpleNamespace]] = {}
        self.fake_qt_files = fake_qt_files

    def _record(self, name, args, kwargs):
        call = SimpleNamespace(args=args, **kwargs)
        self.calls.setdefault(name, []).append(call)
        return call

    def analysis(self, scripts, **kw):
        call = self._record("Analysis", (scripts,), kw)
        call.datas = [(dest, src, "DATA") for src, dest in kw["datas"]] + [
            f for f in self.fake_qt_files if f[2] == "DATA"
        ]
        call.binaries = [f for f in self.fake_qt_files if f[2] == "BINARY"]
        call.scripts, call.pure = ["entry"], ["report_editor"]
        return call

    def globals(self, workpath: Path) -> dict:
        return {
            "SPECPATH": str(PACKAGING),
            "workpath": str(workpath),
            "Analysis": self.analysis,
            "PYZ": lambda *a, **k: self._record("PYZ", a, k),
            "EXE": lambda *a, **k: self._record("EXE", a, k),
            "COLLECT": lambda *a, **k: self._record("COLLECT", a, k),
            "__file__": str(SPEC),
        }


FAKE_QT = [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/q/qtbase_zh_CN.qm", "DATA"),
    ("PySide6/Qt/translations/qt_zh_CN.qm", "/q/qt_zh_CN.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_de.qm", "/q/qtbase_de.qm", "DATA"),
    ("PySide6/translations/qtdeclarative_zh_CN.qm", "/q/qtdeclarative_zh_CN.qm", "DATA"),
    ("PySide6/Qt/qml/QtQuick/qmldir", "/q/qmldir", "DATA"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/q/libqxcb.so", "BINARY"),
    ("PySide6/plugins/platforms/qwindows.dll", "/q/qwindows.dll", "BINARY"),
    ("PySide6/plugins/platforms/qoffscreen.dll", "/q/qoffscreen.dll", "BINARY"),
    ("PySide6/plugins/imageformats/qsvg.dll", "/q/qsvg.dll", "BINARY"),
    ("PySide6/plugins/imageformats/qico.dll", "/q/qico.dll", "BINARY"),
    ("PySide6/plugins/imageformats/qtiff.dll", "/q/qtiff.dll", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqwebp.so", "/q/libqwebp.so", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/q/tls.so", "BINARY"),
    ("PySide6/opengl32sw.dll", "/q/opengl32sw.dll", "BINARY"),
    ("PySide6/Qt6Widgets.dll", "/q/Qt6Widgets.dll", "BINARY"),
    ("PySide6/Qt6Pdf.dll", "/q/Qt6Pdf.dll", "BINARY"),
]


@pytest.fixture
def spec_run(tmp_path):
    text = SPEC.read_text(encoding="utf-8")
    code = compile(text, str(SPEC), "exec")  # the spec is valid Python
    rec = _Recorder(FAKE_QT)
    saved_path = list(sys.path)
    try:
        exec(code, rec.globals(tmp_path))
    finally:
        sys.path[:] = saved_path
        sys.modules.pop("version_info", None)
    return rec, tmp_path


def test_spec_builds_one_folder_with_windowed_and_console_exe(spec_run):
    rec, _ = spec_run
    (analysis,) = rec.calls["Analysis"]
    assert Path(analysis.args[0][0]) == PACKAGING / "entry.py"
    assert str(ROOT / "src") in analysis.pathex
    exes = {e.name: e for e in rec.calls["EXE"]}
    assert set(exes) == {"report-editor", "report-editor-cli"}
    assert exes["report-editor"].console is False
    assert exes["report-editor-cli"].console is True
    for e in exes.values():
        assert e.exclude_binaries is True  # one-folder: binaries go to COLLECT
        assert Path(e.icon) == ICO and ICO.is_file()
        assert e.upx is False
    (coll,) = rec.calls["COLLECT"]
    assert coll.name == "report-editor"
    assert coll.args[0] is exes["report-editor"] and coll.args[1] is exes["report-editor-cli"]


def test_spec_excludes_unused_qt_and_keeps_only_chinese_translations(spec_run):
    rec, _ = spec_run
    (analysis,) = rec.calls["Analysis"]
    for mod in ("PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore", "PySide6.Qt3DCore"):
        assert mod in analysis.excludes
    assert "PySide6.QtPdf" not in analysis.excludes  # the preview needs it
    kept = {Path(d[0]).name for d in analysis.datas + analysis.binaries}
    assert {"qtbase_zh_CN.qm", "qt_zh_CN.qm"} <= kept
    assert {"qtbase_de.qm", "qtdeclarative_zh_CN.qm", "qmldir"}.isdisjoint(kept)
    assert {"libqxcb.so", "qwindows.dll", "qoffscreen.dll", "qsvg.dll", "qico.dll"} <= kept
    assert {"qtiff.dll", "libqwebp.so", "libqopensslbackend.so", "opengl32sw.dll"}.isdisjoint(
        {Path(d[0]).name for d in analysis.binaries} | kept
    )
    assert {"Qt6Widgets.dll", "Qt6Pdf.dll"} <= kept


def test_spec_bundles_resources_under_meipass_resources(spec_run):
    rec, _ = spec_run
    (analysis,) = rec.calls["Analysis"]
    dests = {dest for dest, _src, kind in analysis.datas if kind == "DATA"}
    for name in ("icons", "translations", "LICENSES"):
        assert f"resources/{name}" in dests
    if any((RESOURCES / "fonts").glob("*.ttf")):
        assert "resources/fonts" in dests


def test_spec_version_resource_follows_package_version(spec_run, version_info):
    rec, work = spec_run
    assert version_info.read_version() == report_editor.__version__
    v4 = version_info.version_tuple(report_editor.__version__)
    for exe in rec.calls["EXE"]:
        text = Path(exe.version).read_text(encoding="utf-8")
        assert Path(exe.version).parent == work  # generated into the build folder
        call = ast.parse(text, mode="eval").body
        assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"
        assert f"filevers={v4}" in text and f"prodvers={v4}" in text
        assert f"StringStruct('ProductVersion', '{report_editor.__version__}')" in text
        assert f"StringStruct('OriginalFilename', '{exe.name}.exe')" in text


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.3.4rc1", (2, 3, 4, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
    ],
)
def test_version_tuple(version_info, version, expected):
    assert version_info.version_tuple(version) == expected


def test_entry_script_runs_the_console_script():
    text = (PACKAGING / "entry.py").read_text(encoding="utf-8")
    compile(text, "entry.py", "exec")
    assert "from report_editor.cli import main" in text
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert scripts["report-editor"] == "report_editor.cli:main"


# --- Inno Setup ---------------------------------------------------------------------------


def test_installer_script_per_user_chinese_stable_appid():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup reads BOM-less scripts as ANSI
    text = raw.decode("utf-8-sig")
    setup = _ini_section(text, "Setup")
    assert setup["AppId"] == "{{" + APP_ID + "}"
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["AppVersion"] == "{#AppVersion}"
    assert '#define ChineseIsl "compiler:Languages\\ChineseSimplified.isl"' in text
    assert 'MessagesFile: "{#ChineseIsl}"' in _raw_section(text, "Languages")
    icons = _raw_section(text, "Icons")
    assert "{autoprograms}" in icons
    assert re.search(r"\{autodesktop\}.*Tasks: desktopicon", icons)
    assert "desktopicon" in _raw_section(text, "Tasks")
    # the user's data folder is never deleted by setup or uninstall
    assert not re.search(r"^\[UninstallDelete\]", text, re.M)
    assert "DelTree" not in text and "DeleteFile" not in text
    install_delete = _raw_section(text, "InstallDelete")
    assert "{localappdata}" not in install_delete and "{app}\\_internal" in install_delete
    assert "build\\pyinstaller\\dist\\report-editor" in text


def _raw_section(text: str, name: str) -> str:
    m = re.search(rf"^\[{name}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    assert m, f"[{name}] missing"
    return m.group(1)


def _ini_section(text: str, name: str) -> dict[str, str]:
    out = {}
    for line in _raw_section(text, name).splitlines():
        line = line.strip()
        if line and not line.startswith((";", "#")) and "=" in line:
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip()
    return out


# --- resources ----------------------------------------------------------------------------


def test_ico_has_every_windows_size_with_valid_images():
    data = ICO.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, h, _colors, _res, planes, bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        size = w or 256
        assert (w, h) == (size % 256, size % 256) and (planes, bpp) == (1, 32)
        payload = data[offset : offset + length]
        assert len(payload) == length
        if payload.startswith(b"\x89PNG\r\n\x1a\n"):
            pw, ph = struct.unpack(">II", payload[16:24])
            assert (pw, ph) == (size, size)
        else:  # BITMAPINFOHEADER: height counts the XOR and AND masks
            hdr, bw, bh, _planes, bbpp = struct.unpack_from("<IiiHH", payload)
            assert (hdr, bw, bh, bbpp) == (40, size, 2 * size, 32)
            mask_row = ((size + 31) // 32) * 4
            assert length == 40 + size * size * 4 + mask_row * size
        sizes.add(size)
    assert sizes == ICO_SIZES
    png = RESOURCES / "icons" / "report-editor-256.png"
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (256, 256)
    icons_total = sum(p.stat().st_size for p in (RESOURCES / "icons").iterdir())
    assert icons_total < 200_000


def test_svg_sources_are_svg():
    for name in ("report-editor.svg", "report-editor-small.svg"):
        root = DefusedET.fromstring((RESOURCES / "icons" / name).read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_qt_chinese_translation_is_a_small_qm_file():
    qm = RESOURCES / "translations" / "qtbase_zh_CN.qm"
    data = qm.read_bytes()
    assert data[:16] == bytes.fromhex("3CB86418CAEF9C95CD211CBF60A1BDDD")
    assert len(data) < 300_000


def test_every_bundled_font_has_its_licence_beside_it():
    fonts = RESOURCES / "fonts"
    files = sorted(p for p in fonts.glob("*") if p.suffix.lower() in (".ttf", ".ttc", ".otf"))
    if not files:
        pytest.skip("resources/fonts not built yet (packaging/build_fonts.py)")
    manifest = json.loads((fonts / "fonts.json").read_text(encoding="utf-8"))
    licence_of = {f["file"]: f["license"] for f in manifest["files"].values()}
    for font in files:
        assert font.name in licence_of, f"{font.name} not in fonts.json"
        licence = fonts / licence_of[font.name]
        assert (
            licence.is_file()
            and "SIL OPEN FONT LICENSE" in licence.read_text(encoding="utf-8").upper()
        )


def test_licences_cover_the_program_and_every_runtime_dependency():
    lic = RESOURCES / "LICENSES"
    index = json.loads((lic / "index.json").read_text(encoding="utf-8"))
    for entry in index:
        assert (lic / entry["file"]).is_file(), entry
        assert entry["name"] and entry["license"]
    assert (lic / "report-editor.txt").read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(
        encoding="utf-8"
    )
    assert "report-editor contributors" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    norm = lambda s: re.sub(r"[-_.]+", "-", s).lower()  # noqa: E731
    names = {norm(e["name"]) for e in index}
    for dep in deps:
        name = norm(re.split(r"[\s<>=!~\[;]", dep, maxsplit=1)[0])
        if name.startswith("pyside6"):  # Qt's LGPL notice covers PySide6-Essentials/_Pdf
            assert any(e["file"] == "Qt-PySide6.txt" for e in index)
            assert "LESSER GENERAL PUBLIC LICENSE" in (lic / "Qt-PySide6.txt").read_text(
                encoding="utf-8"
            )
        else:
            assert name in names, f"no licence for {dep}"


# --- the one resource resolver ------------------------------------------------------------


def test_resource_path_in_source_checkout():
    assert paths.resource_path("icons", "report-editor.ico") == ICO


def test_resource_path_under_frozen_meipass(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource_path("fonts", "RESong-Regular.ttf") == (
        tmp_path / "resources" / "fonts" / "RESong-Regular.ttf"
    )
    assert paths.resources_dir() == tmp_path / "resources"


# --- user guide ---------------------------------------------------------------------------


def test_user_guide_covers_first_run_and_screenshots():
    guide = (ROOT / "docs" / "用户手册.md").read_text(encoding="utf-8")
    for phrase in ("新建报告", "从上一年报告新建", "导入已有报告", "打开示例报告", "导出 PDF"):
        assert phrase in guide
    for shot in ("screenshot-table3.png", "pdf-weishi-p1.png"):
        assert f"]({shot})" in guide
