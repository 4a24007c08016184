"""Blocks → Document: tasks from tables and prose, facts, and flags."""
from __future__ import annotations

from bot.ingest.blocks import Block, Line, Row
from bot.ingest.cleanup import join_spaces, section_heading
from bot.ingest.facts import find_doc_date, find_doc_number, find_issuer, find_title
from bot.ingest.paragraphs import PROSE_REVIEW, ProseReading, is_dated, read_prose
from bot.ingest.headers import column_roles, is_full_header, mapping_of
from bot.ingest.tables import TableReader
from bot.model import Document, Flag, Task
from bot.units.assign import task_label


def _ranges(numbers: list[int]) -> str:
    """[13, 14, 15, 16, 19] → "13–16、19"."""
    out, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(str(n) if n == start else f"{start}–{n}")
            start = None
    return "、".join(out)


def numbering_flags(tasks: list[Task]) -> list[Flag]:
    """Missing, repeated and out-of-order task numbers; a list may restart at 1 per section."""
    runs: list[list[int]] = []  # each run: numbers in reading order, restarting at 1
    flags = []
    for no in (t.no for t in tasks if t.no is not None):
        if not runs or no == 1:
            runs.append([])
        elif no <= max(runs[-1]):
            flags.append(Flag("task-order", f"第 {no} 项的序号重复或顺序颠倒（前面已到第 {max(runs[-1])} 项），请核对", no))
        runs[-1].append(no)
    for run in runs:
        missing = sorted(set(range(1, max(run) + 1)) - set(run))
        if missing:
            flags.append(Flag(
                "missing-tasks",
                f"任务序号不连续：缺少第 {_ranges(missing)} 项（共 {len(missing)} 项）。可能是 OCR 漏识或原件缺页，请对照原件补录",
                text=_ranges(missing),
            ))
    return flags


_NUMERALS = "一二三四五六七八九十"


def section_flags(tasks: list[Task]) -> list[Flag]:
    """Section numbers that never appear (一、二、四 → 三 missing): tasks after a gap may sit in the wrong one."""
    seen = [s[0] for s in dict.fromkeys(t.section for t in tasks) if s and s[0] in _NUMERALS]
    if not seen:
        return []
    missing = [n for n in _NUMERALS[: _NUMERALS.index(seen[-1]) + 1] if n not in seen]
    if not missing:
        return []
    previous = None
    for task in tasks:
        if task.no is not None and previous is not None and task.no > previous + 1:
            task.review.append(f"前面缺少第 {previous + 1}–{task.no - 1} 项，章节标题可能也一并缺失，本项归入「{task.section}」未必正确，请核对")
        previous = task.no if task.no is not None else previous
    return [Flag("missing-sections", f"章节编号不连续：缺少「{'」「'.join(n + '、' for n in missing)}」部分，可能是 OCR 漏识或原件缺页", text="、".join(missing))]


def review_flags(tasks: list[Task]) -> list[Flag]:
    """One flag per review note; units read from a sentence have a code of their own."""
    flags = []
    for task in tasks:
        where = task_label(task)
        flags.extend(Flag("units-from-prose" if note == PROSE_REVIEW else "row-review", f"{where}：{note}", task.no)
                     for note in task.review)
    return flags


def assign_keys(tasks: list[Task]) -> None:
    """Give every task an identity unique in its document (Task.key).

    A task's number when numbers are unique; where numbering restarts per section, the
    section's ordinal and the number ("2-1"); a task without a number, its reading order
    ("x3"). Keys a reader already set are kept.
    """
    numbers = [t.no for t in tasks if t.no is not None]
    unique = len(numbers) == len(set(numbers))
    sections: dict[str, int] = {}
    for index, task in enumerate(tasks, 1):
        ordinal = sections.setdefault(task.section, len(sections) + 1)
        if task.key:
            continue
        if task.no is None:
            task.key = f"x{index}"
        else:
            task.key = str(task.no) if unique else f"{ordinal}-{task.no}"
    seen: set[str] = set()
    for index, task in enumerate(tasks, 1):  # a number repeated inside one section
        if task.key in seen:
            task.key = f"{task.key}~{index}"
        seen.add(task.key)


def _table_tasks(blocks: list[Block]) -> tuple[TableReader, list[int]]:
    """The table reader after every row, and the block each of its tasks started in."""
    reader, starts = TableReader(), []
    for index, block in enumerate(blocks):
        if isinstance(block, Row):
            reader.feed(list(block.cells), block.notes)
        elif section_heading(block.text):
            reader.section = join_spaces(block.text)
        starts += [index] * (len(reader.tasks) - len(starts))
    return reader, starts


_HEADERLESS_BESIDE_BODY = ("正文已有编号任务，文中表格没有“任务/责任单位”表头（如回执、联系人表），未读作任务；"
                           "如表格确是任务清单，请补上表头后重新导入")


def _has_header(blocks: list[Block]) -> bool:
    """Whether any table row (or pair of rows, for two-row headers) is a task table's header."""
    roles = [column_roles(list(b.cells)) or {} for b in blocks if isinstance(b, Row)]
    return any(is_full_header(mapping_of({**a, **b})) for a, b in zip(roles, [*roles[1:], {}]))


def _body_tasks(prose: ProseReading) -> list[int]:
    """Indexes of the prose tasks a document with a table keeps beside the table's: numbered
    items with their own units or dates (the body of a 方案 whose 附件 is a 分解表)."""
    return [i for i, task in enumerate(prose.tasks)
            if task.units_source in ("bracket", "line") or is_dated(task.measures)]


def assemble(blocks: list[Block]) -> Document:
    """Tasks from the tables and the prose, in document order.

    A document with both (a body of numbered measures, a 任务分解表 attached) gives both; the
    prose alone falls back to reading paragraphs rather than finding nothing."""
    line_blocks = [i for i, b in enumerate(blocks) if isinstance(b, Line)]
    lines = [blocks[i].text for i in line_blocks]
    reader, table_starts = _table_tasks(blocks)
    prose = read_prose(lines, fallback=not reader.tasks)
    table_tasks = reader.tasks
    assign_keys(table_tasks)
    flags = [Flag("table-review", note) for note in reader.notes] if table_tasks else []
    flags += numbering_flags(table_tasks) + section_flags(table_tasks)
    kept = _body_tasks(prose) if table_tasks else list(range(len(prose.tasks)))
    if kept and table_tasks and not _has_header(blocks):
        flags = [Flag("table-ignored", _HEADERLESS_BESIDE_BODY)]  # a 回执 or contact table, not tasks
        table_tasks, table_starts = [], []
    if kept:
        flags += prose.flags
    if kept and table_tasks:
        for task in table_tasks:
            task.key = f"a{task.key}"  # the attachment's numbers restart: keys must not meet the body's
    ordered = sorted([(line_blocks[prose.lines[i]], 0, prose.tasks[i]) for i in kept]
                     + [(start, 1, task) for start, task in zip(table_starts, table_tasks)],
                     key=lambda item: item[:2])
    tasks = [task for _, _, task in ordered]
    assign_keys(tasks)
    flags += review_flags(tasks)
    return Document(
        title=find_title(lines),
        year=None,
        doc_date=find_doc_date(lines),
        tasks=tasks,
        issuer=find_issuer(lines),
        doc_number=find_doc_number(lines),
        flags=flags,
    )
