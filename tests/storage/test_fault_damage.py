"""Store files truncated, emptied or overwritten with garbage before start."""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime

import pytest

from report_editor.storage import Store, StoreError
from report_editor.storage.files import human_time
from tests.storage.conftest import make_report, state_of


def _damage(path, how: str) -> bytes:
    raw = path.read_bytes()
    if how == "truncated":
        bad = raw[: len(raw) // 2]
    elif how == "emptied":
        bad = b""
    elif how == "garbage":
        bad = random.Random(7).randbytes(len(raw))
    elif how == "zeros":  # what a power cut can leave on some file systems
        bad = b"\x00" * len(raw)
    elif how == "wrong-json":
        bad = json.dumps({"draft": {"1": {"meta": {}, "report": {"format": "x"}}}}).encode()
    else:
        raise AssertionError(how)
    path.write_bytes(bad)
    return bad


def _damaged_files(folder):
    d = folder / "damaged"
    return sorted(d.iterdir()) if d.exists() else []


@pytest.mark.parametrize("how", ["truncated", "emptied", "garbage", "zeros", "wrong-json"])
def test_damaged_report_restored_from_newest_version(folder, how):
    with Store(folder, auto_version_interval=0) as s:
        rid = s.create(make_report("甲局", n=0))
        other = s.create(make_report("乙局", n=7))
        s.save(rid, make_report("甲局", n=1))  # version "自动保存" with n=1
        s.wait_for_backup()
        created = s.versions(rid)[0].created
    bad = _damage(folder / "reports" / f"{rid}.json", how)
    with Store(folder, auto_backup=False) as s:
        assert not s.read_only
        assert state_of(s.load(rid)) == 1
        assert state_of(s.load(other)) == 7
        assert len(s.recovery_messages) == 1
        msg = s.recovery_messages[0]
        moved = _damaged_files(folder)
        assert len(moved) == 1 and moved[0].read_bytes() == bad  # kept, not deleted
        assert "甲局" in msg and "已损坏" in msg and str(moved[0]) in msg
        assert "已从历史版本“自动保存”恢复" in msg and human_time(created) in msg
        # the recovered store works normally
        s.save(rid, make_report("甲局", n=2))
    with Store(folder, auto_backup=False) as s:
        assert s.recovery_messages == []
        assert state_of(s.load(rid)) == 2


def test_damaged_report_restored_from_backup_when_it_is_newer(folder):
    with Store(folder, auto_version_interval=None, auto_backup=False) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))
        s.save_version(rid, "报送版")  # n=1
        s.save(rid, make_report(n=2))
        time.sleep(0.002)
        zpath = s.backup_now()  # n=2
        s.save(rid, make_report(n=3))  # lost with the file
    (folder / "previous" / f"{rid}.json").unlink()  # and the copy of the state before
    _damage(folder / "reports" / f"{rid}.json", "garbage")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 2
        (msg,) = s.recovery_messages
        assert f"已从备份 {zpath.name} 恢复" in msg
        assert s.info(rid).status == "草稿"


def test_backup_restores_status_and_dates(folder):
    with Store(folder, auto_version_interval=None, auto_backup=False) as s:
        rid = s.create(make_report(n=4), status="已报送")
        created = s.info(rid).created
        s.backup_now()
    _damage(folder / "reports" / f"{rid}.json", "truncated")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 4
        info = s.info(rid)
        assert (info.status, info.created) == ("已报送", created)


def test_damaged_report_without_any_other_copy(folder):
    """The store never leaves a report with one copy; here the others are removed by hand."""
    with Store(folder, auto_version_interval=None, auto_backup=False) as s:
        rid = s.create(make_report("甲局"))
        other = s.create(make_report("乙局", n=5))
    (folder / "versions" / f"{rid}.json").unlink()
    bad = _damage(folder / "reports" / f"{rid}.json", "emptied")
    with Store(folder, auto_backup=False) as s:
        assert [i.id for i in s.list_reports()] == [other]
        (msg,) = s.recovery_messages
        assert "甲局" in msg and "无法自动恢复" in msg
        moved = _damaged_files(folder)
        assert len(moved) == 1 and moved[0].read_bytes() == bad
        assert state_of(s.load(other)) == 5


