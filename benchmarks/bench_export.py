"""Timing of the PDF export (medians of several runs). Run: python benchmarks/bench_export.py

Figures printed:
  * font loading in a fresh interpreter: first load (parse + write the metrics cache) and
    from the metrics cache (every later run); the cache goes to XDG_CACHE_HOME (Linux);
  * where a cold export process spends its time (imports, checks, fonts, render);
  * exporting the Huaian fixture in process once fonts are loaded (target ≤ 150 ms);
  * the whole `report-editor export` process (target ≤ 0.6 s), and its first run;
  * LibreOffice converting the official Word template to PDF, when `soffice` is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUAIAN = ROOT / "tests" / "data" / "huaian-2024.json"
WEISHI = ROOT / "tests" / "data" / "weishi-2023.json"
TEMPLATE_DOCX = ROOT.parent / "shared" / "reference" / "official-template.docx"
RUNS = 7


def median_ms(fn, runs: int = RUNS) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def fmt(label: str, stats: tuple[float, float, float]) -> str:
    med, lo, hi = stats
    return f"{label:<52} median {med:7.1f} ms   (min {lo:.1f}, max {hi:.1f})"


def font_loading_cold(cache: str | None = None) -> float:
    """Fonts loaded in a fresh interpreter (registration is once per process); `cache` is
    an XDG_CACHE_HOME holding the font-metrics cache (a new empty one: no cache; Linux)."""
    code = (
        "import time;"
        "from report_editor.export.fonts import default_fonts, ROLES;"
        "import reportlab.pdfbase.ttfonts;"
        "t=time.perf_counter();"
        "fs=default_fonts();[fs.name(r) for r in ROLES];"
        "print((time.perf_counter()-t)*1000)"
    )
    env = dict(os.environ, XDG_CACHE_HOME=cache or tempfile.mkdtemp(prefix="re-bench-"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(out.stdout.strip())


def cold_breakdown(cache: str) -> dict[str, float]:
    """Where a cold `report-editor export` spends its time (one fresh interpreter)."""
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    code = f"""
import json, time
t0 = time.perf_counter()
import report_editor.cli, reportlab.platypus, reportlab.pdfbase.ttfonts
from report_editor.export import pdf as P
from report_editor.export.fonts import default_fonts
from report_editor.model import load_report
t1 = time.perf_counter()
r = load_report({str(HUAIAN)!r})
P.error_problems(r)
t2 = time.perf_counter()
fs = default_fonts()
P._Document(r, fs, blank_as_zero=False).missing_glyphs()  # parses the fonts the report uses
t3 = time.perf_counter()
P.render_pdf_bytes(r)
t4 = time.perf_counter()
print(json.dumps(dict(imports=t1 - t0, load_and_checks=t2 - t1, fonts=t3 - t2, render=t4 - t3)))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return {k: v * 1000 for k, v in json.loads(out.stdout).items()}


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from report_editor.export.pdf import render_pdf_bytes
    from report_editor.model import load_report

    print(f"python {sys.version.split()[0]}, {RUNS} runs each\n")
    loads = sorted(font_loading_cold() for _ in range(5))
    print(
        f"{'fonts: first load (parse, write metrics cache), 4 files':<52} median {loads[2]:7.1f} ms"
    )
    warm = tempfile.mkdtemp(prefix="re-bench-")
    font_loading_cold(warm)  # writes the metrics cache
    loads = sorted(font_loading_cold(warm) for _ in range(5))
    print(f"{'fonts: load from the metrics cache + register':<52} median {loads[2]:7.1f} ms")

    runs = [cold_breakdown(warm) for _ in range(5)]
    for key in runs[0]:
        med = statistics.median(r[key] for r in runs)
        print(f"{'  cold process: ' + key.replace('_', ' '):<52} median {med:7.1f} ms")

    for name, path in (("Huaian 2024", HUAIAN), ("Weishi 2023", WEISHI)):
        report = load_report(path)
        render_pdf_bytes(report)  # fonts loaded
        data = render_pdf_bytes(report)
        print(
            fmt(
                f"export {name} in process, fonts loaded",
                median_ms(lambda r=report: render_pdf_bytes(r)),
            )
        )
        print(f"{'':<52} {len(data) / 1024:.0f} KiB PDF")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pdf"
        cmd = [sys.executable, "-m", "report_editor", "export", str(HUAIAN), "-o", str(out)]
        env = dict(os.environ, XDG_CACHE_HOME=warm)
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm the OS file cache

        def fresh() -> None:
            cold = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="re-bench-"))
            subprocess.run(cmd, check=True, capture_output=True, env=cold)

        stats = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True, env=env), 5)
        print(fmt("whole `report-editor export` process (Huaian)", stats))
        print(fmt("  the same, first run (no metrics cache yet)", median_ms(fresh, 5)))
        bare = [sys.executable, "-c", "pass"]
        print(fmt("  of which bare Python start-up", median_ms(lambda: subprocess.run(bare), 5)))

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and TEMPLATE_DOCX.exists():
            lo = [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(TEMPLATE_DOCX)]
            subprocess.run(lo, capture_output=True)
            print(
                fmt(
                    "LibreOffice docx -> pdf (official template)",
                    median_ms(lambda: subprocess.run(lo, capture_output=True), runs=3),
                )
            )
        else:
            print("LibreOffice not installed: comparison skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
