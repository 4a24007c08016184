"""Aliases saved in the console: units.yaml's directory plus the names an admin taught it.

The review screen can save an unknown name (人数处, OCR-broken 保) as an alias of a directory
unit; every import, re-import and preview with a store then reads documents with
units.yaml plus these aliases (`reading_directory_of`), while `extract` without a database
reads with units.yaml alone. The store is the one source of truth: `config export` writes
the aliases into units.yaml and `config apply` of a units.yaml without one lists its removal
as a change to confirm. An alias never overrides units.yaml: one whose unit has left the
file, or whose text the file now gives another unit, is left out and said so.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.names import name_key
from bot.store.console_models import DirectoryAlias
from bot.units.directory import Directory, reading_directory

SAVE_LABEL = "同时保存为该单位的简称（今后导入的文档也按此识别）"


def active_aliases(session: Session) -> list[DirectoryAlias]:
    return list(session.scalars(select(DirectoryAlias).where(DirectoryAlias.removed_at.is_(None))
                                .order_by(DirectoryAlias.id)))


def unusable(directory: Directory, row: DirectoryAlias) -> str | None:
    """Why units.yaml leaves no room for `row` now; None when it may join the directory."""
    unit = directory.lookup(row.unit)
    if unit is None or unit.entry.is_group or unit.entry.name != row.unit:
        return f"控制台添加的简称「{row.alias}」所属的单位「{row.unit}」已不在单位目录 {directory.source} 中，该简称未使用"
    taken = directory.lookup(row.alias)
    if taken is not None and taken.entry != unit.entry:
        return (f"控制台添加的简称「{row.alias}」（{row.unit}）在单位目录 {directory.source} 中属于「{taken.entry.name}」，"
                "以单位目录为准，该简称未使用")
    return None


def with_aliases(directory: Directory, rows: list[DirectoryAlias]) -> tuple[Directory, list[str]]:
    """`directory` plus the rows it leaves room for, and a note for each it does not."""
    notes, usable = [], []
    for row in rows:
        note = unusable(directory, row)
        if note:
            notes.append(note)
        elif directory.lookup(row.alias) is None:  # else units.yaml already has it (exported)
            usable.append((row.alias, row.unit))
    return (directory.with_aliases(usable) if usable else directory), notes


def reading_directory_of(session: Session, path: str | Path | None = None) -> tuple[Directory, str | None, list[str]]:
    """`reading_directory(path)` plus the console's aliases: the directory of every import and
    every name lookup (bot.plan.lookup, contacts set) with a store, its note, and a note for
    each alias left out."""
    directory, note = reading_directory(path)
    directory, unused = with_aliases(directory, active_aliases(session))
    return directory, note, unused


def save_alias(session: Session, name: str, units: list[str], *, actor: str, now: datetime) -> DirectoryAlias:
    """Save `name` as an alias of the one directory unit in `units`; a clash is a DubanError
    that says which unit already owns the name and what to do instead."""
    directory = reading_directory_of(session)[0]
    key = name_key(name)
    if not key:
        raise DubanError("简称不能为空")
    if len(units) != 1:
        raise DubanError("简称只能对应一个单位：请只选一个单位，或不勾选「" + SAVE_LABEL + "」。")
    unit = directory.lookup(units[0])
    if unit is None or unit.entry.is_group:
        raise DubanError(f"「{units[0]}」不是单位目录 {directory.source} 中的单位，简称只能保存给目录中的单位；"
                         "请选择目录中的单位，或先在 units.yaml 中添加该单位。")
    taken = directory.lookup(key)
    if taken is not None:
        owner = taken.entry.name
        if taken.entry == unit.entry:
            raise DubanError(f"「{name}」已是「{owner}」的名称或简称，无需再保存。")
        raise DubanError(f"「{name}」已是「{owner}」的名称或简称，不能再作为「{unit.entry.name}」的简称。"
                         f"如果原文指的就是「{owner}」，请选择它；否则先在“单位与联系方式”页删除该简称或修改 units.yaml。")
    row = DirectoryAlias(alias=key, unit=unit.entry.name, created_by=actor, created_at=now)
    session.add(row)
    session.flush()
    return row


def remove_alias(row: DirectoryAlias, *, actor: str, now: datetime) -> None:
    """Retire an alias (the row stays, with who removed it and when)."""
    row.removed_at, row.removed_by = now, actor
