"""Whole-store zip backups: one a day (plus on demand), the newest N kept."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..fileutil import TEMP_PREFIX, TEMP_SUFFIX
from . import files as F

BACKUP_RE = re.compile(r"^store-(\d{8})-(\d{6})\.zip$")
DEFAULT_KEEP = 10

# what a backup holds, relative to the store folder
_BACKED_UP_DIRS = (
    F.REPORTS,
    F.VERSIONS,
    f"{F.TRASH}/{F.REPORTS}",
    f"{F.TRASH}/{F.VERSIONS}",
)


def backup_name(when: datetime) -> str:
    return f"store-{when:%Y%m%d-%H%M%S}.zip"


def backup_time(path: Path) -> datetime | None:
    m = BACKUP_RE.match(path.name)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def list_backups(folder: Path) -> list[Path]:
    """Backups of the store in `folder`, newest first."""
    d = folder / F.BACKUPS
    try:
        names = [p for p in d.iterdir() if BACKUP_RE.match(p.name)]
    except OSError:
        return []
    return sorted(names, key=lambda p: p.name, reverse=True)


def has_backup_of_day(folder: Path, day: datetime) -> bool:
    prefix = f"store-{day:%Y%m%d}-"
    return any(p.name.startswith(prefix) for p in list_backups(folder))


def _members(folder: Path) -> Iterator[str]:
    yield F.STORE_FILE
    for sub in _BACKED_UP_DIRS:
        try:
            names = sorted(os.listdir(folder / sub))
        except OSError:
            continue
        for name in names:
            if name.endswith(".json") and not F.is_temp_name(name):
                yield f"{sub}/{name}"


def write_backup(folder: Path, when: datetime | None = None, *, keep: int = DEFAULT_KEEP) -> Path:
    """Zip the whole store into `backups/` (temp file + fsync + replace), then rotate."""
    when = when or datetime.now()
    bdir = folder / F.BACKUPS
    bdir.mkdir(exist_ok=True)
    target = bdir / backup_name(when)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=bdir)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
                for rel in _members(folder):
                    try:
                        data = (folder / rel).read_bytes()
                    except FileNotFoundError:  # deleted meanwhile
                        continue
                    z.writestr(rel, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        fsync_dir(bdir)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    rotate(folder, keep)
    return target


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def rotate(folder: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups; returns the deleted ones."""
    removed = []
    for p in list_backups(folder)[max(keep, 1) :]:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def read_member(zip_path: Path, rel: str) -> bytes | None:
    """One file of a backup, or None when absent or the zip is unreadable."""
    try:
        with zipfile.ZipFile(zip_path) as z:
            return z.read(rel)
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
