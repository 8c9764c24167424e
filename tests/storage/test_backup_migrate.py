"""Rotating zip backups of the whole store, and the schema version with its migrations."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime, timedelta

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from report_editor.model import dumps
from report_editor.model.exchange import report_to_dict
from report_editor.storage import NEW_VERSION_NAME, SCHEMA_VERSION, Store
from report_editor.storage import migrate as M
from report_editor.storage.backup import backup_name, write_backup
from tests.storage.conftest import make_report, state_of

# ---------------------------------------------------------------- backups


def test_daily_backup_made_once_a_day_in_the_background(folder):
    with Store(folder, auto_backup=False) as s:
        a = s.create(make_report("甲局", n=1))
        s.save_version(a, "报送版")
        b = s.create(make_report("乙局", n=2))
        s.delete(b)
    with Store(folder) as s:
        s.wait_for_backup()
        assert s.backup_error is None
        (zpath,) = s.backups()
    with zipfile.ZipFile(zpath) as z:
        names = set(z.namelist())
    assert names == {
        "store.json",
        f"reports/{a}.json",
        f"versions/{a}.json",
        f"trash/reports/{b}.json",
        f"trash/versions/{b}.json",
    }
    with Store(folder) as s:  # same day: no second backup
        s.wait_for_backup()
        assert s.backups() == [zpath]


def test_backup_is_a_complete_store(folder, tmp_path, huaian_report):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(huaian_report, status="已校验")
        s.save_version(rid, "报送版")
        zpath = s.backup_now()
    copy = tmp_path / "restored"
    with zipfile.ZipFile(zpath) as z:
        z.extractall(copy)
    with Store(copy, auto_backup=False) as s:
        assert dumps(s.load(rid)) == dumps(huaian_report)
        assert s.info(rid).status == "已校验"
        assert [v.name for v in s.versions(rid)] == ["报送版", NEW_VERSION_NAME]
        assert s.recovery_messages == []


def test_backups_rotate_keeping_the_newest(folder):
    with Store(folder, auto_backup=False) as s:
        s.create(make_report())
    start = datetime(2026, 1, 1, 9, 0, 0)
    made = [write_backup(folder, start + timedelta(days=d), keep=10) for d in range(14)]
    left = sorted(p.name for p in (folder / "backups").iterdir())
    assert left == sorted(p.name for p in made[-10:])
    pre = folder / "backups" / "pre-migration-v0-20250101-000000.zip"
    pre.write_bytes(b"PK")  # migration backups are not rotated away
    with Store(folder, auto_backup=False, keep_backups=3) as s:
        newest = s.backup_now()
        assert s.backups()[0] == newest
        assert len(s.backups()) == 3
    assert pre.exists()
    assert backup_name(start) == "store-20260101-090000.zip"


# ---------------------------------------------------------------- schema


def test_store_written_by_this_version_opens_unchanged(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=3))
        s.save_version(rid, "报送版")
    meta = json.loads((folder / "store.json").read_text("utf-8"))
    assert (meta["format"], meta["schema"]) == ("report-editor-store", SCHEMA_VERSION)
    before = {p: p.read_bytes() for p in folder.rglob("*.json") if p.name != "index.json"}
    with Store(folder, auto_backup=False) as s:
        assert s.recovery_messages == [] and not s.read_only
        assert state_of(s.load(rid)) == 3
    after = {p: p.read_bytes() for p in folder.rglob("*.json") if p.name != "index.json"}
    assert after == before
    assert not list((folder / "backups").glob("pre-migration-*"))


def test_migration_path_from_the_current_schema(folder, monkeypatch):
    """A future schema 2: the chain runs on a store written by this version."""
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=3), status="已报送")
        s.save_version(rid, "报送版")
    calls = []

    def one_to_two(f):
        calls.append(f)
        for p in (f / "reports").glob("*.json"):
            data = json.loads(p.read_text("utf-8"))
            data["draft"]["1"]["meta"]["migrated"] = True
            p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        return ["报告元数据已补充。"]

    monkeypatch.setattr(M, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(M.MIGRATIONS, 1, one_to_two)
    with Store(folder, auto_backup=False) as s:
        assert calls == [folder]
        assert s.recovery_messages[0] == "报告元数据已补充。"
        assert "从格式版本 1 升级到 2" in s.recovery_messages[1]
        assert state_of(s.load(rid)) == 3 and s.info(rid).status == "已报送"
        assert [v.name for v in s.versions(rid)] == ["报送版", NEW_VERSION_NAME]
    assert json.loads((folder / "store.json").read_text("utf-8"))["schema"] == 2
    (pre,) = (folder / "backups").glob("pre-migration-v1-*.zip")
    with zipfile.ZipFile(pre) as z:
        assert json.loads(z.read("store.json"))["schema"] == 1
        assert f"reports/{rid}.json" in z.namelist()
    with Store(folder, auto_backup=False) as s:  # migrated once only
        assert s.recovery_messages == [] and len(calls) == 1


def test_store_of_a_newer_program_opens_read_only(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
    (folder / "store.json").write_text(
        json.dumps({"format": "report-editor-store", "schema": 99}), "utf-8"
    )
    before = {p: p.read_bytes() for p in folder.rglob("*.json")}
    with Store(folder) as s:
        assert s.read_only and "更新版本的程序" in s.read_only_reason
        assert state_of(s.load(rid)) == 1
        with pytest.raises(Exception, match="不能保存"):
            s.save(rid, make_report(n=2))
    assert {p: p.read_bytes() for p in folder.rglob("*.json")} == before


def _write_v0(folder, reports):
    """The schema-0 layout, written with TinyDB's own JSONStorage as the prototype did."""
    folder.mkdir(parents=True)
    db = TinyDB(folder / "drafts.json", storage=JSONStorage, encoding="utf-8")
    ids = []
    for status, report, versions in reports:
        doc_id = db.table("reports").insert(
            {
                "status": status,
                "created": "2025-01-05T09:00:00+08:00",
                "saved_at": "2025-01-06T10:30:00+08:00",
                "report": report_to_dict(report),
            }
        )
        ids.append(doc_id)
        for name, created, r in versions:
            db.table("versions").insert(
                {
                    "report_id": doc_id,
                    "name": name,
                    "created": created,
                    "auto": name == "自动保存",
                    "report": report_to_dict(r),
                }
            )
    db.close()
    return ids


