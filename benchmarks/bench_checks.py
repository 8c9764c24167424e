"""Timing of the checks. Run: python benchmarks/bench_checks.py [--files N] [--runs N]

1. run_checks on one report, in process (target ≤ 1 ms median).
2. `report-editor check` over N exchange files in one process, whole process wall time
   (target ≤ 3 s for 1,000 files). Files are generated in a temporary folder under /tmp.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from report_editor.checks import run_checks  # noqa: E402
from report_editor.model import load_report, save_report  # noqa: E402
from report_editor.model import template as T  # noqa: E402

DATA = ROOT / "tests" / "data"


def _timings_ms(fn, runs: int, inner: int) -> tuple[float, float]:
    """(median, min) over `runs` batches of `inner` calls, per call in ms."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t) / inner * 1000)
    return statistics.median(samples), min(samples)


def _variants(base, n: int, rng: random.Random):
    """Copies of `base` with a few random cell changes (so some files have errors)."""
    table_cells = [c for c in T.CELL_IDS if c.startswith(("t3.", "t4."))]
    for i in range(n):
        r = base.copy()
        r.organ = f"{base.organ}{i}"
        r.title = ""
        for _ in range(rng.randint(0, 3)):
            c = rng.choice(table_cells)
            r.cells[c] = max(0, r.cells[c] + rng.choice((-1, 1, 9)))
        yield r


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    huaian = load_report(DATA / "huaian-2024.json")
    weishi = load_report(DATA / "weishi-2023.json")
    broken = huaian.copy()
    broken.cells["t3.new.natural"] += 1
    broken.cells["t3.new.biz"] -= 1
    broken.cells["t3.granted.total"] = None
    previous = huaian.copy()
    previous.year = 2023

    print("run_checks, one report, in process:")
    for name, fn in (
        ("weishi-2023", lambda: run_checks(weishi)),
        ("huaian-2024", lambda: run_checks(huaian)),
        ("huaian-2024 + previous", lambda: run_checks(huaian, previous)),
        ("huaian-2024 with errors", lambda: run_checks(broken)),
    ):
        med, best = _timings_ms(fn, args.runs * 3, 200)
        print(f"  {name:28s} median {med:6.3f} ms  (min {best:6.3f} ms)")

    exe = shutil.which("report-editor")
    cmd = [exe] if exe else [sys.executable, "-m", "report_editor"]
    with tempfile.TemporaryDirectory(prefix="bench_checks_", dir="/tmp") as tmp:
        rng = random.Random(1)
        paths = []
        for i, r in enumerate(_variants(huaian, args.files, rng)):
            p = Path(tmp) / f"r{i:04d}.json"
            save_report(r, p)
            paths.append(str(p))
        for label, extra in (("human output", []), ("--json", ["--json"])):
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                proc = subprocess.run(
                    [*cmd, "check", *extra, *paths], capture_output=True, check=False
                )
                samples.append(time.perf_counter() - t)
                assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
            print(
                f"report-editor check {label}, {args.files} files, whole process: "
                f"median {statistics.median(samples):.2f} s (min {min(samples):.2f} s, "
                f"{len(proc.stdout) // 1024} KiB output)"
            )
        t = time.perf_counter()
        subprocess.run([*cmd, "check", paths[0]], capture_output=True, check=False)
        print(f"report-editor check, 1 file, whole process: {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
