"""Disk full or folder read-only while saving: a clear error, nothing on disk damaged,
the report still in memory, and saving works again once the cause is gone."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile

import pytest

from report_editor.model import dumps
from report_editor.storage import Store, StoreError
from tests.storage.conftest import make_report, state_of


def _snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in ("store.lock",)
    }


def _fail_replace(exc):
    real = os.replace

    def fake(src, dst, *a, **kw):
        if str(dst).endswith(".json"):
            raise exc
        return real(src, dst, *a, **kw)

    return fake


def _fail_fsync(exc):
    def fake(fd):
        raise exc

    return fake


def _fail_mkstemp(exc):
    def fake(*a, **kw):
        raise exc

    return fake


FAULTS = {
    "disk-full-on-replace": (
        "replace",
        OSError(errno.ENOSPC, "No space left on device"),
        "磁盘空间已满",
    ),
    "disk-full-on-fsync": (
        "fsync",
        OSError(errno.ENOSPC, "No space left on device"),
        "磁盘空间已满",
    ),
    "quota-on-fsync": ("fsync", OSError(errno.EDQUOT, "Disk quota exceeded"), "磁盘空间已满"),
    "permission-on-replace": (
        "replace",
        PermissionError(errno.EACCES, "Permission denied"),
        "只读",
    ),
    "read-only-fs-on-create": ("mkstemp", OSError(errno.EROFS, "Read-only file system"), "只读"),
    "io-error": ("fsync", OSError(errno.EIO, "Input/output error"), "磁盘读写出错"),
}


OPS = ("save", "save_with_version", "create", "save_version")
# fileutil retries a refused replace for 2 s (a Windows scanner holding the file): test it once
CASES = [(f, o) for f in sorted(FAULTS) for o in OPS if f != "permission-on-replace" or o == "save"]


@pytest.mark.parametrize(("fault", "op"), CASES)
def test_write_failure_is_clear_and_harmless(folder, monkeypatch, fault, op):
    where, exc, words = FAULTS[fault]
    s = Store(folder, auto_backup=False, auto_version_interval=3600)
    try:
        rid = s.create(make_report(n=1))
        s.save_version(rid, "报送版")
        if op == "save_with_version":
            s.auto_version_interval = 0
        before = _snapshot(folder)
        edited = make_report(n=2)
        kept = dumps(edited)
        target = {
            "replace": (os, "replace", _fail_replace(exc)),
            "fsync": (os, "fsync", _fail_fsync(exc)),
            "mkstemp": (tempfile, "mkstemp", _fail_mkstemp(exc)),
        }[where]
        with monkeypatch.context() as m:
            m.setattr(*target)
            with pytest.raises(StoreError) as info:
                if op in ("save", "save_with_version"):
                    s.save(rid, edited)
                elif op == "create":
                    s.create(edited)
                else:
                    s.save_version(rid, "领导审核后")
        msg = str(info.value)
        assert words in msg and "没有丢失" in msg
        assert dumps(edited) == kept  # the report in memory is untouched
        assert _snapshot(folder) == before  # nothing on disk changed, no temp file left
        assert state_of(s.load(rid)) == 1
        # the cause is gone: saving works again
        if op == "create":
            new = s.create(edited)
            assert state_of(s.load(new)) == 2
        elif op == "save_version":
            s.save_version(rid, "领导审核后")
            assert s.versions(rid)[0].name == "领导审核后"
        else:
            s.save(rid, edited)
            assert state_of(s.load(rid)) == 2
    finally:
        s.close()
    with Store(folder, auto_backup=False) as s2:
        assert s2.recovery_messages == []


def test_disk_full_during_backup(folder, monkeypatch):
    with Store(folder, auto_backup=False) as s:
        s.create(make_report())
        with monkeypatch.context() as m:
            m.setattr(os, "fsync", _fail_fsync(OSError(errno.ENOSPC, "full")))
            with pytest.raises(StoreError, match="备份失败：磁盘空间已满"):
                s.backup_now()
        assert s.backups() == []
        assert list((folder / "backups").iterdir()) == []
        assert len(s.backups()) == 0 and s.backup_now().exists()


def _chattr(flag: str, *paths) -> bool:
    if shutil.which("chattr") is None:
        return False
    r = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    return r.returncode == 0


def test_really_read_only_folder(folder):
    """`chattr +i` stops even root (tests run as root, so chmod would not)."""
    with Store(folder, auto_backup=False, auto_version_interval=None) as s:
        rid = s.create(make_report(n=1))
        dirs = [folder, folder / "reports", folder / "versions"]
        if not _chattr("+i", *dirs):
            pytest.skip("chattr +i is not available here")
        try:
            before = _snapshot(folder)
            with pytest.raises(StoreError, match="只读") as info:
                s.save(rid, make_report(n=2))
            assert "没有丢失" in str(info.value)
            with pytest.raises(StoreError, match="只读"):
                s.save_version(rid, "报送版")
            assert _snapshot(folder) == before
            assert state_of(s.load(rid)) == 1
        finally:
            _chattr("-i", *dirs)
        s.save(rid, make_report(n=2))
        assert state_of(s.load(rid)) == 2


def test_store_opened_in_a_read_only_folder(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
    dirs = [
        d
        for d in (folder, folder / "reports", folder / "versions", folder / "backups")
        if d.exists()
    ]
    if not _chattr("+i", *dirs):
        pytest.skip("chattr +i is not available here")
    try:
        with Store(folder) as s:  # opens; every write gives a clear error
            assert state_of(s.load(rid)) == 1
            with pytest.raises(StoreError, match="只读"):
                s.save(rid, make_report(n=2))
            s.wait_for_backup()
            assert s.backup_error and "自动备份" in s.backup_error
    finally:
        _chattr("-i", *dirs)
    with Store(folder, auto_backup=False) as s:
        s.save(rid, make_report(n=2))
        assert state_of(s.load(rid)) == 2


def test_a_folder_that_refuses_chmod_still_saves(folder, monkeypatch):
    """FAT or SMB mounts refuse chmod; matching the old file's mode is only best effort."""

    def refuse(*a, **k):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    s = Store(folder, auto_backup=False)
    try:
        rid = s.create(make_report(n=1))
        with monkeypatch.context() as m:
            m.setattr(os, "chmod", refuse)
            s.save(rid, make_report(n=2))
        assert state_of(s.load(rid)) == 2
    finally:
        s.close()
