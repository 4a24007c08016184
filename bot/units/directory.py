"""The unit directory: which written names mean which responsible units.

Loaded from units.yaml of the office's config folder (edited by the admin), never from
the examples shipped with Duban. Every name and alias maps to exactly one entry, so a
lookup never has to guess; the loader refuses a directory that would make it guess
(duplicates, groups naming units that do not exist). Callers that know their folder pass
the path; `load_directory()` without one resolves it the way every command does.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.config.paths import DEFAULT_DIR, ENV_DIR, UNITS_ENV, units_file
from bot.config.yamlfile import parse_yaml, read_text
from bot.errors import DubanError
from bot.names import name_key

CANONICAL, ALIAS, GROUP = "canonical", "alias", "group"
_UNIT_KEYS = {"name", "aliases", "contacts"}
_GROUP_KEYS = {"name", "aliases", "members", "choose"}


@dataclass(frozen=True)
class Entry:
    """A unit, or a group of units (`members`); `choose` groups need the admin to pick members."""

    name: str
    members: tuple[str, ...] = ()
    choose: bool = False

    @property
    def is_group(self) -> bool:
        return bool(self.members) or self.choose


@dataclass(frozen=True)
class Match:
    entry: Entry
    how: str  # canonical / alias / group


class Directory:
    def __init__(self, entries: list[tuple[Entry, list[str]]], source: str = ""):
        self.source = source
        self._entries = entries
        self._by_key: dict[str, Match] = {}
        for entry, aliases in entries:
            self._add(entry.name, Match(entry, GROUP if entry.is_group else CANONICAL))
            for alias in aliases:
                self._add(alias, Match(entry, GROUP if entry.is_group else ALIAS))
        units = {m.entry.name for m in self._by_key.values() if not m.entry.is_group}
        for entry, _ in entries:
            for member in entry.members:
                if member not in units:
                    raise DubanError(f"单位目录 {source}: 组「{entry.name}」的成员「{member}」不在 units 列表中；请先在 units 里添加该单位")

    def _add(self, name: str, match: Match) -> None:
        key = name_key(name)
        if not key:
            raise DubanError(f"单位目录 {self.source}: 「{match.entry.name}」有空的名称或别名")
        if key in self._by_key and self._by_key[key].entry != match.entry:
            other = self._by_key[key].entry.name
            raise DubanError(f"单位目录 {self.source}: 名称「{name}」同时属于「{other}」和「{match.entry.name}」；一个写法只能对应一个单位")
        self._by_key.setdefault(key, match)

    def with_aliases(self, aliases: list[tuple[str, str]]) -> Directory:
        """A copy that also knows each (alias, unit) pair; the caller has checked that every
        unit is one of this directory's and no alias names another entry."""
        extra: dict[str, list[str]] = {}
        for alias, unit in aliases:
            extra.setdefault(unit, []).append(alias)
        return Directory([(e, [*a, *extra.get(e.name, [])] if not e.is_group else a) for e, a in self._entries],
                         self.source)

    def lookup(self, name: str) -> Match | None:
        return self._by_key.get(name_key(name))

    def unit_named(self, name: str) -> str | None:
        """The standard name of the one unit `name` (a name or alias) means; None when the
        directory does not know it; a group is a DubanError (it is several units)."""
        match = self.lookup(name)
        if match is None:
            return None
        if match.entry.is_group:
            members = "、".join(match.entry.members[:5]) + ("等" if len(match.entry.members) > 5 else "")
            raise DubanError(f"「{name}」是一组单位（{members}），不是一个单位：请为组内各单位分别指定。")
        return match.entry.name

    def units(self) -> list[str]:
        """The standard names of the units (not groups), in the directory's order."""
        return list(dict.fromkeys(m.entry.name for m in self._by_key.values() if not m.entry.is_group))

    def keys(self) -> list[str]:
        """Every name and alias in compare form, longest first (repairs try long names first)."""
        return sorted(self._by_key, key=len, reverse=True)

    def spellings(self, entry: Entry) -> list[str]:
        """The entry's name and aliases, in compare form."""
        return [k for k, m in self._by_key.items() if m.entry == entry]

    def expand(self, entry: Entry) -> tuple[str, ...]:
        """The units an entry stands for; a group still to be chosen stays as its own name."""
        if entry.choose or not entry.members:
            return (entry.name,)
        return entry.members


