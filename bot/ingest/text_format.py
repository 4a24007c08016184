"""Markdown and plain text: pipe-table rows (OCR output), a table copied one cell a line, and lines of prose."""
from __future__ import annotations

import re

from bot.ingest.blocks import Block, Line, Row

_SEPARATOR = re.compile(r"^\|?[\s:|-]*-{2,}[\s:|-]*$")
_HEADER_CELL = re.compile(r"^[^。，,；;：:、\d]{2,12}$|^20\d\d年[^。，,；;：:、]{2,8}$")
_MAX_COLUMNS = 8


def _cell_per_line(lines: list[str], start: int, table: int) -> tuple[list[Row], int]:
    """A web page's table copied as text, one cell a line: "序号 / 工作任务 / 责任单位 / 1 /
    推进… / 区发改委 / 2 / …". (rows, next line); no rows unless every row holds one cell per column."""
    header = [lines[start]]
    i = start + 1
    while i < len(lines) and len(header) <= _MAX_COLUMNS and _HEADER_CELL.match(lines[i]) and lines[i] != "1":
        header.append(lines[i])
        i += 1
    rows, width, number = [], len(header), 1
    while len(header) > 1 and i + width <= len(lines) and lines[i] == str(number):
        cells = lines[i : i + width]
        if any(c == str(number + 1) for c in cells[1:]):
            break
        rows.append(Row(tuple(cells), table))
        i, number = i + width, number + 1
    return ([Row(tuple(header), table), *rows], i) if rows else ([], start)


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    table, in_table = 0, False
    lines = [raw.strip() for raw in text.split("\n")]
    cells = [line for line in lines if line]
    index = 0  # of `line` among the non-empty lines
    for line in lines:
        if line == "序号" and (found := _cell_per_line(cells, index, table + 1))[0]:
            rows, end = found
            return [*blocks, *rows, *(Line(c.lstrip("#").strip()) for c in cells[end:])]
        index += bool(line)
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
