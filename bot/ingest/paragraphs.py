"""Numbered paragraphs → tasks, for lists written as prose rather than tables.

    一、全面强化知识产权宏观统筹
    1. 持续推进《纲要》实施。6月底前，……（责任单位：保护处、运用处）
    2. 加强协调。……
    牵头单位：运用处；配合单位：各地知识产权管理部门
"""
from __future__ import annotations

import re

from bot.ingest.cleanup import join_spaces, section_heading, task_number
from bot.model import Task

_UNIT_WORDS = r"责任单位|责任处室|责任部门|牵头单位|牵头部门|牵头处室|配合单位|配合部门|协办单位"
_INLINE_UNITS = re.compile(rf"[（(]\s*((?:{_UNIT_WORDS})\s*[：:].+?)[)）]\s*[。；;]?\s*$")
_UNITS_LINE = re.compile(rf"^\s*((?:{_UNIT_WORDS})\s*[：:].+)$")
_UNIT_LABEL = re.compile(rf"(?:{_UNIT_WORDS})\s*[：:]")
_DEADLINE_LINE = re.compile(r"^\s*(?:完成时限|时间节点|完成时间)\s*[：:]\s*(.+)$")
_TITLE_END = re.compile(r"[。：:；;]")
_TITLE_MAX = 40
# Lines that end the last task's text: signature, date, 抄送, attachments.
_END_OF_TASKS = re.compile(
    r"^(抄送|附件|主送|联系人|[（(]此件)|^[^：:，,；;。、\s]{2,20}(局|厅|委|委员会|办公室|办公厅|政府|中心)$"
    r"|^[0-9〇○零一二三四五六七八九十]{4}\s*年.{1,3}月.{1,3}日\s*(印发)?$"
)


def _units_text(labelled: str) -> str:
    """"牵头单位：A；配合单位：B、C" → "A、B、C" (the lead stays first)."""
    parts = [p.strip(" ；;。，,") for p in _UNIT_LABEL.split(labelled)]
    return "、".join(p for p in parts if p)


def _split_title(text: str) -> tuple[str, str]:
    match = _TITLE_END.search(text)
    if match and match.start() <= _TITLE_MAX and text[match.end():].strip():
        return text[: match.start()], text[match.end():].strip()
    return "", text


def _finish(task: Task, body: list[str]) -> None:
    text = join_spaces(" ".join(body))
    inline = _INLINE_UNITS.search(text)
    if inline:
        task.raw_units = "、".join(p for p in (task.raw_units, _units_text(inline.group(1))) if p)
        text = text[: inline.start()].rstrip()
    task.title, task.measures = _split_title(text)


def paragraph_tasks(lines: list[str]) -> list[Task]:
    tasks: list[Task] = []
    section = ""
    current: Task | None = None
    body: list[str] = []
    for line in lines:
        no, rest = task_number(line)
        if _END_OF_TASKS.match(line.strip()):
            if current is not None:
                _finish(current, body)
            current, body = None, []
        elif section_heading(line) or no is not None:
            if current is not None:
                _finish(current, body)
            current, body = None, []
            if no is None:
                section = join_spaces(line)
                continue
            current = Task(no, "", "", section)
            tasks.append(current)
            body.append(rest)
        elif current is None:
            continue
        elif units := _UNITS_LINE.match(line):
            current.raw_units = "、".join(p for p in (current.raw_units, _units_text(units.group(1))) if p)
        elif deadline := _DEADLINE_LINE.match(line):
            current.deadline_text = join_spaces(deadline.group(1))
        else:
            body.append(line)
    if current is not None:
        _finish(current, body)
    return tasks
