"""Scoring an extraction against a gold file: task recall, milestone and unit precision/recall.

Gold tasks are matched in reading order to extracted tasks by title (after dropping spaces
and punctuation, one must start with the other); dated milestones (not the implicit
year-end default) are compared as multisets of due dates per task, units as sets.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Score:
    gold_tasks: int = 0
    found_tasks: int = 0
    due_tp: int = 0
    due_fp: int = 0
    due_fn: int = 0
    unit_tp: int = 0
    unit_fp: int = 0
    unit_fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("gold_tasks", "found_tasks", "due_tp", "due_fp", "due_fn", "unit_tp", "unit_fp", "unit_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def task_recall(self) -> float:
        return self._ratio(self.found_tasks, self.gold_tasks)

    @property
    def due_precision(self) -> float:
        return self._ratio(self.due_tp, self.due_tp + self.due_fp)

    @property
    def due_recall(self) -> float:
        return self._ratio(self.due_tp, self.due_tp + self.due_fn)

    @property
    def unit_precision(self) -> float:
        return self._ratio(self.unit_tp, self.unit_tp + self.unit_fp)

    @property
    def unit_recall(self) -> float:
        return self._ratio(self.unit_tp, self.unit_tp + self.unit_fn)

    def line(self) -> str:
        return (f"任务召回 {self.task_recall:.3f}（{self.found_tasks}/{self.gold_tasks}）  "
                f"时间节点 P {self.due_precision:.3f} R {self.due_recall:.3f}  "
                f"单位 P {self.unit_precision:.3f} R {self.unit_recall:.3f}")


def _titles_match(gold: str, found: str) -> bool:
    g, f = _norm(gold), _norm(found)
    return bool(g and f) and (f.startswith(g) or g.startswith(f))


def _count(score: Score, gold: list, found: list, kind: str, where: str) -> None:
    g, f = Counter(gold), Counter(found)
    tp = sum((g & f).values())
    setattr(score, f"{kind}_tp", getattr(score, f"{kind}_tp") + tp)
    setattr(score, f"{kind}_fn", getattr(score, f"{kind}_fn") + sum(g.values()) - tp)
    setattr(score, f"{kind}_fp", getattr(score, f"{kind}_fp") + sum(f.values()) - tp)
    if g != f:
        score.misses.append(f"{where}: {kind} 应为 {sorted(g.elements())}，读出 {sorted(f.elements())}")


def score(gold: dict, extraction: dict, name: str) -> Score:
    """The score of one document; `extraction` is the JSON of `extract --format json`."""
    tasks = extraction["tasks"]
    dues: dict[str, list[str]] = {t["key"]: [] for t in tasks}
    for m in extraction["milestones"]:
        if m["kind"] != "implicit":
            dues.setdefault(m["task_key"], []).append(m["due"])
    result = Score(gold_tasks=len(gold["tasks"]))
    used: set[int] = set()
    cursor = 0
    for g in gold["tasks"]:
        where = f"{name}「{g['title'][:16]}」"
        index = next((i for i in [*range(cursor, len(tasks)), *range(cursor)]
                      if i not in used and _titles_match(g["title"], tasks[i]["title"])), None)
        gold_dues = [str(d) for d in g.get("due", [])]
        gold_units = list(dict.fromkeys(g.get("units", [])))
        if index is None:
            result.misses.append(f"{where}: 没有读出这项任务")
            _count(result, gold_dues, [], "due", where)
            _count(result, gold_units, [], "unit", where)
            continue
        used.add(index)
        cursor = index + 1
        result.found_tasks += 1
        task = tasks[index]
        _count(result, gold_dues, dues.get(task["key"], []), "due", where)
        _count(result, gold_units, list(dict.fromkeys(task["units"])), "unit", where)
    for i, task in enumerate(tasks):
        if i not in used:
            where = f"{name}「{task['title'][:16]}」（多读出的任务）"
            _count(result, [], dues.get(task["key"], []), "due", where)
            _count(result, [], list(dict.fromkeys(task["units"])), "unit", where)
    return result
