"""Storing an Extraction: the document, its tasks, milestones and their units, matched to what
is already stored so that an amended file updates rows instead of adding new ones.

Identity, chosen so amendments are recognised and other offices' lists are not:
- document: normalised title (amendment markers such as “（修订稿）” dropped) + working year,
  told apart by issuer (else 发文字号) when two lists share a generic title; a same-titled file
  that shares no task with the stored one is refused unless the admin says `replace` or `new`;
- task: its reading key (Task.key: the number, or section and number where numbering restarts),
  or a hash of its title when it has no number;
- milestone: a hash of its action text within the task; a milestone whose action was reworded
  takes over the old row left unmatched in the same task, in order (so a moved deadline with a
  reworded action still moves the same reminders).
`sync_document` returns the ids of milestones whose plan must be recomputed and a Chinese
account of every change; it never deletes (removed rows get `removed_at`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.errors import DubanError
from bot.model import Document as ExtractedDocument
from bot.model import Extraction
from bot.model import Milestone as ExtractedMilestone
from bot.model import Task as ExtractedTask
from bot.store.corrections import apply_corrections, keyed, stored_corrections
from bot.store.identity import digest, document_key, normalise, task_keys
from bot.store.models import (
    ASSIST_ROLE,
    LEAD_ROLE,
    Document,
    Milestone,
    MilestoneUnit,
    Task,
    Unit,
)

# Longest names the schema holds (units.name is String(200)); longer is a misread cell.
MAX_UNIT_NAME = 200


def _same_source(doc: Document, doc_in: ExtractedDocument) -> bool:
    """Issuers decide when both are known, else 发文字号; unknown on either side is no evidence."""
    if doc.issuer and doc_in.issuer:
        return normalise(doc.issuer) == normalise(doc_in.issuer)
    if doc.doc_number and doc_in.doc_number:
        return doc.doc_number == doc_in.doc_number
    return True


def _shares_no_task(session: Session, doc: Document, doc_in: ExtractedDocument) -> bool:
    stored = {normalise(t.title) for t in session.scalars(
        select(Task).where(Task.document_id == doc.id, Task.removed_at.is_(None)))}
    new = {normalise(t.title) for t in doc_in.tasks}
    return len(stored) >= 2 and len(new) >= 2 and not stored & new


def _describe(doc: Document) -> str:
    facts = "，".join(x for x in (doc.issuer and f"发文单位 {doc.issuer}", doc.doc_number, doc.source) if x)
    return f"《{doc.title}》（{doc.year} 年度{('，' + facts) if facts else ''}）"


def find_document(session: Session, doc_in: ExtractedDocument, mode: str = "") -> tuple[Document | None, str]:
    """The stored document this file revises (or None) and the key it is stored under.

    `mode` is "replace" (a same-titled file is a revision whatever its tasks) or "new" (store it
    as a document of its own); by default a same-titled file from another issuer is new, and
    one that shares no task with the stored list is refused with both ways out named.
    """
    base = document_key(doc_in.title, doc_in.year)
    candidates = list(session.scalars(select(Document).where(
        or_(Document.key == base, Document.key.startswith(base[:380] + "|", autoescape=True))).order_by(Document.id)))
    same = [] if mode == "new" else [d for d in candidates if mode == "replace" or _same_source(d, doc_in)]
    if same:
        doc = same[0]
        if mode != "replace" and _shares_no_task(session, doc, doc_in):
            raise DubanError(
                f"{doc_in.source}: 已导入过同名清单 {_describe(doc)}，但这份文件的任务与它没有一项相同。"
                "若这是它的修订稿，请加 --replace 重新导入（原清单中不再出现的任务及其提醒将被取消）；"
                "若是另一份清单，请加 --new 作为新文档导入")
        return doc, doc.key
    if not candidates:
        return None, base
    taken = {d.key for d in candidates}
    tag = digest(doc_in.issuer or doc_in.doc_number or doc_in.sha256 or str(len(candidates)))
    key = f"{base[:380]}|{tag}"
    while key in taken:
        tag = digest(tag)
        key = f"{base[:380]}|{tag}"
    return None, key


@dataclass
class SyncResult:
    document: Document
    created: bool
    unchanged: bool = False
    replan_rows: list[Milestone] = field(default_factory=list)  # milestones whose reminders must be recomputed
    changes: list[str] = field(default_factory=list)  # Chinese, one line each

    @property
    def replan(self) -> set[int]:
        return {row.id for row in self.replan_rows}


def _task_label(task: Task) -> str:
    return f"第{task.no}项「{task.title[:20]}」" if task.no is not None else f"「{task.title[:20]}」"


def _ensure_units(session: Session, names: set[str]) -> dict[str, Unit]:
    too_long = sorted(n for n in names if len(n) > MAX_UNIT_NAME)
    if too_long:
        raise DubanError(
            f"责任单位名称过长（{len(too_long[0])} 字，最多 {MAX_UNIT_NAME} 字）：「{too_long[0][:40]}…」。"
            "这通常是整段文字被误读为单位名称，请核对原件该单元格，或用 extract --format json 改正后以 import - 导入")
    units = {u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(names)))} if names else {}
    for name in sorted(names - units.keys()):
        units[name] = Unit(name=name)
        session.add(units[name])
    session.flush()
    return units


def _milestone_fields(m: ExtractedMilestone) -> dict:
    return dict(expr=m.expr, start=m.start, end=m.end, due=m.due, kind=m.kind, rule=m.rule,
                action=m.action, matched_by=m.matched_by, past=m.past)


def _sync_units(session: Session, row: Milestone, names: tuple[str, ...], units: dict[str, Unit],
                now: datetime) -> tuple[list[str], list[str]]:
    """Make the milestone's live units exactly `names` (lead first); return (added, removed)."""
    current = {mu.unit.name: mu for mu in row.units}
    added, removed = [], []
    for position, name in enumerate(names):
        role = LEAD_ROLE if position == 0 else ASSIST_ROLE
        mu = current.get(name)
        if mu is None:
            mu = MilestoneUnit(milestone=row, unit=units[name], role=role, position=position)
            session.add(mu)
            added.append(name)
        else:
            if mu.removed_at is not None:
                mu.removed_at = None
                added.append(name)
            mu.role, mu.position = role, position
    for name, mu in current.items():
        if name not in names and mu.removed_at is None:
            mu.removed_at = now
            removed.append(name)
    return added, removed


