#!/usr/bin/env python3
"""Build the one-folder bundle with packaging/report-editor.spec and (optionally) smoke-test it.

    python packaging/build.py            # build into build/pyinstaller/dist/report-editor/
    python packaging/build.py --smoke    # build, then run the frozen program offscreen
    python packaging/build.py --smoke --no-build   # smoke-test the existing bundle

The smoke test runs the FROZEN executables (never the source tree) from a scratch folder,
offscreen, with a scrubbed environment, on the 淮安 fixture (tests/data/huaian-2024.json):
``check`` (plain and ``--json``), ``export`` (PDF read back with pdffonts when available),
``drafts import/list/export`` against a scratch data folder, ``import`` of the real published
PDF, the console twin ``report-editor-cli``, and the window (started offscreen on a fresh data
folder; with $REPORT_EDITOR_QUIT_AFTER_SHOW set, app.py closes it as soon as it is shown).  It prints the bundle size and
the frozen start-up times (median of 3 runs) and writes them to build/pyinstaller/smoke.json.
Exit status: 0 all good, 1 a smoke step failed, 2 the build itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "packaging" / "report-editor.spec"
OUT = REPO / "build" / "pyinstaller"
DIST = OUT / "dist"
WORK = OUT / "work"
APP = "report-editor"
CLI = "report-editor-cli"
FIXTURE = REPO / "tests" / "data" / "huaian-2024.json"
SHARED_PDF = REPO.parent / "shared" / "reference" / "huaian-2024.pdf"
SMOKE_ENV = "REPORT_EDITOR_QUIT_AFTER_SHOW"  # app.py closes the window once shown
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
# Files that must NOT be in the bundle (PITFALLS: unused Qt parts dominate the size).
FORBIDDEN = ("Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt63D", "Qt6Multimedia", "Qt6Designer")


def bundle_dir() -> Path:
    return DIST / APP


def exe(name: str) -> Path:
    return bundle_dir() / f"{name}{EXE_SUFFIX}"


def build(clean: bool) -> float:
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        cmd.append("--clean")
    cmd.append(str(SPEC))
    print("构建：", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"PyInstaller 构建失败（退出码 {proc.returncode}），见上方输出。")
    print(f"构建完成：{elapsed:.1f} s", flush=True)
    return elapsed


def write_version_include() -> Path:
    """build/pyinstaller/version.iss: the version for packaging/installer.iss (ASCII only)."""
    sys.path.insert(0, str(REPO / "packaging"))
    from version_info import read_version, version_tuple

    version = read_version()
    numbers = ".".join(str(n) for n in version_tuple(version))
    out = OUT / "version.iss"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        f'#define AppVersion "{version}"\n#define AppVersionNumbers "{numbers}"\n',
        encoding="ascii",
    )
    return out


def tree_size(path: Path) -> int:
    """Bytes of regular files (symlinks not counted twice); reported as MB = 10^6 bytes."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest_items(path: Path, n: int = 8) -> list[tuple[str, int]]:
    internal = path / "_internal"
    base = internal if internal.is_dir() else path
    items = []
    for child in base.iterdir():
        if child.is_symlink():  # PyInstaller links top-level .so names into PySide6/Qt/lib
            continue
        size = tree_size(child) if child.is_dir() else child.stat().st_size
        items.append((child.relative_to(path).as_posix(), size))
    return sorted(items, key=lambda x: -x[1])[:n]


