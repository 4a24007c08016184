"""A unit's contacts in the console: add and remove through the checks of `contacts set`, and a test
send through the path of `python -m bot send-test` (the robots' shared per-minute budget).

One form per channel of the registry, with that channel's own fields, labels and help, so a new
channel file brings its form. A submitted key or secret is never written back into a page, not
even into the form shown again with an error: only masked forms of stored targets are shown.
"""
from __future__ import annotations

import re
from dataclasses import replace

from flask import Blueprint, abort, g, request

from bot.config.admin.apply import Applier
from bot.config.admin.channels import refuse_unusable
from bot.config.admin.export import contact_spec
from bot.config.admin.units import resolve_unit
from bot.config.contacts import LABEL_MAX, ContactSpec, parse_mentions, parse_target, redact
from bot.config.yamlfile import Where
from bot.errors import DubanError
from bot.notify.base import TARGET, ChannelConfigError, expand_env_value, unset_env
from bot.notify.registry import CHANNELS, contact_kinds
from bot.store.audit import record
from bot.store.models import LEADER, Contact, Unit
from bot.units.directory import Directory
from bot.web.units import FormErrors, back_to, office_directory, save_change, show

bp = Blueprint("contacts", __name__, url_prefix="/units")
KEPT = ("mentions", "label", "role")  # what a form shown again with an error may keep: never a key or secret


def _spec(kind: str, written: dict[str, str], label: str, errors: FormErrors) -> ContactSpec | None:
    """The contact as written (field name → text), each field checked by its channel's own parser,
    then as a whole, as `contacts set` checks it; None when `errors` got a problem."""
    cls = CHANNELS[kind]
    names = {f.name for f in cls.fields}
    target, mentions = "", ()
    try:
        target = parse_target(written.get(TARGET, ""), Where(cls.field(TARGET).label))
    except DubanError as problem:
        errors.by_field[TARGET] = str(problem)
    if "mentions" in names:
        try:
            mentions = parse_mentions([m for m in re.split(r"[,，、;；\s]+", written["mentions"]) if m],
                                      Where(cls.field("mentions").label))
        except DubanError as problem:
            errors.by_field["mentions"] = str(problem)
    if len(label) > LABEL_MAX:
        errors.by_field["label"] = f"备注不能超过 {LABEL_MAX} 个字。"
    values = {TARGET: target, "mentions": list(mentions), "secret": written.get("secret", "")}
    for f in cls.fields:
        value = values.get(f.name)
        if value and f.name not in errors.by_field and not unset_env(value):
            try:
                f.parse(kind, expand_env_value(value))
            except ChannelConfigError as problem:
                errors.by_field[f.name] = problem.message
    if errors:
        return None
    spec = ContactSpec(kind, target, mentions, values["secret"] or None, label)
    try:
        errors.warnings = refuse_unusable(spec, cls.label)
    except DubanError as problem:
        errors.by_field[""] = str(problem)
        return None
    return spec


def _unit(name: str) -> Unit:
    """The stored unit `name` means (a directory unit not stored yet is added, as `contacts set` does)."""
    directory, _ = office_directory()
    return resolve_unit(g.db, directory or Directory([], "（未配置）"), name, g.settings.admin_name)


def audit_view(spec: ContactSpec) -> dict:
    """A contact as the audit trail keeps it: the target masked, the secret only as a reference."""
    secret = spec.secret if not spec.secret or spec.secret.startswith("${") else "****"
    return {"kind": spec.kind, "target": redact(spec.target), "mentions": list(spec.mentions), "secret": secret,
            "label": spec.label, "enabled": spec.enabled, "role": spec.role}


def _role() -> str:
    """The form's 单位领导 box: the leader is told only of escalated items."""
    return LEADER if request.form.get("role") == LEADER else ""


@bp.post("/<path:name>/contacts")
def add(name: str):
    kind = request.form.get("kind", "")
    if kind not in contact_kinds():
        abort(400)
    errors = FormErrors()
    written = {f.name: request.form.get(f.name, "").strip() for f in CHANNELS[kind].fields}
    spec = _spec(kind, written, request.form.get("label", "").strip(), errors)
    if spec is None:
        kept = {k: request.form.get(k, "") for k in KEPT}
        return show(name, errors={kind: errors}, status=400, kept={kind: kept})
    try:
        unit = _unit(name)
    except DubanError as problem:
        return show(name, errors={kind: FormErrors({"": str(problem)})}, status=400)
    spec = replace(spec, role=_role())
    same = next((c for c in unit.contacts if (c.kind, c.target) == (spec.kind, spec.target)), None)
    before = audit_view(contact_spec(same)) if same else None
    keep = tuple(contact_spec(c) for c in unit.contacts if c is not same)
    applier = Applier(g.db)
    applier.contacts(unit, keep + (spec,))
    done = "；".join(c.text for c in applier.changes) or f"{unit.name} 的联系方式没有变化"
    for warning in errors.warnings:
        done += f"。注意：{warning}"
    save_change("修改联系方式" if same else "新增联系方式", unit.name, before, audit_view(spec), done)
    return back_to(unit.name, "#contacts")


