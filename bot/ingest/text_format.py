"""Markdown and plain text: pipe-table rows (OCR output) and lines of prose."""
from __future__ import annotations

import re

from bot.ingest.blocks import Block, Line, Row

_SEPARATOR = re.compile(r"^\|?[\s:|-]*-{2,}[\s:|-]*$")


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    table, in_table = 0, False
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("|"):
            if not in_table:
                table, in_table = table + 1, True
            if not _SEPARATOR.match(line):
                body = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
                blocks.append(Row(tuple(cell.strip() for cell in body.split("|")), table))
            continue
        in_table = False
        if line:
            blocks.append(Line(line.lstrip("#").strip()))
    return blocks
