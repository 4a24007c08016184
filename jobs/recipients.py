"""Who receives what: a unit's own enabled contacts, else the admin; with nothing configured, the console.

A contact with the role "leader" (`contacts set --role leader`) is the unit's leader: it
gets only the escalated reminders (overdue past `escalate_after_days`), never the daily ones.

The admin is the unit of kind "admin" in the store (written by `config apply`); when the
store has none yet, the `admin:` block of settings.yaml is written there on first use, so
a running worker honours settings.yaml without a separate step. When no admin contact is
configured (or all are disabled), a console contact on the admin unit stands in: the
newcomer sees every message printed, clearly marked as not sent.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.settings import Settings
from bot.store.models import ADMIN, LEADER, Contact, Unit

CONSOLE = "console"
CONSOLE_LABEL = "控制台（未配置任何联系方式）"


def unit_contacts(session: Session, unit_ids: set[int], *, leaders: bool = False) -> dict[int, list[Contact]]:
    """unit id → its enabled contacts, or with `leaders` its leaders' (units without one are absent)."""
    out: dict[int, list[Contact]] = {}
    if not unit_ids:
        return out
    role = Contact.role == LEADER if leaders else Contact.role != LEADER
    rows = session.scalars(select(Contact).where(Contact.unit_id.in_(unit_ids), Contact.enabled.is_(True),
                                                 Contact.kind != CONSOLE, role).order_by(Contact.id))
    for contact in rows:
        out.setdefault(contact.unit_id, []).append(contact)
    return out


def admin_unit(session: Session, settings: Settings) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.kind == ADMIN).order_by(Unit.id)).first()
    if unit is None:
        unit = session.scalars(select(Unit).where(Unit.name == settings.admin_name)).first()
        if unit is None:
            unit = Unit(name=settings.admin_name, kind=ADMIN, aliases=[], groups=[])
            session.add(unit)
            session.flush()
    return unit


def admin_contacts(session: Session, settings: Settings) -> list[Contact]:
    """The admin's enabled contacts; settings.yaml's when the store has none; else the console."""
    unit = admin_unit(session, settings)
    contacts = [c for c in unit_contacts(session, {unit.id}).get(unit.id, [])]
    if contacts:
        return contacts
    known = {(c.kind, c.target) for c in session.scalars(select(Contact).where(Contact.unit_id == unit.id))}
    for spec in settings.admin_contacts:
        if (spec.kind, spec.target) not in known:
            session.add(Contact(unit_id=unit.id, kind=spec.kind, target=spec.target, secret=spec.secret,
                                mentions=list(spec.mentions), label=spec.label or "管理员",
                                enabled=spec.enabled, disabled_reason=spec.disabled_reason))
    session.flush()
    contacts = unit_contacts(session, {unit.id}).get(unit.id, [])
    return contacts or [console_contact(session, unit)]


def console_contact(session: Session, unit: Unit) -> Contact:
    contact = session.scalars(select(Contact).where(Contact.unit_id == unit.id, Contact.kind == CONSOLE)).first()
    if contact is None:
        contact = Contact(unit_id=unit.id, kind=CONSOLE, target="stdout", mentions=[], label=CONSOLE_LABEL)
        session.add(contact)
        session.flush()
    return contact
