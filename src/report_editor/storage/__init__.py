"""The local draft store (TinyDB, crash-safe, one writer at a time). No Qt.

Public API::

    store = Store(folder=None, *, read_only=False, auto_backup=True,
                  auto_version_interval=300.0, max_auto_versions=50, keep_backups=10)
        folder None -> paths.data_dir() (--data-dir / $REPORT_EDITOR_HOME / platformdirs);
        the folder is created (read_only=True creates nothing: a missing folder lists as
        an empty store). Opening takes the folder's lock (filelock, released by the OS
        when a process dies, so a stale lock of a killed process is simply taken over). When
        another live process holds it the store opens read-only instead of raising.
        Opening as writer also removes leftover temp files, migrates an older schema, repairs
        damaged files (moved to damaged/, restored from the newest good copy among the
        versions, previous/<id>.json and the backups)
        and starts the day's zip backup in a background thread if there is none yet.

    store.read_only: bool           True when opened read-only (asked, locked, newer schema)
    store.read_only_reason: str|None  Chinese sentence: why read-only ("另一个程序窗口正在
                                    使用这个草稿库（…）。", newer schema, …); it does not
                                    itself add "本窗口只能查看"
    store.locked_by: str|None       Chinese: who holds the lock, without brackets
                                    ("用户 张三，电脑 PC-01，进程号 1234，2026-12-01 08:30 起")
    store.took_over_from: str|None  same form: the holder that did not close (crashed window)
    store.recovery_messages: list[str]  Chinese: what was damaged, moved where, recovered
                                    from which version/backup and the time of that state
    store.backup_error: str|None    Chinese: the background daily backup failed
    store.close() / with Store(...) as store   (also finishes the backup, releases the lock)
    store.try_take_lock() -> bool   read-only because locked: become the writer if free now

    list_reports() -> list[ReportInfo]      most recently saved first
    info(id) -> ReportInfo
    create(report, status="草稿") -> id     also writes the first version "新建时自动保存"
                                     (duplicate: "复制时自动保存", new_from_previous:
                                     "由上年报告新建时自动保存", import_report of a new
                                     report: "导入时自动保存"), so the report file is never
                                     the only copy
    load(id) -> Report
    save(id, report)                 the autosave path; one atomic write of one small file
                                     (the replaced file is kept as previous/<id>.json by a
                                     hard link); an automatic version at the first change
                                     since the store was opened, then at most every
                                     auto_version_interval s
    save_version(id, name) -> version id      named version of the saved state
    versions(id) -> list[VersionInfo]         newest first
    load_version(id, version_id) -> Report
    restore_version(id, version_id) -> Report keeps the state before as "恢复前自动保存"
    set_status(id, status)           status in STATUSES ("草稿", "已校验", "已报送")
    duplicate(id) -> new id
    delete(id)                       to the trash
    trash() -> list[ReportInfo]; restore_from_trash(id); empty_trash() -> int
    find(organ, year) -> id | None   most recently saved report of that organ and year
    previous_year(id) -> Report | None        same organ, year - 1
    new_from_previous(id) -> new id  year + 1, t3.carried.* = t3.carry_next.*, narrative kept
                                     (StoreError if that year's report exists already)
    import_report(report) -> (id, created)    updates the report of the same organ + year
                                     (the previous state kept as "导入前自动保存")
    backup_now() -> Path; backups() -> list[Path]; wait_for_backup()

Errors: StoreError (Chinese message: disk full, read-only folder, …; after it the store on
disk is unchanged and the caller still has its Report), StoreLocked(StoreError) for writes to
a read-only store, ReportNotFound(StoreError) for an unknown id.
"""

from __future__ import annotations

from .errors import ReportNotFound, StoreError, StoreLocked
from .files import STATUS_CHECKED, STATUS_DRAFT, STATUS_SUBMITTED, STATUSES
from .migrate import SCHEMA_VERSION
from .store import (
    AUTO_VERSION_NAME,
    COPY_VERSION_NAME,
    IMPORT_VERSION_NAME,
    IMPORTED_VERSION_NAME,
    NEW_VERSION_NAME,
    NEXT_YEAR_VERSION_NAME,
    RESTORE_VERSION_NAME,
    ReportInfo,
    Store,
    VersionInfo,
)

__all__ = [
    "AUTO_VERSION_NAME",
    "COPY_VERSION_NAME",
    "IMPORTED_VERSION_NAME",
    "IMPORT_VERSION_NAME",
    "NEW_VERSION_NAME",
    "NEXT_YEAR_VERSION_NAME",
    "RESTORE_VERSION_NAME",
    "SCHEMA_VERSION",
    "STATUSES",
    "STATUS_CHECKED",
    "STATUS_DRAFT",
    "STATUS_SUBMITTED",
    "ReportInfo",
    "ReportNotFound",
    "Store",
    "StoreError",
    "StoreLocked",
    "VersionInfo",
]
