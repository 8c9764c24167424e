"""The store's operations on a real folder: list, save, versions, trash, years, import."""

from __future__ import annotations

import json
import os
import time

import pytest

from report_editor.fileutil import TEMP_PREFIX, TEMP_SUFFIX
from report_editor.model import dumps
from report_editor.model import template as T
from report_editor.storage import (
    AUTO_VERSION_NAME,
    COPY_VERSION_NAME,
    IMPORT_VERSION_NAME,
    IMPORTED_VERSION_NAME,
    NEW_VERSION_NAME,
    RESTORE_VERSION_NAME,
    ReportNotFound,
    Store,
    StoreError,
)
from tests.storage.conftest import make_report, state_of


def test_default_folder_is_the_data_dir(_isolated_home):
    with Store(auto_backup=False) as s:
        assert s.folder == _isolated_home
        rid = s.create(make_report())
    assert (_isolated_home / "reports" / f"{rid}.json").exists()


def test_create_load_save_round_trip(store, huaian_report):
    rid = store.create(huaian_report)
    assert dumps(store.load(rid)) == dumps(huaian_report)
    changed = huaian_report.copy()
    changed.cells["t3.new.natural"] = 1
    changed.sections["problems"] = "新的问题与改进"
    store.save(rid, changed)
    assert dumps(store.load(rid)) == dumps(changed)
    info = store.info(rid)
    assert (info.organ, info.year, info.status) == ("淮安市人民政府", 2024, "草稿")
    assert info.title == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_files_are_utf8_with_unescaped_chinese(store, folder):
    rid = store.create(make_report())
    raw = (folder / "reports" / f"{rid}.json").read_bytes()
    assert "某县统计局".encode() in raw
    assert b"\\u" not in raw
    tables = json.loads(raw.decode("utf-8"))
    assert tables["draft"]["1"]["report"]["organ"]["name"] == "某县统计局"


def test_the_files_are_tinydb_databases(store, folder):
    from tinydb import TinyDB

    from report_editor.storage.files import AtomicJSONStorage

    rid = store.create(make_report())
    store.save_version(rid, "报送版")
    db = TinyDB(folder / "reports" / f"{rid}.json", storage=AtomicJSONStorage, read_only=True)
    assert db.table("draft").get(doc_id=1)["meta"]["id"] == rid
    vdb = TinyDB(folder / "versions" / f"{rid}.json", storage=AtomicJSONStorage, read_only=True)
    assert [d["name"] for d in vdb.table("versions").all()] == [NEW_VERSION_NAME, "报送版"]


def test_list_is_sorted_by_last_save(store):
    a = store.create(make_report("甲局"))
    b = store.create(make_report("乙局"))
    c = store.create(make_report("丙局"))
    store.save(a, make_report("甲局", n=5))
    assert [i.id for i in store.list_reports()] == [a, c, b]


def test_save_rewrites_only_that_reports_file(store, folder):
    ids = [store.create(make_report(f"局{i}")) for i in range(5)]
    store.save_version(ids[1], "报送版")
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    time.sleep(0.01)
    store.save(ids[0], make_report("局0", n=9))
    after = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    changed = sorted(p.relative_to(folder).as_posix() for p in after if after[p] != before.get(p))
    # the replaced file is kept (hard-linked) as previous/; nothing else is touched
    assert changed == [f"previous/{ids[0]}.json", f"reports/{ids[0]}.json"]
    before = after
    time.sleep(0.01)
    store.save(ids[0], make_report("局0", n=10))
    after = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    changed = sorted(p.relative_to(folder).as_posix() for p in after if after[p] != before.get(p))
    assert changed == [f"previous/{ids[0]}.json", f"reports/{ids[0]}.json"]


def test_unchanged_save_writes_nothing(store, folder):
    rid = store.create(make_report())
    path = folder / "reports" / f"{rid}.json"
    store.save(rid, make_report(n=1))
    mtime = path.stat().st_mtime_ns
    time.sleep(0.01)
    store.save(rid, make_report(n=1))
    assert path.stat().st_mtime_ns == mtime


def test_automatic_versions_at_most_every_interval(folder):
    with Store(folder, auto_backup=False, auto_version_interval=0.3) as s:
        rid = s.create(make_report())
        for n in range(1, 6):
            s.save(rid, make_report(n=n))
        assert [v.name for v in s.versions(rid)] == [NEW_VERSION_NAME]
        time.sleep(0.35)
        s.save(rid, make_report(n=6))
        vs = s.versions(rid)
        assert [(v.name, v.auto) for v in vs] == [
            (AUTO_VERSION_NAME, True),
            (NEW_VERSION_NAME, False),
        ]
        assert state_of(s.load_version(rid, vs[0].id)) == 6
        assert state_of(s.load_version(rid, vs[1].id)) == 0