@dataclass
class Smoke:
    scratch: Path
    failures: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "REPORT_EDITOR_", "QT_")) and k != "VIRTUAL_ENV"
        }
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["REPORT_EDITOR_HOME"] = str(self.scratch / "home")
        env["PYTHONUTF8"] = "1"
        return env

    def run(
        self, name: str, args: list[str], timeout: float = 120, env_extra: dict | None = None
    ) -> subprocess.CompletedProcess[str] | None:
        env = self.env() | (env_extra or {})
        shown = " ".join(str(a) for a in args)
        try:
            return subprocess.run(
                [str(a) for a in args],
                cwd=self.scratch,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:  # e.g. a modal error dialog offscreen
            tail = exc.stderr or exc.stdout or b""
            if isinstance(tail, bytes):
                tail = tail.decode("utf-8", "replace")
            self.fail(name, f"{shown}：超过 {timeout:.0f} s 未结束（已终止）\n{tail[-1500:]}")
        except OSError as exc:
            self.fail(name, f"{shown}：无法启动（{exc}）")
        return None

    def expect(
        self, name: str, args: list[str], codes: tuple[int, ...] = (0,), **kw
    ) -> subprocess.CompletedProcess[str] | None:
        proc = self.run(name, args, **kw)
        if proc is None:
            return None
        if proc.returncode not in codes:
            tail = (proc.stderr or proc.stdout).strip()[-1500:]
            self.fail(name, f"退出码 {proc.returncode}（期望 {codes}）\n{tail}")
            return None
        return proc

    def fail(self, name: str, why: str) -> None:
        self.failures.append(f"{name}: {why}")
        print(f"  失败 {name}: {why}", flush=True)

    def ok(self, name: str, detail: str = "") -> None:
        self.passed.append(name)
        print(f"  通过 {name}{('  ' + detail) if detail else ''}", flush=True)


def timed_runs(smoke: Smoke, args: list[str], n: int = 3, **kw) -> float | None:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        proc = smoke.run("timing", args, **kw)
        if proc is None or proc.returncode != 0:
            return None
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def check_bundle_layout(smoke: Smoke) -> None:
    internal = bundle_dir() / "_internal"
    res = internal / "resources"
    for name in ("icons", "translations", "LICENSES", "samples"):
        if not any((res / name).glob("*")):
            smoke.fail("layout", f"资源缺失：{res / name}")
    src_fonts = sorted(p.name for p in (REPO / "resources" / "fonts").glob("*.tt[fc]"))
    frozen_fonts = sorted(p.name for p in (res / "fonts").glob("*.tt[fc]"))
    if src_fonts != frozen_fonts:
        smoke.fail("layout", f"字体未全部打包：源 {src_fonts}，包内 {frozen_fonts}")
    if not src_fonts:
        smoke.fail("layout", "resources/fonts/ 中没有字体（由 packaging/build_fonts.py 生成）")
    bad = [
        p.relative_to(bundle_dir()).as_posix()
        for p in bundle_dir().rglob("*")
        if any(f in p.name for f in FORBIDDEN)
    ]
    if bad:
        smoke.fail("layout", f"不应打包的 Qt 模块：{bad[:10]}")
    qm = [p.name for p in internal.rglob("*.qm") if res not in p.parents]
    extra = [n for n in qm if n not in ("qtbase_zh_CN.qm", "qt_zh_CN.qm")]
    if extra:
        smoke.fail("layout", f"多余的 Qt 翻译：{extra[:10]}")
    if not smoke.failures:
        smoke.ok("layout", f"{len(frozen_fonts)} 个字体，Qt 翻译 {sorted(qm)}")


def check_pdf_fonts(smoke: Smoke, pdf: Path) -> None:
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        print("  （未安装 pdffonts，跳过字体嵌入检查）")
        return
    out = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    if not rows:
        smoke.fail("export-fonts", "PDF 中没有字体")
        return
    # columns: name type [encoding...] emb sub uni object ID; 'emb' is the 5th from the end
    not_embedded = [r[0] for r in rows if len(r) >= 6 and r[-5] != "yes"]
    # the embedded fonts must be ours (from the frozen resources/fonts), not system fonts
    manifest = REPO / "resources" / "fonts" / "fonts.json"
    ours = set()
    if manifest.is_file():
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        ours = {f.get("psname") for f in files.values()}
    foreign = sorted({r[0].split("+")[-1] for r in rows} - ours) if ours else []
    if not_embedded:
        smoke.fail("export-fonts", f"未嵌入的字体：{not_embedded}")
    elif foreign:
        smoke.fail("export-fonts", f"PDF 使用了非随程序打包的字体：{foreign}")
    else:
        smoke.ok("export-fonts", f"{len(rows)} 个字体均已嵌入：{sorted({r[0] for r in rows})}")


def gui_smoke_supported() -> bool:
    app = REPO / "src" / "report_editor" / "app.py"
    return app.is_file() and SMOKE_ENV in app.read_text(encoding="utf-8")


def smoke_test(smoke: Smoke) -> None:
    app, cli = exe(APP), exe(CLI)
    # The command-line smoke runs `report-editor` itself (console=False only matters on
    # Windows); on Windows a windowed exe has no stdout, so there it runs the console twin.
    run = cli if os.name == "nt" else app
    for e in (app, cli):
        if not e.is_file():
            smoke.fail("bundle", f"可执行文件不存在：{e}（先运行不带 --no-build 的构建）")
            return
    size = tree_size(bundle_dir())
    smoke.figures["bundle_mb"] = round(size / 1e6, 1)
    print(f"包大小：{size / 1e6:.1f} MB（{bundle_dir()}）")
    for rel, n in largest_items(bundle_dir()):
        print(f"    {n / 1e6:7.1f} MB  {rel}")
    check_bundle_layout(smoke)

    if not FIXTURE.is_file():
        smoke.fail("fixture", f"缺少测试数据 {FIXTURE}")
        return
    fixture = smoke.scratch / FIXTURE.name  # a copy: the frozen program never sees the repo
    shutil.copy2(FIXTURE, fixture)

    if smoke.expect("check", [run, "check", fixture]):
        smoke.ok("check")
    proc = smoke.expect("check --json", [run, "check", "--json", fixture])
    if proc:
        try:
            result = json.loads(proc.stdout)
            errors = [p for r in result for p in r["problems"] if p["severity"] == "error"]
            if len(result) != 1 or errors:
                smoke.fail("check --json", f"意外结果：{proc.stdout[:500]}")
            else:
                smoke.ok("check --json", f"{len(result[0]['problems'])} 条提示，无错误")
        except (ValueError, KeyError, TypeError) as exc:
            smoke.fail("check --json", f"输出不是规定的 JSON（{exc}）：{proc.stdout[:300]}")
    if smoke.expect("cli check", [cli, "check", fixture]):
        smoke.ok("report-editor-cli check")

    pdf = smoke.scratch / "huaian.pdf"
    if smoke.expect("export", [run, "export", fixture, "-o", pdf]):
        head = pdf.read_bytes()[:5] if pdf.is_file() else b""
        if head != b"%PDF-":
            smoke.fail("export", f"没有写出 PDF：{pdf}")
        else:
            smoke.ok("export", f"{pdf.stat().st_size / 1024:.0f} KiB")
            check_pdf_fonts(smoke, pdf)

    data = smoke.scratch / "data"
    if smoke.expect("drafts import", [run, "drafts", "import", fixture, "--data-dir", data]):
        smoke.ok("drafts import")
    proc = smoke.expect("drafts list", [run, "drafts", "list", "--data-dir", data])
    if proc:
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        if not lines:
            smoke.fail("drafts list", "导入后草稿列表为空")
        else:
            smoke.ok("drafts list", lines[0][:80])
            draft_id = lines[0].split()[0]
            out = smoke.scratch / "draft-out.json"
            args = [run, "drafts", "export", draft_id, "-o", out, "--data-dir", data]
            if smoke.expect("drafts export", args) and out.is_file():
                smoke.ok("drafts export")
            elif not out.is_file():
                smoke.fail("drafts export", f"没有写出 {out}")

    if SHARED_PDF.is_file():
        out = smoke.scratch / "imported.json"
        if smoke.expect("import pdf", [run, "import", SHARED_PDF, "-o", out]) and out.is_file():
            smoke.ok("import pdf", f"{out.stat().st_size} bytes")
        elif not out.is_file():
            smoke.fail("import pdf", f"没有写出 {out}")

    median = timed_runs(smoke, [run, "check", fixture])
    if median is not None:
        smoke.figures["check_startup_s"] = round(median, 3)
        print(f"冷启动 check（3 次中位数）：{median:.3f} s")

    if not gui_smoke_supported():
        smoke.fail("window", f"app.py 不支持 {SMOKE_ENV}，无法做窗口冒烟测试")
        smoke.figures["window_startup_s"] = None
        return
    home = smoke.scratch / "first-run"
    extra = {SMOKE_ENV: "1"}
    if smoke.expect("window", [app, "--data-dir", home], timeout=30, env_extra=extra):
        if not home.is_dir():
            smoke.fail("window", f"首次运行没有创建数据文件夹 {home}")
        else:
            smoke.ok("window", "首次运行：窗口显示后自行退出，数据文件夹已创建")
        median = timed_runs(smoke, [app, "--data-dir", home], timeout=30, env_extra=extra)
        if median is not None:
            smoke.figures["window_smoke_s"] = round(median, 3)
            print(f"窗口启动、显示并退出（3 次中位数）：{median:.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建并冒烟测试 report-editor 单文件夹包")
    parser.add_argument("--smoke", action="store_true", help="构建后运行冻结程序的冒烟测试")
    parser.add_argument("--no-build", action="store_true", help="不重新构建，只测试现有的包")
    parser.add_argument("--clean", action="store_true", help="清除 PyInstaller 缓存后构建")
    args = parser.parse_args(argv)

    figures: dict[str, object] = {}
    if not args.no_build:
        try:
            figures["build_s"] = round(build(args.clean), 1)
            write_version_include()
        except SystemExit as exc:
            print(exc, file=sys.stderr)
            return 2
    if not args.smoke:
        print(f"包：{bundle_dir()}  {tree_size(bundle_dir()) / 1e6:.1f} MB")
        return 0

    print("冒烟测试（冻结程序，offscreen）：", flush=True)
    with tempfile.TemporaryDirectory(prefix="report-editor-smoke-") as tmp:
        smoke = Smoke(Path(tmp))
        smoke_test(smoke)
    figures |= smoke.figures
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "smoke.json").write_text(
        json.dumps(
            {"figures": figures, "passed": smoke.passed, "failures": smoke.failures},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print("数据：", json.dumps(figures, ensure_ascii=False))
    if smoke.failures:
        print(f"冒烟测试失败 {len(smoke.failures)} 项：", file=sys.stderr)
        for f in smoke.failures:
            print("  - " + f.splitlines()[0], file=sys.stderr)
        return 1
    print(f"冒烟测试全部通过（{len(smoke.passed)} 项）。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
