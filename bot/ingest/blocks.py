"""What every reader produces: the document as lines of prose and rows of table cells.

Keeping the format readers this thin means every repair (split rows, bled text, broken
unit names) is written once and works the same for Markdown, Word and Excel.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    text: str


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    table: int  # which table block the row came from (OCR may split one table into several)
    notes: tuple[str, ...] = ()  # what the format reader could not read as text (a formula without its value …)


Block = Line | Row
