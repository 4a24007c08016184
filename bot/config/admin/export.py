"""`config export`: the store written back as contacts.yaml and settings.yaml, the round trip of apply;
units.yaml too when the console added aliases to it (the office's file plus those aliases).

What `contacts set` (or the console) changed lives only in the store; exporting it to the
office's folder keeps the next `config apply` from undoing it. Secrets stay references:
a ${VAR} is written as such, and a key pasted literally is masked whenever the YAML goes
to a terminal; only a file (-o) keeps it, so that applying the file again changes nothing.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.contacts import ENV_REF, ContactSpec, is_email_list, redact
from bot.config.settings import ReportSchedule, Settings
from bot.config.yamlfile import parse_yaml, read_text
from bot.store.aliases import active_aliases, unusable
from bot.store.models import ADMIN, UNIT, CalendarOverride, Contact, LeadTimeRule, Unit
from bot.units.directory import load_directory


def contact_spec(c: Contact) -> ContactSpec:
    return ContactSpec(c.kind, c.target, tuple(c.mentions or ()), c.secret, c.label, c.enabled, c.disabled_reason,
                       c.role)


def literal_secret(spec: ContactSpec) -> bool:
    """A key or signing secret written out instead of as a ${VAR} reference."""
    target_is_secret = spec.kind != "email" and not is_email_list(spec.target)
    return (target_is_secret and not ENV_REF.fullmatch(spec.target)) or \
        bool(spec.secret and not ENV_REF.fullmatch(spec.secret))


def _masked(spec: ContactSpec) -> ContactSpec:
    return replace(spec, target=redact(spec.target) if spec.kind != "email" else spec.target,
                   secret="****" if spec.secret and not ENV_REF.fullmatch(spec.secret) else spec.secret)


class Exporter:
    """Builds the two documents; `masked` hides literal secrets, `literal` counts them."""

    def __init__(self, session: Session, masked: bool):
        self.session, self.masked, self.literal = session, masked, 0

    def spec(self, contact: Contact) -> dict:
        spec = contact_spec(contact)
        if literal_secret(spec):
            self.literal += 1
            if self.masked:
                spec = _masked(spec)
        return spec.to_yaml()

    def contacts(self) -> dict:
        out: dict = {}
        for unit in self.session.scalars(select(Unit).where(Unit.kind == UNIT).order_by(Unit.name)):
            if unit.contacts:
                out[unit.name] = [self.spec(c) for c in unit.contacts]
        return {"units": out}

    def units(self, path: Path) -> dict | None:
        """units.yaml at `path` with the console's aliases in their units' lists; None when the
        console added none (the office's file is then already the truth, comments included)."""
        rows = active_aliases(self.session)
        directory = load_directory(path) if rows else None
        added = [r for r in rows if unusable(directory, r) is None and directory.lookup(r.alias) is None]
        if not added:
            return None
        data = _plain(parse_yaml(read_text(path), str(path)))
        for row in added:
            item = next(i for i in data["units"] if str(i["name"]).strip() == row.unit)
            item["aliases"] = [*(item.get("aliases") or []), row.alias]
        return data

    def settings(self, settings: Settings) -> dict:
        session = self.session
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
                      "contacts": [self.spec(c) for c in (admin.contacts if admin else [])]},
            "implicit_due": f"{settings.implicit_due[0]:02d}-{settings.implicit_due[1]:02d}",
            "catch_up_hours": settings.catch_up_hours,
            "long_holiday_days": settings.long_holiday_days,
            "horizon_days": settings.horizon_days,
            "due_soon_days": settings.due_soon_days,
            "public_url": settings.public_url or None,
            "secrecy": settings.secrecy,
            "escalate_after_days": dict(settings.escalate_after_days),
            "ack_reminder_after_days": settings.ack_reminder_after_days,
            "link_expiry_days": settings.link_expiry_days,
            "report_schedule": _schedule(settings.report_schedule),
            "calendar": [{"date": c.day, "workday": c.is_workday, "name": c.name}
                         for c in session.scalars(select(CalendarOverride).order_by(CalendarOverride.day))],
        }


def _schedule(schedule: ReportSchedule | None) -> dict | None:
    if schedule is None:
        return None
    return {"period": schedule.period, "day": schedule.day, "time": schedule.time.strftime("%H:%M"),
            "formats": list(schedule.formats), "recipients": list(schedule.recipients)}


def _plain(value):
    """Loaded YAML (line-tracking dicts and lists) as the plain types yaml.safe_dump writes."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
