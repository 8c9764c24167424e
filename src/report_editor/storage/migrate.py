"""Schema version of a store folder and the migrations between versions.

`store.json` holds `{"format": "report-editor-store", "schema": N}`. Opening a store of an
older schema runs `MIGRATIONS[N]`, `MIGRATIONS[N+1]`, … (each upgrades by one) after a zip
backup of the old folder; a store of a newer schema is opened read-only.

Schema 0 is the layout of the first prototype: one TinyDB file `drafts.json` (TinyDB's own
JSONStorage) with a table `reports` (doc = {status, created, saved_at, report}) and a table
`versions` (doc = {report_id: <doc id in reports>, name, created, auto, report}). Every
autosave rewrote all reports and histories, which is why schema 1 splits it per report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..fileutil import TEMP_PREFIX, TEMP_SUFFIX, atomic_write_bytes
from ..model.exchange import ExchangeError, report_from_dict, report_to_dict
from . import files as F
from .errors import CorruptFile, StoreError

STORE_FORMAT = "report-editor-store"
SCHEMA_VERSION = 1
V0_FILE = "drafts.json"
V0_KEPT = "drafts.json.v0-migrated"

Migration = Callable[[Path], list[str]]


def read_store_file(folder: Path) -> dict[str, Any] | None:
    """The parsed `store.json`, None when absent; raises CorruptFile when unreadable."""
    path = folder / F.STORE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    data = F.decode_json(raw, path)
    if (
        not isinstance(data, dict)
        or data.get("format") != STORE_FORMAT
        or type(data.get("schema")) is not int
        or data["schema"] < 0
    ):
        raise CorruptFile(path, "不是草稿库说明文件")
    return data


def write_store_file(folder: Path, schema: int, created: str | None = None) -> None:
    from .. import __version__

    data = {
        "format": STORE_FORMAT,
        "schema": schema,
        "created": created or F.now_iso(),
        "written_by": f"report-editor {__version__}",
    }
    atomic_write_bytes(
        folder / F.STORE_FILE, json.dumps(data, ensure_ascii=False, indent=2).encode()
    )


def detect_schema(folder: Path) -> int | None:
    """Schema of a folder without (readable) store.json; None for a new, empty store."""
    if (folder / V0_FILE).exists():
        return 0
    if (folder / F.REPORTS).is_dir() or (folder / F.TRASH).is_dir():
        return SCHEMA_VERSION
    return None


def migrate(folder: Path, from_schema: int, to_schema: int | None = None) -> list[str]:
    """Run the migrations from `from_schema` up to `to_schema`; returns Chinese notes."""
    to_schema = SCHEMA_VERSION if to_schema is None else to_schema
    notes: list[str] = []
    backup = _pre_migration_backup(folder, from_schema)
    for v in range(from_schema, to_schema):
        step = MIGRATIONS.get(v)
        if step is None:
            raise StoreError(f"无法把草稿库从格式版本 {v} 升级到 {v + 1}：本程序不认识这个版本。")
        notes.extend(step(folder))
    notes.append(
        f"草稿库已从格式版本 {from_schema} 升级到 {to_schema}；升级前的完整备份：{backup}。"
    )
    return notes


def _pre_migration_backup(folder: Path, schema: int) -> Path:
    """Everything of the old folder (except backups) in `backups/pre-migration-…zip`."""
    bdir = folder / F.BACKUPS
    bdir.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = bdir / f"pre-migration-v{schema}-{stamp}.zip"
    tmp = bdir / f"{TEMP_PREFIX}{target.name}{TEMP_SUFFIX}"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for root, dirs, names in os.walk(folder):
            rel_root = Path(root).relative_to(folder)
            if rel_root.parts[:1] in ((F.BACKUPS,), (F.DAMAGED,)):
                dirs[:] = []
                continue
            for name in names:
                if name in (F.LOCK_FILE, F.LOCK_INFO_FILE) or F.is_temp_name(name):
                    continue
                with contextlib.suppress(OSError):
                    z.write(Path(root) / name, (rel_root / name).as_posix())
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return target


# ---------------------------------------------------------------- 0 -> 1


def v0_report_id(doc_id: str) -> str:
    """Deterministic, so that a migration interrupted and run again does not duplicate."""
    return hashlib.sha1(f"v0:{doc_id}".encode()).hexdigest()[:8]


def _migrate_v0_to_v1(folder: Path) -> list[str]:
    src = folder / V0_FILE
    try:
        tables = F.decode_tables(src.read_bytes(), src)
    except CorruptFile as e:
        moved = F.move_aside(folder, src)
        return [
            f"旧版草稿文件 {V0_FILE} 已损坏（{e.reason}），已移到 {moved}，其中的草稿无法升级。"
        ]
    (folder / F.REPORTS).mkdir(exist_ok=True)
    (folder / F.VERSIONS).mkdir(exist_ok=True)
    notes: list[str] = []
    ids: dict[str, str] = {}
    for doc_id, doc in tables.get("reports", {}).items():
        rid = v0_report_id(doc_id)
        try:
            report = report_from_dict(doc.get("report"), f"{V0_FILE} 第 {doc_id} 份报告")
        except ExchangeError as e:
            notes.append(f"旧版草稿库中的一份报告无法读取，未升级（原文件仍保留）：{e}")
            continue
        data = report_to_dict(report)
        status = doc.get("status")
        meta = {
            "id": rid,
            "status": status if status in F.STATUSES else F.STATUS_DRAFT,
            "created": doc.get("created") if isinstance(doc.get("created"), str) else "",
            "saved_at": doc.get("saved_at") if isinstance(doc.get("saved_at"), str) else "",
            "hash": F.content_hash(data),
            "version_at": 0.0,
            "version_hash": "",
        }
        F.write_report_file(folder / F.REPORTS / f"{rid}.json", meta, data)
        ids[str(doc_id)] = rid
    per_report: dict[str, dict[str, Any]] = {}
    n_versions = 0
    for doc in tables.get("versions", {}).values():
        rid = ids.get(str(doc.get("report_id")))
        if rid is None:
            continue
        try:
            data = report_to_dict(report_from_dict(doc.get("report"), V0_FILE))
        except ExchangeError:
            continue
        created = doc.get("created") if isinstance(doc.get("created"), str) else ""
        docs = per_report.setdefault(rid, {})
        docs[str(len(docs) + 1)] = {
            "id": secrets.token_hex(4),
            "name": str(doc.get("name") or "自动保存"),
            "created": created,
            "ts": F.parse_time(created),
            "auto": bool(doc.get("auto")),
            "report": data,
        }
        n_versions += 1
    for rid, docs in per_report.items():
        F.AtomicJSONStorage(folder / F.VERSIONS / f"{rid}.json").write({F.VERSIONS_TABLE: docs})
    os.replace(src, folder / V0_KEPT)
    notes.append(
        f"已把旧版草稿库（{len(ids)} 份报告、{n_versions} 个历史版本）转换为新格式；"
        f"旧文件保留为 {folder / V0_KEPT}。"
    )
    return notes


MIGRATIONS: dict[int, Migration] = {0: _migrate_v0_to_v1}
