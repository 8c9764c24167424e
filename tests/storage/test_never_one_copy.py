"""No report is ever kept in one file only: a first version at birth, the state before the
last save in previous/, a version at the first change after opening; recovery takes the
newest good copy and says which one and from when. Also: a read-only open creates nothing."""

from __future__ import annotations

import os
import time

import pytest

from report_editor.storage import (
    AUTO_VERSION_NAME,
    COPY_VERSION_NAME,
    IMPORTED_VERSION_NAME,
    NEW_VERSION_NAME,
    NEXT_YEAR_VERSION_NAME,
    Store,
    StoreError,
)
from report_editor.storage.files import read_report_file
from tests.storage.conftest import make_report, state_of


def _truncate(path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])


def _next_year(store: Store, organ: str) -> str:
    src = store.create(make_report(organ, 2023, n=0))
    return store.new_from_previous(src)


def test_tester_repro_new_from_previous_edited_then_truncated(folder):
    """The users' report: made from last year's, edited for minutes, file truncated."""
    with Store(folder, auto_backup=False) as s:  # default 300 s between automatic versions
        rid = _next_year(s, "某县统计局")
        for n in range(1, 5):
            s.save(rid, make_report("某县统计局", 2024, n))
        saved_before_last = s.versions(rid)  # only the first version: no 300 s passed
        assert [v.name for v in saved_before_last] == [NEXT_YEAR_VERSION_NAME]
    _truncate(folder / "reports" / f"{rid}.json")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 3  # the save before the last one
        (msg,) = s.recovery_messages
        assert "已损坏" in msg and "已从上一次保存时留下的副本恢复" in msg
        assert "时的状态" in msg and "无法自动恢复" not in msg
        assert len(list((folder / "damaged").iterdir())) == 1


@pytest.mark.parametrize(
    ("how", "name"),
    [
        ("create", NEW_VERSION_NAME),
        ("duplicate", COPY_VERSION_NAME),
        ("new_from_previous", NEXT_YEAR_VERSION_NAME),
        ("import_report", IMPORTED_VERSION_NAME),
    ],
)
def test_every_new_report_has_a_first_version(folder, how, name):
    with Store(folder, auto_backup=False) as s:
        if how == "create":
            rid = s.create(make_report("甲局", 2024, n=6))
        elif how == "duplicate":
            rid = s.duplicate(s.create(make_report("乙局", 2024, n=6)))
        elif how == "new_from_previous":
            rid = _next_year(s, "甲局")
        else:
            rid, created = s.import_report(make_report("甲局", 2024, n=6))
            assert created
        first = s.load(rid)
        (v,) = s.versions(rid)
        assert v.name == name and not v.auto
        assert s.load_version(rid, v.id) == first
    _truncate(folder / "reports" / f"{rid}.json")  # never saved since: no previous copy
    with Store(folder, auto_backup=False) as s:
        assert s.load(rid) == first
        (msg,) = s.recovery_messages
        assert f"已从历史版本“{name}”恢复" in msg


def test_first_change_after_opening_takes_a_version(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))  # the first version is seconds old: none
        assert [v.name for v in s.versions(rid)] == [NEW_VERSION_NAME]
    with Store(folder, auto_backup=False) as s:
        s.save(rid, make_report(n=1))  # unchanged: nothing
        assert len(s.versions(rid)) == 1
        s.save(rid, make_report(n=2))
        s.save(rid, make_report(n=3))
        vs = s.versions(rid)
        assert [v.name for v in vs] == [AUTO_VERSION_NAME, NEW_VERSION_NAME]
        assert state_of(s.load_version(rid, vs[0].id)) == 2
    with Store(folder, auto_backup=False, auto_version_interval=None) as s:
        s.save(rid, make_report(n=4))  # automatic versions switched off
        assert len(s.versions(rid)) == 2


def test_previous_copy_follows_each_save(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=0))
        prev = folder / "previous" / f"{rid}.json"
        assert not prev.exists()
        for n in range(1, 4):
            s.save(rid, make_report(n=n))
            assert state_of(read_report_file(prev)[2]) == n - 1
        s.set_status(rid, "已校验")
        assert state_of(read_report_file(prev)[2]) == 3
        s.delete(rid)
        assert not prev.exists()


def test_a_file_changed_behind_the_stores_back_is_not_kept_as_previous(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))
        path = folder / "reports" / f"{rid}.json"
        path.write_bytes(os.urandom(200))  # damaged while the program runs
        s.save(rid, make_report(n=2))
        assert state_of(read_report_file(folder / "previous" / f"{rid}.json")[2]) == 0
        assert state_of(s.load(rid)) == 2


def test_recovery_takes_the_newest_of_versions_previous_and_backups(folder):
    with Store(folder, auto_backup=False, auto_version_interval=None) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))
        s.save_version(rid, "报送版")  # n=1
        time.sleep(0.002)
        s.save(rid, make_report(n=2))
        s.backup_now()  # n=2
        time.sleep(0.002)
        s.save(rid, make_report(n=3))
        s.save(rid, make_report(n=4))  # previous/ holds n=3; n=4 is lost with the file
    report = folder / "reports" / f"{rid}.json"
    prev = folder / "previous" / f"{rid}.json"
    expected = [(3, "上一次保存时留下的副本"), (2, "备份 store-"), (1, "历史版本“报送版”")]
    for n, source in expected:
        (folder / "index.json").unlink()  # no cached state: ordered by time only
        _truncate(report)
        with Store(folder, auto_backup=False) as s:
            assert state_of(s.load(rid)) == n
            (msg,) = s.recovery_messages
            assert f"已从{source}" in msg
        # next round: the copy just used is gone as well
        if n == 3:
            prev.unlink()
        elif n == 2:
            for z in (folder / "backups").iterdir():
                z.unlink()


def test_recovery_after_restoring_a_version_keeps_the_restored_state(folder):
    """ "恢复前自动保存" is the newest version but holds the older state: not taken."""
    with Store(folder, auto_backup=False, auto_version_interval=None) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))
        v = s.save_version(rid, "报送版")
        s.save(rid, make_report(n=2))
        time.sleep(0.002)
        s.restore_version(rid, v)  # now n=1 again
        s.close()
        _truncate(folder / "reports" / f"{rid}.json")
    with Store(folder, auto_backup=False) as s:
        assert state_of(s.load(rid)) == 1
        assert "已从历史版本“报送版”恢复" in s.recovery_messages[0]


def test_damage_found_while_running_is_recovered_from_previous(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=0))
        s.save(rid, make_report(n=1))
        s.save(rid, make_report(n=2))
        path = folder / "reports" / f"{rid}.json"
        st = path.stat()
        _truncate(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert state_of(s.load(rid)) == 1
        assert "上一次保存时留下的副本" in s.recovery_messages[-1]


# ---------------------------------------------------------------- read-only open


def test_read_only_open_of_a_missing_folder_creates_nothing(tmp_path):
    folder = tmp_path / "new" / "store"
    with Store(folder, read_only=True) as s:
        assert s.read_only
        assert s.list_reports() == [] and s.trash() == []
        assert s.find("甲局", 2024) is None
        with pytest.raises(StoreError):
            s.create(make_report())
    assert not (tmp_path / "new").exists()


def test_read_only_open_of_a_file_is_a_clear_error(tmp_path):
    path = tmp_path / "a-file"
    path.write_bytes(b"x")
    with pytest.raises(StoreError, match="不是文件夹"):
        Store(path, read_only=True)