def test_automatic_versions_are_pruned_named_ones_kept(folder):
    with Store(folder, auto_backup=False, auto_version_interval=0, max_auto_versions=3) as s:
        rid = s.create(make_report())
        s.save(rid, make_report(n=1))
        s.save_version(rid, "领导审核后")
        for n in range(2, 9):
            s.save(rid, make_report(n=n))
        vs = s.versions(rid)
        assert [v.name for v in vs if not v.auto] == ["领导审核后", NEW_VERSION_NAME]
        assert [state_of(s.load_version(rid, v.id)) for v in vs if v.auto] == [8, 7, 6]


def test_named_versions_and_undoable_restore(store):
    rid = store.create(make_report(n=1))
    v1 = store.save_version(rid, "  报送版 ")
    store.save(rid, make_report(n=2))
    vs = store.versions(rid)
    assert [v.name for v in vs] == ["报送版", NEW_VERSION_NAME] and vs[0].id == v1
    restored = store.restore_version(rid, v1)
    assert state_of(restored) == 1
    assert state_of(store.load(rid)) == 1
    newest = store.versions(rid)[0]
    assert newest.name == RESTORE_VERSION_NAME and not newest.auto
    # the restore itself can be undone
    assert state_of(store.restore_version(rid, newest.id)) == 2
    assert state_of(store.load(rid)) == 2
    with pytest.raises(ReportNotFound):
        store.load_version(rid, "nosuchid")


def test_status(store):
    rid = store.create(make_report())
    store.set_status(rid, "已校验")
    assert store.info(rid).status == "已校验"
    store.set_status(rid, "已报送")
    with pytest.raises(StoreError, match="状态"):
        store.set_status(rid, "完成")
    with pytest.raises(ReportNotFound, match="nope"):
        store.set_status("nope", "草稿")


def test_duplicate(store):
    rid = store.create(make_report(n=3), status="已报送")
    store.save_version(rid, "报送版")
    dup = store.duplicate(rid)
    assert dup != rid
    assert state_of(store.load(dup)) == 3
    assert store.info(dup).status == "草稿"
    assert [v.name for v in store.versions(dup)] == [COPY_VERSION_NAME]  # not the source's


def test_trash_round_trip(store, folder):
    a = store.create(make_report("甲局"))
    b = store.create(make_report("乙局"))
    store.save_version(a, "报送版")
    store.delete(a)
    assert [i.id for i in store.list_reports()] == [b]
    assert [i.id for i in store.trash()] == [a]
    assert not (folder / "versions" / f"{a}.json").exists()
    with pytest.raises(ReportNotFound):
        store.load(a)
    store.restore_from_trash(a)
    assert {i.id for i in store.list_reports()} == {a, b}
    assert [v.name for v in store.versions(a)] == ["报送版", NEW_VERSION_NAME]
    store.delete(a)
    store.delete(b)
    assert store.empty_trash() == 2
    assert store.trash() == [] and store.list_reports() == []
    assert list((folder / "trash" / "reports").iterdir()) == []
    with pytest.raises(ReportNotFound):
        store.restore_from_trash(a)


def test_trash_survives_reopen(folder):
    with Store(folder, auto_backup=False) as s:
        a = s.create(make_report())
        s.delete(a)
    with Store(folder, auto_backup=False) as s:
        assert [i.id for i in s.trash()] == [a]


def test_find_and_previous_year(store):
    y23 = store.create(make_report("某县统计局", 2023, n=1))
    y24 = store.create(make_report("某县统计局", 2024, n=2))
    store.create(make_report("别的局", 2023))
    assert store.find("某县统计局", 2023) == y23
    assert store.find(" 某县统计局 ", 2024) == y24
    assert store.find("某县统计局", 2022) is None
    assert state_of(store.previous_year(y24)) == 1
    assert store.previous_year(y23) is None
    nodate = store.create(make_report("某县统计局", None))
    assert store.previous_year(nodate) is None


def test_new_from_previous(store, huaian_report):
    last = huaian_report.copy()
    last.title = "自定义标题"
    last.signature_date = "2025-01-20"
    rid = store.create(last, status="已报送")
    new_id = store.new_from_previous(rid)
    new = store.load(new_id)
    assert (new.organ, new.year, new.kind) == (last.organ, 2025, last.kind)
    assert new.title == "" and new.effective_title.endswith("2025年政府信息公开工作年度报告")
    assert new.sections == last.sections and new.preamble == last.preamble
    assert new.signature_date is None
    for col in T.T3_COL_IDS:
        assert new.cells[T.t3_key("carried", col)] == last.cells[T.t3_key("carry_next", col)]
    assert new.cells["t3.carried.total"] == 103
    others = [c for c in T.CELL_IDS if not c.startswith("t3.carried.")]
    assert all(new.cells[c] is None for c in others)
    assert store.info(new_id).status == "草稿"
    # last year's report is the baseline the checks read
    assert dumps(store.previous_year(new_id)) == dumps(last)
    with pytest.raises(StoreError, match="已经存在"):
        store.new_from_previous(rid)


