"""单位与联系方式: the unit directory (units.yaml, plus the units known only from documents) and one
unit's page: its contacts (keys masked), its own lead times, a test send.

Every change here and on the settings page goes through `save_change`: an audit row (secrets
already masked by the caller) and a replan of every live milestone at the console's now, the
same `replan_all` the CLI's config commands use, so the plan moves at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.config.admin.units import DirectoryUnit, directory_units
from bot.config.contacts import ENV_REF, redact
from bot.config.paths import units_file
from bot.config.settings import MAX_LEAD_DAYS
from bot.errors import DubanError
from bot.notify.registry import CHANNELS, contact_kinds
from bot.plan.replan import load_lead_times, replan_all
from bot.store.aliases import active_aliases, remove_alias, unusable
from bot.store.audit import record
from bot.store.console_models import DirectoryAlias
from bot.store.models import ADMIN, LEADER, Contact, LeadTimeRule, Unit
from bot.units.directory import Directory, Entry, load_directory

bp = Blueprint("units", __name__, url_prefix="/units")
KIND_LABELS = {"once": "一次性节点", "recurring": "周期性节点", "implicit": "未写期限（默认年底）"}


@dataclass
class Listed:
    """One row of the directory page: a unit as the directory or the store knows it."""

    name: str
    aliases: list[str]
    groups: list[str]
    unit: Unit | None
    in_directory: bool
    lead_days: list[int] | None = None
    added: list[DirectoryAlias] = field(default_factory=list)  # saved in the console, not in units.yaml


@dataclass
class FormErrors:
    """Problems with a submitted form, by field name ("" for the form as a whole)."""

    by_field: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def office_directory() -> tuple[Directory | None, str | None]:
    """The office's units.yaml (as every command finds it), or the reason it cannot be read."""
    try:
        return load_directory(units_file()), None
    except DubanError as problem:
        return None, str(problem)


def directory_groups(directory: Directory) -> list[Entry]:
    entries = {directory.lookup(k).entry for k in directory.keys()}
    return sorted((e for e in entries if e.is_group), key=lambda e: e.name)


def unit_rules() -> dict[str, list[int]]:
    return {r.scope[5:]: list(r.lead_days) for r in g.db.scalars(select(LeadTimeRule))
            if r.scope.startswith("unit:")}


def shown_contact(contact: Contact) -> dict:
    """A contact fit for a page: the target masked as in every log, the secret never shown."""
    secret = None
    if contact.secret:
        secret = contact.secret if ENV_REF.fullmatch(contact.secret) else "已设置（已隐藏）"
    cls = CHANNELS.get(contact.kind)
    return {"id": contact.id, "kind": contact.kind, "label": cls.label if cls else contact.kind,
            "takes_mentions": bool(cls) and any(f.name == "mentions" for f in cls.fields),
            "target": redact(contact.target), "secret": secret, "mentions": list(contact.mentions or []),
            "note": contact.label, "enabled": contact.enabled, "reason": contact.disabled_reason or "",
            "leader": contact.role == LEADER}


def parse_lead_days(text: str) -> list[int]:
    """"30,14,7" (commas, 、 or spaces) → [30, 14, 7]; each 0–366, largest first."""
    parts = [p for p in re.split(r"[,，、;；\s]+", text.strip()) if p]
    if not parts or not all(p.isdigit() and int(p) <= MAX_LEAD_DAYS for p in parts):
        raise DubanError(f"提前天数应为 0 到 {MAX_LEAD_DAYS} 之间的整数，用逗号分隔，例如 30,14,7,3,1,0。")
    return sorted({int(p) for p in parts}, reverse=True)


def lead_rules() -> dict[str, LeadTimeRule]:
    """The stored rules by scope; when none are stored yet the file's lead times are in force, so
    they are stored first: one edit in the console must not drop the rest of settings.yaml's."""
    rules = {r.scope: r for r in g.db.scalars(select(LeadTimeRule))}
    if rules:
        return rules
    lt = load_lead_times(g.db, g.settings)
    wanted = {"default": lt.default} | {f"unit:{k}": v for k, v in lt.by_unit.items()} \
        | {f"kind:{k}": v for k, v in lt.by_kind.items()}
    for scope, days in wanted.items():
        rules[scope] = LeadTimeRule(scope=scope, lead_days=list(days))
        g.db.add(rules[scope])
    g.db.flush()
    return rules


def set_lead_rule(scope: str, days: list[int] | None) -> tuple[list[int] | None, list[int] | None]:
    """Store (or, with None, drop) the lead days of `scope`; (before, after)."""
    rules = lead_rules()
    rule = rules.get(scope)
    before = list(rule.lead_days) if rule else None
    if days is None:
        if rule is not None:
            g.db.delete(rule)
    elif rule is None:
        g.db.add(LeadTimeRule(scope=scope, lead_days=days))
    else:
        rule.lead_days = days
    g.db.flush()
    return before, days


