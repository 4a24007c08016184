"""Which unit an admin means: names in contacts.yaml and on the command line, through the directory.

The directory (units.yaml) is asked first, so an alias the admin types (保护处) always
reaches its unit (知识产权保护处), even when a document once brought in a junk name that
normalises the same ("保护处."). A name the directory does not know only matches a stored
unit spelled exactly so; two candidates are an error that lists them, never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.store.models import ADMIN, UNIT, Unit
from bot.units.directory import Directory, name_key


@dataclass
class DirectoryUnit:
    name: str
    aliases: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def directory_units(directory: Directory) -> list[DirectoryUnit]:
    """Units of the directory with their aliases and the groups they belong to."""
    entries = {directory.lookup(k).entry for k in directory.keys()}
    units = {e.name: DirectoryUnit(e.name, sorted(s for s in directory.spellings(e) if s != name_key(e.name)))
             for e in entries if not e.is_group}
    for group in sorted((e for e in entries if e.is_group), key=lambda e: e.name):
        for member in group.members:
            units[member].groups.append(group.name)
    return sorted(units.values(), key=lambda u: u.name)


def canonical_name(directory: Directory, name: str, admin_name: str) -> str:
    """The directory's standard name for `name` (name or alias); a group or unknown name is a DubanError."""
    if name_key(name) == name_key(admin_name):
        return admin_name
    unit = directory.unit_named(name)
    if unit is None:
        raise DubanError(f"「{name}」不在单位目录 {directory.source} 中（标准名称和简称都没有）。"
                         "请使用其中的名称或简称，或先在 units.yaml 中添加该单位。")
    return unit


def contacts_owner(directory: Directory, name: str, admin_name: str) -> str:
    """The unit a contacts.yaml entry is for: a directory unit (the admin's contacts live in settings.yaml)."""
    if name_key(name) == name_key(admin_name):
        raise DubanError("管理员的联系方式写在 settings.yaml 的 admin.contacts 中，不写在 contacts.yaml 里。")
    return canonical_name(directory, name, admin_name)


def resolve_unit(session: Session, directory: Directory, name: str, admin_name: str) -> Unit:
    """The stored unit `name` means; a directory unit not stored yet is added (before `config apply`)."""
    if name_key(name) != name_key(admin_name) and directory.unit_named(name) is None:
        return _exact(session, name, directory)
    wanted = canonical_name(directory, name, admin_name)
    unit = session.scalars(select(Unit).where(Unit.name == wanted)).first()
    if unit is None:
        unit = Unit(name=wanted, kind=ADMIN if wanted == admin_name else UNIT, aliases=[], groups=[])
        session.add(unit)
        session.flush()
    return unit


def _exact(session: Session, name: str, directory: Directory) -> Unit:
    """A unit known only from documents (not in the directory): exact spelling, or the candidates."""
    units = list(session.scalars(select(Unit)))
    exact = [u for u in units if u.name == name.strip()]
    if exact:
        return exact[0]
    key = name_key(name)
    near = sorted(u.name for u in units if key and (key in name_key(u.name) or name_key(u.name) in key))
    hint = f"相近的有：{'、'.join(near[:8])}。请写出完整名称。" if near else "请用 python -m bot contacts list 查看单位名称。"
    raise DubanError(f"找不到单位「{name}」：它不在单位目录 {directory.source} 中，数据库中也没有这样写的单位。{hint}")