def _entries(items, allowed: set[str], section: str, source: str) -> list[tuple[Entry, list[str]]]:
    out = []
    for i, item in enumerate(items or [], 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise DubanError(f"单位目录 {source}: {section} 第 {i} 项缺少 name（标准名称）")
        extra = set(item) - allowed
        if extra:
            raise DubanError(f"单位目录 {source}: {section}「{item['name']}」有不认识的字段 {sorted(extra)}；可用字段：{sorted(allowed)}")
        aliases = item.get("aliases") or []
        members = item.get("members") or []
        if not isinstance(aliases, list) or not isinstance(members, list):
            raise DubanError(f"单位目录 {source}: 「{item['name']}」的 aliases / members 必须是列表")
        if section == "groups" and not members:
            raise DubanError(f"单位目录 {source}: 组「{item['name']}」没有 members")
        entry = Entry(item["name"].strip(), tuple(str(m).strip() for m in members), bool(item.get("choose")))
        out.append((entry, [str(a) for a in aliases]))
    return out


def parse_directory(text: str, source: str = "<text>") -> Directory:
    try:
        data = parse_yaml(text, source) or {}
    except DubanError as exc:
        raise DubanError(f"单位目录不是有效的 YAML：{exc.message}") from None
    if not isinstance(data, dict):
        raise DubanError(f"单位目录 {source}: 顶层应为含 units / groups 的映射")
    units = _entries(data.get("units"), _UNIT_KEYS, "units", source)
    groups = _entries(data.get("groups"), _GROUP_KEYS, "groups", source)
    return Directory(units + groups, source)


def load_directory(path: str | Path | None = None) -> Directory:
    """The directory at `path`, else $DUBAN_UNITS, else units.yaml of the config folder.

    A folder without units.yaml is an error: falling back to the directory shipped with
    Duban would route an office's reminders by another office's units.
    """
    path = Path(path) if path else units_file()
    if not path.exists():
        source = f"（环境变量 {UNITS_ENV}）" if os.environ.get(UNITS_ENV) == str(path) else ""
        how = ("请把 units.yaml 放回，或运行 python -m bot init 新目录 后复制其中的示例" if path.parent.is_dir()
               else f"请检查路径，或运行 python -m bot init {path.parent} 生成一份带注释的示例配置")
        raise DubanError(f"找不到单位目录 {path}{source}：{how}，再按本单位修改。")
    return _parsed(read_text(path), str(path))


NO_DIRECTORY = ("未配置单位目录（当前目录下没有 config/，也未设置 DUBAN_CONFIG_DIR 或 DUBAN_UNITS），"
                "责任单位按原文保留、未做简称和分组换算；运行 python -m bot init config 生成本单位的配置目录后即可换算")


def reading_directory(path: str | Path | None = None) -> tuple[Directory, str | None]:
    """The directory for reading a document, and a note when there is none.

    Reading needs no office: with no folder named anywhere and no ./config, names are kept as
    written (an empty directory) and the note says so. A folder that is named or present but
    lacks units.yaml is still the error of `load_directory`: that is an office's mistake.
    """
    if path is None and not os.environ.get(UNITS_ENV) and not os.environ.get(ENV_DIR) and not Path(DEFAULT_DIR).exists():
        return Directory([], "（未配置）"), NO_DIRECTORY
    return load_directory(path), None


@lru_cache(maxsize=8)
def _parsed(text: str, source: str) -> Directory:
    """Parsing is cached by content, so an edited file is read afresh in a long-running process."""
    return parse_directory(text, source)
