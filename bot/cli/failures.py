"""The CLI's one exception map: what the user did or met → `错误: …` and an exit code.

Exit codes: 0 ok; 1 problems found or a runtime failure (database down, disk full, a
concurrent write); 2 bad input or usage. Everything not listed here is a bug and keeps
its traceback.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass

from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError

from bot.errors import BAD_INPUT, FAILURE, DubanError, os_reason

RUNTIME_ERRNOS = {errno.ENOSPC}


@dataclass(frozen=True)
class Failure:
    message: str
    exit_code: int


def _os(exc: OSError) -> Failure:
    reason = os_reason(exc)
    where = f"{exc.filename}" if exc.filename is not None else "文件"
    code = FAILURE if exc.errno in RUNTIME_ERRNOS else BAD_INPUT
    return Failure(f"无法读写 {where}：{reason}。", code)


def _database(exc: SQLAlchemyError) -> Failure:
    from bot.store.db import first_line

    detail = first_line(exc)
    lowered = detail.lower()
    if isinstance(exc, IntegrityError):
        return Failure("数据库拒绝了与已有数据冲突的写入，通常是另一个命令同时写入了相同的数据（例如两个导入同时进行）。"
                       "本次操作已全部撤销、没有写入任何内容；请稍后重新运行本命令。", FAILURE)
    if "disk is full" in lowered or "no space left" in lowered:
        return Failure("数据库所在磁盘已满，本次操作已撤销、没有写入任何内容。请清理磁盘空间后重试。", FAILURE)
    if "readonly" in lowered or "read-only" in lowered:
        return Failure("数据库是只读的（文件或目录不可写），本次操作已撤销。请检查文件权限或挂载方式。", BAD_INPUT)
    if "not a database" in lowered or "malformed" in lowered:
        return Failure("数据库文件已损坏或不是 SQLite 数据库，本次操作已撤销。请从备份恢复，或检查 DUBAN_DATABASE_URL。", BAD_INPUT)
    if isinstance(exc, OperationalError):
        return Failure(f"数据库不可用（{detail}），本次操作已撤销。请确认数据库正在运行后重试。", FAILURE)
    if isinstance(exc, DatabaseError):
        return Failure(f"数据库拒绝了本次操作（{detail}），已全部撤销。", BAD_INPUT)
    return Failure(f"数据库出错（{type(exc).__name__}），本次操作已撤销。", FAILURE)


def describe(exc: BaseException) -> Failure | None:
    """The user-facing failure for `exc`, or None when it is a bug (let it show a traceback)."""
    if isinstance(exc, DubanError):
        return Failure(exc.message, exc.exit_code)
    if isinstance(exc, SQLAlchemyError):
        return _database(exc)
    if isinstance(exc, OSError):
        return _os(exc)
    if isinstance(exc, OverflowError):
        return Failure("输入的数值或日期超出可处理的范围（例如编号过大、日期太远）。请检查命令中的编号和日期。", BAD_INPUT)
    if isinstance(exc, UnicodeError):
        return Failure("输入不是有效的 UTF-8 文本。请把文件另存为 UTF-8 后再试。", BAD_INPUT)
    return None
