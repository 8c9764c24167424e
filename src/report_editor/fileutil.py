"""Crash-safe file writing: temp file in the same folder, flush, fsync, os.replace."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path

TEMP_PREFIX = ".~re-"
TEMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path, data: bytes, *, retry_seconds: float = 2.0) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    On Windows `os.replace` fails while another process (an antivirus scanner, a second
    window) holds the target open; retry for a short while before giving up.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:  # owns fd from here: closed whatever happens
            _match_mode(tmp, path)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        deadline = time.monotonic() + retry_seconds
        while True:
            try:
                os.replace(tmp, path)
                break
            except PermissionError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _match_mode(tmp: str, target: Path) -> None:
    """mkstemp makes 0600 files; give the new file the target's mode or the umask default."""
    if os.name != "posix":
        return
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):  # best effort: FAT/SMB mounts refuse chmod
        os.chmod(tmp, mode)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temp files left by a crash during an atomic write."""
    removed = []
    for p in Path(folder).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EIO: "磁盘读写出错（U 盘或网络盘可能已断开）",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "已有同名文件",
}


def os_error_reason(e: OSError) -> str:
    """A Chinese phrase for an OSError (its `strerror` follows the C locale, often English)."""
    if e.errno in _OS_REASONS:
        return _OS_REASONS[e.errno]
    if isinstance(e, PermissionError):
        return _OS_REASONS[errno.EACCES]
    return f"系统错误 {e.errno}" if e.errno else "系统错误"
