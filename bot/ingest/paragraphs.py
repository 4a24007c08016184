"""Prose → tasks: hierarchical 工作要点, 分工方案, notices, stage schedules, plain paragraphs.

    一、全面强化统筹                                   ← a part: the tasks' section
    （一）完善基础设施
    1. 推进政务云整合。6月底前，……（省大数据局牵头，省财政厅配合）   ← a task: it carries units
    （1）8月底前，……；                                 ← a measure of the task above
    第一阶段：动员部署（5月15日至5月31日）。各乡镇要……   ← a stage: a task due at its end

The task is the item that carries its own units; where no item carries any, the first item on
each branch that says something beyond a heading (a sentence, a date). A parent with its own
units is a task too, and its children that carry none are its measures; a part headed by a
unit's name ("一、市发展改革委") gives its tasks that unit. Parts such as 指导思想 or 组织保障 give
tasks only where they state a date. An item with no units written takes the subjects of its
sentences ("各县区要…"), flagged for review. With no numbered items at all, every paragraph
with a date or units is read as a task, and the fallback is flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.ingest.cleanup import join_spaces
from bot.ingest.hierarchy import (END_OF_ITEMS, HEADING_MAX, Node, build_tree, is_heading, numbering_flags,
                                  paragraphs, split_title)
from bot.ingest.prose_units import (UnitsFound, is_bare_units, subject_units, take_line, take_parentheticals,
                                     take_trailing_labels, unbracket_labels)
from bot.model import Flag, Task

_NOT_TASKS = re.compile(r"^(?:加强|强化|健全|完善|严格|切实|有关|相关|其他)?(?:指导思想|总体要求|基本原则|工作原则|工作目标"
                        r"|主要目标|组织保障|保障措施|工作保障|组织领导|工作要求|要求|组织实施|工作机制|适用范围|编制依据"
                        r"|工作背景)$")
_DATED = re.compile(r"\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月[份底末上中下前]|年底|年末|年内|上半年|下半年"
                    r"|[一二三四]季度|每[月周季年旬]|\d{1,2}\s*日前")
_ADDRESSEE = re.compile(r"[：:]$|^.{0,60}(?:通知|方案|要点|清单|计划|函)$")
PROSE_REVIEW = "责任单位是从正文句子中读出的（如“某局要于…”），请核对"
FALLBACK_ITEMS = "编号条目中没有找到责任单位或时间节点，已把每个最末级条目读作一项任务，请核对"
FALLBACK_PARAGRAPHS = "没有找到编号的任务条目，已把含时间节点的段落逐段读作任务，请核对"


@dataclass
class ProseReading:
    tasks: list[Task] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each task starts on
    paths: list[str] = field(default_factory=list)  # each task's numbering path ("2-1")
    flags: list[Flag] = field(default_factory=list)

    def add(self, task: Task, line: int, path: str) -> None:
        self.tasks.append(task)
        self.lines.append(line)
        self.paths.append(path)

    def set_keys(self) -> None:
        """Task numbers when they are unique in the document (the keys stored before paths
        existed), else the numbering path: "2-1" is item 1 of part 二."""
        numbers = [t.no for t in self.tasks]
        unique = None not in numbers and len(numbers) == len(set(numbers))
        for task, path in zip(self.tasks, self.paths):
            task.key = str(task.no) if unique else path


def is_dated(text: str) -> bool:
    return bool(_DATED.search(text))


def _has_units(node: Node) -> bool:
    return any(n.found.units for n in node.walk())


def _not_a_task(node: Node) -> bool:
    """A part like 指导思想 or 组织保障 (or an item inside one) that states no date."""
    chain = []
    while node is not None and node.marker is not None:
        chain.append(node.title)
        node = node.parent
    return any(_NOT_TASKS.match(t) for t in chain)


def _substantive(node: Node) -> bool:
    """More than a heading: a sentence after the headline, a date, or a last-level item of one
    long sentence ("二、…会议决策事项承办落实情况在30个工作日内上报。")."""
    return (is_dated(node.text) or len(node.text) > len(node.title) + 1
            or not node.children and not is_heading(node.text) and len(node.text) > HEADING_MAX)


def _measures_only(node: Node) -> bool:
    """"1. 做好X。" followed by （1）（2） leaves: the leaves are its measures."""
    return bool(node.children) and all(not c.children and c.marker.rank >= 3 for c in node.children)


def _task(node: Node, section: list[str], folded: list[Node], inherited: list[str]) -> Task:
    """The task an item is, with the text, units and deadlines of the items folded into it."""
    found = UnitsFound()
    for part in (node, *folded):
        found.units += part.found.units
        found.deadlines += part.found.deadlines
        found.contacts += part.found.contacts
        found.source = found.source or part.found.source
    if not found.units and inherited:  # under a part headed by its units ("一、市发展改革委")
        found.units, found.source = list(inherited), "line"
    task = Task(node.marker.number if node.marker else None, node.title,
                "\n".join(p.text for p in (node, *folded) if p.text), " / ".join(section))
    _fill_units(task, found)
    return task


def _fill_units(task: Task, found: UnitsFound) -> None:
    """Units as the prose states them, else the subjects of its sentences (flagged for review)."""
    task.deadline_text = "；".join(found.deadlines)
    task.contact = "、".join(found.contacts)
    if found.units:
        task.raw_units, task.units_source = "；".join(found.units), found.source
    elif names := subject_units(task.measures):
        task.raw_units, task.units_source = "、".join(names), "prose"
        task.review.append(PROSE_REVIEW)


def _key(node: Node) -> str:
    numbers = []
    while node is not None and node.marker is not None:
        numbers.append(str(node.marker.number))
        node = node.parent
    return "-".join(reversed(numbers))


class _Selector:
    def __init__(self) -> None:
        self.reading = ProseReading()

    def _emit(self, node: Node, section: list[str], folded: list[Node], inherited: list[str]) -> None:
        self.reading.add(_task(node, section, folded, inherited), node.line, _key(node))

    def visit(self, node: Node, section: list[str], inherited: list[str]) -> None:
        inner = [*section, node.heading]
        if _not_a_task(node) and not is_dated(node.text):  # 组织保障 naming units is still no task
            for child in node.children:
                self.visit(child, inner, inherited)
        elif node.found.units:
            own = [c for c in node.children if not _has_units(c)]
            self._emit(node, section, [n for c in own for n in c.walk()], inherited)
            for child in node.children:
                if child not in own:
                    self.visit(child, section, inherited)  # children inherit the parent task's section
        elif node.children and node.text == node.title and is_bare_units(node.title):
            for child in node.children:
                self.visit(child, inner, [node.title])
        elif _has_units(node):
            for child in node.children:
                self.visit(child, inner, inherited)
        elif _substantive(node) or _measures_only(node):
            self._emit(node, section, [n for c in node.children for n in c.walk()], inherited)
        else:
            for child in node.children:
                self.visit(child, inner, inherited)


def _leaf_items(root: Node) -> ProseReading:
    reading = ProseReading()
    for node in root.walk():
        if node.marker is not None and not node.children and node.text and not _not_a_task(node):
            task = _task(node, [], [], [])
            task.review.append(FALLBACK_ITEMS)
            reading.add(task, node.line, _key(node))
    if reading.tasks:
        reading.flags.append(Flag("prose-fallback", FALLBACK_ITEMS))
    return reading


def _dated_paragraphs(lines: list[str]) -> ProseReading:
    """Every paragraph with a date or its own units (Word's automatic numbering leaves none in
    the text); a unit line after a paragraph is that paragraph's."""
    reading, founds = ProseReading(), []
    previous: UnitsFound | None = None  # the units of the paragraph just read as a task
    for index, raw in paragraphs(lines):
        line = unbracket_labels(join_spaces(raw))
        if previous is not None and take_line(line, previous):
            continue
        found = UnitsFound()
        text = take_trailing_labels(take_parentheticals(line, found), found)
        previous = None
        if END_OF_ITEMS.match(line) or _ADDRESSEE.search(line) or not (is_dated(text) or found.units):
            continue
        task = Task(None, split_title(text), text, review=[FALLBACK_PARAGRAPHS])
        reading.add(task, index, f"p{len(reading.tasks) + 1}")
        founds.append(previous := found)
    for task, found in zip(reading.tasks, founds):
        _fill_units(task, found)
    if reading.tasks:
        reading.flags.append(Flag("prose-fallback", FALLBACK_PARAGRAPHS))
    return reading


def read_prose(lines: list[str], *, fallback: bool = True) -> ProseReading:
    """The tasks the prose holds, their lines, and numbering flags; with `fallback`, never
    empty for a document that has numbered items or dated sentences."""
    root = build_tree(lines)
    selector = _Selector()
    for child in root.children:
        selector.visit(child, [], [])
    reading = selector.reading
    if not reading.tasks and fallback:
        reading = _leaf_items(root) if any(root.children) else ProseReading()
        if not reading.tasks:
            reading = _dated_paragraphs(lines)
    if reading.tasks and reading.paths[0][:1] != "p":
        reading.flags = numbering_flags(root, set(reading.lines)) + reading.flags
    reading.set_keys()
    return reading

