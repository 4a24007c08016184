"""Documents: the list, upload → preview (nothing stored) → import, and withdrawal.

The preview shows what was read (tasks, milestones, units, review notes) and the plan
changes the import would make, computed by importing in a transaction that is rolled back.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import DateField, IntegerField, RadioField
from wtforms.validators import NumberRange, Optional

from bot.errors import DubanError
from bot.extraction_file import stored_reading
from bot.model import IMPLICIT
from bot.plan.imports import import_extraction
from bot.plan.replan import plan_context, replan_at
from bot.store.audit import record
from bot.store.console_models import PendingUpload
from bot.store.documents import withdraw_document
from bot.store.models import Document, Milestone, Task

bp = Blueprint("documents", __name__, url_prefix="/documents")
MODES = [("", "自动判断（同名清单：发文单位相同即视为修订稿）"), ("replace", "作为已导入同名清单的修订稿"),
         ("new", "作为一份新文档")]


class UploadForm(FlaskForm):
    file = FileField("任务清单文件", validators=[FileRequired("请选择要上传的文件")])
    year = IntegerField("工作年度", validators=[Optional(), NumberRange(2000, 2100, "年度应在 2000–2100 之间")])
    doc_date = DateField("印发日期", validators=[Optional()])
    mode = RadioField("同名清单", choices=MODES, default="")


def _summary(doc: Document) -> dict:
    counts = g.db.execute(select(func.count(func.distinct(Task.id)), func.count(Milestone.id))
                          .select_from(Task).outerjoin(Milestone, (Milestone.task_id == Task.id) & Milestone.removed_at.is_(None))
                          .where(Task.document_id == doc.id, Task.removed_at.is_(None))).one()
    notes = len((doc.reading or {}).get("warnings", []))
    return {"doc": doc, "tasks": counts[0], "milestones": counts[1], "notes": notes}


@bp.get("/")
def index():
    docs = g.db.scalars(select(Document).order_by(Document.withdrawn_at.is_not(None), Document.updated_at.desc()))
    return render_template("documents.html", rows=[_summary(d) for d in docs])


def _read(form: UploadForm):
    from bot.ingest import read_bytes_document
    from bot.pipeline import extract_document

    upload = form.file.data
    data = upload.read()
    name = (upload.filename or "上传的文件").replace("/", "_").replace("\\", "_")
    document = read_bytes_document(data, name)
    return extract_document(document, year=form.year.data, doc_date=form.doc_date.data, session=g.db)


def _dry_run(extraction, mode: str):
    """The import's report without storing anything: the same import, rolled back.

    The request's own session commits first, so on SQLite it holds no lock the dry run waits on."""
    g.db.commit()
    db = current_app.extensions["duban"]["sessions"]()
    try:
        return import_extraction(db, extraction, settings=g.settings, as_of=g.now, actor=g.user.username, mode=mode)
    finally:
        db.rollback()
        db.close()


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    error = None
    if form.validate_on_submit():
        try:
            extraction = _read(form)
            report = _dry_run(extraction, form.mode.data or "")
        except DubanError as problem:
            error = str(problem)
        else:
            token = secrets.token_urlsafe(24)
            g.db.add(PendingUpload(token=token, actor=g.user.username, name=extraction.document.source,
                                   reading=extraction.to_json(), sha256=extraction.document.sha256,
                                   mode=form.mode.data or "", created_at=g.now))
            return render_template("preview.html", extraction=extraction, report=report, token=token,
                                   implicit=IMPLICIT)
    return render_template("upload.html", form=form, error=error), 400 if error or form.errors else 200


@bp.post("/import/<token>")
def confirm(token: str):
    pending = g.db.get(PendingUpload, token)
    if pending is None or pending.actor != g.user.username:
        abort(404)
    extraction = stored_reading(pending.reading, pending.name, pending.sha256)
    try:
        report = import_extraction(g.db, extraction, settings=g.settings, as_of=g.now, actor=g.user.username,
                                   mode=pending.mode)
    except DubanError as problem:
        return render_template("error.html", title="未能导入", message=str(problem)), 400
    g.db.delete(pending)
    record(g.db, g.user.username, "导入文档", f"《{report.title}》", after={
        "document_id": report.document_id, "created": report.created, "changes": report.changes[:50]}, at=g.now)
    flash("；".join(report.lines()[:2]))
    return redirect(url_for("documents.index"))


@bp.post("/<int:doc_id>/withdraw")
def withdraw(doc_id: int):
    doc = g.db.get(Document, doc_id) or abort(404)
    if doc.withdrawn_at is None:
        rows = withdraw_document(g.db, doc, g.now)
        stats = replan_at(g.db, plan_context(g.db, g.settings, g.now, g.user.username), f"撤回《{doc.title}》", rows)
        record(g.db, g.user.username, "撤回文档", f"《{doc.title}》", before={"state": "有效"},
               after={"state": "已撤回", "reminders_cancelled": stats.cancelled}, at=g.now)
        flash(f"已撤回《{doc.title}》：{stats.summary()}")
    return redirect(url_for("documents.index"))
