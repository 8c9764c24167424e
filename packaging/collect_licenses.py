#!/usr/bin/env python3
"""Write ``resources/LICENSES/``: the licence of this program and of every bundled library.

    python packaging/collect_licenses.py

For each distribution in the run-time dependency closure of ``report-editor`` (from the
installed metadata) the licence files shipped in its ``.dist-info`` are concatenated into
``<name>.txt`` under a short header (name, version, licence, home page).  Qt/PySide6 ship no
licence file in their wheels: their LGPL-3.0 notice is written here, followed by the LGPL-3.0
and GPL-3.0 texts (taken from /usr/share/common-licenses on Debian/Ubuntu).  The Python
runtime's licence comes from the interpreter's ``LICENSE.txt``.  ``index.json`` lists every
file in display order for the About dialog.  Fonts keep their licences beside them in
``resources/fonts/`` (packaging/build_fonts.py).  Re-run after changing dependencies.
"""

from __future__ import annotations

import json
import re
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "resources" / "LICENSES"
ROOT_DIST = "report-editor"
QT_DISTS = {"pyside6-essentials", "pyside6-pdf", "shiboken6"}
COMMON_LICENSES = Path("/usr/share/common-licenses")
# pypdfium2 ships licences of its builds for other platforms too; keep what our wheels contain.
SKIP_LICENSE_DIRS = {"android", "pbin_musl", "cibw_musl"}

QT_NOTICE = """\
Qt 6 and Qt for Python (PySide6, shiboken6) {versions}
https://www.qt.io/  https://pyside.org/  source code: https://download.qt.io/official_releases/

This program uses Qt and PySide6 under the GNU Lesser General Public License version 3
(LGPL-3.0-only).  They are included unmodified as separate shared libraries (Qt6*.dll /
libQt6*.so, PySide6/*.pyd|.so) in the program folder, so you may replace them with your own
builds of the same version.  The complete corresponding source code is available from the
addresses above (tag v{qt_version}) and on request from the distributor of this program.
Copyright (C) The Qt Company Ltd. and other contributors.
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dependency_closure(root: str = ROOT_DIST) -> list[metadata.Distribution]:
    """Installed run-time requirements of ``root``, recursively (extras not followed)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = _norm(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            marker = req.split(";", 1)[1] if ";" in req else ""
            if marker and not _marker_ok(marker):
                continue
            todo.append(re.split(r"[\s<>=!~\[;(]", req, maxsplit=1)[0])
    seen.pop(_norm(root), None)
    return sorted(seen.values(), key=lambda d: _norm(d.metadata["Name"]))


def _marker_ok(marker: str) -> bool:
    try:
        from packaging.markers import Marker  # pip's vendored copy is not importable

        return Marker(marker).evaluate()
    except ImportError:
        return "platform_python_implementation" not in marker and "win32" not in marker


def _licence_label(md: metadata.PackageMetadata) -> str:
    expr = md.get("License-Expression")
    if expr:
        return expr
    text = (md.get("License") or "").strip().splitlines()
    if text and len(text[0]) < 120:
        return text[0].split(" (")[0]
    classifiers = [c.split(" :: ")[-1] for c in md.get_all("Classifier") or [] if "License" in c]
    return ", ".join(classifiers) or "see below"


def _home(md: metadata.PackageMetadata) -> str:
    if md.get("Home-page"):
        return md["Home-page"]
    for url in md.get_all("Project-URL") or []:
        label, _, link = url.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository", "source code"):
            return link.strip()
    urls = md.get_all("Project-URL") or []
    return urls[0].partition(",")[2].strip() if urls else ""


def _licence_files(dist: metadata.Distribution) -> list[Path]:
    files = []
    for f in dist.files or []:
        parts = Path(str(f)).parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        in_licenses = len(parts) > 2 and parts[1] == "licenses"
        top_level = len(parts) == 2 and re.match(r"(?i)(licen[cs]e|copying|notice)", parts[1])
        if (in_licenses or top_level) and not SKIP_LICENSE_DIRS & set(parts):
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                files.append(path)
    return sorted(files)


def _write(name: str, text: str) -> str:
    fname = f"{name}.txt"
    (OUT / fname).write_text(text.rstrip() + "\n", encoding="utf-8")
    return fname


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    index: list[dict[str, str]] = []

    own = (REPO / "LICENSE").read_text(encoding="utf-8")
    from_init = re.search(
        r'__version__ = "([^"]+)"', (REPO / "src/report_editor/__init__.py").read_text()
    )
    index.append(
        {
            "file": _write("report-editor", own),
            "name": "report-editor（本程序）",
            "version": from_init.group(1) if from_init else "",
            "license": "MIT",
            "url": "",
        }
    )

    py_licence = next(
        (
            p
            for p in (
                Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
                Path(sys.base_prefix) / "LICENSE.txt",
            )
            if p.is_file()
        ),
        None,
    )
    if py_licence is None:
        raise SystemExit("找不到 Python 的 LICENSE.txt")
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    index.append(
        {
            "file": _write(
                "python", f"Python {version}\n\n" + py_licence.read_text(encoding="utf-8")
            ),
            "name": "Python",
            "version": version,
            "license": "PSF-2.0",
            "url": "https://www.python.org/",
        }
    )

    dists = dependency_closure()
    qt = [d for d in dists if _norm(d.metadata["Name"]) in QT_DISTS]
    if qt:
        lgpl, gpl = COMMON_LICENSES / "LGPL-3", COMMON_LICENSES / "GPL-3"
        if not (lgpl.is_file() and gpl.is_file()):
            raise SystemExit(f"缺少 LGPL-3/GPL-3 全文（{COMMON_LICENSES}）")
        versions = ", ".join(f"{d.metadata['Name']} {d.version}" for d in qt)
        qt_version = qt[0].version.split(".")
        text = (
            QT_NOTICE.format(versions=versions, qt_version=".".join(qt_version[:3]))
            + "\n\n"
            + lgpl.read_text(encoding="utf-8")
            + "\n\n"
            + gpl.read_text(encoding="utf-8")
        )
        index.append(
            {
                "file": _write("Qt-PySide6", text),
                "name": "Qt 6 / PySide6 / shiboken6",
                "version": qt[0].version,
                "license": "LGPL-3.0-only",
                "url": "https://pyside.org/",
            }
        )

    for dist in dists:
        md = dist.metadata
        if _norm(md["Name"]) in QT_DISTS:
            continue
        files = _licence_files(dist)
        if not files:
            raise SystemExit(f"{md['Name']} 没有随附许可证文件")
        header = f"{md['Name']} {dist.version}\nLicense: {_licence_label(md)}\n{_home(md)}\n"
        parts = [header]
        for f in files:
            rel = f.name if f.parent.name == "licenses" else f"{f.parent.name}/{f.name}"
            parts.append(
                f"\n----- {rel} -----\n\n" + f.read_text(encoding="utf-8", errors="replace")
            )
        index.append(
            {
                "file": _write(_norm(md["Name"]), "".join(parts)),
                "name": md["Name"],
                "version": dist.version,
                "license": _licence_label(md),
                "url": _home(md),
            }
        )

    (OUT / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(p.stat().st_size for p in OUT.iterdir())
    for entry in index:
        print(f"{entry['file']:<28} {entry['name']} {entry['version']}  ({entry['license']})")
    print(f"{len(index)} 个许可证文件，共 {total / 1024:.0f} KiB → {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
