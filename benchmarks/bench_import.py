"""Import timings (medians of several runs): `python benchmarks/bench_import.py`.

Targets (issue 7): the Huaian PDF <= 1 s, a text report <= 100 ms.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    from tests.importers.samples import balanced_report, report_html

    from report_editor.importers import import_file, import_text

    cases: list[tuple[str, object, int]] = []
    seed = SHARED / "corpus" / "seed-weishi-2023.txt"
    pdf = SHARED / "reference" / "huaian-2024.pdf"
    template = SHARED / "reference" / "official-template.docx"
    tmp = Path(tempfile.mkdtemp())
    try:
        if seed.exists():
            text = seed.read_text(encoding="utf-8")
            cases.append(("text: seed (file)", lambda: import_file(seed), 20))
            cases.append(("text: seed (pasted)", lambda: import_text(text), 20))
            big = text * 150
            cases.append((f"text: {len(big) // 1000} K chars", lambda: import_text(big), 3))
        for p in sorted((SHARED / "corpus").glob("partial-*.txt")):
            cases.append((f"text: {p.name}", lambda p=p: import_file(p), 20))
        if pdf.exists():
            cases.append(("pdf: huaian-2024 (6 pages)", lambda: import_file(pdf), 5))
        if template.exists():
            cases.append(("docx: official template", lambda: import_file(template), 10))
        page = tmp / "r.html"
        page.write_bytes(report_html(balanced_report()))
        cases.append(("html: generated GBK page", lambda: import_file(page), 20))
        import_text("warm up")
        print(f"{'case':34s} {'median':>10s}")
        for name, fn, runs in cases:
            t = median_time(fn, runs)
            print(f"{name:34s} {t * 1000:8.1f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
