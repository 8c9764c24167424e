"""The store's exceptions; every message is Chinese and meant for the user."""

from __future__ import annotations

import errno
from pathlib import Path

from ..fileutil import os_error_reason


class StoreError(Exception):
    """A store operation failed; `str(e)` is a complete Chinese sentence for the user."""

    def __init__(self, message: str, *, path: Path | None = None, errno_: int | None = None):
        super().__init__(message)
        self.path = path
        self.errno = errno_


class StoreLocked(StoreError):
    """The store is opened read-only (another window holds it, or read-only was asked)."""


class ReportNotFound(StoreError):
    """No report (or version) with that id."""


class CorruptFile(Exception):
    """A store file cannot be read; `reason` is a short Chinese phrase ("文件为空")."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def describe_os_error(e: OSError) -> tuple[str, str]:
    """(what happened, what the user can do) for an OSError, in Chinese."""
    if e.errno in _FULL:
        return "磁盘空间已满", "腾出磁盘空间"
    if isinstance(e, PermissionError) or e.errno in _DENIED:
        return (
            "文件夹只读或没有写入权限（也可能正被杀毒软件等程序占用）",
            "恢复该文件夹的写入权限",
        )
    return os_error_reason(e), "排除上述问题"


def save_failed(e: OSError, path: Path, what: str = "保存") -> StoreError:
    reason, advice = describe_os_error(e)
    return StoreError(
        f"{what}失败：{reason}（{path}）。报告内容仍在程序中，没有丢失，"
        f"草稿库里已有的内容也没有被改动；{advice}后再保存即可。",
        path=path,
        errno_=e.errno,
    )
