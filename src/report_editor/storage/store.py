"""The draft store: reports, their versions, trash, backups, recovery and the lock.

See the package docstring (`report_editor.storage`) for the public API and
`files.py` for the folder layout.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock

from .. import paths
from ..fileutil import TEMP_PREFIX, TEMP_SUFFIX, atomic_write_bytes, remove_stale_temp_files
from ..model import template as T
from ..model.exchange import ExchangeError, report_from_dict, report_to_dict
from ..model.report import Report, empty_cells
from . import backup as B
from . import files as F
from . import migrate as M
from .errors import (
    CorruptFile,
    ReportNotFound,
    StoreError,
    StoreLocked,
    describe_os_error,
    save_failed,
)

AUTO_VERSION_NAME = "自动保存"
MANUAL_VERSION_NAME = "手动保存"
RESTORE_VERSION_NAME = "恢复前自动保存"
IMPORT_VERSION_NAME = "导入前自动保存"
# the first version of every report, so that its file is never its only copy
NEW_VERSION_NAME = "新建时自动保存"
COPY_VERSION_NAME = "复制时自动保存"
NEXT_YEAR_VERSION_NAME = "由上年报告新建时自动保存"
IMPORTED_VERSION_NAME = "导入时自动保存"
DEFAULT_AUTO_VERSION_INTERVAL = 300.0
DEFAULT_MAX_AUTO_VERSIONS = 50
INDEX_FORMAT = "report-editor-index"


@dataclass
class ReportInfo:
    id: str
    organ: str
    year: int | None
    status: str
    created: str
    saved_at: str
    title: str


@dataclass
class VersionInfo:
    id: str
    name: str
    created: str
    auto: bool


def _make_entry(
    meta: dict[str, Any],
    report: Report,
    st: tuple[int, int] | list[int] | None,
    vst: tuple[int, int] | list[int] | None,
) -> dict[str, Any]:
    return {
        "id": meta["id"],
        "organ": report.organ,
        "year": report.year,
        "title": report.effective_title,
        "status": meta.get("status", F.STATUS_DRAFT),
        "created": meta.get("created", ""),
        "saved_at": meta.get("saved_at", ""),
        "hash": meta.get("hash") or "",
        "version_at": float(meta.get("version_at") or 0.0),
        "version_hash": meta.get("version_hash") or "",
        "st": list(st) if st else None,
        "vst": list(vst) if vst else None,
    }


def _meta_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "status": entry["status"],
        "created": entry["created"],
        "saved_at": entry["saved_at"],
        "hash": entry["hash"],
        "version_at": entry["version_at"],
        "version_hash": entry["version_hash"],
    }


def _info(entry: dict[str, Any]) -> ReportInfo:
    return ReportInfo(
        id=entry["id"],
        organ=entry["organ"],
        year=entry["year"],
        status=entry["status"],
        created=entry["created"],
        saved_at=entry["saved_at"],
        title=entry["title"],
    )


def _valid_entry(e: Any) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("id"), str)
        and isinstance(e.get("organ"), str)
        and (e.get("year") is None or type(e.get("year")) is int)
        and isinstance(e.get("title"), str)
        and e.get("status") in F.STATUSES
        and isinstance(e.get("created"), str)
        and isinstance(e.get("saved_at"), str)
        and isinstance(e.get("hash"), str)
        and isinstance(e.get("version_at"), int | float)
        and isinstance(e.get("version_hash"), str)
        and isinstance(e.get("st"), list)
        and (e.get("vst") is None or isinstance(e.get("vst"), list))
    )


def _label(entry: dict[str, Any] | None, report: Report | None, rid: str) -> str:
    if entry and entry.get("title"):
        return f"{entry['title']}（编号 {rid}）"
    if report is not None and (report.organ or report.year):
        return f"{report.effective_title}（编号 {rid}）"
    return f"编号 {rid}"


class Store:
    """The local draft store. Opening it takes the folder's lock; see the package docstring."""

    def __init__(
        self,
        folder: Path | str | None = None,
        *,
        read_only: bool = False,
        auto_backup: bool = True,
        auto_version_interval: float | None = DEFAULT_AUTO_VERSION_INTERVAL,
        max_auto_versions: int = DEFAULT_MAX_AUTO_VERSIONS,
        keep_backups: int = B.DEFAULT_KEEP,
    ):
        self.folder = Path(folder) if folder is not None else paths.data_dir()
        self.read_only = read_only
        self.read_only_reason: str | None = "草稿库以只读方式打开。" if read_only else None
        self.locked_by: str | None = None
        self.took_over_from: str | None = None
        self.recovery_messages: list[str] = []
        self.backup_error: str | None = None
        self._last_note = ""
        self.auto_version_interval = auto_version_interval
        self.max_auto_versions = max_auto_versions
        self.keep_backups = keep_backups
        self._auto_backup = auto_backup
        self._lock: filelock.BaseFileLock | None = None
        self._closed = False
        self._entries: dict[str, dict[str, Any]] = {}
        self._trash: dict[str, dict[str, Any]] = {}
        self._index_dirty = False
        self._backup_thread: threading.Thread | None = None
        self._mutex = threading.RLock()
        self._versioned: set[str] = set()  # reports with a version taken since opening
        try:
            if read_only:  # a read-only open creates nothing
                if self.folder.exists() and not self.folder.is_dir():
                    raise NotADirectoryError(20, "不是文件夹", str(self.folder))
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            if not self.folder.is_dir():
                reason, _ = describe_os_error(e)
                if self.folder.exists() or isinstance(e, FileExistsError | NotADirectoryError):
                    reason = "路径上已有同名文件，不是文件夹"
                what = "打开" if read_only else "创建"
                raise StoreError(
                    f"无法{what}草稿库文件夹 {self.folder}：{reason}。", path=self.folder
                ) from e
        if not read_only:
            self._acquire_lock()
        try:
            if self._lock is not None:
                self._open_writable()
            else:
                self._open_read_only()
        except BaseException:
            self._release_lock()
            raise

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Finish a running backup, write the index, release the lock."""
        with self._mutex:
            if self._closed:
                return
            self.wait_for_backup()
            if self._lock is not None:
                if self._index_dirty:
                    self._write_index()
                self._release_lock()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def try_take_lock(self) -> bool:
        """A store opened read-only because another window held it: try to become the writer."""
        with self._mutex:
            if self._closed or self._lock is not None:
                return self._lock is not None
            if self.locked_by is None:  # read-only by request or by schema: stay so
                return False
            self._acquire_lock()
            if self._lock is None:
                return False
            self.read_only, self.read_only_reason, self.locked_by = False, None, None
            self._open_writable()
            return self._lock is not None

    # ------------------------------------------------------------ lock

    def _acquire_lock(self) -> None:
        lock = filelock.FileLock(str(self.folder / F.LOCK_FILE), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            self.read_only = True
            self.locked_by = self._holder_description()
            self.read_only_reason = f"另一个程序窗口正在使用这个草稿库（{self.locked_by}）。"
            return
        except OSError as e:
            reason, _ = describe_os_error(e)
            self.read_only = True
            self.read_only_reason = (
                f"无法锁定草稿库（{reason}），为防止两个窗口同时写入，不能在这里修改。"
            )
            return
        self._lock = lock
        self.read_only = False
        prev = self._read_holder()
        if prev is not None and (prev.get("pid"), prev.get("host")) != (
            os.getpid(),
            socket.gethostname(),
        ):
            self.took_over_from = self._describe(prev)
        self._write_holder()

    def _release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                (self.folder / F.LOCK_INFO_FILE).unlink()
            with contextlib.suppress(OSError):
                self._lock.release()
            self._lock = None

    def _read_holder(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / F.LOCK_INFO_FILE).read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_holder(self) -> None:
        try:
            user = getpass.getuser()
        except Exception:  # no login name (service account)
            user = ""
        data = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": user,
            "since": F.now_iso(),
        }
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.folder / F.LOCK_INFO_FILE, F.encode(data))

    @staticmethod
    def _describe(info: dict[str, Any]) -> str:
        parts = []
        if info.get("user"):
            parts.append(f"用户 {info['user']}")
        if info.get("host"):
            parts.append(f"电脑 {info['host']}")
        if info.get("pid"):
            parts.append(f"进程号 {info['pid']}")
        if info.get("since"):
            parts.append(f"{F.human_time(str(info['since']))} 起")
        return "，".join(parts) if parts else "使用者信息不详"

    def _holder_description(self) -> str:
        return self._describe(self._read_holder() or {})

    # ------------------------------------------------------------ opening

    def _open_writable(self) -> None:
        for sub in (
            "",
            F.REPORTS,
            F.VERSIONS,
            F.PREVIOUS,
            f"{F.TRASH}/{F.REPORTS}",
            f"{F.TRASH}/{F.VERSIONS}",
        ):
            remove_stale_temp_files(self.folder / sub)
        remove_stale_temp_files(self.folder / F.BACKUPS)
        if not self._check_schema():
            self._open_read_only()
            return
        for sub in (
            F.REPORTS,
            F.VERSIONS,
            F.PREVIOUS,
            f"{F.TRASH}/{F.REPORTS}",
            f"{F.TRASH}/{F.VERSIONS}",
        ):
            with contextlib.suppress(OSError):
                (self.folder / sub).mkdir(parents=True, exist_ok=True)
        index = self._load_index()
        self._scan(index, recover=True)
        if self._index_dirty:
            self._write_index()
        if self._auto_backup and not B.has_backup_of_day(self.folder, _today()):
            self._backup_thread = threading.Thread(
                target=self._background_backup, name="store-backup", daemon=True
            )
            self._backup_thread.start()

    def _open_read_only(self) -> None:
        self._scan(self._load_index(), recover=False)

    def _check_schema(self) -> bool:
        """Migrate an older store; False when the store must stay read-only."""
        path = self.folder / F.STORE_FILE
        try:
            data = M.read_store_file(self.folder)
        except CorruptFile as e:
            try:
                where = f"已移到 {F.move_aside(self.folder, path)}"
            except OSError:
                where = "无法移走，已被覆盖"
            self._note(
                f"草稿库说明文件 {F.STORE_FILE} 已损坏（{e.reason}），{where}，"
                "已按文件夹中的内容重建。"
            )
            data = None
        except OSError:
            data = None
        schema = M.detect_schema(self.folder) if data is None else data["schema"]
        if schema is None:
            schema = M.SCHEMA_VERSION
        if schema > M.SCHEMA_VERSION:
            self._release_lock()
            self.read_only = True
            self.read_only_reason = (
                f"这个草稿库由更新版本的程序创建（格式版本 {schema}，本程序只支持到 "
                f"{M.SCHEMA_VERSION}），请升级程序后再修改。"
            )
            return False
        if schema < M.SCHEMA_VERSION:
            try:
                self.recovery_messages.extend(M.migrate(self.folder, schema))
            except (OSError, StoreError) as e:
                self._release_lock()
                self.read_only = True
                reason = describe_os_error(e)[0] if isinstance(e, OSError) else str(e)
                self.read_only_reason = (
                    f"草稿库升级失败（{reason}），原有文件未被删除；为保护数据，暂不能修改。"
                )
                return False
        if data is None or data["schema"] != M.SCHEMA_VERSION:
            with contextlib.suppress(OSError):
                M.write_store_file(self.folder, M.SCHEMA_VERSION, data and data.get("created"))
        return True

    def _load_index(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The cached metadata (empty when missing or unreadable: it is rebuilt)."""
        try:
            data = F.decode_json((self.folder / F.INDEX_FILE).read_bytes(), self.folder)
        except (OSError, CorruptFile):
            return {"reports": {}, "trash": {}}
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            return {"reports": {}, "trash": {}}
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for key in ("reports", "trash"):
            part = data.get(key)
            out[key] = (
                {k: v for k, v in part.items() if _valid_entry(v) and v["id"] == k}
                if isinstance(part, dict)
                else {}
            )
        return out

    def _write_index(self) -> None:
        """The index is a cache: failing to write it loses nothing."""
        data = {"format": INDEX_FORMAT, "reports": self._entries, "trash": self._trash}
        try:
            atomic_write_bytes(self.folder / F.INDEX_FILE, F.encode(data))
        except OSError:
            return
        self._index_dirty = False

    def _refresh(self) -> None:
        """Read-only window: pick up what the writing window changed since."""
        if self._lock is None and not self._closed:
            self._scan({"reports": self._entries, "trash": self._trash}, recover=False)

    # ------------------------------------------------------------ scanning and recovery

    def _scan(self, index: dict[str, dict[str, dict[str, Any]]], *, recover: bool) -> None:
        """Build the in-memory index from the files; re-read only files that changed."""
        folder = self.folder
        rep = F.scan_json(folder / F.REPORTS)
        ver = F.scan_json(folder / F.VERSIONS)
        trep = F.scan_json(folder / F.TRASH / F.REPORTS)
        tver = F.scan_json(folder / F.TRASH / F.VERSIONS)
        if recover:  # a delete / restore interrupted between its two renames
            for rid in set(ver) - set(rep):
                if rid in trep and rid not in tver:
                    self._move(F.VERSIONS, f"{F.TRASH}/{F.VERSIONS}", rid, ver, tver)
            for rid in set(tver) - set(trep):
                if rid in rep and rid not in ver:
                    self._move(f"{F.TRASH}/{F.VERSIONS}", F.VERSIONS, rid, tver, ver)
        old = index.get("reports", {})
        old_trash = index.get("trash", {})
        lost = {r for r in (set(ver) | set(old)) - set(rep) if r not in trep}
        entries: dict[str, dict[str, Any]] = {}
        changed = set(old) != set(rep) | lost
        for rid in sorted(set(rep) | lost):
            cached = old.get(rid)
            entry = self._scan_one(rid, rep.get(rid), ver.get(rid), cached, recover, F.REPORTS)
            if entry is not None:
                entries[rid] = entry
            if entry is not cached:
                changed = True
        trash: dict[str, dict[str, Any]] = {}
        for rid in sorted(trep):
            cached = old_trash.get(rid)
            entry = self._scan_one(rid, trep[rid], tver.get(rid), cached, recover, F.TRASH)
            if entry is not None:
                trash[rid] = entry
            if entry is not cached:
                changed = True
        if set(old_trash) != set(trash):
            changed = True
        self._entries, self._trash = entries, trash
        if changed:
            self._index_dirty = True

    def _move(self, src: str, dst: str, rid: str, from_: dict, to: dict) -> None:
        try:
            os.replace(self.folder / src / f"{rid}.json", self.folder / dst / f"{rid}.json")
        except OSError:
            return
        to[rid] = from_.pop(rid)

    def _scan_one(
        self,
        rid: str,
        st: tuple[int, int] | None,
        vst: tuple[int, int] | None,
        cached: dict[str, Any] | None,
        recover: bool,
        where: str,
    ) -> dict[str, Any] | None:
        if (
            cached is not None
            and st is not None
            and cached["st"] == list(st)
            and cached.get("vst") == (list(vst) if vst else None)
        ):
            return cached
        base = self.folder / (F.REPORTS if where == F.REPORTS else f"{F.TRASH}/{F.REPORTS}")
        path = base / f"{rid}.json"
        entry: dict[str, Any] | None
        if st is None:
            entry = self._recover_report(rid, None, cached, recover)
        elif cached is None or cached["st"] != list(st):
            try:
                meta, _data, report = F.read_report_file(path)
                meta["id"] = rid
                entry = _make_entry(meta, report, st, vst)
            except CorruptFile as e:
                if where == F.TRASH:
                    self._damaged_in_trash(path, e.reason, cached, recover)
                    return None
                entry = self._recover_report(rid, e.reason, cached, recover)
            except FileNotFoundError:  # moved by the writing window meanwhile
                return None
            except OSError as e:
                self._note(
                    f"无法读取草稿文件 {path}（{describe_os_error(e)[0]}），这份草稿暂时不显示。"
                )
                return None
        else:
            entry = dict(cached)
        if entry is None:
            return None
        vbase = self.folder / (F.VERSIONS if where == F.REPORTS else f"{F.TRASH}/{F.VERSIONS}")
        vpath = vbase / f"{rid}.json"
        vst_now = F.file_stamp(vpath)
        # a versions file changed since the index was written is checked now; without an
        # index (first start, lost cache) it is checked when first used (_version_docs)
        if vst_now is not None and cached is not None and cached.get("vst") != list(vst_now):
            try:
                F.read_versions_file(vpath)
            except CorruptFile as e:
                self._recover_versions(rid, vpath, e.reason, entry, recover, where)
                vst_now = F.file_stamp(vpath)
            except OSError:
                pass
        entry["vst"] = list(vst_now) if vst_now else None
        return entry

    def _damaged_in_trash(
        self, path: Path, reason: str, cached: dict[str, Any] | None, recover: bool
    ) -> None:
        label = _label(cached, None, path.stem)
        if not recover:
            self._note(f"回收站中的草稿“{label}”文件已损坏（{reason}）。")
            return
        try:
            moved = F.move_aside(self.folder, path)
        except OSError:
            moved = path
        self._note(f"回收站中的草稿“{label}”文件已损坏（{reason}），原文件已移到 {moved}。")

    def _recover_report(
        self, rid: str, reason: str | None, cached: dict[str, Any] | None, recover: bool
    ) -> dict[str, Any] | None:
        """Move a damaged report file aside and restore the newest good version or backup."""
        path = self.folder / F.REPORTS / f"{rid}.json"
        what = f"已损坏（{reason}）" if reason else "不见了"
        if not recover:
            self._note(
                f"草稿“{_label(cached, None, rid)}”的存储文件{what}。请关闭正在使用草稿库的"
                "另一个窗口后重新打开本程序，程序会自动恢复。"
            )
            return None
        moved: Path | None = None
        if path.exists():
            try:
                moved = F.move_aside(self.folder, path)
            except OSError as e:
                self._note(
                    f"草稿“{_label(cached, None, rid)}”的存储文件{what}，且无法移走"
                    f"（{describe_os_error(e)[0]}）；这份草稿暂时不显示。"
                )
                return None
        where = f"，原文件已移到 {moved}" if moved else ""
        best = self._newest_good_copy(rid, cached)
        if best is None:
            self._note(
                f"草稿“{_label(cached, None, rid)}”的存储文件{what}{where}。没有找到可用的"
                "历史版本或备份，这份草稿无法自动恢复。"
            )
            return None
        _ts, when, source, bmeta, rep = best
        data = report_to_dict(rep)
        src_meta = bmeta or (cached or {})
        meta = {
            "id": rid,
            "status": src_meta.get("status")
            if src_meta.get("status") in F.STATUSES
            else F.STATUS_DRAFT,
            "created": src_meta.get("created") or when,
            "saved_at": when,
            "hash": F.content_hash(data),
            "version_at": float(src_meta.get("version_at") or 0.0),
            "version_hash": src_meta.get("version_hash") or "",
        }
        try:
            F.write_report_file(path, meta, data)
        except OSError as e:
            self._note(
                f"草稿“{_label(cached, rep, rid)}”的存储文件{what}{where}；可以从{source}恢复，"
                f"但写入失败（{describe_os_error(e)[0]}）。"
            )
            return None
        self._note(
            f"草稿“{_label(cached, rep, rid)}”的存储文件{what}{where}。已从{source}恢复，"
            f"内容为 {F.human_time(when)} 时的状态（这是找到的最新的完好内容）；"
            "此后所做的修改未能保留，请核对。"
        )
        vst = F.file_stamp(self.folder / F.VERSIONS / f"{rid}.json")
        return _make_entry(meta, rep, F.file_stamp(path), vst)

    def _newest_good_copy(
        self, rid: str, cached: dict[str, Any] | None
    ) -> tuple[float, str, str, dict[str, Any] | None, Report] | None:
        """(time, saved at, Chinese source, meta or None, Report) of the newest readable copy
        among the versions, the copy of the previous save and the backups. A copy holding
        exactly the lost state (its hash is in the index) is taken first."""
        found: list[tuple[float, str, str, dict[str, Any] | None, Report]] = []
        known = (cached or {}).get("hash") or ""
        # the version whose content was saved last
        try:
            docs = F.read_versions_file(self._versions_path(rid))
        except (CorruptFile, OSError):
            docs = []
        newest: tuple[float, str, str, dict[str, Any] | None, Report] | None = None
        for doc in reversed(docs):
            if known and F.content_hash(doc["report"]) == known:
                with contextlib.suppress(ExchangeError):
                    rep = report_from_dict(doc["report"], "历史版本")
                    return (0.0, cached["saved_at"], f"历史版本“{doc['name']}”", None, rep)
        for doc in docs:
            when = doc.get("saved_at") if isinstance(doc.get("saved_at"), str) else None
            ts = F.parse_time(when) if when else float(doc["ts"])
            if newest is not None and ts <= newest[0]:
                continue
            try:
                rep = report_from_dict(doc["report"], "历史版本")
            except ExchangeError:
                continue
            newest = (ts, when or doc["created"], f"历史版本“{doc['name']}”", None, rep)
        if newest is not None:
            found.append(newest)
        # the state before the last save
        ppath = self.folder / F.PREVIOUS / f"{rid}.json"
        try:
            meta, pdata, rep = F.read_report_file(ppath)
        except (CorruptFile, OSError):
            pass
        else:
            if known and F.content_hash(pdata) == known:
                return (0.0, cached["saved_at"], "上一次保存时留下的副本", meta, rep)
            when = meta.get("saved_at") or ""
            pst = F.file_stamp(ppath)
            ts = F.parse_time(when) or (pst[0] / 1e9 if pst else 0.0)
            found.append((ts, when, "上一次保存时留下的副本", meta, rep))
        # the newest backup that holds a readable copy
        for zpath in B.list_backups(self.folder):
            raw = B.read_member(zpath, f"{F.REPORTS}/{rid}.json")
            if raw is None:
                continue
            try:
                meta, _d, rep = F.report_from_bytes(raw, zpath)
            except CorruptFile:
                continue
            when = meta.get("saved_at") or ""
            ts = F.parse_time(when)
            if not ts:
                bt = B.backup_time(zpath)
                ts = bt.timestamp() if bt else 0.0
            found.append((ts, when, f"备份 {zpath.name} ", meta, rep))
            break
        if not found:
            return None
        return max(found, key=lambda c: c[0])  # the first of equals: a version

    def _recover_versions(
        self,
        rid: str,
        vpath: Path,
        reason: str,
        entry: dict[str, Any],
        recover: bool,
        where: str,
    ) -> None:
        label = _label(entry, None, rid)
        if not recover:
            self._note(f"草稿“{label}”的历史版本文件已损坏（{reason}）；当前内容不受影响。")
            return
        try:
            moved = F.move_aside(self.folder, vpath)
        except OSError:
            return
        rel = (
            f"{F.VERSIONS}/{rid}.json"
            if where == F.REPORTS
            else f"{F.TRASH}/{F.VERSIONS}/{rid}.json"
        )
        for zpath in B.list_backups(self.folder):
            raw = B.read_member(zpath, rel)
            if raw is None:
                continue
            try:
                docs = F.versions_from_bytes(raw, zpath)
            except CorruptFile:
                continue
            try:
                atomic_write_bytes(vpath, raw)
            except OSError:
                break
            newest = F.human_time(docs[-1]["created"]) if docs else "无"
            self._note(
                f"草稿“{label}”的历史版本文件已损坏（{reason}），原文件已移到 {moved}。"
                f"已从备份 {zpath.name} 恢复历史版本（最新的一个是 {newest}），之后保存的版本"
                "未能保留；当前内容不受影响。"
            )
            return
        self._note(
            f"草稿“{label}”的历史版本文件已损坏（{reason}），原文件已移到 {moved}；"
            "没有可用的备份，历史版本无法恢复。当前内容不受影响。"
        )

    # ------------------------------------------------------------ helpers

    def _note(self, message: str) -> None:
        self._last_note = message
        if message not in self.recovery_messages:
            self.recovery_messages.append(message)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("草稿库已关闭。")

    def _check_writable(self) -> None:
        self._check_open()
        if self._lock is None:
            reason = self.read_only_reason or "草稿库以只读方式打开。"
            raise StoreLocked(
                f"不能保存到草稿库：{reason}本窗口只能查看，不能修改；报告内容仍在本窗口中，没有丢失。"
            )

    def _entry(self, rid: str) -> dict[str, Any]:
        self._check_open()
        entry = self._entries.get(rid)
        if entry is None and self._lock is None:
            self._refresh()
            entry = self._entries.get(rid)
        if entry is None:
            raise ReportNotFound(f"草稿库中没有编号为 {rid} 的报告。")
        return entry

    def _report_path(self, rid: str) -> Path:
        return self.folder / F.REPORTS / f"{rid}.json"

    def _versions_path(self, rid: str) -> Path:
        return self.folder / F.VERSIONS / f"{rid}.json"

    def _read_current(self, rid: str) -> tuple[dict[str, Any], dict[str, Any], Report]:
        """(meta, report dict, Report) from the file; recovers a damaged file when writable."""
        entry = self._entry(rid)
        path = self._report_path(rid)
        try:
            meta, data, report = F.read_report_file(path)
            meta["id"] = rid
            return meta, data, report
        except (CorruptFile, FileNotFoundError) as e:
            if self._lock is None and isinstance(e, FileNotFoundError):
                self._refresh()  # the writing window deleted it meanwhile
                raise ReportNotFound(f"草稿库中没有编号为 {rid} 的报告（可能刚被删除）。") from None
            reason = e.reason if isinstance(e, CorruptFile) else None
            recovered = self._recover_report(rid, reason, entry, self._lock is not None)
            if recovered is None:
                self._entries.pop(rid, None)
                self._index_dirty = True
                raise StoreError(self._last_note, path=path) from None
            self._entries[rid] = recovered
            self._index_dirty = True
            meta, data, report = F.read_report_file(path)
            return meta, data, report
        except OSError as e:
            raise StoreError(
                f"无法读取草稿 {rid}（{describe_os_error(e)[0]}）：{path}", path=path
            ) from e

    def _write_report(
        self, rid: str, meta: dict[str, Any], data: dict[str, Any], report: Report
    ) -> None:
        path = self._report_path(rid)
        old = self._entries.get(rid)
        keep = None
        if old is not None and old["st"] is not None and old["st"] == _as_list(F.file_stamp(path)):
            keep = self._link_previous(rid, path)  # the file is as written or read: good
        try:
            F.write_report_file(path, meta, data)
        except OSError as e:
            if keep is not None:  # the store stays as it was
                with contextlib.suppress(OSError):
                    os.unlink(keep)
            raise save_failed(e, path) from e
        if keep is not None:
            try:
                os.replace(keep, self.folder / F.PREVIOUS / f"{rid}.json")
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(keep)
        vst = old.get("vst") if old else None
        self._entries[rid] = _make_entry(meta, report, F.file_stamp(path), vst)
        self._index_dirty = True

    def _link_previous(self, rid: str, path: Path) -> Path | None:
        """A second name for the file about to be replaced (a hard link: no copy), committed
        as previous/<id>.json once the new file is written. Best effort: None on failure."""
        pdir = self.folder / F.PREVIOUS
        tmp = pdir / f"{TEMP_PREFIX}{rid}{TEMP_SUFFIX}"
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            try:
                os.link(path, tmp)
            except FileNotFoundError:
                pdir.mkdir(parents=True, exist_ok=True)
                os.link(path, tmp)
            except OSError:  # no hard links here (FAT32, some network shares): copy
                shutil.copyfile(path, tmp)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return None
        return tmp

    def _append_version(
        self,
        rid: str,
        name: str,
        data: dict[str, Any],
        *,
        auto: bool,
        ts: float,
        created: str,
        saved_at: str | None = None,
    ) -> str:
        """Add one version in a single write (pruning the oldest automatic ones).

        `saved_at`: when its content was saved, if earlier than `created` (a version of the
        state before a restore or an import); recovery orders the copies by it."""
        path = self._versions_path(rid)
        storage = F.AtomicJSONStorage(path)
        try:
            tables = storage.read() or {}
            F.check_version_docs(tables, path)
        except CorruptFile as e:
            entry = self._entries.get(rid)
            self._recover_versions(rid, path, e.reason, entry or {}, True, F.REPORTS)
            try:
                tables = storage.read() or {}
                F.check_version_docs(tables, path)
            except (CorruptFile, OSError):
                tables = {}
        except OSError as e:
            raise save_failed(e, path, "保存历史版本") from e
        docs = tables.setdefault(F.VERSIONS_TABLE, {})
        if auto and self.max_auto_versions > 0:
            autos = sorted((d["ts"], k) for k, d in docs.items() if d.get("auto"))
            for _ts, k in autos[: max(0, len(autos) - self.max_auto_versions + 1)]:
                del docs[k]
        vid = secrets.token_hex(4)
        next_key = max((int(k) for k in docs if k.isdigit()), default=0) + 1
        docs[str(next_key)] = {
            "id": vid,
            "name": name,
            "created": created,
            "ts": ts,
            "auto": auto,
            "report": data,
        }
        if saved_at and saved_at != created:
            docs[str(next_key)]["saved_at"] = saved_at
        try:
            storage.write(tables)
        except OSError as e:
            raise save_failed(e, path, "保存历史版本") from e
        entry = self._entries.get(rid)
        if entry is not None:
            st = F.file_stamp(path)
            entry["vst"] = list(st) if st else None
            self._index_dirty = True
        return vid

    def _new_id(self) -> str:
        while True:
            rid = secrets.token_hex(4)
            taken = rid in self._entries or rid in self._trash
            if not taken and not self._report_path(rid).exists():
                return rid

    @staticmethod
    def _validated(report: Report) -> dict[str, Any]:
        data = report_to_dict(report)
        try:
            report_from_dict(data, "报告")
        except ExchangeError as e:
            raise StoreError(f"报告内容无效，未保存：{e}") from None
        return data

    # ------------------------------------------------------------ listing

    def list_reports(self) -> list[ReportInfo]:
        """All reports (not the trash), most recently saved first."""
        with self._mutex:
            self._check_open()
            self._refresh()
            return _sorted_infos(self._entries)

    def trash(self) -> list[ReportInfo]:
        with self._mutex:
            self._check_open()
            self._refresh()
            return _sorted_infos(self._trash)

    def info(self, report_id: str) -> ReportInfo:
        with self._mutex:
            return _info(self._entry(report_id))

    def find(self, organ: str, year: int | None) -> str | None:
        """The id of the most recently saved report of that organ and year, or None."""
        with self._mutex:
            self._check_open()
            self._refresh()
            organ = organ.strip()
            hits = [
                e
                for e in self._entries.values()
                if e["organ"].strip() == organ and e["year"] == year
            ]
            if not hits:
                return None
            return max(hits, key=lambda e: (F.parse_time(e["saved_at"]), e["id"]))["id"]

    # ------------------------------------------------------------ reading

    def load(self, report_id: str) -> Report:
        with self._mutex:
            return self._read_current(report_id)[2]

    def versions(self, report_id: str) -> list[VersionInfo]:
        """The versions of a report, newest first."""
        with self._mutex:
            docs = self._version_docs(report_id)
            return [
                VersionInfo(
                    id=d["id"], name=d["name"], created=d["created"], auto=bool(d.get("auto"))
                )
                for d in reversed(docs)
            ]

    def load_version(self, report_id: str, version_id: str) -> Report:
        with self._mutex:
            for d in self._version_docs(report_id):
                if d["id"] == version_id:
                    try:
                        return report_from_dict(d["report"], f"历史版本“{d['name']}”")
                    except ExchangeError as e:
                        raise StoreError(f"这个历史版本已损坏，无法打开：{e}") from None
            raise ReportNotFound(f"找不到这个历史版本（编号 {version_id}）。")

    def _version_docs(self, rid: str) -> list[dict[str, Any]]:
        entry = self._entry(rid)
        path = self._versions_path(rid)
        try:
            return F.read_versions_file(path)
        except CorruptFile as e:
            if self._lock is None:
                raise StoreError(f"历史版本文件已损坏（{e.reason}）：{path}", path=path) from None
            self._recover_versions(rid, path, e.reason, entry, True, F.REPORTS)
            try:
                return F.read_versions_file(path)
            except (CorruptFile, OSError):
                return []
        except OSError as e:
            raise StoreError(f"无法读取历史版本（{describe_os_error(e)[0]}）：{path}") from e

    def previous_year(self, report_id: str) -> Report | None:
        """Last year's report of the same organ (for the year-over-year checks), or None."""
        with self._mutex:
            entry = self._entry(report_id)
            if entry["year"] is None:
                return None
            pid = self.find(entry["organ"], entry["year"] - 1)
            return None if pid is None else self.load(pid)

    # ------------------------------------------------------------ writing

    def create(self, report: Report, status: str = F.STATUS_DRAFT) -> str:
        """A new report; its first version ("新建时自动保存") is written with it."""
        with self._mutex:
            self._check_writable()
            return self._create(report, status, NEW_VERSION_NAME)

    def _create(self, report: Report, status: str, version_name: str) -> str:
        """The version first, then the report: the report file is never the only copy."""
        _check_status(status)
        data = self._validated(report)
        rid = self._new_id()
        now, now_s = time.time(), F.now_iso()
        h = F.content_hash(data)
        meta = {
            "id": rid,
            "status": status,
            "created": now_s,
            "saved_at": now_s,
            "hash": h,
            "version_at": now,
            "version_hash": h,
        }
        vpath = self._versions_path(rid)
        self._append_version(rid, version_name, data, auto=False, ts=now, created=now_s)
        try:
            self._write_report(rid, meta, data, report)
        except StoreError:
            with contextlib.suppress(OSError):
                vpath.unlink()
            raise
        self._entries[rid]["vst"] = _as_list(F.file_stamp(vpath))
        self._versioned.add(rid)
        self._write_index()
        return rid

    def save(self, report_id: str, report: Report) -> None:
        """The autosave path: rewrites only this report's file (one atomic write).

        Also adds an automatic version at the first change since the store was opened and
        then when the last one is `auto_version_interval` seconds old (if the content changed
        since). The replaced file is kept as previous/<id>.json (hard link). Raises StoreError on a full disk, a read-only
        folder etc.; the store on disk is then unchanged and a later save works again.
        """
        with self._mutex:
            self._check_writable()
            entry = self._entry(report_id)
            data = self._validated(report)
            h = F.content_hash(data)
            path = self._report_path(report_id)
            if h == entry["hash"] and entry["st"] == _as_list(F.file_stamp(path)):
                return  # nothing changed
            now, now_s = time.time(), F.now_iso()
            meta = _meta_of(entry)
            meta["saved_at"], meta["hash"] = now_s, h
            iv = self.auto_version_interval
            elapsed = now - entry["version_at"]  # negative: the clock was set back
            first = report_id not in self._versioned  # the first change since opening
            due = iv is not None and (first or elapsed >= iv or elapsed < 0)
            if due and h != entry["version_hash"]:
                self._append_version(
                    report_id, AUTO_VERSION_NAME, data, auto=True, ts=now, created=now_s
                )
                self._versioned.add(report_id)
                meta["version_at"], meta["version_hash"] = now, h
            self._write_report(report_id, meta, data, report)

    def save_version(self, report_id: str, name: str) -> str:
        """Keep the saved state under a name ("报送版"); returns the version id."""
        with self._mutex:
            self._check_writable()
            meta, data, _report = self._read_current(report_id)
            name = name.strip() or MANUAL_VERSION_NAME
            return self._append_version(
                report_id,
                name,
                data,
                auto=False,
                ts=time.time(),
                created=F.now_iso(),
                saved_at=meta["saved_at"],
            )

    def restore_version(self, report_id: str, version_id: str) -> Report:
        """Make a version current; the state before is kept as "恢复前自动保存" first."""
        with self._mutex:
            self._check_writable()
            target = self.load_version(report_id, version_id)
            meta, data, _current = self._read_current(report_id)
            self._append_version(
                report_id,
                RESTORE_VERSION_NAME,
                data,
                auto=False,
                ts=time.time(),
                created=F.now_iso(),
                saved_at=meta["saved_at"],
            )
            new = report_to_dict(target)
            meta["saved_at"], meta["hash"] = F.now_iso(), F.content_hash(new)
            self._write_report(report_id, meta, new, target)
            return target.copy()

    def set_status(self, report_id: str, status: str) -> None:
        with self._mutex:
            self._check_writable()
            _check_status(status)
            meta, data, report = self._read_current(report_id)
            if meta["status"] == status:
                return
            meta["status"] = status
            self._write_report(report_id, meta, data, report)

    def duplicate(self, report_id: str) -> str:
        """A copy of the report as a new draft (versions are not copied)."""
        with self._mutex:
            self._check_writable()
            return self._create(self.load(report_id), F.STATUS_DRAFT, COPY_VERSION_NAME)

    def delete(self, report_id: str) -> None:
        """Move a report (and its versions) to the trash."""
        with self._mutex:
            self._check_writable()
            entry = self._entry(report_id)
            self._move_pair(report_id, "", f"{F.TRASH}/", "删除")
            with contextlib.suppress(OSError):
                (self.folder / F.PREVIOUS / f"{report_id}.json").unlink(missing_ok=True)
            self._entries.pop(report_id, None)
            self._trash[report_id] = entry
            self._write_index()

    def restore_from_trash(self, report_id: str) -> None:
        with self._mutex:
            self._check_writable()
            if report_id not in self._trash:
                raise ReportNotFound(f"回收站中没有编号为 {report_id} 的报告。")
            entry = self._trash[report_id]
            self._move_pair(report_id, f"{F.TRASH}/", "", "从回收站恢复")
            self._trash.pop(report_id)
            self._entries[report_id] = entry
            self._write_index()

    def _move_pair(self, rid: str, src: str, dst: str, what: str) -> None:
        rsrc = self.folder / f"{src}{F.REPORTS}" / f"{rid}.json"
        rdst = self.folder / f"{dst}{F.REPORTS}" / f"{rid}.json"
        vsrc = self.folder / f"{src}{F.VERSIONS}" / f"{rid}.json"
        vdst = self.folder / f"{dst}{F.VERSIONS}" / f"{rid}.json"
        try:
            rdst.parent.mkdir(parents=True, exist_ok=True)
            vdst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(rsrc, rdst)
        except OSError as e:
            reason, advice = describe_os_error(e)
            raise StoreError(f"{what}失败：{reason}。草稿没有被改动；{advice}后再试。") from e
        # a failure here is repaired at the next start (versions follow their report)
        with contextlib.suppress(FileNotFoundError, OSError):
            os.replace(vsrc, vdst)

    def empty_trash(self) -> int:
        """Delete the reports in the trash for good; returns how many."""
        with self._mutex:
            self._check_writable()
            n = 0
            for rid in list(self._trash):
                try:
                    (self.folder / F.TRASH / F.REPORTS / f"{rid}.json").unlink(missing_ok=True)
                except OSError as e:
                    self._write_index()
                    reason, _ = describe_os_error(e)
                    raise StoreError(f"清空回收站失败：{reason}。") from e
                with contextlib.suppress(OSError):
                    (self.folder / F.TRASH / F.VERSIONS / f"{rid}.json").unlink(missing_ok=True)
                self._trash.pop(rid)
                n += 1
            self._write_index()
            return n

    def new_from_previous(self, report_id: str) -> str:
        """Next year's report of the same organ, started from this one (issue 3).

        Same organ and kind, year + 1; 上年结转 (t3.carried.*) = this year's 结转下年度
        (t3.carry_next.*); narrative (preamble, sections) and the signing organ copied as a
        starting point; title default (empty); every other cell blank.
        """
        with self._mutex:
            self._check_writable()
            src = self.load(report_id)
            if src.year is None:
                raise StoreError("这份报告没有填写年度，无法据此新建下一年度的报告。")
            existing = self.find(src.organ, src.year + 1)
            if existing is not None:
                raise StoreError(
                    f"{src.organ}{src.year + 1}年度的报告已经存在（编号 {existing}），请直接打开它。"
                )
            new = Report(
                year=src.year + 1,
                organ=src.organ,
                kind=src.kind,
                title="",
                preamble=src.preamble,
                sections=dict(src.sections),
                cells=empty_cells(),
                signature_organ=src.signature_organ,
                signature_date=None,
                template="2021",
            )
            for col in T.T3_COL_IDS:
                new.cells[T.t3_key("carried", col)] = src.cells.get(T.t3_key("carry_next", col))
            return self._create(new, F.STATUS_DRAFT, NEXT_YEAR_VERSION_NAME)

    def import_report(self, report: Report) -> tuple[str, bool]:
        """Add the report, or update the draft of the same organ and year.

        Returns (id, created). An update first keeps the previous state as the version
        "导入前自动保存", so an import never overwrites anything for good; the imported
        content is kept as the version "导入时自动保存" (also for a new report).
        """
        with self._mutex:
            self._check_writable()
            rid = self.find(report.organ, report.year)
            if rid is None:
                return self._create(report, F.STATUS_DRAFT, IMPORTED_VERSION_NAME), True
            data = self._validated(report)
            meta, old, _r = self._read_current(rid)
            h = F.content_hash(data)
            if h == F.content_hash(old):
                return rid, False
            self._append_version(
                rid,
                IMPORT_VERSION_NAME,
                old,
                auto=False,
                ts=time.time(),
                created=F.now_iso(),
                saved_at=meta["saved_at"],
            )
            now, now_s = time.time(), F.now_iso()
            # the imported content is kept as a version as well: never in one file only
            self._append_version(
                rid, IMPORTED_VERSION_NAME, data, auto=False, ts=now, created=now_s
            )
            meta["saved_at"], meta["hash"] = now_s, h
            meta["version_at"], meta["version_hash"] = now, h
            self._write_report(rid, meta, data, report)
            self._versioned.add(rid)
            return rid, False

    # ------------------------------------------------------------ backups

    def backup_now(self) -> Path:
        """Zip the whole store into backups/ now (the newest `keep_backups` are kept)."""
        with self._mutex:
            self._check_open()
            self.wait_for_backup()
            try:
                return B.write_backup(self.folder, keep=self.keep_backups)
            except OSError as e:
                reason, advice = describe_os_error(e)
                raise StoreError(f"备份失败：{reason}。草稿本身没有受影响；{advice}后再试。") from e

    def backups(self) -> list[Path]:
        """The backup zips, newest first."""
        return B.list_backups(self.folder)

    def wait_for_backup(self, timeout: float | None = None) -> None:
        """Wait for the daily backup started when the store was opened."""
        t = self._backup_thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
            if not t.is_alive():
                self._backup_thread = None

    def _background_backup(self) -> None:
        try:
            B.write_backup(self.folder, keep=self.keep_backups)
        except OSError as e:
            reason, _ = describe_os_error(e)
            self.backup_error = f"今天的自动备份没有完成：{reason}。草稿本身没有受影响。"


def _today() -> datetime:
    return datetime.now()


def _as_list(st: tuple[int, int] | None) -> list[int] | None:
    return list(st) if st else None


def _check_status(status: str) -> None:
    if status not in F.STATUSES:
        raise StoreError(f"状态应为 {'、'.join(F.STATUSES)} 之一，实际为 {status!r}。")


def _sorted_infos(entries: dict[str, dict[str, Any]]) -> list[ReportInfo]:
    order = sorted(
        entries.values(), key=lambda e: (F.parse_time(e["saved_at"]), e["id"]), reverse=True
    )
    return [_info(e) for e in order]
