"""审核: the admin's queue of 办结 waiting for review and 延期 requests, the units' latest
progress and who has not acknowledged, and revoking a unit's links. Every decision is audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select

from bot.answers import attachments, flows, notices, tokens
from bot.store.answer_models import AnswerRequest, AnswerToken, Attachment, ProgressReport, UnitItem
from bot.store.audit import record
from bot.store.models import Milestone, MilestoneUnit, Task, Unit

bp = Blueprint("approvals", __name__, url_prefix="/approvals")
RECENT = 50


def not_acknowledged() -> dict[str, int]:
    """Per unit, its open items nobody has acknowledged (签收) yet: counted in the database
    (the dashboard asks on every visit, and a large list has 10,000 unit items)."""
    acked = select(UnitItem.id).where(UnitItem.milestone_unit_id == MilestoneUnit.id,
                                      UnitItem.acknowledged_at.is_not(None))
    counts = g.db.execute(
        select(Unit.name, func.count()).select_from(MilestoneUnit)
        .join(Milestone, MilestoneUnit.milestone_id == Milestone.id).join(Task, Milestone.task_id == Task.id)
        .join(Unit, MilestoneUnit.unit_id == Unit.id)
        .where(Milestone.removed_at.is_(None), Task.removed_at.is_(None), MilestoneUnit.removed_at.is_(None),
               MilestoneUnit.done_at.is_(None), ~acked.exists())
        .group_by(Unit.name)).all()
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))


def _live_links() -> dict[int, int]:
    rows = g.db.execute(select(AnswerToken.unit_id, func.count()).where(
        AnswerToken.revoked_at.is_(None), AnswerToken.used_at.is_(None),
        (AnswerToken.expires_at.is_(None)) | (AnswerToken.expires_at > g.now)).group_by(AnswerToken.unit_id))
    return dict(rows.all())


@bp.get("")
def index():
    progress = list(g.db.scalars(select(ProgressReport).order_by(ProgressReport.at.desc()).limit(RECENT)))
    items = {r.unit_item_id: g.db.get(UnitItem, r.unit_item_id) for r in progress}
    links = _live_links()
    units = [(u, links[u.id]) for u in g.db.scalars(select(Unit).order_by(Unit.name)) if u.id in links]
    return render_template("approvals.html", requests=flows.pending(g.db), progress=progress, items=items,
                           labels=flows.LABELS, quiet=not_acknowledged(), units=units)


@bp.post("/<int:request_id>")
def decide(request_id: int):
    row = g.db.get(AnswerRequest, request_id)
    if row is None:
        abort(404)
    decision = request.form.get("decision", "")
    mu = row.item.milestone_unit
    before = {"state": row.item.state, "due": str(row.item.due or row.item.original_due)}
    try:
        said = flows.decide(g.db, row, decision, request.form.get("reason", ""), g.user.username, g.settings, g.now)
        notices.tell_unit(g.db, g.settings, row, g.now)
    except flows.AnswerRefused as error:
        g.db.rollback()
        flash(error.message)
        return redirect(url_for("approvals.index"))
    action = "审核办结" if row.kind == flows.DONE_REQUEST else "审批延期"
    record(g.db, g.user.username, action, f"M{mu.milestone_id} {mu.unit.name}", before,
           {"state": row.item.state, "due": str(row.item.due or row.item.original_due), "decision": decision,
            "reason": row.decision_reason}, at=g.now)
    flash(said)
    return redirect(url_for("approvals.index"))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A unit's file, always as a download (never shown inline: it is the unit's content)."""
    row = g.db.get(Attachment, attachment_id)
    if row is None or not attachments.path_of(g.settings, row.sha256).is_file():
        abort(404)
    return send_file(attachments.path_of(g.settings, row.sha256).resolve(), mimetype="application/octet-stream",
                     as_attachment=True, download_name=row.name)


@bp.post("/revoke/<int:unit_id>")
def revoke(unit_id: int):
    unit = g.db.get(Unit, unit_id)
    if unit is None:
        abort(404)
    count = tokens.revoke(g.db, unit_id, g.user.username, g.now)
    record(g.db, g.user.username, "撤销单位链接", unit.name, {"links": count}, {"links": 0}, at=g.now)
    flash(f"已撤销 {unit.name} 的 {count} 个链接；下一次提醒会带上新链接。")
    return redirect(url_for("approvals.index"))
