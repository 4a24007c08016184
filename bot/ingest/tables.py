"""Table rows → tasks: header rows, sections, key–value blocks, split and continued rows.

A row is read against the last header seen, because OCR splits one table into several
blocks and only the first carries the header. A row is a header only when every cell reads
as a header word and none holds a number (F01: a data row such as "2 | 加强宣传工作 | … |
各地知识产权管理部门" must never become one). Every repair becomes a review note on the
task it touched; no row is dropped without one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.ingest.cleanup import fold, is_garbage, join_spaces, remove_bleed, section_heading, task_number
from bot.ingest.headers import UNIT_ROLES, column_roles, header_role, is_full_header, mapping_of
from bot.ingest.prose_units import UnitsFound, take_parentheticals, take_trailing_labels
from bot.model import Task
from bot.numerals import parse_numeral

DEFAULT_MAPPING = {"title": 0, "measures": 1, "units": 2}
_SEQ = re.compile(r"^[（(]?\s*(\d{1,4}|[一二三四五六七八九十百〇零两]{1,5})\s*[)）.．、,，]?\s*$")
_CHINESE_NO = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}|[（(][一二三四五六七八九十]{1,3}[)）])\s*$")
_SUBSECTION = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）]\s*\S")
_SUB_NO = re.compile(r"^\s*(\d{1,3}(?:\s*[.\-]\s*\d{1,3}){1,2})\s*[.、]?\s*$")  # "1.2", "3-1" (NFKC-folded)
_TOTAL = re.compile(r"^(?:合\s*计|小\s*计|总\s*计)[:：]?$")
_KEY_VALUE = re.compile(r"^([^：:]{1,12})[：:]\s*(\S.*)$", re.S)


SEQ_EXAMPLES = (
    ("3", 3), ("3、", 3), ("3.", 3), ("（3）", 3), ("(12)", 12), ("①", 1), ("⑶", 3), ("三", 3), ("十二", 12),
    ("（三）", 3), ("３", 3), (" 7 ", 7), ("", None), ("一、强化统筹", None), ("1. 推进", None), ("序号", None),
)


def seq_number(cell: str) -> int | None:
    """A 序号 cell: "3", "3、", "（3）", "①", "⑶", "三", "（三）"; None for anything else."""
    match = _SEQ.match(fold(cell))
    return parse_numeral(match.group(1)) if match else None


def header_mapping(cells: list[str]) -> dict[str, int] | None:
    """{role: column} when the row is a complete header (a task column and a units column)."""
    roles = column_roles(cells)
    mapping = mapping_of(roles) if roles else None
    return mapping if mapping and is_full_header(mapping) else None


def key_value_pairs(cells: list[str]) -> list[tuple[str, str]] | None:
    """[(role, value)] for a key–value row ("牵头单位 | 省农业农村厅", "完成时限：6月底前"), else None."""
    parts = [c.strip() for c in cells if c.strip()]
    pairs, i = [], 0
    while i < len(parts):
        inline = _KEY_VALUE.match(parts[i])
        if inline and header_role(inline.group(1)):
            pairs.append((header_role(inline.group(1)), inline.group(2).strip()))
            i += 1
        elif header_role(parts[i]) and i + 1 < len(parts):
            pairs.append((header_role(parts[i]), parts[i + 1]))
            i += 2
        else:
            return None
    return pairs or None


def units_text(columns: dict[str, list[str]]) -> str:
    """The units cell(s) as one text for bot.units: a lead column keeps its label, so the
    lead units stay apart from the co-units ("牵头单位：A；配合单位：B、C"); a units column
    beside a lead column holds co-units. Cells of one column (split by OCR) join with " | "."""
    texts = {role: " | ".join(c for c in cells if c) for role, cells in columns.items()}
    if not texts.get("lead") or not (texts.get("units") or texts.get("support")):
        return "、".join(t for t in texts.values() if t)
    co = "、".join(t for t in (texts.get("units"), texts.get("support")) if t)
    return f"牵头单位：{texts['lead']}；配合单位：{co}"


def _section_text(cells: list[str]) -> tuple[str, list[str]]:
    """The heading and notes; OCR often repeats the heading's end in the next cell ("去治保障")."""
    parts = [join_spaces(c) for c in cells if c.strip()]
    if _CHINESE_NO.match(parts[0]) and len(parts) > 1:
        number = parts[0].strip()
        parts = [f"{number}{'' if number.endswith(('）', ')')) else '、'}{parts[1]}", *parts[2:]]
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
    _roles: dict[int, str] = field(default_factory=dict)  # the header's column roles, for a second header row
    _after_header: bool = False
    _data_started: bool = False
    _numbered: bool | None = None  # whether this table's rows carry task numbers (decided by its first row)
    _kv: dict[str, list[str]] | None = None  # the key–value task being read
    _headers_seen: set[tuple[str, ...]] = field(default_factory=set)
    _last_header: tuple[str, ...] = ()

    def feed(self, cells: list[str], notes: tuple[str, ...] = ()) -> None:
        """One table row; `notes` are what the format reader could not read in it (formulas …)."""
        if not any(c.strip() for c in cells):
            self.notes.extend(notes)  # e.g. a cell whose only content was a table nested too deep
            return
        if self._kv is not None and self._key_values(cells, list(notes)):
            return
        self._kv = None
        if self._header(cells):
            self.notes.extend(notes)
            return
        self._after_header = False
        if self.mapping is None and self._key_values(cells, list(notes), start=True):
            return
        if self._section_row(cells):
            self.section, section_notes = _section_text(cells)
            self.notes.extend([*section_notes, *notes])
            return
        if (why := self._no_task(cells)) is not None:
            self.notes += [] if why in self.notes else [why]
            return
        if self.mapping is None:
            self.mapping = dict(DEFAULT_MAPPING)
            self.notes.append("表格没有可识别的表头，按“重点任务 | 落实举措 | 责任单位”的栏序读取，请核对")
        self._data_started = True
        self._task_row(list(cells), list(notes))

    def _no_task(self, cells: list[str]) -> str | None:
        """Why a row that is no header, section or key–value row is no task either, or None."""
        parts = [join_spaces(c) for c in cells if c.strip()]
        if _TOTAL.match(parts[0]):  # the investment totals of a project table
            return f"「{_short(parts[0])}」行是合计行，不作为任务"
        if self.mapping is None and self._roles:  # a header without a task column: 联系人 | 联系电话
            return f"表格「{' | '.join(self._last_header)}」没有任务栏，其下各行未读作任务"
        if self.mapping is None and len(parts) == 1:
            return f"表头之前的一行「{_short(parts[0], 30)}」视为表名，不作为任务"
        return None

    def _header(self, cells: list[str]) -> bool:
        """Take a header row (or the second row of a two-row header); False for any other row.

        Once data rows have started, only a row that repeats a header seen before, or one
        whose every cell is unmistakably a header word, starts a new header.
        """
        cleaned = tuple(join_spaces(c) for c in cells if c.strip())
        repeat = cleaned in self._headers_seen
        roles = column_roles(cells, strict=self._data_started and not repeat)
        if roles is None:
            return False
        mapping = mapping_of(roles)
        if is_full_header(mapping):
            if self._data_started and mapping != self.mapping:
                self.notes.append(f"表格中间出现新的表头「{' | '.join(cleaned)}」，其后各行按新表头读取，请核对")
                self._numbered = None
            self._roles, self.mapping, self._after_header = roles, mapping, True
            self._headers_seen.add(cleaned)
            return True
        if self._data_started and not self._after_header:
            return False
        self._roles = {**self._roles, **roles}
        merged = mapping_of(self._roles)
        if is_full_header(merged):
            self.mapping = merged
        self._after_header = True
        self._headers_seen.add(cleaned)
        self._last_header = cleaned
        return True

    def _section_row(self, cells: list[str]) -> bool:
        first = next(c for c in cells if c.strip())
        if not (section_heading(first) or _CHINESE_NO.match(first) or _SUBSECTION.match(first)):
            return False
        m = self.mapping or {}
        # A 序号 "一" numbering a task names its units, deadline or (without a units column) measures;
        # a heading "一、…" (or an OCR-split "一 | …" without a 序号 column) may spill into the measures.
        numbering_tasks = "no" in m and cells.index(first) == m["no"] and not section_heading(first)
        roles = (*UNIT_ROLES, "deadline", *(("measures",) if numbering_tasks else ()))
        return not any(m[r] < len(cells) and cells[m[r]].strip() for r in roles if r in m)

    def _key_values(self, cells: list[str], notes: list[str], start: bool = False) -> bool:
        """A row of a key–value table (one task per block of "重点工作 / 牵头单位 / 完成时限" rows)."""
        pairs = key_value_pairs(cells)
        if not pairs or start and not any(role in ("title", "no") for role, _ in pairs):
            return False
        for role, value in pairs:
            if role == "skip":
                continue
            if self._kv is None or role in ("no", "title") and (role in self._kv or "title" in self._kv):
                self._kv = {}
                self.tasks.append(Task(None, "", "", self.section))
                self._data_started = True
            self._kv.setdefault(role, []).append(value)
        task, kv = self.tasks[-1], self._kv
        no, title = task_number(join_spaces(" ".join(kv.get("title", []))))
        task.no = seq_number(kv["no"][0]) if "no" in kv else no
        task.title = title
        task.measures = join_spaces("\n".join(kv.get("measures", []))) or title
        task.raw_units = units_text({role: [join_spaces(v) for v in kv.get(role, [])] for role in UNIT_ROLES})
        task.deadline_text = join_spaces("；".join(kv.get("deadline", [])))
        task.contact = "、".join(join_spaces(v) for v in kv.get("contact", []))
        task.units_source = "column" if task.raw_units else ""
        task.review.extend(notes)
        return True

    def _task_row(self, cells: list[str], notes: list[str]) -> None:
        review: list[str] = []
        m = self.mapping
        width = max(m.values()) + 1
        if "no" not in m and len(cells) > width and seq_number(cells[0]) is not None and cells[1].strip():
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
        raw_units = units_text({role: self._column_cells(cells, role, review) for role in UNIT_ROLES if role in m})

        if cell("category").strip():
            self.section = join_spaces(cell("category"))  # a 类别 column, often merged down its rows
        no, key, title = _numbered_title(cell("no"), cell("title") if "title" in m else cell("measures"), review)
        if self._numbered is None:
            self._numbered = no is not None
        measures_text = "\n".join(self._columns(cells, "measures")) if "measures" in m else title
        found = UnitsFound()
        if not raw_units:  # no units column, or an empty cell: the measures may close with "（X牵头，Y配合）"
            measures_text = take_trailing_labels(take_parentheticals(measures_text, found), found)
            raw_units = "；".join(found.units)
        measures, removed, suspicious = remove_bleed(measures_text, raw_units)
        if removed:
            review.append(f"删除了从责任单位栏串入正文的文字「{'」「'.join(removed)}」，请核对")
        for context in suspicious:
            review.append(f"「{context}」处疑似混入了责任单位栏的文字，未改动，请对照原件")
        contact = "、".join(join_spaces(c) for c in [*self._columns(cells, "contact"), *found.contacts])
        deadline = "；".join(join_spaces(d) for d in (cell("deadline"), *found.deadlines) if d)
        row = Task(no, join_spaces(title), join_spaces(measures), self.section, key=key, raw_units=raw_units,
                   deadline_text=deadline, review=review + notes, contact=contact,
                   units_source=found.source or ("column" if raw_units else ""))
        self._add(row, explained=bool(notes))

    def _columns(self, cells: list[str], role: str) -> list[str]:
        """The non-empty cells of every column of a repeatable role (measures, contact), in order."""
        return [cells[i] for r, i in sorted(self.mapping.items(), key=lambda x: x[1])
                if r.rstrip("0123456789") == role and cells[i].strip()]

    def _column_cells(self, cells: list[str], role: str, review: list[str]) -> list[str]:
        """The cells of a units column; OCR may split the column in two or put garbage beside it."""
        m = self.mapping
        later = [i for i in m.values() if i > m[role]]
        end = min(later) if later else len(cells)
        found = []
        for text in cells[m[role] : end]:
            if is_garbage(text):
                review.append(f"责任单位旁的一栏是无法识别的乱码「{_short(text)}」，已忽略；本行责任单位可能不全，请对照原件")
            elif text.strip():
                found.append(text.strip())
        if len(found) > 1:
            review.append(f"责任单位被 OCR 拆成 {len(found)} 栏，已合并读取")
        return found

    def _add(self, row: Task, explained: bool = False) -> None:
        last = self.tasks[-1] if self.tasks else None
        if last is not None and self._continues(last, row):
            if row.no is None and self._numbered:
                last.review.append("下一行没有序号，视为本任务的续行并已合并，请核对")
            elif not row.title:
                last.review.append("下一行没有任务名称，视为本任务的续行并已合并，请核对")
            _merge(last, row)
            return
        if row.no is None and self._numbered:
            row.review.append("本行没有可识别的任务序号")
        if not row.measures and not explained:
            row.review.append("落实举措栏为空（可能是 OCR 漏识），本任务按无明确时限处理，请对照原件")
        elif not row.measures:
            row.review.append("落实举措栏为空，本任务按无明确时限处理，请对照原件")
        self.tasks.append(row)

    def _continues(self, last: Task, row: Task) -> bool:
        """A split OCR row or one measure of a merged 重点任务 cell, not a task of its own."""
        if row.no is not None:
            return row.no == last.no and row.title == last.title
        return bool(self._numbered) or not row.title or row.title == last.title


