"""Where an office's configuration lives: `--config-dir`, else $DUBAN_CONFIG_DIR, else ./config.

The office keeps its own folder (written by `python -m bot init DIR`), outside the code,
so upgrades never touch it. Nothing here falls back to the examples shipped with Duban:
a folder or file that is not there is an error that names it and says how to make it.
"""
from __future__ import annotations

import os
from pathlib import Path

from bot.errors import DubanError

ENV_DIR = "DUBAN_CONFIG_DIR"
UNITS_ENV = "DUBAN_UNITS"
DEFAULT_DIR = "config"  # relative to the working directory
SETTINGS, CONTACTS, UNITS = "settings.yaml", "contacts.yaml", "units.yaml"
FILES = (SETTINGS, CONTACTS, UNITS)


def config_dir(option: str | Path | None = None) -> Path:
    return Path(option or os.environ.get(ENV_DIR) or DEFAULT_DIR)


def describe(folder: Path) -> str:
    """How the folder was chosen, for messages: an admin who typed a wrong path must see it."""
    if os.environ.get(ENV_DIR) and Path(os.environ[ENV_DIR]) == folder:
        return f"配置目录 {folder}（来自环境变量 {ENV_DIR}）"
    if str(folder) == DEFAULT_DIR:
        return f"配置目录 {Path.cwd() / folder}（默认：当前目录下的 config/）"
    return f"配置目录 {folder}"


def missing_dir(folder: Path) -> str:
    return (f"{describe(folder)} 不存在。请检查路径（--config-dir 或 {ENV_DIR}），"
            f"或运行 python -m bot init {folder} 生成一份带注释的示例配置。")


def missing_file(folder: Path, name: str) -> str:
    return (f"{describe(folder)} 中没有 {name}。请把该文件放回原处，"
            f"或运行 python -m bot init 新目录 生成示例后复制其中的 {name}。")


def require_dir(folder: Path) -> Path:
    if not folder.is_dir():
        raise DubanError(missing_dir(folder))
    return folder


def require_file(folder: Path, name: str) -> Path:
    """`folder/name`, which must exist (the folder is checked first, so a typo names the folder)."""
    path = require_dir(folder) / name
    if not path.is_file():
        raise DubanError(missing_file(folder, name))
    return path


def units_file(option: str | Path | None = None) -> Path:
    """The unit directory in use: units.yaml of a folder named by option, else $DUBAN_UNITS,
    else units.yaml of the config folder."""
    if option:
        return Path(option) / UNITS
    return Path(os.environ.get(UNITS_ENV) or config_dir() / UNITS)
