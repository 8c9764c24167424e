"""The store's files on disk: the TinyDB storage class, the folder layout, file readers.

Layout of a store folder (schema 1)::

    store.json                 {"format": "report-editor-store", "schema": 1, ...}
    index.json                 cache of every report's metadata (rebuilt from the files)
    store.lock                 OS lock (filelock); store.lock.json: who holds it
    reports/<id>.json          TinyDB, table "draft", doc 1 = {"meta": {...}, "report": {...}}
    versions/<id>.json         TinyDB, table "versions", one doc per version; the first one is
                               written with the report ("新建时自动保存" etc.)
    previous/<id>.json         the report file as it was before the last save (a hard link to
                               the replaced file, so keeping it costs no copy); for recovery
    trash/reports/<id>.json    deleted reports (same format), trash/versions/<id>.json
    backups/store-YYYYMMDD-HHMMSS.zip   whole-store backups (last N kept)
    damaged/                   unreadable files moved aside (never deleted)

An autosave rewrites only `reports/<id>.json` (about the size of one exchange file) and
re-links `previous/<id>.json`, so its cost does not depend on how many reports or versions
the store holds. A report therefore always has at least two copies: its file and a version,
and after its first save also the previous state.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from ..fileutil import TEMP_PREFIX, TEMP_SUFFIX, atomic_write_bytes
from ..model.exchange import ExchangeError, report_from_dict
from ..model.report import Report
from .errors import CorruptFile

STORE_FILE = "store.json"
INDEX_FILE = "index.json"
LOCK_FILE = "store.lock"
LOCK_INFO_FILE = "store.lock.json"
REPORTS = "reports"
VERSIONS = "versions"
PREVIOUS = "previous"
TRASH = "trash"
BACKUPS = "backups"
DAMAGED = "damaged"

DRAFT_TABLE = "draft"
VERSIONS_TABLE = "versions"

STATUS_DRAFT = "草稿"
STATUS_CHECKED = "已校验"
STATUS_SUBMITTED = "已报送"
STATUSES = (STATUS_DRAFT, STATUS_CHECKED, STATUS_SUBMITTED)


def encode(data: Any) -> bytes:
    """UTF-8 JSON, Chinese unescaped (never the locale's code page)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_json(raw: bytes, path: Path) -> Any:
    if not raw:
        raise CorruptFile(path, "文件为空")
    if not raw.strip(b" \t\r\n\x00"):
        raise CorruptFile(path, "文件内容全是空白")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptFile(path, "内容不是 UTF-8 文本（可能已被其他数据覆盖）") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise CorruptFile(path, "内容不完整或不是有效的 JSON（可能写到一半被中断）") from None


def decode_tables(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    data = decode_json(raw, path)
    if not isinstance(data, dict) or not all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    ):
        raise CorruptFile(path, "内容结构不对，不是草稿库的数据文件")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: UTF-8 JSON, each write to a temp file + fsync + os.replace.

    TinyDB's own JSONStorage writes in place (a crash can leave half a file) and uses the
    locale encoding; this one never holds a file open between calls, so antivirus scanners
    and a second reading process are never blocked for long.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False):
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return decode_tables(raw, self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise PermissionError(13, "草稿库以只读方式打开", str(self.path))
        atomic_write_bytes(self.path, encode(data))


def open_db(path: Path, *, read_only: bool = False) -> TinyDB:
    return TinyDB(path, storage=AtomicJSONStorage, read_only=read_only)


# ---------------------------------------------------------------- report files


def write_report_file(path: Path, meta: dict[str, Any], report: dict[str, Any]) -> None:
    """One write replaces the whole document (metadata and content together, never a mix)."""
    AtomicJSONStorage(path).write({DRAFT_TABLE: {"1": {"meta": meta, "report": report}}})


def report_file_bytes(meta: dict[str, Any], report: dict[str, Any]) -> bytes:
    return encode({DRAFT_TABLE: {"1": {"meta": meta, "report": report}}})


def check_report_doc(doc: Any, path: Path) -> tuple[dict[str, Any], dict[str, Any], Report]:
    """Validate a draft document; returns (meta, report dict, Report)."""
    if not isinstance(doc, dict):
        raise CorruptFile(path, "文件中没有草稿数据")
    meta, data = doc.get("meta"), doc.get("report")
    if not isinstance(meta, dict) or not isinstance(data, dict):
        raise CorruptFile(path, "草稿数据不完整")
    try:
        report = report_from_dict(data, str(path))
    except ExchangeError as e:
        raise CorruptFile(path, f"报告内容无效：{e}") from None
    meta = dict(meta)
    if meta.get("status") not in STATUSES:
        meta["status"] = STATUS_DRAFT
    for key in ("created", "saved_at"):
        if not isinstance(meta.get(key), str):
            meta[key] = ""
    return meta, data, report


def read_report_file(
    path: Path, *, read_only: bool = True
) -> tuple[dict[str, Any], dict[str, Any], Report]:
    """Read and validate `reports/<id>.json`; raises CorruptFile, FileNotFoundError."""
    if not path.exists():
        raise FileNotFoundError(path)
    db = open_db(path, read_only=read_only)
    return check_report_doc(db.table(DRAFT_TABLE).get(doc_id=1), path)


def report_from_bytes(raw: bytes, path: Path) -> tuple[dict[str, Any], dict[str, Any], Report]:
    tables = decode_tables(raw, path)
    return check_report_doc(tables.get(DRAFT_TABLE, {}).get("1"), path)


# ---------------------------------------------------------------- versions files


def check_version_docs(tables: dict[str, dict[str, Any]], path: Path) -> list[dict[str, Any]]:
    """The version documents of a versions file (light check: metadata, not content)."""
    docs = []
    for doc in tables.get(VERSIONS_TABLE, {}).values():
        if not (
            isinstance(doc.get("id"), str)
            and isinstance(doc.get("name"), str)
            and isinstance(doc.get("created"), str)
            and isinstance(doc.get("ts"), int | float)
            and isinstance(doc.get("report"), dict)
        ):
            raise CorruptFile(path, "历史版本数据不完整")
        docs.append(doc)
    return docs


def read_versions_file(path: Path) -> list[dict[str, Any]]:
    """All version docs of `versions/<id>.json`, oldest first ([] when absent)."""
    tables = AtomicJSONStorage(path, read_only=True).read()
    if tables is None:
        return []
    return sorted(check_version_docs(tables, path), key=lambda d: d["ts"])


def versions_from_bytes(raw: bytes, path: Path) -> list[dict[str, Any]]:
    return sorted(check_version_docs(decode_tables(raw, path), path), key=lambda d: d["ts"])


# ---------------------------------------------------------------- folder scanning


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def scan_json(folder: Path) -> dict[str, tuple[int, int]]:
    """id -> (mtime_ns, size) of every `<id>.json` in a folder (temp files skipped)."""
    out: dict[str, tuple[int, int]] = {}
    try:
        it = os.scandir(folder)
    except FileNotFoundError:
        return out
    with it:
        for entry in it:
            name = entry.name
            if not name.endswith(".json") or is_temp_name(name) or name.startswith("."):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue
            out[name[:-5]] = (st.st_mtime_ns, st.st_size)
    return out


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


# ---------------------------------------------------------------- helpers


def content_hash(report: dict[str, Any]) -> str:
    raw = json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def move_aside(folder: Path, path: Path) -> Path:
    """Move an unreadable file to `damaged/` (kept, never deleted); returns the new path."""
    dest_dir = folder / DAMAGED
    dest_dir.mkdir(exist_ok=True)
    try:
        rel = path.relative_to(folder).as_posix().replace("/", "-")
    except ValueError:
        rel = path.name
    stem, dot, ext = rel.rpartition(".")
    if not dot:
        stem, ext = rel, "bin"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = dest_dir / f"{stem}.{stamp}.{ext}"
    n = 1
    while dest.exists():
        n += 1
        dest = dest_dir / f"{stem}.{stamp}-{n}.{ext}"
    os.replace(path, dest)
    return dest


def parse_time(iso: str) -> float:
    """Epoch seconds of an ISO time string (0 when unreadable)."""
    try:
        dt = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return 0.0
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.timestamp()


def human_time(iso: str) -> str:
    """'2026-12-01T08:50:12.123+08:00' -> '2026-12-01 08:50' (local time)."""
    try:
        dt = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "未知时间"
    if dt.tzinfo is not None:
        dt = dt.astimezone()
    return dt.strftime("%Y-%m-%d %H:%M")


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")
