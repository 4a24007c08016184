"""The review screen: what was read from one document, next to its source text, and the
corrections a person makes to it (stored as corrections, applied again on every import).

Every correction moves the plan at once: the document's reading is imported again with its
corrections (`import_extraction(…, target=doc)`), and the flash says what changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.errors import DubanError
from bot.model import Extraction, Flag, Milestone, Task
from bot.plan.imports import import_extraction
from bot.names import name_key
from bot.store.aliases import SAVE_LABEL, save_alias
from bot.store.audit import record
from bot.store.console_models import CorrectionRow, DirectoryAlias
from bot.store.corrections import (
    KINDS, add_correction, apply_corrections, describe, keyed, reading_of, stored_corrections,
)
from bot.store.models import Document, Unit

bp = Blueprint("review", __name__, url_prefix="/documents")
KIND_LABELS = {"once": "一次", "recurring": "周期", "implicit": "默认年底"}
MAP_FLAGS = ("unknown-unit", "unit-needs-choice")


@dataclass
class Segment:
    text: str
    milestone: int | None = None  # index into the task's milestones when this text is a matched expression


@dataclass
class TaskView:
    task: Task
    segments: list[Segment]
    deadline_segments: list[Segment]
    milestones: list[Milestone]
    flags: list[Flag]
    corrections: list[CorrectionRow]


def highlight(text: str, milestones: list[Milestone], source: str) -> list[Segment]:
    """`text` cut into plain runs and the spans matched by milestones read from it."""
    spans = sorted((m.start, m.end, i) for i, m in enumerate(milestones)
                   if m.source == source and 0 <= m.start < m.end <= len(text))
    out, at = [], 0
    for start, end, index in spans:
        if start < at:
            continue  # overlapping spans: the first one shown
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], index))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


PAGE = 50  # tasks per review page: a 2,000-task list is read a page at a time


def _views(corrected: Extraction, rows: list[CorrectionRow], tasks: list[Task]) -> list[TaskView]:
    by_task: dict[str, list[Milestone]] = {}
    for m in corrected.milestones:
        by_task.setdefault(m.task_key, []).append(m)
    flags: dict[int, list[Flag]] = {}
    for w in corrected.warnings:
        if w.task is not None:
            flags.setdefault(w.task, []).append(w)
    done: dict[str, list[CorrectionRow]] = {}
    for r in rows:
        done.setdefault(r.task_key, []).append(r)
    views = []
    for task in tasks:
        ms = by_task.get(task.key, [])
        views.append(TaskView(task, highlight(task.measures, ms, "measures"),
                              highlight(task.deadline_text, ms, "deadline_text"), ms,
                              flags.get(task.no, []) if task.no is not None else [], done.get(task.key, [])))
    return views


def _page_of(doc: Document, task_key: str) -> int:
    keys = [t["key"] for t in (doc.reading or {}).get("tasks", [])]
    return keys.index(task_key) // PAGE + 1 if task_key in keys else 1


def _document(doc_id: int) -> Document:
    doc = g.db.get(Document, doc_id)
    if doc is None or doc.withdrawn_at is not None:
        abort(404)
    return doc


def _names_to_map(corrected: Extraction) -> list[str]:
    return list(dict.fromkeys(w.text for w in corrected.warnings if w.code in MAP_FLAGS and w.text))


def _unit_choices(unmapped: list[str]) -> list[str]:
    """The office directory's units first, then units known only from documents; never a
    group or a name still waiting to be mapped."""
    from bot.units import reading_directory

    directory, _ = reading_directory()
    stored = g.db.scalars(select(Unit.name).where(Unit.kind == "unit").order_by(Unit.name))
    groups = {n for n in stored if (m := directory.lookup(n)) is not None and m.entry.is_group}
    return [n for n in dict.fromkeys([*directory.units(), *stored]) if n not in groups and n not in unmapped]


@bp.get("/<int:doc_id>/review")
def show(doc_id: int, error: str | None = None, status: int = 200, error_at: str | None = None):
    """The review page; `error_at` is the name whose "map unknown name" form the error belongs to."""
    doc = _document(doc_id)
    keys = [t.get("key") for t in (doc.reading or {}).get("tasks", [])]
    pages = max(1, -(-len(keys) // PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = keys[(page - 1) * PAGE: page * PAGE]
    corrections = stored_corrections(g.db, doc.id)
    try:  # only this page's tasks, and those the corrections name (so a stale one is still told apart)
        reading = keyed(reading_of(doc, tasks={*shown, *(c.task_key for c in corrections)}))
    except DubanError as problem:
        return render_template("error.html", title="无法核对", message=str(problem)), 409
    rows = list(g.db.scalars(select(CorrectionRow).where(
        CorrectionRow.document_id == doc.id, CorrectionRow.revoked_at.is_(None)).order_by(CorrectionRow.id)))
    corrected, stale = apply_corrections(reading, corrections)
    checked = {(r.value.get("code"), r.value.get("message")) for r in rows if r.kind == "flag.checked"}
    general = [w for w in corrected.warnings if w.task is None]
    names_to_map = _names_to_map(corrected)
    units = _unit_choices(names_to_map)
    on_page = set(shown)
    views = _views(corrected, rows, [t for t in corrected.document.tasks if t.key in on_page])
    return render_template("review.html", doc=doc, views=views, page=page, pages=pages, general=general, stale=stale,
                           checked=checked, names_to_map=names_to_map, units=units,
                           mapped=[r for r in rows if r.kind == "unit.map"],
                           kinds=KIND_LABELS, labels=KINDS, describe=describe, error=error,
                           error_at=error_at if error_at in names_to_map else None,
                           save_alias_label=SAVE_LABEL), status


def _value(kind: str) -> dict:
    form = request.form
    if kind in ("milestone.due",):
        return {"due": form.get("due", "").strip()}
    if kind == "milestone.kind":
        return {"kind": form.get("kind_value", "")}
    if kind == "milestone.action":
        return {"action": form.get("action", "").strip()}
    if kind == "milestone.add":
        return {"due": form.get("due", "").strip(), "action": form.get("action", "").strip(), "kind": "once"}
    if kind in ("task.units", "unit.map"):
        chosen = [u.strip() for u in form.getlist("units") if u.strip()]
        chosen += [u.strip() for u in form.get("other_units", "").replace("、", "\n").splitlines() if u.strip()]
        value = {"units": list(dict.fromkeys(chosen))}
        if kind == "unit.map":
            value["name"] = form.get("name", "").strip()
        return value
    if kind == "flag.checked":
        return {"code": form.get("code", ""), "message": form.get("message", "")}
    return {}


@bp.post("/<int:doc_id>/corrections")
def correct(doc_id: int):
    doc = _document(doc_id)
    kind = request.form.get("kind", "")
    task_key, milestone_key = request.form.get("task_key", ""), request.form.get("milestone_key", "")
    try:
        value = _value(kind)
        row = add_correction(g.db, doc, kind, value, actor=g.user.username, reason=request.form.get("reason", "").strip(),
                             task_key=task_key, milestone_key=milestone_key, now=g.now)
        alias = save_alias(g.db, value["name"], value["units"], actor=g.user.username, now=g.now) \
            if kind == "unit.map" and request.form.get("save_alias") else None
        report = import_extraction(g.db, reading_of(doc), settings=g.settings, as_of=g.now,
                                   actor=g.user.username, target=doc)
        spread = _spread(alias, doc) if alias else []
    except DubanError as problem:
        g.db.rollback()
        return show(doc_id, error=f"{KINDS.get(kind, '修改')}未保存：{problem}", status=400,
                    error_at=request.form.get("name") if kind == "unit.map" else None)
    record(g.db, g.user.username, KINDS[kind], f"《{doc.title}》 任务 {task_key} {milestone_key}".strip(),
           after={"correction": row.id, **value, "reason": row.reason}, at=g.now)
    if alias:
        record(g.db, g.user.username, "保存单位简称", alias.unit, after={
            "alias": alias.alias, "unit": alias.unit, "document": doc.title, "also_mapped_in": spread}, at=g.now)
        flash(f"已把「{alias.alias}」保存为「{alias.unit}」的简称，今后导入的文档按此识别"
              + (f"；已按此对应的其他文档：{'、'.join(f'《{t}》' for t in spread)}" if spread else "") + "。")
    if kind == "flag.checked" and request.headers.get("HX-Request"):  # htmx: just the note, now ticked
        return render_template("review_flag.html", message=value["message"])
    flash(f"已保存（{KINDS[kind]}）。{report.stats.summary()}")
    return redirect(url_for("review.show", doc_id=doc.id, page=_page_of(doc, task_key))
                    + (f"#task-{task_key}" if task_key else ""))


def _spread(alias: DirectoryAlias, source: Document) -> list[str]:
    """Map the alias's name in every other live document that still has it as unknown, as a
    correction there (revocable on its review screen), so their plans move now rather than at
    their next import; the titles of the documents changed."""
    changed = []
    for doc in g.db.scalars(select(Document).where(Document.withdrawn_at.is_(None), Document.id != source.id)):
        if not doc.reading:
            continue
        corrected, _ = apply_corrections(keyed(reading_of(doc)), stored_corrections(g.db, doc.id))
        names = dict.fromkeys(w.text for w in corrected.warnings
                              if w.code == "unknown-unit" and name_key(w.text) == alias.alias)
        for name in names:
            add_correction(g.db, doc, "unit.map", {"name": name, "units": [alias.unit]}, actor=g.user.username,
                           reason=f"按《{source.title}》核对时保存的简称「{alias.alias}」", now=g.now)
        if names:
            import_extraction(g.db, reading_of(doc), settings=g.settings, as_of=g.now, actor=g.user.username, target=doc)
            changed.append(doc.title)
    return changed


@bp.post("/<int:doc_id>/corrections/<int:correction_id>/revoke")
def revoke(doc_id: int, correction_id: int):
    doc = _document(doc_id)
    row = g.db.get(CorrectionRow, correction_id)
    if row is None or row.document_id != doc.id or row.revoked_at is not None:
        abort(404)
    row.revoked_at = g.now
    report = import_extraction(g.db, reading_of(doc), settings=g.settings, as_of=g.now, actor=g.user.username, target=doc)
    record(g.db, g.user.username, "撤销修改", f"《{doc.title}》 修改 {row.id}", before={"kind": row.kind, **row.value},
           at=g.now)
    flash(f"已撤销该修改。{report.stats.summary()}")
    return redirect(url_for("review.show", doc_id=doc.id, page=_page_of(doc, row.task_key))
                    + (f"#task-{row.task_key}" if row.task_key else ""))
