"""User-facing errors: Chinese text saying what went wrong, where, and how to fix it.

A plain exception, free of any framework: the CLI maps it (and the other failures it
knows) to `错误: <message>` and an exit code in one place, bot/cli/failures.py.
"""
from __future__ import annotations

import errno

BAD_INPUT, FAILURE = 2, 1  # exit codes: 2 bad input or usage, 1 problems found or runtime failure


class DubanError(Exception):
    """An error the user can act on; `exit_code` is 2 (bad input) unless the caller says 1."""

    def __init__(self, message: str, exit_code: int = BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


OS_REASONS = {
    errno.ENOENT: "不存在（请检查路径，目录须已存在）",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "是一个目录，应为文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EEXIST: "已存在",
    errno.EROFS: "位于只读文件系统上",
    errno.ENOSPC: "磁盘已满",
    errno.ENAMETOOLONG: "路径过长",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's English text for the rare rest)."""
    return OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
