"""Corrections: what a person changed in what Duban read, kept apart from the reading itself.

A document's reading (the Extraction before any correction) is stored with it; every
correction is a row (who, when, why, what). Whenever the document is imported again, the
same or amended, the corrections are applied to the new reading before it is stored, so a
person's work survives re-import. A correction whose target is gone from the new reading
is not applied and is reported (a review flag), never silently dropped.

Targets are reading identities, never database ids: a task by its Task.key, a milestone by
its key within the task (from its action text before any correction; see `milestone_keys`).

    kind               target                  value
    milestone.due      task_key, milestone_key {"due": "2024-07-15"}
    milestone.kind     task_key, milestone_key {"kind": "once"}
    milestone.action   task_key, milestone_key {"action": "…"}
    milestone.remove   task_key, milestone_key {}
    milestone.add      task_key                {"due": …, "action": …, "kind": "once"}
    task.units         task_key                {"units": ["lead", "co", …]}
    task.reporting     task_key                {"expr": "每月25日前", "rule": RRULE, "due": first}  (a
                                               reporting calendar: a recurring milestone c<id>, see
                                               bot/answers/reporting.py)
    milestone.reporting task_key, milestone_key {"reporting": true|false, "milestone_id": stored id}
                                               (read at run time by the stored row)
    unit.map           —                       {"name": "人数处", "units": ["人事处"]}  (whole document)
    flag.checked       —                       {"code": …, "message": …}
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.model import ONCE, RECURRING, Extraction, Flag, Milestone
from bot.store.identity import milestone_keys

KINDS = {
    "milestone.due": "修改截止日期",
    "milestone.kind": "修改节点类型",
    "milestone.action": "修改事项",
    "milestone.remove": "删除误读的节点",
    "milestone.add": "补充漏读的节点",
    "task.units": "修改责任单位",
    "task.reporting": "设置报送进展周期",
    "milestone.reporting": "设置是否为报送进展周期",
    "unit.map": "单位名称对应到目录中的单位",
    "flag.checked": "核对提示已处理",
}
_MILESTONE_KINDS = ("once", "recurring", "implicit")
REPORTING_ACTION = "报送工作进展"  # recognised as a progress report (bot/answers/reporting.py RULES)


@dataclass(frozen=True)
class Correction:
    id: int
    kind: str
    task_key: str = ""
    milestone_key: str = ""
    value: dict = field(default_factory=dict)


def keyed(extraction: Extraction) -> Extraction:
    """The reading with every milestone's key set (the targets corrections name)."""
    by_task: dict[str, list[Milestone]] = {}
    for m in extraction.milestones:
        by_task.setdefault(m.task_key, []).append(m)
    keys = {id(m): k for ms in by_task.values() for m, k in zip(ms, milestone_keys(ms))}
    milestones = [m if m.key else replace(m, key=keys[id(m)]) for m in extraction.milestones]
    return Extraction(extraction.document, milestones, extraction.warnings)


def check_value(kind: str, value: dict) -> dict:
    """The value of a correction, checked; a Chinese DubanError names what is wrong."""
    if kind not in KINDS:
        raise DubanError(f"未知的修改类型「{kind}」")
    if kind in ("milestone.due", "milestone.add"):
        try:
            date.fromisoformat(str(value.get("due", "")))
        except ValueError:
            raise DubanError(f"「{value.get('due', '')}」不是有效日期，格式应为 YYYY-MM-DD") from None
    if kind == "milestone.kind" and value.get("kind") not in _MILESTONE_KINDS:
        raise DubanError(f"节点类型应为 {'、'.join(_MILESTONE_KINDS)} 之一")
    if kind in ("task.units", "unit.map"):
        units = value.get("units")
        if not isinstance(units, list) or not all(isinstance(u, str) and u.strip() for u in units):
            raise DubanError("请至少选择一个责任单位")
    if kind in ("milestone.action", "milestone.add") and not str(value.get("action", "")).strip():
        raise DubanError("请填写事项")
    if kind == "task.reporting":
        _check_rule(value)
    if kind == "milestone.reporting" and not (isinstance(value.get("reporting"), bool)
                                              and isinstance(value.get("milestone_id"), int)):
        raise DubanError("请选择是否作为报送进展周期")
    return value