def save_change(action: str, target: str, before, after, done: str) -> None:
    """Audit the change, replan at the console's now, and tell the admin both."""
    record(g.db, g.user.username, action, target, before=before, after=after, at=g.now)
    stats = replan_all(g.db, g.settings, g.now, f"控制台：{action}（{target}）", g.user.username)
    flash(f"{done}。{stats.summary()}")


def _listed(directory: Directory | None, aliases: list[DirectoryAlias]) -> list[Listed]:
    stored = {u.name: u for u in g.db.scalars(select(Unit).order_by(Unit.name))}
    rules = unit_rules()
    known: list[DirectoryUnit] = directory_units(directory) if directory else []
    rows = [Listed(d.name, d.aliases, d.groups, stored.get(d.name), True, rules.get(d.name),
                   [a for a in aliases if a.unit == d.name and a.alias not in d.aliases]) for d in known]
    names = {d.name for d in known}
    rows += [Listed(u.name, list(u.aliases or []), list(u.groups or []), u, False, rules.get(u.name))
             for u in stored.values() if u.name not in names and u.kind != ADMIN]
    return rows


@bp.get("/")
def index():
    directory, problem = office_directory()
    admin = g.db.scalars(select(Unit).where(Unit.kind == ADMIN)).first()
    aliases = active_aliases(g.db)
    notes = {a.id: unusable(directory, a) for a in aliases} if directory else {}
    unused = [(a, notes[a.id]) for a in aliases if notes.get(a.id)]
    return render_template("units.html", rows=_listed(directory, [a for a in aliases if not notes.get(a.id)]),
                           unused=unused,
                           groups=directory_groups(directory) if directory else [],
                           problem=problem, source=directory.source if directory else str(units_file()),
                           admin=admin, admin_name=g.settings.admin_name)


def _unit_or_404(name: str) -> tuple[Unit | None, DirectoryUnit | None]:
    """The stored unit called `name` and its directory entry; a name neither knows is a 404."""
    unit = g.db.scalars(select(Unit).where(Unit.name == name)).first()
    directory, _ = office_directory()
    listed = next((d for d in directory_units(directory) if d.name == name), None) if directory else None
    if unit is None and listed is None and name != g.settings.admin_name:
        abort(404)
    return unit, listed


def show(name: str, errors: dict[str, FormErrors] | None = None, results: list[dict] | None = None,
         status: int = 200, kept: dict | None = None):
    """The unit page; `errors` by form (a contact kind, or "lead"), `results` of a test send."""
    unit, listed = _unit_or_404(name)
    rule = unit_rules().get(name)
    effective = list(load_lead_times(g.db, g.settings).default)
    channels = [CHANNELS[k] for k in contact_kinds()]
    return render_template("units_unit.html", name=name, unit=unit, listed=listed, is_admin_unit=name == g.settings.admin_name,
                           contacts=[shown_contact(c) for c in unit.contacts] if unit else [], channels=channels,
                           rule=rule, default_leads=effective, errors=errors or {}, results=results,
                           kept=kept or {}), status


@bp.get("/<path:name>")
def page(name: str):
    return show(name)


@bp.post("/<path:name>/lead-times")
def lead_times(name: str):
    _unit_or_404(name)
    text = request.form.get("lead_days", "")
    try:
        days = parse_lead_days(text) if text.strip() else None
    except DubanError as problem:
        return show(name, errors={"lead": FormErrors({"lead_days": str(problem)})}, status=400,
                    kept={"lead_days": text})
    before, after = set_lead_rule(f"unit:{name}", days)
    if before == after:
        flash(f"{name} 的提前量没有变化。")
    else:
        save_change("修改单位提前量", name, {"lead_days": before}, {"lead_days": after},
                    f"已{'设置' if after else '取消'} {name} 的提前量" + (f"：{'、'.join(map(str, after))} 天" if after else "，改用默认"))
    return back_to(name)


@bp.post("/aliases/<int:alias_id>/remove")
def remove_alias_page(alias_id: int):
    """Retire a console-added alias: documents imported from now on no longer read it as the unit
    (documents already mapped keep their corrections, revocable on their review screens)."""
    row = g.db.get(DirectoryAlias, alias_id)
    if row is None or row.removed_at is not None:
        abort(404)
    remove_alias(row, actor=g.user.username, now=g.now)
    record(g.db, g.user.username, "删除单位简称", row.unit, before={"alias": row.alias, "unit": row.unit,
           "created_by": row.created_by}, after=None, at=g.now)
    flash(f"已删除「{row.unit}」的简称「{row.alias}」；今后导入的文档不再按此识别。")
    return redirect(url_for("units.index"))


def back_to(name: str, anchor: str = ""):
    return redirect(url_for("units.page", name=name) + anchor)
