"""The `.env` file: secrets and settings for a process started outside docker-compose.

Read once at start-up with python-dotenv, from the working directory or `--env-file`;
a variable already in the environment wins over the file. Error texts name the file
that was (or would be) read, so "set WECOM_KEY_X" says where.
"""
from __future__ import annotations

from pathlib import Path

from dotenv import load_dotenv

from bot.errors import DubanError

DEFAULT = Path(".env")
_loaded: Path | None = None


def load(path: str | Path | None = None) -> Path | None:
    """Load `path` (must exist) or ./.env (if present); returns the file read, if any."""
    global _loaded
    chosen = Path(path) if path else DEFAULT
    if not chosen.is_file():
        if path:
            raise DubanError(f"--env-file {path}: 文件不存在或不是普通文件。请检查路径，或去掉该选项以读取当前目录的 .env。")
        return None
    try:
        load_dotenv(chosen, override=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DubanError(f"无法读取环境变量文件 {chosen}: {exc}。请检查文件权限，并以 UTF-8 保存。") from exc
    _loaded = chosen.resolve()
    return _loaded


def where_to_set(*names: str) -> str:
    """'请在 …' naming the .env actually read (or the one that would be), for error texts."""
    target = _loaded or DEFAULT.resolve()
    wanted = "、".join(f"{name}=…" for name in names)
    return (f"请在 {target}（或 --env-file 指定的文件；docker-compose 部署时是项目目录中的 .env，改后运行 docker-compose up -d）"
            f"中写上 {wanted}，或在启动服务的环境中设置（环境变量优先于文件）")