def _contact(name: str, contact_id: int) -> Contact:
    contact = g.db.get(Contact, contact_id)
    if contact is None or contact.unit.name != name:
        abort(404)
    return contact


@bp.post("/<path:name>/contacts/<int:contact_id>/edit")
def edit(name: str, contact_id: int):
    """Change a contact's @mobiles and note without typing its key again (the page never shows it)."""
    contact = _contact(name, contact_id)
    unit, was = contact.unit, contact_spec(contact)
    errors = FormErrors()
    written = {TARGET: contact.target, "secret": contact.secret or "", "mentions": request.form.get("mentions", "")}
    spec = _spec(contact.kind, written, request.form.get("label", "").strip(), errors)
    if spec is None:
        return show(name, errors={f"edit-{contact.id}": errors}, status=400)
    wanted = replace(spec, enabled=was.enabled, disabled_reason=was.disabled_reason, role=_role())
    applier = Applier(g.db)
    applier.contacts(unit, tuple(wanted if c is contact else contact_spec(c) for c in unit.contacts))
    if not applier.changes:
        return back_to(unit.name, "#contacts")
    save_change("修改联系方式", unit.name, audit_view(was), audit_view(wanted),
                "。注意：".join([f"已保存 {contact.kind} 联系方式 {redact(contact.target)}", *errors.warnings]))
    return back_to(unit.name, "#contacts")


@bp.post("/<path:name>/contacts/<int:contact_id>/enable")
def enable(name: str, contact_id: int):
    """Use a disabled contact again (after the robot was fixed), once its channel accepts it."""
    contact = _contact(name, contact_id)
    unit, was = contact.unit, contact_spec(contact)
    wanted = replace(was, enabled=True, disabled_reason=None)
    try:
        warnings = refuse_unusable(wanted, CHANNELS[contact.kind].label)
    except DubanError as problem:
        return show(name, errors={"contacts": FormErrors({"": str(problem)})}, status=400)
    applier = Applier(g.db)
    applier.contacts(unit, tuple(wanted if c is contact else contact_spec(c) for c in unit.contacts))
    save_change("启用联系方式", unit.name, audit_view(was), audit_view(wanted),
                "。注意：".join([f"已重新启用 {contact.kind} 联系方式 {redact(contact.target)}", *warnings]))
    return back_to(unit.name, "#contacts")


@bp.post("/<path:name>/contacts/<int:contact_id>/remove")
def remove(name: str, contact_id: int):
    contact = _contact(name, contact_id)
    unit = contact.unit
    before = audit_view(contact_spec(contact))
    applier = Applier(g.db)
    applier.remove_contact(unit, contact)
    g.db.flush()
    still = g.db.get(Contact, contact_id)
    save_change("删除联系方式", unit.name, before, audit_view(contact_spec(still)) if still else None,
                "；".join(c.text for c in applier.changes) or "联系方式已是停用状态")
    return back_to(unit.name, "#contacts")


@bp.post("/<path:name>/send-test")
def send_test(name: str):
    """Send the test message now and show each contact's result on the unit page."""
    from bot.cli.cmd_send_test import _unit_routes, send_test_messages
    from jobs.policy import DeliveryPolicy
    from jobs.throttle import RobotBudgets

    try:
        unit_name, routes, skipped = _unit_routes(g.db, name)
    except DubanError as problem:
        return show(name, errors={"test": FormErrors({"": str(problem)})}, status=400)
    if not routes and not skipped:
        return show(name, errors={"test": FormErrors({"": f"{unit_name} 还没有联系方式，请先在下方添加。"})}, status=400)
    policy = DeliveryPolicy.from_env()
    engine = g.db.get_bind()
    g.db.commit()  # the budget rows are booked in their own transactions: hold no lock meanwhile
    budgets = RobotBudgets(engine, policy.robot_per_minute, policy.robot_window_seconds)
    rows = send_test_messages(routes, g.now.astimezone(g.settings.tz), budgets, policy) + skipped
    record(g.db, g.user.username, "发送测试消息", unit_name,
           after={"results": [{"kind": r["kind"], "channel": r["channel"], "status": r["status"]} for r in rows]},
           at=g.now)
    return show(unit_name, results=rows)
