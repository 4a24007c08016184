"""Reading tests/extract/gold.txt: labelled clauses and the context they are read in."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.model import Context

GOLD_PATH = Path(__file__).with_name("gold.txt")
_CONTEXT = re.compile(r"@ year=(\d{4}) doc_date=(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class GoldClause:
    line: int
    text: str
    ctx: Context
    expected: frozenset[tuple[str, str, str]]  # (expr without spaces, due ISO, rrule or "")


def label(expr: str, due: date, rrule: str | None) -> tuple[str, str, str]:
    return re.sub(r"\s+", "", expr), due.isoformat(), rrule or ""


def load_gold(path: Path = GOLD_PATH) -> list[GoldClause]:
    clauses, ctx = [], None
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if found := _CONTEXT.fullmatch(line.strip()):
            ctx = Context(int(found.group(1)), date.fromisoformat(found.group(2)))
            continue
        text, _, labels = line.partition("=>")
        expected = set()
        for item in filter(None, (s.strip() for s in labels.split("; "))):
            expr, _, rest = item.partition("@")
            due, _, rrule = rest.partition("~")
            expected.add(label(expr, date.fromisoformat(due), rrule))
        clauses.append(GoldClause(no, text.strip(), ctx, frozenset(expected)))
    return clauses