def test_migration_from_the_v0_single_file_layout(folder, huaian_report):
    _write_v0(
        folder,
        [
            ("已报送", huaian_report, [("报送版", "2025-01-06T09:00:00+08:00", huaian_report)]),
            (
                "草稿",
                make_report("甲局", 2024, n=4),
                [
                    ("自动保存", "2025-01-05T09:05:00+08:00", make_report("甲局", 2024, n=2)),
                    ("领导审核后", "2025-01-05T10:00:00+08:00", make_report("甲局", 2024, n=3)),
                ],
            ),
        ],
    )
    with Store(folder, auto_backup=False) as s:
        infos = {i.organ: i for i in s.list_reports()}
        assert set(infos) == {"淮安市人民政府", "甲局"}
        h, a = infos["淮安市人民政府"], infos["甲局"]
        assert dumps(s.load(h.id)) == dumps(huaian_report)
        assert (h.status, h.saved_at) == ("已报送", "2025-01-06T10:30:00+08:00")
        assert state_of(s.load(a.id)) == 4
        assert [v.name for v in s.versions(a.id)] == ["领导审核后", "自动保存"]
        assert state_of(s.load_version(a.id, s.versions(a.id)[0].id)) == 3
        assert any("2 份报告、3 个历史版本" in m for m in s.recovery_messages)
        s.save(a.id, make_report("甲局", 2024, n=5))
    assert not (folder / "drafts.json").exists()
    assert (folder / "drafts.json.v0-migrated").exists()
    assert list((folder / "backups").glob("pre-migration-v0-*.zip"))
    with Store(folder, auto_backup=False) as s:
        assert s.recovery_messages == []
        assert state_of(s.load(a.id)) == 5


def test_interrupted_v0_migration_is_completed_without_duplicates(folder, monkeypatch):
    _write_v0(folder, [("草稿", make_report("甲局", 2024, n=1), [])])
    real = os.replace

    def fail_on_rename(src, dst, *a, **kw):
        if str(src).endswith("drafts.json"):
            raise OSError(28, "No space left on device")
        return real(src, dst, *a, **kw)

    with monkeypatch.context() as m:
        m.setattr(os, "replace", fail_on_rename)
        with Store(folder, auto_backup=False) as s:
            assert s.read_only and "升级失败" in s.read_only_reason
    with Store(folder, auto_backup=False) as s:
        assert not s.read_only
        (info,) = s.list_reports()
        assert state_of(s.load(info.id)) == 1


def test_damaged_v0_file(folder):
    folder.mkdir()
    (folder / "drafts.json").write_bytes(b'{"reports": {"1": {"sta')
    with Store(folder, auto_backup=False) as s:
        assert s.list_reports() == [] and not s.read_only
        assert any("drafts.json 已损坏" in m for m in s.recovery_messages)
        s.create(make_report())
    assert list((folder / "damaged").iterdir())
