"""Timing of the draft store (issue 3). Run: python benchmarks/bench_store.py [--quick]

Targets: one save of the Huaian report <= 20 ms (median); with 500 reports x 20 versions a
save <= 1.5 x the save into a store of one report; opening that store and listing it <= 200 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from report_editor.model import load_report  # noqa: E402
from report_editor.model.exchange import report_to_dict  # noqa: E402
from report_editor.storage import Store  # noqa: E402
from report_editor.storage import files as F  # noqa: E402
from report_editor.storage.backup import write_backup  # noqa: E402
from report_editor.storage.migrate import SCHEMA_VERSION, write_store_file  # noqa: E402

HUAIAN = ROOT / "tests" / "data" / "huaian-2024.json"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


_values = itertools.count(10_000)


def time_saves(store: Store, rid: str, report, n: int) -> list[float]:
    times = []
    for _ in range(n):
        report.cells["t3.new.natural"] = next(_values)  # a real change: a real write
        t = time.perf_counter()
        store.save(rid, report)
        times.append(time.perf_counter() - t)
    return times


def build_big_store(folder: Path, n_reports: int, n_versions: int, base) -> None:
    """Write the files directly (no fsync): the benchmark measures using the store, not filling it."""
    (folder / F.REPORTS).mkdir(parents=True)
    (folder / F.VERSIONS).mkdir()
    write_store_file(folder, SCHEMA_VERSION)
    now = time.time()
    for i in range(n_reports):
        r = base.copy()
        r.organ = f"某县第{i}局"
        r.year = 2000 + i % 25
        data = report_to_dict(r)
        rid = secrets.token_hex(4)
        when = F.now_iso()
        meta = {
            "id": rid,
            "status": F.STATUSES[i % 3],
            "created": when,
            "saved_at": when,
            "hash": F.content_hash(data),
            "version_at": now,
            "version_hash": F.content_hash(data),
        }
        (folder / F.REPORTS / f"{rid}.json").write_bytes(F.report_file_bytes(meta, data))
        docs = {}
        for v in range(n_versions):
            data["cells"]["t3.new.natural"] = v
            docs[str(v + 1)] = {
                "id": secrets.token_hex(4),
                "name": "自动保存" if v % 5 else "报送版",
                "created": when,
                "ts": now - (n_versions - v) * 300,
                "auto": bool(v % 5),
                "report": dict(data, cells=dict(data["cells"])),
            }
        (folder / F.VERSIONS / f"{rid}.json").write_bytes(F.encode({F.VERSIONS_TABLE: docs}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer runs and a 100-report store")
    args = ap.parse_args()
    n_saves = 30 if args.quick else 100
    n_reports = 100 if args.quick else 500
    base = load_report(HUAIAN)
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        # 1. a store with one report
        small = tmp / "small"
        with Store(small, auto_backup=False) as s:
            rid = s.create(base)
            s.save(rid, base.copy())  # the first save takes the first automatic version
            r = base.copy()
            small_times = time_saves(s, rid, r, n_saves)
            s.auto_version_interval = 0
            version_times = time_saves(s, rid, r, 10)
        small_med = statistics.median(small_times)
        print(f"Huaian report: {HUAIAN.stat().st_size} bytes as exchange JSON")
        print(
            f"save, store of 1 report:            median {ms(small_med)}  "
            f"(min {ms(min(small_times))}, max {ms(max(small_times))}, n={n_saves})"
        )
        print(f"save that also takes a version:     median {ms(statistics.median(version_times))}")

        # 2. a store of n_reports x 20 versions
        big = tmp / "big"
        t = time.perf_counter()
        build_big_store(big, n_reports, 20, base)
        os.sync()  # the files of a real store are on disk long before the day's saves
        size = sum(p.stat().st_size for p in big.rglob("*") if p.is_file())
        print(
            f"built {n_reports} reports x 20 versions: {size / 1e6:.0f} MB "
            f"in {time.perf_counter() - t:.1f} s"
        )
        t = time.perf_counter()
        with Store(big, auto_backup=False) as s:
            assert len(s.list_reports()) == n_reports
        print(
            f"first open (no index yet: every file read and checked): {ms(time.perf_counter() - t)}"
        )
        t = time.perf_counter()
        write_backup(big)  # today's backup exists, as after the first start of the day
        os.sync()
        print(
            f"whole-store zip backup (background thread at the day's first start): "
            f"{ms(time.perf_counter() - t)}"
        )

        opens = []
        for _ in range(7):
            t = time.perf_counter()
            with Store(big) as s:
                infos = s.list_reports()
                opens.append(time.perf_counter() - t)
            assert len(infos) == n_reports
        print(
            f"open + list_reports, {n_reports} reports:     median {ms(statistics.median(opens))}  "
            f"(max {ms(max(opens))})"
        )

        # saves into both stores interleaved, so that the disk's state drifts equally for both
        with Store(small, auto_backup=False) as s1, Store(big, auto_backup=False) as s2:
            rid1 = s1.list_reports()[0].id
            rid2 = s2.list_reports()[n_reports // 2].id
            r1, r2 = s1.load(rid1), s2.load(rid2)
            small_times, big_times = [], []
            for _ in range(n_saves):
                small_times += time_saves(s1, rid1, r1, 1)
                big_times += time_saves(s2, rid2, r2, 1)
        small_med2, big_med = statistics.median(small_times), statistics.median(big_times)
        print(
            f"interleaved: save, store of 1 report: median {ms(small_med2)}; store of "
            f"{n_reports} x 20 versions: median {ms(big_med)}  (min {ms(min(big_times))}, "
            f"max {ms(max(big_times))})"
        )
        print(f"ratio big / small save: {big_med / small_med2:.2f}  (target <= 1.5)")

        # the first change of a report after opening also takes an automatic version
        firsts = []
        for k in range(7):
            with Store(big, auto_backup=False) as s:
                rid = s.list_reports()[k].id
                firsts += time_saves(s, rid, s.load(rid), 1)
        print(
            f"first save after opening (+ automatic version of 20): median "
            f"{ms(statistics.median(firsts))}  (max {ms(max(firsts))})"
        )
        ok = (
            small_med <= 0.020 and big_med <= 1.5 * small_med2 and statistics.median(opens) <= 0.200
        )
        print("all targets met" if ok else "SOME TARGET MISSED")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