def test_import_adds_then_updates_keeping_the_old_state(store):
    rid, created = store.import_report(make_report("甲局", 2024, n=1))
    assert created
    same, created = store.import_report(make_report("甲局", 2024, n=2))
    assert (same, created) == (rid, False)
    assert state_of(store.load(rid)) == 2
    vs = store.versions(rid)
    names = [IMPORTED_VERSION_NAME, IMPORT_VERSION_NAME, IMPORTED_VERSION_NAME]
    assert [v.name for v in vs] == names
    assert [state_of(store.load_version(rid, v.id)) for v in vs] == [2, 1, 1]
    other, created = store.import_report(make_report("甲局", 2025))
    assert created and other != rid


def test_invalid_report_is_refused_before_writing(store, folder):
    rid = store.create(make_report(n=1))
    bad = make_report(n=2)
    bad.cells["t3.new.natural"] = -5
    with pytest.raises(StoreError, match="无效"):
        store.save(rid, bad)
    assert state_of(store.load(rid)) == 1


def test_reopen_keeps_everything(folder, huaian_report):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(huaian_report)
        s.set_status(rid, "已校验")
        s.save_version(rid, "报送版")
    with Store(folder, auto_backup=False) as s:
        assert dumps(s.load(rid)) == dumps(huaian_report)
        assert s.info(rid).status == "已校验"
        assert [v.name for v in s.versions(rid)] == ["报送版", NEW_VERSION_NAME]
        assert s.recovery_messages == []


def test_index_is_only_a_cache(folder):
    with Store(folder, auto_backup=False) as s:
        ids = {s.create(make_report(f"局{i}")) for i in range(3)}
    (folder / "index.json").write_bytes(b"\x00garbage")
    with Store(folder, auto_backup=False) as s:
        assert {i.id for i in s.list_reports()} == ids
        assert s.recovery_messages == []
    (folder / "index.json").unlink()
    with Store(folder, auto_backup=False) as s:
        assert {i.id for i in s.list_reports()} == ids
    assert json.loads((folder / "index.json").read_text("utf-8"))["format"] == "report-editor-index"


def test_index_left_stale_by_a_crash_is_corrected(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report("甲局"))
    stale = (folder / "index.json").read_bytes()
    with Store(folder, auto_backup=False) as s:
        s.save(rid, make_report("乙局", n=4))
    (folder / "index.json").write_bytes(stale)  # as if killed before close
    with Store(folder, auto_backup=False) as s:
        assert s.info(rid).organ == "乙局"


def test_leftover_temp_files_are_removed_at_start(folder):
    with Store(folder, auto_backup=False) as s:
        s.create(make_report())
    temps = [
        folder / f"{TEMP_PREFIX}a{TEMP_SUFFIX}",
        folder / "reports" / f"{TEMP_PREFIX}b{TEMP_SUFFIX}",
        folder / "versions" / f"{TEMP_PREFIX}c{TEMP_SUFFIX}",
        folder / "backups" / f"{TEMP_PREFIX}d{TEMP_SUFFIX}",
    ]
    (folder / "backups").mkdir(exist_ok=True)
    for t in temps:
        t.write_bytes(b'{"half')
    with Store(folder, auto_backup=False) as s:
        assert len(s.list_reports()) == 1
    assert not any(t.exists() for t in temps)


def test_closed_store_refuses(folder):
    s = Store(folder, auto_backup=False)
    rid = s.create(make_report())
    s.close()
    s.close()
    with pytest.raises(StoreError, match="已关闭"):
        s.load(rid)
    assert not (folder / "store.lock.json").exists()


def test_explicit_read_only_store_reads_but_never_writes(folder):
    with Store(folder, auto_backup=False) as s:
        rid = s.create(make_report(n=1))
    snapshot = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with Store(folder, read_only=True) as ro:
        assert ro.read_only and ro.locked_by is None
        assert state_of(ro.load(rid)) == 1
        for call in (
            lambda: ro.save(rid, make_report(n=2)),
            lambda: ro.create(make_report()),
            lambda: ro.delete(rid),
            lambda: ro.save_version(rid, "x"),
        ):
            with pytest.raises(StoreError, match="不能保存"):
                call()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == snapshot
    assert os.listdir(folder / "reports") == [f"{rid}.json"]


def test_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="无法创建草稿库文件夹"):
        Store(blocker / "store")
    with pytest.raises(StoreError, match="无法创建草稿库文件夹"):
        Store(blocker)


def test_clock_set_back_does_not_stop_automatic_versions(folder):
    with Store(folder, auto_backup=False, auto_version_interval=300) as s:
        rid = s.create(make_report())
        s.save(rid, make_report(n=1))
        assert len(s.versions(rid)) == 1
        s._entries[rid]["version_at"] = time.time() + 86400 * 365  # as if the clock went back
        s.save(rid, make_report(n=2))
        assert len(s.versions(rid)) == 2
