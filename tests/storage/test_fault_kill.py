"""SIGKILL at random moments of a save loop, 210 times: every report keeps its last or its
in-flight saved state, never a mix and never nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from report_editor.storage import Store
from tests.storage.conftest import make_report, state_of

WORKER = Path(__file__).with_name("_kill_worker.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = 210

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs os.fork (POSIX)"),
]


class ForkServer:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, line: str) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer, "fork server died"
        return answer.strip()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _progress(log: Path) -> tuple[dict[str, int], dict[str, int], bool]:
    done: dict[str, int] = {}
    started: dict[str, int] = {}
    in_flight = False
    for line in log.read_text().splitlines():
        assert line != "readonly", "the killed writer's lock was not released"
        parts = line.split()
        if parts[0] == "start":
            started[parts[1]] = int(parts[2])
            in_flight = True
        elif parts[0] == "done":
            done[parts[1]] = int(parts[2])
            in_flight = False
        elif parts[0] in ("trash", "untrash"):
            in_flight = parts[0] == "trash"
    return done, started, in_flight


def _wait_ready(log: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while b"ready" not in log.read_bytes():
        assert time.monotonic() < deadline, "the child never opened the store"
        time.sleep(0.001)


def test_sigkill_during_save_loop(tmp_path):
    folder = tmp_path / "store"
    log = tmp_path / "progress.log"
    with Store(folder, auto_backup=False) as s:
        ids = [s.create(make_report(f"单位{i}", 2024, 0)) for i in range(3)]
    expected = dict.fromkeys(ids, 0)
    rng = random.Random(20261201)
    server = ForkServer()
    kills = in_flight_kills = saves = trashed = 0
    t0 = time.monotonic()
    try:
        for round_no in range(KILLS):
            log.write_bytes(b"")
            pid = int(server.ask(f"run {folder} {round_no}"))
            if rng.random() < 0.15:  # now and then while the store opens (recovery, index)
                time.sleep(rng.uniform(0.0, 0.03))
            else:  # mostly in the save loop
                _wait_ready(log)
                time.sleep(rng.uniform(0.0, 0.03))
            os.kill(pid, signal.SIGKILL)
            status = int(server.ask(f"wait {pid}").split()[1])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            kills += 1
            done, started, in_flight = _progress(log)
            in_flight_kills += in_flight
            saves += len(done)
            with Store(folder, auto_backup=False) as s:
                assert not s.read_only
                assert s.recovery_messages == []
                for info in s.trash():  # killed between delete and restore_from_trash
                    s.restore_from_trash(info.id)
                    trashed += 1
                assert sorted(i.id for i in s.list_reports()) == sorted(ids)
                assert list((folder / "trash" / "versions").iterdir()) == []
                for rid in ids:
                    n = state_of(s.load(rid))  # never a mix
                    last = done.get(rid, expected[rid])
                    allowed = {last}
                    if started.get(rid, -1) > last:
                        allowed.add(started[rid])  # the save in flight got through
                    assert n in allowed, f"round {round_no}: {rid} holds {n}, expected {allowed}"
                    expected[rid] = n
                    vs = s.versions(rid)
                    if vs:
                        state_of(s.load_version(rid, vs[0].id))
            leftovers = [p for p in folder.rglob(".~re-*") if p.is_file()]
            assert leftovers == []
    finally:
        server.close()
    elapsed = time.monotonic() - t0
    print(
        f"{kills} kills, {in_flight_kills} during a save or trash move, {saves} saves, "
        f"{trashed} killed in the trash, {elapsed:.1f} s"
    )
    assert kills >= 200
    assert in_flight_kills >= kills // 3  # most kills really hit a save
    assert sum(expected.values()) > 0
