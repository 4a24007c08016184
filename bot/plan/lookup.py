"""Finding what an admin names on the command line: a unit (name or alias), a milestone (M12 or 12)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.errors import DubanError
from bot.store.identity import normalise
from bot.store.models import Milestone, MilestoneUnit, Task, Unit


def find_unit(session: Session, name: str) -> Unit:
    """The unit called `name`, by canonical name or alias (spacing and full-width forms ignored)."""
    key = normalise(name)
    units = list(session.scalars(select(Unit)))
    for unit in units:
        if normalise(unit.name) == key:
            return unit
    matches = [u for u in units if key in {normalise(a) for a in unit_aliases(u)}]
    if len(matches) == 1:
        return matches[0]
    canonical = _directory_name(name)
    if canonical:
        for unit in units:
            if unit.name == canonical:
                return unit
    hint = "、".join(u.name for u in units if key and key in normalise(u.name))[:200]
    raise DubanError(f"找不到单位「{name}」。" + (f"是否指: {hint}？" if hint else "请用 python -m bot contacts list 查看单位名称。"))


def _directory_name(name: str) -> str | None:
    """The canonical name the unit directory (config/units.yaml) gives `name`, before `config apply`."""
    from bot.units import load_directory

    try:
        match = load_directory().lookup(name)
    except DubanError:
        return None
    return match.entry.name if match and not match.entry.is_group else None


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


def live_milestones(session: Session) -> list[Milestone]:
    """Milestones still in force (neither they nor their task removed), with units and task loaded."""
    return list(session.scalars(
        select(Milestone).join(Milestone.task)
        .where(Milestone.removed_at.is_(None), Task.removed_at.is_(None))
        .options(*milestone_options()).order_by(Milestone.id)))
