"""The admin's reporting calendar of a task (报送进展周期), linked from the review screen.

Set: the admin writes the period as a document would ("每月25日前", "每季度末月20日前",
"每周五"); the extractor's own recurrence rules read it, so a calendar means the same
whether a document or the admin states it. Clear or mark: one recurring milestone of the
task becomes a plain recurring deadline, or a calendar. All three are corrections
(bot/store/corrections.py), so they survive re-import, and each one replans at once.
Below the form: each unit's periods (已报 / 未报 / 待报) from the store.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.answers import reporting
from bot.errors import DubanError
from bot.extract.extractor import extract_clause
from bot.model import Context
from bot.plan.imports import import_extraction
from bot.store.audit import record
from bot.store.console_models import CorrectionRow
from bot.store.corrections import KINDS, add_correction, apply_corrections, keyed, reading_of, stored_corrections
from bot.store.identity import task_keys
from bot.store.models import Document, Milestone, Task

bp = Blueprint("reporting", __name__, url_prefix="/documents")
TASK_KIND, MILESTONE_KIND = reporting.TASK_KIND, reporting.MILESTONE_KIND


def _document(doc_id: int) -> Document:
    doc = g.db.get(Document, doc_id)
    if doc is None or doc.withdrawn_at is not None:
        abort(404)
    return doc


def recurrence_of(text: str, doc: Document) -> dict:
    """The value of a task.reporting correction from the period as written, read by the extractor."""
    expr = " ".join((text or "").split())
    found = extract_clause(expr, Context(year=doc.year or g.now.year, doc_date=doc.doc_date))[0] if expr else []
    rules = [m for m in found if m.rule]
    if len(rules) != 1:
        raise DubanError(f"「{expr[:30]}」不是一个报送周期，请写成「每月25日前」「每季度末月20日前」「每周五」这样的形式")
    return {"expr": expr, "rule": rules[0].rule, "due": rules[0].due.isoformat()}


def _task_rows(doc: Document, task_key: str) -> tuple:
    reading = keyed(reading_of(doc))
    corrected, _ = apply_corrections(reading, stored_corrections(g.db, doc.id))
    task = next((t for t in corrected.document.tasks if t.key == task_key), None)
    if task is None:
        abort(404)
    stored = _stored_task(doc, corrected, task_key)
    rows = {m.key: m for m in stored.milestones if m.removed_at is None} if stored else {}
    chosen = reporting.calendar_ids(g.db, list(rows.values()))
    recurring = [(m, rows[m.key].id in chosen if m.key in rows else reporting.is_progress_report(m.action))
                 for m in corrected.milestones if m.task_key == task_key and m.rule]
    return task, recurring


def _stored_task(doc: Document, reading, task_key: str) -> Task | None:
    """The stored row of the reading's task (stored keys differ from reading keys: bot.store.identity)."""
    keys = dict(zip([t.key for t in reading.document.tasks], task_keys(reading.document.tasks)))
    return g.db.scalar(select(Task).where(Task.document_id == doc.id, Task.key == keys.get(task_key, "")))


def _stored_milestone(doc: Document, task_key: str, milestone_key: str) -> Milestone:
    stored = _stored_task(doc, keyed(reading_of(doc)), task_key)
    found = next((m for m in (stored.milestones if stored else []) if m.key == milestone_key and m.removed_at is None
                  and m.rule), None)
    if found is None:
        raise DubanError("该周期性节点已不在任务中（可能已被删除），请刷新页面后重试")
    return found


def _standing(doc: Document, task_key: str) -> list[tuple[Milestone, list]]:
    """The task's stored calendars and, per live unit, its periods as of today."""
    stored = _stored_task(doc, keyed(reading_of(doc)), task_key)
    if stored is None:
        return []
    live = [m for m in stored.milestones if m.removed_at is None]
    chosen = reporting.calendar_ids(g.db, live)
    today = g.now.astimezone(g.settings.tz).date()
    return [(m, [(mu.unit.name, reporting.unit_periods(g.db, mu, today, g.settings.tz))
                 for mu in m.units if mu.removed_at is None]) for m in live if m.id in chosen]


@bp.get("/<int:doc_id>/tasks/<task_key>/reporting")
def show(doc_id: int, task_key: str, error: str | None = None, status: int = 200):
    doc = _document(doc_id)
    try:
        task, recurring = _task_rows(doc, task_key)
    except DubanError as problem:
        return render_template("error.html", title="无法设置", message=str(problem)), 409
    return render_template("reporting.html", doc=doc, task=task, recurring=recurring,
                           standing=_standing(doc, task_key), labels=reporting.LABELS, error=error), status


def _revoke(doc: Document, kind: str, task_key: str, milestone_key: str) -> list[CorrectionRow]:
    rows = list(g.db.scalars(select(CorrectionRow).where(
        CorrectionRow.document_id == doc.id, CorrectionRow.kind == kind, CorrectionRow.task_key == task_key,
        CorrectionRow.milestone_key == milestone_key, CorrectionRow.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at = g.now
    return rows


@bp.post("/<int:doc_id>/tasks/<task_key>/reporting")
def change(doc_id: int, task_key: str):
    doc = _document(doc_id)
    op, milestone_key = request.form.get("op", ""), request.form.get("milestone_key", "")
    reason = request.form.get("reason", "").strip()
    try:
        if op == "set":
            value = recurrence_of(request.form.get("expr", ""), doc)
            add_correction(g.db, doc, TASK_KIND, value, actor=g.user.username, reason=reason, task_key=task_key,
                           now=g.now)
            what = f"设置报送进展周期「{value['expr']}」"
        elif op in ("clear", "mark"):
            own = [c for c in stored_corrections(g.db, doc.id)
                   if c.kind == TASK_KIND and c.task_key == task_key and f"c{c.id}" == milestone_key]
            _revoke(doc, MILESTONE_KIND, task_key, milestone_key)
            if op == "clear" and own:  # the admin's own calendar: withdrawn with its milestone
                g.db.get(CorrectionRow, own[0].id).revoked_at = g.now
            else:
                value = {"reporting": op == "mark", "milestone_id": _stored_milestone(doc, task_key, milestone_key).id}
                add_correction(g.db, doc, MILESTONE_KIND, value, actor=g.user.username, reason=reason,
                               task_key=task_key, milestone_key=milestone_key, now=g.now)
            what = "取消报送进展周期" if op == "clear" else "作为报送进展周期"
        else:
            raise DubanError("无法识别的操作，请刷新页面后重试")
        report = import_extraction(g.db, reading_of(doc), settings=g.settings, as_of=g.now, actor=g.user.username,
                                   target=doc)
    except DubanError as problem:
        g.db.rollback()
        return show(doc_id, task_key, error=f"未保存：{problem}", status=400)
    record(g.db, g.user.username, KINDS[TASK_KIND], f"《{doc.title}》 任务 {task_key} {milestone_key}".strip(),
           after={"op": op, "what": what, "reason": reason}, at=g.now)
    flash(f"已保存（{what}）。{report.stats.summary()}")
    return redirect(url_for("reporting.show", doc_id=doc.id, task_key=task_key))
