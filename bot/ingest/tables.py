"""Table rows → tasks: header mapping, sections, split and continued rows, OCR repairs.

A row is read against the last header seen, because OCR splits one table into several
blocks and only the first carries the header. Every repair becomes a review note on
the task it touched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.ingest.cleanup import bare_number, fold, is_garbage, join_spaces, remove_bleed, section_heading, task_number
from bot.model import Task

# Checked in this order: the first role whose pattern a header cell matches wins.
ROLES = (
    ("deadline", r"时限|时间节点|完成时间|时间要求|进度安排|完成期限|时间安排"),
    ("lead", r"牵头"),
    ("support", r"配合|协办|参与单位"),
    ("units", r"责任|承办|负责|单位|处室|部门"),
    ("no", r"^(序号|编号|序)$"),
    ("measures", r"措施|举措|意见|内容|具体任务|要求"),
    ("title", r"任务|事项|工作|项目"),
)
_ROLE_RES = [(role, re.compile(p)) for role, p in ROLES]
DEFAULT_MAPPING = {"title": 0, "measures": 1, "units": 2}
_UNIT_ROLES = ("units", "lead", "support")


def header_mapping(cells: list[str]) -> dict[str, int] | None:
    """{role: column} when the row is a header (at least a task and a units column)."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = fold(join_spaces(cell)).strip()
        if not text or len(text) > 16 or task_number(text)[0] is not None:
            continue
        role = next((r for r, pattern in _ROLE_RES if pattern.search(text)), None)
        if role and role not in mapping:
            mapping[role] = index
    has_task = "title" in mapping or "measures" in mapping
    has_units = any(r in mapping for r in _UNIT_ROLES)
    return mapping if has_task and has_units else None


def _section_text(cells: list[str]) -> tuple[str, list[str]]:
    """The heading and notes; OCR often repeats the heading's end in the next cell ("去治保障")."""
    parts = [join_spaces(c) for c in cells if c.strip()]
    if re.fullmatch(r"[一二三四五六七八九十]{1,3}", parts[0]) and len(parts) > 1:
        parts = [f"{parts[0]}、{parts[1]}", *parts[2:]]
    heading, notes = parts[0], []
    for tail in parts[1:]:
        end = heading[-len(tail):]
        if SequenceMatcher(None, tail, end).ratio() >= 0.5:
            continue
        heading += tail
        notes.append(f"章节标题「{heading}」由 OCR 拆开的两栏拼接而成，请核对")
    return heading, notes


@dataclass
class TableReader:
    tasks: list[Task] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # document-level, e.g. no header found
    section: str = ""
    mapping: dict[str, int] | None = None

    def feed(self, cells: list[str]) -> None:
        if not any(c.strip() for c in cells):
            return
        mapping = header_mapping(cells)
        if mapping:
            self.mapping = mapping
            return
        first = next(c for c in cells if c.strip())
        if section_heading(first) or re.fullmatch(r"\s*[一二三四五六七八九十]{1,3}\s*", first):
            self.section, notes = _section_text(cells)
            self.notes.extend(notes)
            return
        if self.mapping is None:
            self.mapping = dict(DEFAULT_MAPPING)
            self.notes.append("表格没有可识别的表头，按“重点任务 | 落实举措 | 责任单位”的栏序读取，请核对")
        self._task_row(list(cells))

    def _task_row(self, cells: list[str]) -> None:
        review: list[str] = []
        m = self.mapping
        width = max(m.values()) + 1
        if "no" not in m and len(cells) > width and bare_number(cells[0]) is not None:
            cells = [f"{cells[0]} {cells[1]}", *cells[2:]]
            review.append("序号与任务名称被 OCR 拆在两栏，已合并")
        while len(cells) > width and not cells[-1].strip():
            cells.pop()
        cells += [""] * (width - len(cells))

        def cell(role: str) -> str:
            return cells[m[role]] if role in m else ""

        for role in ("title", "measures", "deadline"):
            if cell(role) and is_garbage(cell(role)):
                review.append(f"「{_short(cell(role))}」是无法识别的乱码，已忽略；本栏内容可能缺失，请对照原件")
                cells[m[role]] = ""
        units_cells = self._units_cells(cells, review)
        raw_units = " | ".join(units_cells)

        no = bare_number(cell("no")) if "no" in m else None
        title = cell("title")
        if "no" not in m:
            no, title = task_number(title)
        elif no is None and cell("no").strip():
            review.append(f"序号「{cell('no')}」无法识别")
        measures, removed, suspicious = remove_bleed(cell("measures"), raw_units)
        if removed:
            review.append(f"删除了从责任单位栏串入正文的文字「{'」「'.join(removed)}」，请核对")
        for context in suspicious:
            review.append(f"「{context}」处疑似混入了责任单位栏的文字，未改动，请对照原件")
        row = Task(no, join_spaces(title), join_spaces(measures), self.section, raw_units=raw_units,
                   deadline_text=join_spaces(cell("deadline")), review=review)
        self._add(row)

    def _units_cells(self, cells: list[str], review: list[str]) -> list[str]:
        """The units cell(s); OCR may split the column in two or put garbage beside it."""
        m = self.mapping
        if "units" not in m:
            lead, support = (cells[m[r]].strip() if r in m else "" for r in ("lead", "support"))
            return ["、".join(p for p in (lead, support) if p)] if lead or support else []
        later = [i for i in m.values() if i > m["units"]]
        end = min(later) if later else len(cells)
        found = []
        for text in cells[m["units"] : end]:
            if is_garbage(text):
                review.append(f"责任单位旁的一栏是无法识别的乱码「{_short(text)}」，已忽略；本行责任单位可能不全，请对照原件")
            elif text.strip():
                found.append(text.strip())
        if len(found) > 1:
            review.append(f"责任单位被 OCR 拆成 {len(found)} 栏，已合并读取")
        return found

    def _add(self, row: Task) -> None:
        last = self.tasks[-1] if self.tasks else None
        if last is not None and (row.no is None or row.no == last.no and row.title == last.title):
            if row.no is None:
                last.review.append("下一行没有序号，视为本任务的续行并已合并，请核对")
            _merge(last, row)
            return
        if row.no is None:
            row.review.append("本行没有可识别的任务序号")
        if not row.measures:
            row.review.append("落实举措栏为空（可能是 OCR 漏识），本任务按无明确时限处理，请对照原件")
        self.tasks.append(row)


def _merge(task: Task, more: Task) -> None:
    """A row that continues `task`: a split OCR row, or one measure of a merged 重点任务 cell."""
    if more.no is None and more.title:
        task.title += more.title
    if more.measures and more.measures not in task.measures:
        task.measures = f"{task.measures}\n{more.measures}" if task.measures else more.measures
    sep = " | " if more.no is None else "、"
    task.raw_units = sep.join(p for p in (task.raw_units, more.raw_units) if p)
    if more.deadline_text:
        task.deadline_text = "；".join(p for p in (task.deadline_text, more.deadline_text) if p)
    task.review.extend(more.review)


def _short(text: str, limit: int = 12) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"
