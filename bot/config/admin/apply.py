"""`config apply`: make the store match an office's config folder, saying first what it overwrites.

Apply is declarative and idempotent: after it the store's units, contacts, lead-time rules,
calendar overrides, admin and office settings (bot/store/office_settings.py) match the
files; a second run changes nothing. The store is
the runtime truth and is also edited directly (`contacts set`, later the console), so
every change that deletes or replaces something stored is marked `destructive`: the CLI
shows those and applies them only when the admin confirms. A contact that messages
already point to is disabled rather than deleted, so the send history stays whole.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.config.admin.channels import refuse_unusable
from bot.config.admin.office import Office
from bot.config.admin.units import DirectoryUnit, directory_units
from bot.config.contacts import ContactSpec, redact
from bot.config.settings import Settings
from bot.store.aliases import active_aliases, remove_alias, unusable
from bot.store.models import ADMIN, UNIT, CalendarOverride, Contact, LeadTimeRule, Message, Unit, utcnow
from bot.store.office_settings import clear_for_file, redate_implicit
from bot.units.directory import Directory

REMOVED_FROM_FILE = "已从配置文件中删除（保留是因为已有发送记录）"


@dataclass(frozen=True)
class Change:
    """One difference between the files and the store; `destructive` ones lose what is stored."""

    text: str
    destructive: bool = False

    def to_json(self) -> dict:
        return {"change": self.text, "destructive": self.destructive}


class Applier:
    def __init__(self, session: Session):
        self.session = session
        self.changes: list[Change] = []

    def note(self, text: str, destructive: bool = False) -> None:
        self.changes.append(Change(text, destructive))

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.changes if c.destructive]

    def units(self, wanted: list[DirectoryUnit], admin_name: str) -> dict[str, Unit]:
        stored = {u.name: u for u in self.session.scalars(select(Unit))}
        for w in wanted:
            unit = stored.get(w.name)
            if unit is None:
                unit = stored[w.name] = Unit(name=w.name, kind=UNIT, aliases=w.aliases, groups=w.groups)
                self.session.add(unit)
                self.note(f"新增单位 {w.name}")
            elif list(unit.aliases or []) != w.aliases or list(unit.groups or []) != w.groups:
                lost = sorted((set(unit.aliases or []) - set(w.aliases)) | (set(unit.groups or []) - set(w.groups)))
                unit.aliases, unit.groups = w.aliases, w.groups
                self.note(f"更新单位 {w.name} 的别名/分组" + (f"（去掉 {'、'.join(lost)}）" if lost else ""), bool(lost))
        for unit in stored.values():
            kind = ADMIN if unit.name == admin_name else UNIT
            if unit.kind != kind:
                unit.kind = kind
                self.note(f"单位 {unit.name} {'设为' if kind == ADMIN else '不再是'}管理员（兜底接收人）", kind != ADMIN)
        if admin_name not in stored:
            stored[admin_name] = Unit(name=admin_name, kind=ADMIN)
            self.session.add(stored[admin_name])
            self.note(f"新增管理员 {admin_name}")
        self.session.flush()
        return stored

    def aliases(self, directory: Directory) -> None:
        """Console-added aliases the files lack are removed (a change to confirm); one the
        exported units.yaml already holds stays, as it is."""
        for row in active_aliases(self.session):
            clash = unusable(directory, row)
            if clash is None and directory.lookup(row.alias) is not None:
                continue
            remove_alias(row, actor="config apply", now=utcnow())
            why = "units.yaml 中没有这个简称" if clash is None else "与单位目录冲突，以 units.yaml 为准"
            self.note(f"删除控制台添加的简称「{row.alias}」（{row.unit}）：{why}", True)

    def contacts(self, unit: Unit, specs: tuple[ContactSpec, ...]) -> None:
        stored = {(c.kind, c.target): c for c in unit.contacts}
        now = utcnow()
        for spec in specs:
            values = dict(mentions=list(spec.mentions), secret=spec.secret, label=spec.label,
                          enabled=spec.enabled, disabled_reason=spec.disabled_reason, role=spec.role)
            contact = stored.pop((spec.kind, spec.target), None)
            if contact is None:
                self.session.add(Contact(unit=unit, kind=spec.kind, target=spec.target, updated_at=now, **values))
                self.note(f"{unit.name}: 新增 {spec.kind} 联系方式 {redact(spec.target)}")
            elif any(getattr(contact, k) != v for k, v in values.items()):
                was = _differences(contact, values)
                for k, v in values.items():
                    setattr(contact, k, v)
                contact.updated_at = now
                self.note(f"{unit.name}: 更新 {spec.kind} 联系方式 {redact(spec.target)}（{was}）", True)
        for contact in stored.values():
            self.remove_contact(unit, contact)
        self.session.flush()

    def remove_contact(self, unit: Unit, contact: Contact) -> None:
        used = self.session.scalars(select(Message.id).where(Message.contact_id == contact.id).limit(1)).first()
        if used is None:
            self.session.delete(contact)
            self.note(f"{unit.name}: 删除 {contact.kind} 联系方式 {redact(contact.target)}", True)
        elif contact.enabled or contact.disabled_reason != REMOVED_FROM_FILE:
            contact.enabled, contact.disabled_reason = False, REMOVED_FROM_FILE
            self.note(f"{unit.name}: 停用 {contact.kind} 联系方式 {redact(contact.target)}（已有发送记录）", True)

    def lead_rules(self, settings: Settings) -> None:
        lt = settings.lead_times
        wanted = {"default": list(lt.default)}
        wanted |= {f"unit:{k}": list(v) for k, v in lt.by_unit.items()}
        wanted |= {f"kind:{k}": list(v) for k, v in lt.by_kind.items()}
        stored = {r.scope: r for r in self.session.scalars(select(LeadTimeRule))}
        for scope, days in wanted.items():
            rule = stored.pop(scope, None)
            if rule is None:
                self.session.add(LeadTimeRule(scope=scope, lead_days=days))
                self.note(f"提前量 {scope}: {days}")
            elif list(rule.lead_days) != days:
                self.note(f"提前量 {scope}: {list(rule.lead_days)} → {days}", True)
                rule.lead_days = days
        for scope, rule in stored.items():
            self.session.delete(rule)
            self.note(f"删除提前量规则 {scope}", True)

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
                self.note(f"日历 {day}: {'调休上班' if is_workday else '放假'} {name}".rstrip(), row is not None)
        if stored:
            self.session.execute(delete(CalendarOverride).where(CalendarOverride.day.in_(list(stored))))
            for day in sorted(stored):
                self.note(f"删除日历调整 {day}", True)

    def office_settings(self, settings: Settings) -> None:
        """The console's stored settings give way to the file; each one the file changes is shown."""
        moves_due = False
        for key, stored, wanted in clear_for_file(self.session, settings):
            self.note(f"设置 {key}: 数据库（控制台修改）{stored} → 文件 {wanted}", True)
            moves_due = moves_due or key == "implicit_due"
        if moves_due:
            redate_implicit(self.session, settings.implicit_due)


