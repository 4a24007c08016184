"""Finding what an admin names on the command line: a unit (name, units.yaml or console alias), a milestone (M12 or 12)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.errors import DubanError
from bot.store.identity import normalise
from bot.store.models import Milestone, MilestoneUnit, Task, Unit


def find_unit(session: Session, name: str) -> Unit:
    """The unit called `name`. The directory is asked first, so an alias the admin types (保护处)
    reaches its unit even when a document brought in a junk name that differs only by punctuation
    ("保护处."); otherwise only a stored unit spelled as typed matches (full-width forms and
    spacing aside), never one that merely normalises the same. Two candidates are an error that lists them."""
    from bot.units.directory import name_key

    units = list(session.scalars(select(Unit)))
    canonical = _directory_name(session, name)

    def spelled(text: str) -> list[Unit]:
        return [u for u in units if name_key(u.name) == name_key(text)]

    matches = (spelled(canonical) if canonical else []) or spelled(name)
    if canonical is None and not matches:  # no directory (or it does not know the name): config apply's aliases
        matches = [u for u in units if name_key(name) in {name_key(a) for a in unit_aliases(u)}]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DubanError(f"「{name}」可能指多个单位：{'、'.join(u.name for u in matches)}。请写出完整名称。")
    if canonical:
        raise DubanError(f"单位「{canonical}」在单位目录中，但数据库中还没有：请先运行 python -m bot config apply，"
                         "或导入写有该单位的任务清单。")
    near = normalise(name)
    hint = "、".join(u.name for u in units if near and near in normalise(u.name))[:200]
    raise DubanError(f"找不到单位「{name}」。" + (f"是否指: {hint}？请写出完整名称。" if hint
                                                 else "请用 python -m bot contacts list 查看单位名称。"))


def _directory_name(session: Session, name: str) -> str | None:
    """The standard name the office's unit directory (units.yaml plus the aliases saved in the
    console) gives `name`; None when there is no readable directory or it does not know the
    name; a group is a DubanError (several units)."""
    from bot.store.aliases import reading_directory_of

    try:
        directory = reading_directory_of(session)[0]
    except DubanError:
        return None
    return directory.unit_named(name)


def unit_aliases(unit: Unit) -> list[str]:
    return [str(a) for a in unit.aliases or []]


def milestone_options():
    return (selectinload(Milestone.units).joinedload(MilestoneUnit.unit),
            selectinload(Milestone.task).joinedload(Task.document))


def find_milestone(session: Session, ref: str) -> Milestone:
    text = ref.strip().upper().removeprefix("M")
    row = session.get(Milestone, int(text), options=milestone_options()) if text.isdigit() else None
    if row is None:
        raise DubanError(f"找不到时间节点「{ref}」。请用 python -m bot plan 或 status 查看编号（形如 M12）。")
    return row


def live_milestones(session: Session, *where) -> list[Milestone]:
    """Milestones still in force (neither they nor their task removed), with units and task
    loaded; `where`: further conditions (e.g. only the recurring ones)."""
    return list(session.scalars(
        select(Milestone).join(Milestone.task)
        .where(Milestone.removed_at.is_(None), Task.removed_at.is_(None), *where)
        .options(*milestone_options()).order_by(Milestone.id)))