def _check_rule(value: dict) -> None:
    from dateutil.rrule import rrulestr

    try:
        date.fromisoformat(str(value.get("due", "")))
        rrulestr(str(value.get("rule", "")))
    except ValueError:
        raise DubanError("报送周期无法识别，请写成「每月25日前」「每季度末月20日前」「每周五」这样的形式") from None
    if not str(value.get("expr", "")).strip():
        raise DubanError("请填写报送周期，如「每月25日前」")


def describe(kind: str, value: dict) -> str:
    """A correction in words, for the review screen and the audit page."""
    units = "、".join(value.get("units", []))
    return {
        "milestone.due": f"截止日期改为 {value.get('due')}",
        "milestone.kind": f"类型改为 {value.get('kind')}",
        "milestone.action": f"事项改为「{value.get('action', '')}」",
        "milestone.remove": "删除该节点",
        "milestone.add": f"补充节点 {value.get('due')}「{value.get('action', '')}」",
        "task.units": f"责任单位改为 {units}",
        "task.reporting": f"报送进展周期：{value.get('expr', '')}",
        "milestone.reporting": "作为报送进展周期" if value.get("reporting") else "不作为报送进展周期",
        "unit.map": f"「{value.get('name', '')}」对应为 {units}",
        "flag.checked": f"提示已核对：{value.get('message', '')[:40]}",
    }.get(kind, KINDS.get(kind, kind))