def _numbered_title(no_cell: str, title: str, review: list[str]) -> tuple[int | None, str, str]:
    """(number, key, title) from the 序号 cell, else from the title ("3. 推进…")."""
    no = seq_number(no_cell)
    if no is not None:
        return no, "", title
    if sub := _SUB_NO.match(fold(no_cell)):
        key = re.sub(r"\s", "", sub.group(1))  # "1.2": task 2 of group 1; the key keeps them apart
        return int(re.split(r"\D+", key)[-1]), key, title
    if no_cell.strip():
        review.append(f"序号「{no_cell}」无法识别")
        return None, "", title
    no, rest = task_number(title)
    return no, "", rest


def _merge(task: Task, more: Task) -> None:
    """A row that continues `task`: a split OCR row, or one measure of a merged 重点任务 cell."""
    if more.no is None and more.title and more.title != task.title:
        task.title += more.title
    if more.measures and more.measures not in task.measures:
        task.measures = f"{task.measures}\n{more.measures}" if task.measures else more.measures
    sep = " | " if more.no is None else "、"
    if more.raw_units != task.raw_units:  # a merged units cell repeats on every row it spans
        task.raw_units = sep.join(p for p in (task.raw_units, more.raw_units) if p)
    if more.deadline_text and more.deadline_text not in task.deadline_text:
        task.deadline_text = "；".join(p for p in (task.deadline_text, more.deadline_text) if p)
    if more.contact and more.contact not in task.contact:
        task.contact = "、".join(p for p in (task.contact, more.contact) if p)
    task.units_source = task.units_source or more.units_source
    task.review.extend(more.review)


def _short(text: str, limit: int = 12) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"
