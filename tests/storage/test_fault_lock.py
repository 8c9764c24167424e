"""A second process on the same store: it may read, never write; a dead holder is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from report_editor.storage import Store, StoreLocked
from tests.storage.conftest import make_report, state_of

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kw,
    )


SECOND_WINDOW = """
    import json, sys
    from report_editor.storage import Store, StoreError
    from tests.storage.conftest import make_report, state_of
    folder, rid = sys.argv[1], sys.argv[2]
    s = Store(folder)
    out = {"read_only": s.read_only, "locked_by": s.locked_by, "reason": s.read_only_reason,
           "ids": [i.id for i in s.list_reports()], "state": state_of(s.load(rid))}
    for name, call in [("save", lambda: s.save(rid, make_report(n=99))),
                       ("create", lambda: s.create(make_report())),
                       ("delete", lambda: s.delete(rid)),
                       ("version", lambda: s.save_version(rid, "x")),
                       ("status", lambda: s.set_status(rid, "已报送"))]:
        try:
            call()
            out[name] = "written"
        except StoreError as e:
            out[name] = type(e).__name__ + ":" + str(e)
    s.close()
    print(json.dumps(out, ensure_ascii=False))
"""


def test_second_process_gets_read_only_and_cannot_write(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        before = {p: p.read_bytes() for p in folder.rglob("*.json")}
        p = _python(SECOND_WINDOW, str(folder), rid)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        res = json.loads(out)
        assert res["read_only"] is True
        assert f"进程号 {os.getpid()}" in res["locked_by"]
        assert res["reason"] == f"另一个程序窗口正在使用这个草稿库（{res['locked_by']}）。"
        assert res["ids"] == [rid] and res["state"] == 1
        for op in ("save", "create", "delete", "version", "status"):
            assert res[op].startswith("StoreLocked:不能保存到草稿库"), res[op]
        assert {p: p.read_bytes() for p in folder.rglob("*.json")} == before
        # the first window still writes
        s.save(rid, make_report(n=2))
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 2


HOLDER = """
    import sys, time
    from report_editor.storage import Store
    from tests.storage.conftest import make_report
    s = Store(sys.argv[1], auto_backup=False)
    rid = s.create(make_report(n=5))
    print(rid, flush=True)
    time.sleep(120)
"""


def test_read_only_while_another_process_writes_then_takes_over(folder):
    p = _python(HOLDER, str(folder))
    try:
        rid = p.stdout.readline().strip()
        assert rid, p.stderr.read()
        ro = Store(folder)
        assert ro.read_only and str(p.pid) in ro.locked_by
        assert state_of(ro.load(rid)) == 5
        with pytest.raises(StoreLocked):
            ro.save(rid, make_report(n=6))
        assert ro.try_take_lock() is False
        p.send_signal(signal.SIGKILL)
        p.wait(10)
        # the holder died: the OS released its lock
        assert ro.try_take_lock() is True
        assert not ro.read_only
        ro.save(rid, make_report(n=6))
        ro.close()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 6


def test_stale_lock_of_killed_process_is_taken_over(folder):
    p = _python(HOLDER, str(folder))
    rid = p.stdout.readline().strip()
    info = json.loads((folder / "store.lock.json").read_text("utf-8"))
    assert info["pid"] == p.pid
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    p.stdout.close()
    p.stderr.close()
    assert (folder / "store.lock").exists() and (folder / "store.lock.json").exists()
    with Store(folder, auto_backup=False) as s:
        assert not s.read_only and s.locked_by is None
        assert f"进程号 {p.pid}" in s.took_over_from
        assert state_of(s.load(rid)) == 5
        s.save(rid, make_report(n=8))
        assert json.loads((folder / "store.lock.json").read_text("utf-8"))["pid"] == os.getpid()
    assert not (folder / "store.lock.json").exists()  # a clean close leaves no holder


def test_two_stores_in_one_process(folder):
    a = Store(folder, auto_backup=False)
    b = Store(folder, auto_backup=False)
    try:
        assert not a.read_only and b.read_only
        rid = a.create(make_report(n=1))
        assert [i.id for i in b.list_reports()] == [rid]  # the reader sees new reports
        a.save(rid, make_report(n=2))
        assert state_of(b.load(rid)) == 2
        with pytest.raises(StoreLocked):
            b.save(rid, make_report(n=3))
        a.close()
        assert b.try_take_lock()
        b.save(rid, make_report(n=3))
    finally:
        a.close()
        b.close()
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 3
        assert s.took_over_from is None