def _map_units(names: list[str], mapping: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for name in names:
        out += mapping.get(name, [name])
    return list(dict.fromkeys(out))


def apply_corrections(extraction: Extraction, corrections: list[Correction]) -> tuple[Extraction, list[Flag]]:
    """The reading with the corrections applied, and a flag for each that no longer applies."""
    reading = keyed(extraction)
    stale: list[Flag] = []
    tasks = {t.key: t for t in reading.document.tasks}
    mapping = {c.value["name"]: list(c.value["units"]) for c in corrections if c.kind == "unit.map"}
    task_units = {c.task_key: list(c.value["units"]) for c in corrections if c.kind == "task.units"}
    edits: dict[tuple[str, str], dict] = {}
    removed: set[tuple[str, str]] = set()
    for c in corrections:
        if c.kind in ("unit.map", "flag.checked"):
            continue
        if c.task_key not in tasks:
            stale.append(Flag("stale-correction", f"之前的修改（{KINDS[c.kind]}）所针对的任务在新文件中已不存在，未应用，请核对", text=c.task_key))
        elif c.kind == "milestone.remove":
            removed.add((c.task_key, c.milestone_key))
        elif c.kind.startswith("milestone.") and c.kind != "milestone.add":
            edits.setdefault((c.task_key, c.milestone_key), {}).update(c.value)
    milestones = []
    present = {(m.task_key, m.key) for m in reading.milestones}
    for target in sorted((set(edits) | removed) - present):
        stale.append(Flag("stale-correction", "之前修改过的时间节点在新文件中已不存在（原文可能已改写），未应用，请核对",
                          text=f"{target[0]}/{target[1]}"))
    for m in reading.milestones:
        target = (m.task_key, m.key)
        if target in removed:
            continue
        change = edits.get(target, {})
        if "due" in change:
            m = replace(m, due=date.fromisoformat(change["due"]), matched_by="manual", past=False)
        if "kind" in change:
            m = replace(m, kind=change["kind"], rule=m.rule if change["kind"] == "recurring" else None)
        if "action" in change:
            m = replace(m, action=change["action"])
        milestones.append(m)
    for c in corrections:
        if c.kind == "milestone.add" and c.task_key in tasks:
            task = tasks[c.task_key]
            milestones.append(Milestone(expr="", start=0, end=0, due=date.fromisoformat(c.value["due"]),
                                        kind=c.value.get("kind", ONCE), matched_by="manual",
                                        action=c.value["action"], task=task.no, task_key=task.key,
                                        units=tuple(task.units), key=f"c{c.id}", source=""))
        if c.kind == "task.reporting" and c.task_key in tasks:
            task = tasks[c.task_key]
            milestones.append(Milestone(expr=c.value["expr"], start=0, end=0, due=date.fromisoformat(c.value["due"]),
                                        kind=RECURRING, matched_by="manual", action=REPORTING_ACTION,
                                        rule=c.value["rule"], task=task.no, task_key=task.key, units=tuple(task.units),
                                        key=f"c{c.id}", source=""))
    document = reading.document
    tasks_out = [replace(t, units=task_units.get(t.key, _map_units(t.units, mapping))) for t in document.tasks]
    milestones = [replace(m, units=tuple(task_units.get(m.task_key, _map_units(list(m.units), mapping))))
                  for m in milestones]
    mapped = set(mapping)
    warnings = [w for w in reading.warnings if not (w.code == "unknown-unit" and w.text in mapped)]
    return Extraction(replace(document, tasks=tasks_out), milestones, warnings + stale), stale


def stored_corrections(session: Session, document_id: int) -> list[Correction]:
    from bot.store.console_models import CorrectionRow

    rows = session.scalars(select(CorrectionRow).where(
        CorrectionRow.document_id == document_id, CorrectionRow.revoked_at.is_(None)).order_by(CorrectionRow.id))
    return [Correction(r.id, r.kind, r.task_key, r.milestone_key, dict(r.value)) for r in rows]


def reading_of(document, tasks: Collection[str] | None = None) -> Extraction:
    """The stored reading of a document (before corrections), as an Extraction.

    With `tasks` (task keys), only part of it: those tasks with their milestones and flags, the
    flags of no task, and every other flag once per (code, text). A review page shows 50 tasks
    of a 2,000-task list yet names the units to map across the whole document; the other
    tasks are not turned into objects on every visit."""
    from bot.extraction_file import stored_reading

    if not document.reading:
        raise DubanError(f"《{document.title}》是在保存原始读取结果之前导入的，请重新导入该文件后再修改")
    reading = document.reading if tasks is None else _part(document.reading, set(tasks))
    return stored_reading(reading, document.source or document.title, document.sha256)


def _part(reading: dict, keys: set[str]) -> dict:
    chosen = [t for t in reading.get("tasks", []) if t.get("key") in keys]
    numbers = {t.get("no") for t in chosen}
    flags, seen = [], set()
    for w in reading.get("warnings", []):
        if w.get("task") is None or w.get("task") in numbers:
            flags.append(w)
        elif (w.get("code"), w.get("text")) not in seen:
            seen.add((w.get("code"), w.get("text")))
            flags.append(w)
    milestones = [m for m in reading.get("milestones", []) if m.get("task_key") in keys
                  or (not m.get("task_key") and m.get("task") in numbers)]
    return {**reading, "tasks": chosen, "milestones": milestones, "warnings": flags}


def add_correction(session: Session, document, kind: str, value: dict, *, actor: str, reason: str = "",
                   task_key: str = "", milestone_key: str = "", now: datetime | None = None):
    """Record a correction after checking that its target exists in the document's reading."""
    from bot.store.console_models import CorrectionRow
    from bot.store.models import utcnow

    check_value(kind, value)
    reading = keyed(reading_of(document))
    if kind not in ("unit.map", "flag.checked"):
        task_keys = {t.key for t in reading.document.tasks}
        if task_key not in task_keys:
            raise DubanError(f"任务「{task_key}」不在《{document.title}》中")
    if kind.startswith("milestone.") and kind != "milestone.add":
        known = {(m.task_key, m.key) for m in reading.milestones}
        known |= {(c.task_key, f"c{c.id}") for c in stored_corrections(session, document.id)
                  if c.kind in ("milestone.add", "task.reporting")}
        if (task_key, milestone_key) not in known:
            raise DubanError("该时间节点不在文件的读取结果中（可能已被删除），请刷新页面后重试")
    row = CorrectionRow(document_id=document.id, kind=kind, task_key=task_key, milestone_key=milestone_key,
                        value=value, reason=reason, actor=actor, created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row
