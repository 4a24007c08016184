"""Reading identities: the keys that match what a file says to what is already stored.

Document: normalised title (amendment markers such as “（修订稿）” dropped) + working year.
Task: its reading key, its number, or a hash of its title. Milestone: a hash of its action
within its task. They are computed on the reading (before corrections), so a correction
never moves its own target.
"""
from __future__ import annotations

import hashlib
import re

from bot.model import Milestone, Task
from bot.names import fold, normalise

_AMENDMENT = re.compile(r"[（(\[【]?(修订稿?|修改稿?|调整稿?|更新稿?|修订版|调整版|更新版|第[一二三四五六七八九十\d]+稿)[）)\]】]?")

def document_key(title: str, year: int | None) -> str:
    return f"{year or 0}:{normalise(_AMENDMENT.sub('', fold(title)))}"[:400]


def digest(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:12]


def task_keys(tasks: list[Task]) -> list[str]:
    """Stored task keys: "n12" for a uniquely numbered task (the form stored before Task.key
    existed, so old databases keep their rows), "k2-1" where numbering restarts per section,
    "t<hash>" for a task without a number."""
    keys, seen = [], {}
    for task in tasks:
        if task.no is None:
            base = f"t{digest(task.title + task.measures[:60])}"
        elif task.key and task.key != str(task.no):
            base = f"k{task.key}"
        else:
            base = f"n{task.no}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


def milestone_keys(milestones: list[Milestone]) -> list[str]:
    """Each milestone's identity within its task: a hash of its action (or expression),
    numbered where two read alike."""
    keys, seen = [], {}
    for m in milestones:
        base = f"a{digest(m.action or m.expr)}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(f"{base}-{seen[base]}")
    return keys
