"""Excel .xlsx 分解表 (openpyxl): every sheet's rows; merged cells filled from their top-left."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from bot.errors import DubanError
from bot.ingest.blocks import Block, Line, Row


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日前"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def xlsx_blocks(data: bytes, name: str) -> list[Block]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        raise DubanError(f"{name}: Excel 文件无法打开（{type(exc).__name__}）。请用 Excel 或 WPS 打开后重新另存为 .xlsx") from None
    blocks: list[Block] = []
    for table_no, sheet in enumerate(workbook.worksheets, 1):
        filled, covered = _merges(sheet)
        for r, row in enumerate(sheet.iter_rows(), 1):
            cells = [_text(filled.get((r, c), cell.value)) for c, cell in enumerate(row, 1) if (r, c) not in covered]
            non_empty = [i for i, c in enumerate(cells) if c]
            if non_empty == [0]:
                blocks.append(Line(cells[0]))  # a title, section heading or signature line
            elif non_empty:
                blocks.append(Row(tuple(cells), table_no))
    return blocks


def _merges(sheet) -> tuple[dict[tuple[int, int], object], set[tuple[int, int]]]:
    """Vertical merges: every row gets the value (a 重点任务 spanning its measures).
    Horizontal merges: one cell, the rest `covered` (a section heading across the table)."""
    filled: dict[tuple[int, int], object] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            filled[(row, merged.min_col)] = value
            covered.update((row, col) for col in range(merged.min_col + 1, merged.max_col + 1))
    return filled, covered
