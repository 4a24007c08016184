"""An Extraction read back from the JSON that `extract --format json` writes.

So an admin can correct what was read (a date, a unit, a missed milestone) in a file and
import that: `extract 清单.docx --format json > 清单.json`, edit, `import 清单.json` (or `-`).
Every field is checked with its place named, because a hand-edited file is bad input.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from bot.errors import DubanError
from bot.model import IMPLICIT, ONCE, RECURRING, Document, Extraction, Flag, Milestone, Task

KINDS = (ONCE, RECURRING, IMPLICIT)


class _Reader:
    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, what: str) -> DubanError:
        return DubanError(f"{self.source}: {where}：{what}。请按 extract --format json 的输出格式修改后重试")

    def field(self, obj: dict, name: str, kind: type | tuple, where: str, default=None, required=False):
        if name not in obj or obj[name] is None:
            if required:
                raise self.fail(where, f"缺少字段 {name}")
            return default
        value = obj[name]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise self.fail(f"{where}.{name}", f"应为{_KIND_NAMES.get(kind, '正确类型')}，实际是 {json.dumps(value, ensure_ascii=False)[:40]}")
        return value

    def day(self, obj: dict, name: str, where: str, required=False) -> date | None:
        text = self.field(obj, name, str, where, required=required)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{where}.{name}", f"「{text}」不是有效日期，格式应为 YYYY-MM-DD") from None

    def strings(self, obj: dict, name: str, where: str) -> list[str]:
        values = self.field(obj, name, list, where, default=[])
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v.strip():
                raise self.fail(f"{where}.{name}[{i}]", "应为非空文字")
        return [v.strip() for v in values]


_KIND_NAMES = {str: "文字", int: "整数", list: "列表", dict: "对象", bool: "true/false"}


def _task(r: _Reader, obj, where: str) -> Task:
    if not isinstance(obj, dict):
        raise r.fail(where, "应为对象")
    task = Task(
        no=r.field(obj, "no", int, where),
        title=r.field(obj, "title", str, where, default=""),
        measures=r.field(obj, "measures", str, where, default=""),
        section=r.field(obj, "section", str, where, default=""),
        key=r.field(obj, "key", str, where, default=""),
        units=r.strings(obj, "units", where),
        raw_units=r.field(obj, "raw_units", str, where, default=""),
        deadline_text=r.field(obj, "deadline_text", str, where, default=""),
        review=r.strings(obj, "review", where),
        notes=r.strings(obj, "notes", where),
        contact=r.field(obj, "contact", str, where, default=""),
        units_source=r.field(obj, "units_source", str, where, default=""),
    )
    if not (task.title or task.measures):
        raise r.fail(where, "任务的 title 和 measures 不能都为空")
    return task


def _milestone(r: _Reader, obj, where: str) -> Milestone:
    if not isinstance(obj, dict):
        raise r.fail(where, "应为对象")
    kind = r.field(obj, "kind", str, where, required=True)
    if kind not in KINDS:
        raise r.fail(f"{where}.kind", f"「{kind}」不是可用的类型（{'、'.join(KINDS)}）")
    rule = r.field(obj, "rule", str, where)
    if kind == RECURRING and not rule:
        raise r.fail(f"{where}.rule", "周期性节点（recurring）需要 rule（RRULE），例如 FREQ=MONTHLY;BYMONTHDAY=5")
    return Milestone(
        expr=r.field(obj, "expr", str, where, default=""),
        start=r.field(obj, "start", int, where, default=0),
        end=r.field(obj, "end", int, where, default=0),
        due=r.day(obj, "due", where, required=True),
        kind=kind,
        matched_by=r.field(obj, "matched_by", str, where, default="manual"),
        action=r.field(obj, "action", str, where, default=""),
        rule=rule,
        past=r.field(obj, "past", bool, where, default=False),
        task=r.field(obj, "task", int, where),
        units=tuple(r.strings(obj, "units", where)),
        source=r.field(obj, "source", str, where, default="measures"),
        task_key=r.field(obj, "task_key", str, where, default=""),
        key=r.field(obj, "key", str, where, default=""),
    )


def _flag(r: _Reader, obj, where: str) -> Flag:
    if not isinstance(obj, dict):
        raise r.fail(where, "应为对象")
    return Flag(code=r.field(obj, "code", str, where, default="note"),
                message=r.field(obj, "message", str, where, default=""),
                task=r.field(obj, "task", int, where), text=r.field(obj, "text", str, where, default=""),
                start=r.field(obj, "start", int, where), end=r.field(obj, "end", int, where))


def extraction_from_json(data: bytes, source: str) -> Extraction:
    """The Extraction in `data` (the JSON of `extract --format json`, perhaps corrected by hand).

    Its sha256 is that of the JSON itself, so a corrected file is never taken for the
    unchanged original it came from.
    """
    r = _Reader(source)
    try:
        top = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DubanError(f"{source}: 不是有效的 JSON（{exc}）。请用 extract --format json 生成后再修改") from None
    if not isinstance(top, dict) or not isinstance(top.get("document"), dict):
        raise r.fail("顶层", "应为含 document、tasks、milestones 的对象")
    doc = top["document"]
    tasks = [_task(r, t, f"tasks[{i}]") for i, t in enumerate(r.field(top, "tasks", list, "顶层", required=True))]
    keys = [t.key for t in tasks if t.key]
    if len(keys) != len(set(keys)):
        raise r.fail("tasks", "任务的 key 有重复；每项任务的 key 必须唯一")
    milestones = [_milestone(r, m, f"milestones[{i}]")
                  for i, m in enumerate(r.field(top, "milestones", list, "顶层", required=True))]
    year = r.field(doc, "year", int, "document", required=True)
    if not 2000 <= year <= 2100:
        raise r.fail("document.year", f"{year} 不在 2000–2100 之间")
    document = Document(
        title=r.field(doc, "title", str, "document", default=""),
        year=year,
        doc_date=r.day(doc, "doc_date", "document"),
        tasks=tasks,
        issuer=r.field(doc, "issuer", str, "document", default=""),
        doc_number=r.field(doc, "doc_number", str, "document", default=""),
        source=r.field(doc, "source", str, "document", default=source),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    warnings = [_flag(r, w, f"warnings[{i}]") for i, w in enumerate(r.field(top, "warnings", list, "顶层", default=[]))]
    return Extraction(document, milestones, warnings)


def stored_reading(reading: dict, source: str, sha256: str) -> Extraction:
    """An Extraction kept in the database as JSON (a document's reading, a pending upload),
    with the hash of the file it was read from, so an unchanged re-import is still recognised."""
    extraction = extraction_from_json(json.dumps(reading, ensure_ascii=False).encode("utf-8"), source)
    extraction.document.sha256 = sha256
    return extraction
