"""Storing an Extraction: the document, its tasks, milestones and their units, matched to what
is already stored so that an amended file updates rows instead of adding new ones.

Identity, chosen so amendments are recognised:
- document: normalised title (amendment markers such as “（修订稿）” dropped) + working year;
- task: its number in the list ("n12"), or a hash of its title when the number is missing;
- milestone: a hash of its action text within the task; a milestone whose action was reworded
  takes over the old row left unmatched in the same task, in order (so a moved deadline with a
  reworded action still moves the same reminders).
`sync_document` returns the ids of milestones whose plan must be recomputed and a Chinese
account of every change; it never deletes (removed rows get `removed_at`).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.model import Extraction
from bot.model import Milestone as ExtractedMilestone
from bot.model import Task as ExtractedTask
from bot.store.models import (
    ASSIST_ROLE,
    LEAD_ROLE,
    Document,
    Milestone,
    MilestoneUnit,
    Task,
    Unit,
)

_AMENDMENT = re.compile(r"[（(\[【]?(修订稿?|修改稿?|调整稿?|更新稿?|修订版|调整版|更新版|第[一二三四五六七八九十\d]+稿)[）)\]】]?")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def document_key(title: str, year: int | None) -> str:
    return f"{year or 0}:{normalise(_AMENDMENT.sub('', unicodedata.normalize('NFKC', title or '')))}"[:400]


def _digest(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:12]


def task_keys(tasks: list[ExtractedTask]) -> list[str]:
    keys, seen = [], {}
    for task in tasks:
        base = f"n{task.no}" if task.no is not None else f"t{_digest(task.title + task.measures[:60])}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


def milestone_keys(milestones: list[ExtractedMilestone]) -> list[str]:
    keys, seen = [], {}
    for m in milestones:
        base = f"a{_digest(m.action or m.expr)}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(f"{base}-{seen[base]}")
    return keys


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


def sync_document(session: Session, extraction: Extraction, planned_from: date, now: datetime) -> SyncResult:
    doc_in = extraction.document
    key = document_key(doc_in.title, doc_in.year)
    doc = session.scalars(select(Document).where(Document.key == key)).one_or_none()
    if doc is not None and doc.sha256 == doc_in.sha256 and doc_in.sha256:
        return SyncResult(doc, created=False, unchanged=True)
    created = doc is None
    if created:
        doc = Document(key=key, title=doc_in.title, year=doc_in.year, sha256=doc_in.sha256, imported_at=now)
        session.add(doc)
    doc.title, doc.year, doc.doc_date = doc_in.title, doc_in.year, doc_in.doc_date
    doc.issuer, doc.source, doc.sha256, doc.updated_at = doc_in.issuer, doc_in.source, doc_in.sha256, now
    session.flush()
    result = SyncResult(doc, created=created)

    names = {n for m in extraction.milestones for n in m.units}
    units = _ensure_units(session, names)
    stored_tasks = {t.key: t for t in session.scalars(
        select(Task).where(Task.document_id == doc.id)
        .options(selectinload(Task.milestones).selectinload(Milestone.units).joinedload(MilestoneUnit.unit)))}
    by_no: dict[int | None, list[ExtractedMilestone]] = {}
    for m in extraction.milestones:
        by_no.setdefault(m.task, []).append(m)

    live_keys = set()
    for task_in, tkey in zip(doc_in.tasks, task_keys(doc_in.tasks)):
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
        _sync_milestones(session, task, by_no.get(task_in.no, []), units, planned_from, now, result, created)

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


def _what(expr: str) -> str:
    return f"「{expr}」" if expr else "年度任务（未写时限）"


def _sync_milestones(session: Session, task: Task, milestones: list[ExtractedMilestone], units: dict[str, Unit],
                     planned_from: date, now: datetime, result: SyncResult, created: bool) -> None:
    label = _task_label(task)
    pairs, gone = _match_milestones(list(task.milestones), milestones, milestone_keys(milestones))
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