def _differences(contact: Contact, values: dict) -> str:
    labels = {"mentions": "@手机号", "secret": "加签密钥", "label": "备注", "enabled": "启用", "disabled_reason": "停用原因",
              "role": "领导/日常"}
    return "、".join(labels[k] for k, v in values.items() if getattr(contact, k) != v) + "与文件不同，以文件为准"


@dataclass
class Applied:
    changes: list[Change]
    warnings: list[str]

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.changes if c.destructive]


def apply_config(session: Session, office: Office) -> Applied:
    """Make the store match the office's files (nothing committed here: the caller decides).

    Each contact is first judged by its channel's rules; one the channel would refuse
    stops the apply, as check-config reports it.
    """
    settings = office.settings
    wanted = dict(office.contacts)
    wanted[settings.admin_name] = settings.admin_contacts
    warnings = [note for name, specs in sorted(wanted.items()) for i, spec in enumerate(specs)
                for note in refuse_unusable(spec, f"{name} 的第 {i + 1} 个联系方式（{spec.kind}）")]
    applier = Applier(session)
    units = applier.units(directory_units(office.directory), settings.admin_name)
    applier.aliases(office.directory)
    for name, unit in sorted(units.items()):
        if name in wanted or unit.contacts:
            applier.contacts(unit, wanted.get(name, ()))
    applier.lead_rules(settings)
    applier.calendar(settings)
    applier.office_settings(settings)
    session.flush()
    return Applied(applier.changes, warnings)
