"""`config apply` and `config export`: the YAML an admin keeps ⇄ the store every worker reads.

Apply is declarative and idempotent: after it the store's units, contacts, lead-time rules,
calendar overrides and admin match the files; a second run changes nothing. A contact that
messages already point to is disabled rather than deleted, so the send history stays whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.config.contacts import ContactSpec
from bot.config.settings import Settings
from bot.config.yamlfile import Where
from bot.store.models import ADMIN, UNIT, CalendarOverride, Contact, LeadTimeRule, Message, Unit, utcnow

REMOVED_FROM_FILE = "已从配置文件中删除（保留是因为已有发送记录）"


@dataclass
class DirectoryUnit:
    name: str
    aliases: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def directory_units(directory) -> list[DirectoryUnit]:
    """Units of the directory (bot.units) with their aliases and the groups they belong to."""
    from bot.units.directory import name_key

    entries = {directory.lookup(k).entry for k in directory.keys()}
    units = {e.name: DirectoryUnit(e.name, sorted(s for s in directory.spellings(e) if s != name_key(e.name)))
             for e in entries if not e.is_group}
    for group in sorted((e for e in entries if e.is_group), key=lambda e: e.name):
        for member in group.members:
            units[member].groups.append(group.name)
    return sorted(units.values(), key=lambda u: u.name)


def _contact_key(kind: str, target: str) -> tuple[str, str]:
    return (kind, target)


class Applier:
    def __init__(self, session: Session):
        self.session = session
        self.changes: list[str] = []

    def units(self, wanted: list[DirectoryUnit], admin_name: str) -> dict[str, Unit]:
        stored = {u.name: u for u in self.session.scalars(select(Unit))}
        for w in wanted:
            unit = stored.get(w.name)
            if unit is None:
                unit = stored[w.name] = Unit(name=w.name, kind=UNIT, aliases=w.aliases, groups=w.groups)
                self.session.add(unit)
                self.changes.append(f"新增单位 {w.name}")
            elif list(unit.aliases or []) != w.aliases or list(unit.groups or []) != w.groups:
                unit.aliases, unit.groups = w.aliases, w.groups
                self.changes.append(f"更新单位 {w.name} 的别名/分组")
        for unit in stored.values():
            kind = ADMIN if unit.name == admin_name else UNIT
            if unit.kind != kind:
                unit.kind = kind
                self.changes.append(f"单位 {unit.name} {'设为' if kind == ADMIN else '不再是'}管理员（兜底接收人）")
        if admin_name not in stored:
            stored[admin_name] = Unit(name=admin_name, kind=ADMIN)
            self.session.add(stored[admin_name])
            self.changes.append(f"新增管理员 {admin_name}")
        self.session.flush()
        return stored

    def contacts(self, unit: Unit, specs: tuple[ContactSpec, ...]) -> None:
        stored = {_contact_key(c.kind, c.target): c for c in unit.contacts}
        now = utcnow()
        for spec in specs:
            values = dict(mentions=list(spec.mentions), secret=spec.secret, label=spec.label,
                          enabled=spec.enabled, disabled_reason=spec.disabled_reason)
            contact = stored.pop(_contact_key(spec.kind, spec.target), None)
            if contact is None:
                self.session.add(Contact(unit=unit, kind=spec.kind, target=spec.target, updated_at=now, **values))
                self.changes.append(f"{unit.name}: 新增 {spec.kind} 联系方式 {_shown(spec.target)}")
            elif any(getattr(contact, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(contact, k, v)
                contact.updated_at = now
                self.changes.append(f"{unit.name}: 更新 {spec.kind} 联系方式 {_shown(spec.target)}")
        for contact in stored.values():
            self.remove_contact(unit, contact)
        self.session.flush()

    def remove_contact(self, unit: Unit, contact: Contact) -> None:
        used = self.session.scalars(select(Message.id).where(Message.contact_id == contact.id).limit(1)).first()
        if used is None:
            self.session.delete(contact)
            self.changes.append(f"{unit.name}: 删除 {contact.kind} 联系方式 {_shown(contact.target)}")
        elif contact.enabled or contact.disabled_reason != REMOVED_FROM_FILE:
            contact.enabled, contact.disabled_reason = False, REMOVED_FROM_FILE
            self.changes.append(f"{unit.name}: 停用 {contact.kind} 联系方式 {_shown(contact.target)}（已有发送记录）")

    def lead_rules(self, settings: Settings, known_units: set[str]) -> None:
        lt = settings.lead_times
        for name in lt.by_unit:
            if name not in known_units:
                raise Where("settings.yaml", f"lead_times.by_unit.{name}").error(
                    "不是已知单位。请使用 config/units.yaml 中的标准名称。")
        wanted = {"default": list(lt.default)}
        wanted |= {f"unit:{k}": list(v) for k, v in lt.by_unit.items()}
        wanted |= {f"kind:{k}": list(v) for k, v in lt.by_kind.items()}
        stored = {r.scope: r for r in self.session.scalars(select(LeadTimeRule))}
        for scope, days in wanted.items():
            rule = stored.pop(scope, None)
            if rule is None:
                self.session.add(LeadTimeRule(scope=scope, lead_days=days))
                self.changes.append(f"提前量 {scope}: {days}")
            elif list(rule.lead_days) != days:
                self.changes.append(f"提前量 {scope}: {list(rule.lead_days)} → {days}")
                rule.lead_days = days
        for scope, rule in stored.items():
            self.session.delete(rule)
            self.changes.append(f"删除提前量规则 {scope}")

    def calendar(self, settings: Settings) -> None:
        wanted = {c.day: (c.is_workday, c.name) for c in settings.calendar}
        stored = {c.day: c for c in self.session.scalars(select(CalendarOverride))}
        for day, (is_workday, name) in sorted(wanted.items()):
            row = stored.pop(day, None)
            if row is None or (row.is_workday, row.name) != (is_workday, name):
                if row is None:
                    self.session.add(CalendarOverride(day=day, is_workday=is_workday, name=name))
                else:
                    row.is_workday, row.name = is_workday, name
                self.changes.append(f"日历 {day}: {'调休上班' if is_workday else '放假'} {name}".rstrip())
        if stored:
            self.session.execute(delete(CalendarOverride).where(CalendarOverride.day.in_(list(stored))))
            self.changes += [f"删除日历调整 {day}" for day in sorted(stored)]


def _shown(target: str) -> str:
    from bot.config.contacts import redact

    return redact(target)


def apply_config(session: Session, settings: Settings, contacts: dict[str, tuple[ContactSpec, ...]],
                 wanted_units: list[DirectoryUnit], where_of) -> list[str]:
    """Make the store match the files; `where_of(unit)` locates a unit in contacts.yaml for errors."""
    applier = Applier(session)
    units = applier.units(wanted_units, settings.admin_name)
    for name in contacts:
        if name not in units:
            raise where_of(name).error("不是已知单位。请使用 config/units.yaml 中的标准名称（或先在其中添加该单位）。")
    wanted = dict(contacts)
    wanted[settings.admin_name] = settings.admin_contacts
    for name, unit in sorted(units.items()):
        if name in wanted or unit.contacts:
            applier.contacts(unit, wanted.get(name, ()))
    applier.lead_rules(settings, set(units))
    applier.calendar(settings)
    session.flush()
    return applier.changes


def export_contacts(session: Session) -> dict:
    out: dict = {}
    for unit in session.scalars(select(Unit).where(Unit.kind == UNIT).order_by(Unit.name)):
        if unit.contacts:
            out[unit.name] = [contact_spec(c).to_yaml() for c in unit.contacts]
    return {"units": out}


def export_settings(session: Session, settings: Settings) -> dict:
    rules = {r.scope: list(r.lead_days) for r in session.scalars(select(LeadTimeRule).order_by(LeadTimeRule.scope))}
    admin = session.scalars(select(Unit).where(Unit.kind == ADMIN)).first()
    lead_times = {"default": rules.get("default", list(settings.lead_times.default))}
    by_unit = {k[5:]: v for k, v in rules.items() if k.startswith("unit:")}
    by_kind = {k[5:]: v for k, v in rules.items() if k.startswith("kind:")}
    if by_unit:
        lead_times["by_unit"] = by_unit
    if by_kind:
        lead_times["by_kind"] = by_kind
    return {
        "timezone": settings.timezone,
        "send_time": settings.send_time.strftime("%H:%M"),
        "lead_times": lead_times,
        "overdue": dict(settings.overdue.__dict__),
        "admin": {"name": admin.name if admin else settings.admin_name,
                  "contacts": [contact_spec(c).to_yaml() for c in (admin.contacts if admin else [])]},
        "implicit_due": f"{settings.implicit_due[0]:02d}-{settings.implicit_due[1]:02d}",
        "catch_up_hours": settings.catch_up_hours,
        "long_holiday_days": settings.long_holiday_days,
        "horizon_days": settings.horizon_days,
        "due_soon_days": settings.due_soon_days,
        "calendar": [{"date": c.day, "workday": c.is_workday, "name": c.name}
                     for c in session.scalars(select(CalendarOverride).order_by(CalendarOverride.day))],
    }


def contact_spec(c: Contact) -> ContactSpec:
    return ContactSpec(c.kind, c.target, tuple(c.mentions or ()), c.secret, c.label, c.enabled, c.disabled_reason)