def _match_milestones(old: list[Milestone], new: list[ExtractedMilestone], keys: list[str]):
    """Pairs (stored row or None, extracted, key): exact key first, then leftovers in order."""
    by_key = {m.key: m for m in old}
    pairs, leftovers_new = [], []
    for m, key in zip(new, keys):
        row = by_key.pop(key, None)
        (pairs if row else leftovers_new).append((row, m, key))
    leftovers_old = [m for m in old if m.key in by_key and m.removed_at is None]
    for i, (_, m, key) in enumerate(leftovers_new):
        pairs.append((leftovers_old[i] if i < len(leftovers_old) else None, m, key))
    paired = {id(p[0]) for p in pairs if p[0] is not None}
    return pairs, [m for m in old if id(m) not in paired]


def sync_document(session: Session, extraction: Extraction, planned_from: date, now: datetime,
                  mode: str = "", target: Document | None = None) -> SyncResult:
    """Store `extraction` with the document's corrections applied; `mode` as in `find_document`.

    `target` is the stored document to bring up to date whatever the file's hash (a
    correction was just made): the reading is applied again rather than skipped as unchanged.
    """
    reading = keyed(extraction)
    doc_in = reading.document
    doc, key = (target, target.key) if target is not None else find_document(session, doc_in, mode)
    if target is None and doc is not None and doc.sha256 == doc_in.sha256 and doc_in.sha256:
        return SyncResult(doc, created=False, unchanged=True)
    corrected, _ = apply_corrections(reading, stored_corrections(session, doc.id)) if doc else (reading, [])
    created = doc is None
    if created:
        doc = Document(key=key, title=doc_in.title, year=doc_in.year, sha256=doc_in.sha256, imported_at=now)
        session.add(doc)
    doc.title, doc.year, doc.doc_date = doc_in.title, doc_in.year, doc_in.doc_date
    doc.issuer, doc.source, doc.sha256, doc.updated_at = doc_in.issuer, doc_in.source, doc_in.sha256, now
    doc.doc_number = doc_in.doc_number[:60]
    doc.reading = reading.to_json()
    session.flush()
    result = SyncResult(doc, created=created)

    doc_in = corrected.document
    names = {n for m in corrected.milestones for n in m.units}
    units = _ensure_units(session, names)
    stored_tasks = {t.key: t for t in session.scalars(
        select(Task).where(Task.document_id == doc.id)
        .options(selectinload(Task.milestones).selectinload(Milestone.units).joinedload(MilestoneUnit.unit)))}
    keys = task_keys(doc_in.tasks)
    by_task = _milestones_by_task(doc_in.tasks, keys, corrected.milestones)

    live_keys = set()
    for task_in, tkey in zip(doc_in.tasks, keys):
        live_keys.add(tkey)
        task = stored_tasks.get(tkey)
        if task is None:
            task = Task(document=doc, key=tkey, no=task_in.no, title=task_in.title)
            session.add(task)
            if not created:
                result.changes.append(f"新增任务 {_task_label(task)}")
        elif task.removed_at is not None:
            task.removed_at = None
            result.changes.append(f"恢复任务 {_task_label(task)}")
        task.no, task.section, task.title = task_in.no, task_in.section, task_in.title
        task.measures, task.raw_units = task_in.measures, task_in.raw_units
        _sync_milestones(session, task, by_task.get(tkey, []), units, planned_from, now, result, created)

    for tkey, task in stored_tasks.items():
        if tkey not in live_keys and task.removed_at is None:
            task.removed_at = now
            result.changes.append(f"删除任务 {_task_label(task)}")
            for row in task.milestones:
                if row.removed_at is None:
                    row.removed_at = now
                    result.replan_rows.append(row)
    session.flush()
    return result