def test_lost_report_file_is_restored(folder):
    with Store(folder, auto_version_interval=0, auto_backup=False) as s:
        rid = s.create(make_report())
        s.save(rid, make_report(n=3))
    (folder / "reports" / f"{rid}.json").unlink()
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 3
        (msg,) = s.recovery_messages
        assert "不见了" in msg and "历史版本" in msg


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_damaged_versions_file_restored_from_backup(folder, how):
    with Store(folder, auto_version_interval=None, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        s.save_version(rid, "报送版")
        s.backup_now()
        s.save(rid, make_report(n=2))
        s.save_version(rid, "领导审核后")  # newer than the backup: lost
    _damage(folder / "versions" / f"{rid}.json", how)
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 2  # the current state is not touched
        assert [v.name for v in s.versions(rid)] == ["报送版", "新建时自动保存"]
        (msg,) = s.recovery_messages
        assert "历史版本文件已损坏" in msg and "已从备份" in msg and "当前内容不受影响" in msg
        assert len(_damaged_files(folder)) == 1


def test_damaged_versions_file_without_backup(folder):
    with Store(folder, auto_version_interval=None, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        s.save_version(rid, "报送版")
    _damage(folder / "versions" / f"{rid}.json", "emptied")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 1
        assert s.versions(rid) == []
        assert "无法恢复" in s.recovery_messages[0]
        s.save_version(rid, "新版本")  # versions work again
        assert [v.name for v in s.versions(rid)] == ["新版本"]


def test_damage_found_only_when_loading(folder):
    """Same size and modification time: invisible to the start-up scan, caught by load."""
    with Store(folder, auto_version_interval=0, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        s.save(rid, make_report(n=2))
    path = folder / "reports" / f"{rid}.json"
    st = path.stat()
    _damage(path, "garbage")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with Store(folder, auto_backup=False) as s:
        assert s.recovery_messages == []
        assert state_of(s.load(rid)) == 2
        assert "已从历史版本" in s.recovery_messages[0]


def test_damaged_store_json_is_rebuilt(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
    bad = _damage(folder / "store.json", "garbage")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 1
        (msg,) = s.recovery_messages
        assert "store.json" in msg and "已损坏" in msg
        assert _damaged_files(folder)[0].read_bytes() == bad
    assert json.loads((folder / "store.json").read_text("utf-8"))["schema"] == 1


def test_damaged_file_in_trash_is_moved_aside(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report())
        keep = s.create(make_report("乙局"))
        s.delete(rid)
    _damage(folder / "trash" / "reports" / f"{rid}.json", "truncated")
    with Store(folder, auto_backup=False) as s:
        assert s.trash() == []
        assert [i.id for i in s.list_reports()] == [keep]
        assert "回收站" in s.recovery_messages[0]


def test_read_only_window_reports_damage_but_changes_nothing(folder):
    with Store(folder, auto_version_interval=0, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        s.save(rid, make_report(n=2))
    _damage(folder / "reports" / f"{rid}.json", "truncated")
    before = sorted(p.name for p in folder.rglob("*"))
    with Store(folder, read_only=True) as ro:
        assert ro.list_reports() == []
        assert "自动恢复" in ro.recovery_messages[0]
        with pytest.raises(StoreError):
            ro.load(rid)
    assert sorted(p.name for p in folder.rglob("*")) == before
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 2


def test_recovery_message_names_the_time_of_the_state(folder):
    with Store(folder, auto_version_interval=0, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
        s.save(rid, make_report(n=2))
        when = s.versions(rid)[0].created
    _damage(folder / "reports" / f"{rid}.json", "emptied")
    with Store(folder, auto_backup=False) as s:
        msg = s.recovery_messages[0]
    assert datetime.fromisoformat(when).astimezone().strftime("%Y-%m-%d %H:%M") in msg
    assert "时的状态" in msg
