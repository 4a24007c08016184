"""The records that flow one way through Duban: document → tasks → milestones.

Plain dataclasses with no behaviour beyond JSON conversion, so every stage
(ingest, extract, units, store, plan) can be tested on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

ONCE, RECURRING, IMPLICIT = "once", "recurring", "implicit"


@dataclass(frozen=True)
class Context:
    """What a clause is read against: the list's working year and its issue date."""

    year: int
    doc_date: date | None = None
    implicit_due: tuple[int, int] = (12, 31)  # (month, day) for tasks with no dated expression


@dataclass(frozen=True)
class Flag:
    """Something a person must look at: never a silent drop.

    `code` is stable and machine-readable (e.g. "invalid-date", "unknown-unit");
    `message` is Chinese text for the admin; start/end locate `text` in its clause.
    """

    code: str
    message: str
    task: int | None = None
    text: str = ""
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict:
        # A shallow dict: asdict() deep-copies field by field, a hot spot when a large reading is stored.
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Milestone:
    """One dated deadline stated in a task's text (or the implicit year-end one).

    `rule` is the RFC 5545 RRULE for recurring milestones (None otherwise);
    `matched_by` names the extraction rule, so "why 30 June?" has an answer.
    `past` marks a deadline already before the issue date (flagged, never rolled forward).
    `source` names the task text that start/end index: "measures", "deadline_text" (a
    完成时限 column), or "" for the implicit milestone.
    """

    expr: str
    start: int
    end: int
    due: date
    kind: str
    matched_by: str
    action: str
    rule: str | None = None
    past: bool = False
    task: int | None = None
    units: tuple[str, ...] = ()
    source: str = "measures"
    task_key: str = ""  # the owning Task.key: task numbers may repeat, keys never do
    key: str = ""  # identity within its task once stored (set by the store; see bot.store.corrections)

    def to_json(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["due"] = self.due.isoformat()
        d["units"] = list(self.units)
        return d


@dataclass
class Task:
    """A row of the list: its number, title, measures prose and responsible units.

    `key` is the task's identity within its document, unique even where numbering restarts
    per section ("2-1" is task 1 of the second section); milestones point to it, and the
    store keys tasks by it.
    """

    no: int | None
    title: str
    measures: str
    section: str = ""
    key: str = ""
    units: list[str] = field(default_factory=list)  # canonical names, lead first, groups expanded
    raw_units: str = ""  # the units cell as written
    deadline_text: str = ""  # a 完成时限/时间节点 column, where the document has one
    review: list[str] = field(default_factory=list)  # repairs and guesses made while reading
    notes: list[str] = field(default_factory=list)  # e.g. relative durations such as "3个工作日内"
    contact: str = ""  # a 责任人/联系人 column: the task's contact person, never a unit
    units_source: str = ""  # where the units were read: "column", "line", "bracket", "prose"

    @property
    def lead_unit(self) -> str | None:
        return self.units[0] if self.units else None

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "no": self.no,
            "section": self.section,
            "title": self.title,
            "measures": self.measures,
            "units": list(self.units),
            "lead_unit": self.lead_unit,
            "raw_units": self.raw_units,
            "deadline_text": self.deadline_text,
            "review": list(self.review),
            "notes": list(self.notes),
            "contact": self.contact,
            "units_source": self.units_source,
        }


@dataclass
class Document:
    """A task list as read from a file, before any deadline is extracted."""

    title: str
    year: int | None
    doc_date: date | None
    tasks: list[Task]
    issuer: str = ""
    doc_number: str = ""  # 发文字号, e.g. 闽知发〔2024〕9号
    source: str = ""
    sha256: str = ""
    flags: list[Flag] = field(default_factory=list)  # reading problems: missing numbers, repairs …

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "year": self.year,
            "doc_date": self.doc_date.isoformat() if self.doc_date else None,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "source": self.source,
            "sha256": self.sha256,
        }


@dataclass
class Extraction:
    """A document with its milestones: the input of `import` and the output of `extract`."""

    document: Document
    milestones: list[Milestone]
    warnings: list[Flag]

    def to_json(self) -> dict:
        return {
            "document": self.document.to_json(),
            "tasks": [t.to_json() for t in self.document.tasks],
            "milestones": [m.to_json() for m in self.milestones],
            "warnings": [w.to_json() for w in self.warnings],
        }
