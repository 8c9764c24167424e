"""Fork server for the SIGKILL test (not a test module).

Imports everything once, then per command line on stdin:
  run FOLDER SEED  -> forks a child that opens the store and saves in a loop; prints its pid
  wait PID         -> reaps the (killed) child; prints "reaped"
The child appends "start ID N" before and "done ID N" after each save to FOLDER/../progress.log;
now and then it also saves a named version or sends a report to the trash and back.
Forking a warm interpreter makes each of the hundreds of kills cost milliseconds, not the
~0.2 s of a fresh Python start.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from report_editor.storage import Store
from tests.storage.conftest import make_report, state_of


def child(folder: Path, seed: int) -> None:
    rng = random.Random(seed)
    log = os.open(folder.parent / "progress.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    store = Store(folder, auto_version_interval=0.01, max_auto_versions=4)
    if store.read_only:
        os.write(log, b"readonly\n")
        os._exit(3)
    ids = sorted(i.id for i in store.list_reports())
    reports = {rid: store.load(rid) for rid in ids}
    states = {rid: state_of(r) for rid, r in reports.items()}
    os.write(log, b"ready\n")
    while True:
        rid = rng.choice(ids)
        dice = rng.random()
        if dice < 0.08:  # to the trash and back (two renames each)
            os.write(log, f"trash {rid}\n".encode())
            store.delete(rid)
            store.restore_from_trash(rid)
            os.write(log, f"untrash {rid}\n".encode())
            continue
        if dice < 0.16:
            store.save_version(rid, "报送版")
            continue
        n = states[rid] + 1
        os.write(log, f"start {rid} {n}\n".encode())
        store.save(rid, make_report(reports[rid].organ, 2024, n))
        os.write(log, f"done {rid} {n}\n".encode())
        states[rid] = n


def main() -> None:
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "run":
            pid = os.fork()
            if pid == 0:
                try:
                    child(Path(args[0]), int(args[1]))
                finally:
                    os._exit(1)
            print(pid, flush=True)
        elif cmd == "wait":
            _, status = os.waitpid(int(args[0]), 0)
            print(f"reaped {status}", flush=True)
        elif cmd == "quit":
            return


if __name__ == "__main__":
    main()