def _milestones_by_task(tasks: list[ExtractedTask], keys: list[str],
                        milestones: list[ExtractedMilestone]) -> dict[str, list[ExtractedMilestone]]:
    """Each milestone under its task's stored key: by Task.key, or by number for milestones
    written without one (hand-made JSON)."""
    by_reading_key = {t.key: k for t, k in zip(tasks, keys) if t.key}
    by_number: dict[int, str] = {}
    for task, key in zip(tasks, keys):
        if task.no is not None:
            by_number.setdefault(task.no, key)
    out: dict[str, list[ExtractedMilestone]] = {}
    for m in milestones:
        key = by_reading_key.get(m.task_key) if m.task_key else by_number.get(m.task)
        if key is None:
            raise DubanError(f"时间节点「{m.expr or m.action[:20]}」所属的任务（{m.task_key or m.task}）不在任务列表中，"
                             "请核对 JSON 中该节点的 task_key")
        out.setdefault(key, []).append(m)
    return out


def _what(expr: str) -> str:
    return f"「{expr}」" if expr else "年度任务（未写时限）"


def _sync_milestones(session: Session, task: Task, milestones: list[ExtractedMilestone], units: dict[str, Unit],
                     planned_from: date, now: datetime, result: SyncResult, created: bool) -> None:
    label = _task_label(task)
    pairs, gone = _match_milestones(list(task.milestones), milestones, [m.key for m in milestones])
    for row, m, key in pairs:
        fields = _milestone_fields(m)
        if row is None:
            row = Milestone(task=task, key=key, planned_from=planned_from, created_at=now, **fields)
            session.add(row)
            _sync_units(session, row, m.units, units, now)
            result.replan_rows.append(row)
            if not created:
                result.changes.append(f"{label} 新增时间节点{_what(m.expr)} {m.due}")
            continue
        before = {k: getattr(row, k) for k in fields}
        moved = (before["due"], before["rule"]) != (m.due, m.rule)
        restored = row.removed_at is not None
        if restored:
            row.removed_at = None
            result.changes.append(f"{label} 恢复时间节点{_what(m.expr)}")
        if moved:
            result.changes.append(f"{label} 时间节点{_what(before['expr'])} {before['due']} → {_what(m.expr)} {m.due}")
        if before != fields or row.key != key:
            row.key, row.updated_at = key, now
            for k, v in fields.items():
                setattr(row, k, v)
        added, removed = _sync_units(session, row, m.units, units, now)
        if added or removed:
            change = "、".join([f"+{n}" for n in added] + [f"−{n}" for n in removed])
            result.changes.append(f"{label} {_what(m.expr)}责任单位变更: {change}")
        if moved or restored or added or removed or (before["kind"], before["past"]) != (m.kind, m.past):
            result.replan_rows.append(row)
    for row in gone:
        if row.removed_at is None:
            row.removed_at = now
            result.changes.append(f"{label} 删除时间节点{_what(row.expr)} {row.due}")
            result.replan_rows.append(row)


def withdraw_document(session: Session, doc: Document, now: datetime) -> list[Milestone]:
    """Mark a document withdrawn: its tasks and milestones removed (never deleted), so every
    reminder of it is cancelled by the replan the caller runs on the rows returned."""
    doc.withdrawn_at = doc.withdrawn_at or now
    rows = []
    for task in session.scalars(select(Task).where(Task.document_id == doc.id)):
        task.removed_at = task.removed_at or now
        for row in task.milestones:
            row.removed_at = row.removed_at or now
            rows.append(row)
    session.flush()
    return rows
