"""Filling each task's canonical units from its units cell, and saying what needs a look."""
from __future__ import annotations

from bot.model import Document, Flag, Task
from bot.units.cell import UNKNOWN, CellReading, read_units_cell
from bot.units.directory import Directory


def task_label(task: Task) -> str:
    """How a message names a task: "第12项" where numbers are unique, else its title
    (in a list numbered afresh in every part, "第1项" names several tasks)."""
    if task.no is not None and task.key in ("", str(task.no)):
        return f"第{task.no}项"
    return f"「{task.title[:14]}」" if task.title else "任务"


def unit_flags(task_no: int | None, reading: CellReading, where: str | None = None) -> list[Flag]:
    """Unknown names, groups the admin must choose, and every repair: one flag each."""
    where = where or (f"第{task_no}项" if task_no is not None else "任务")
    flags = [Flag("unit-review", f"{where}：{note}", task_no) for note in reading.notes]
    for res in reading.resolutions:
        if res.how == UNKNOWN:
            flags.append(Flag("unknown-unit", f"{where}：{res.note}", task_no, res.written))
        elif res.entry is not None and res.entry.choose:
            members = res.entry.members
            choice = "、".join(members) if len(members) <= 3 else f"{'、'.join(members[:3])} 等 {len(members)} 个单位"
            message = f"{where}：「{res.written}」需要管理员指定具体单位（可选：{choice}）"
            flags.append(Flag("unit-needs-choice", message, task_no, res.written))
    return flags


def assign_units(document: Document, directory: Directory) -> list[Flag]:
    """Set `task.units` (lead first, groups expanded) and add unit repairs to `task.review`."""
    flags: list[Flag] = []
    for task in document.tasks:
        reading = read_units_cell(task.raw_units, directory)
        task.units = reading.units
        task.review.extend(reading.notes)
        task.review.extend(r.note for r in reading.resolutions if r.how == UNKNOWN)
        flags.extend(unit_flags(task.no, reading, task_label(task)))
    return flags
