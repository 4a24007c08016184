"""Excel .xlsx 分解表 (openpyxl, read-only): every sheet's rows; merged cells filled from their top-left.

Read-only and bounded (redteam F05): openpyxl's normal mode builds an object per merged
cell, so one `A10:XFD1048576` merge in a 2 KB file took gigabytes. Here merges are read
from the sheet XML and applied only to rows that hold text, and rows, columns, merges and
shared strings are capped; the zip sizes are checked before anything is unpacked.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date, datetime
from io import BytesIO

from bot.errors import DubanError
from bot.ingest.blocks import Block, Line, Row
from bot.ingest.ooxml import open_package, read_part
from bot.ingest.tables import key_value_pairs

MAX_ROWS = 20_000  # rows with text, all sheets together: a task list has hundreds
MAX_SHEET_ROWS = 50_000  # <row> elements in one sheet, empty ones included (each costs parsing)
MAX_COLUMNS = 100
MAX_MERGES = 20_000
MAX_MERGE_CELLS = 2_000_000  # cells filled or blanked by merges
MAX_SHARED_STRINGS = 50_000  # openpyxl reads about 30 000 a second; a task list has a few thousand
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_FORMULA = re.compile(rb"<f[\s>/]")
_CELL_REF = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d{1,7})"')
_WIDE = re.compile(rb'<c\s+r="(?:[A-Z]{3}|C[W-Z]|[D-Z][A-Z])\d')  # a column after CV (the 100th)


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


def _refuse(name: str, what: str) -> DubanError:
    return DubanError(f"{name}: Excel 文件{what}，不像任务清单（可能是损坏或恶意构造的文件），已拒绝读取。"
                      "请只保留任务清单所在的工作表，另存为新文件后再导入")


def xlsx_blocks(data: bytes, name: str) -> list[Block]:
    import openpyxl

    package = open_package(data, name, "Excel")
    for part in (p for p in package.namelist() if p.lower().endswith("sharedstrings.xml")):
        strings = read_part(package, part, name, "Excel").count(b"<si")
        if strings > MAX_SHARED_STRINGS:
            raise _refuse(name, f"含有 {strings} 个不同的文字串（上限 {MAX_SHARED_STRINGS}）")
    sheets = {part: read_part(package, part, name, "Excel") for part in package.namelist()
              if part.startswith("xl/worksheets/") and part.endswith(".xml")}
    for part, xml in sheets.items():  # before openpyxl, which parses a sheet to size it
        if xml.count(b"<row ") + xml.count(b"<row>") > MAX_SHEET_ROWS:
            raise _refuse(name, f"的工作表 {part.rsplit('/', 1)[-1]} 有超过 {MAX_SHEET_ROWS} 行")
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        raise DubanError(f"{name}: Excel 文件无法打开（{type(exc).__name__}）。请用 Excel 或 WPS 打开后重新另存为 .xlsx") from None
    blocks: list[Block] = []
    budget = [MAX_ROWS]
    try:
        for table_no, sheet in enumerate(workbook.worksheets, 1):
            blocks += _sheet_blocks(sheet, sheets.get(sheet._worksheet_path.lstrip("/"), b""), table_no, name, budget)
    finally:
        workbook.close()
    return blocks


def _sheet_blocks(sheet, xml: bytes, table_no: int, name: str, budget: list[int]) -> list[Block]:
    sheet.reset_dimensions()  # the <dimension> a file declares may claim a million rows
    rows: dict[int, list[str]] = {}
    for r, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if not any(values):  # also the rows openpyxl fills in where the file skips some
            continue
        texts = [_text(v) for v in values]
        if any(texts):
            rows[r] = texts
            budget[0] -= 1
            if budget[0] < 0:
                raise _refuse(name, f"有超过 {MAX_ROWS} 行内容")
    _fill_merges(rows, _merges(xml, name), name)
    notes = _formula_notes(xml) if _FORMULA.search(xml) else {}
    if _WIDE.search(xml) and rows:
        first = min(rows)
        notes.setdefault(first, []).append(f"工作表「{sheet.title}」有超过 {MAX_COLUMNS} 列的内容，只读取了前 {MAX_COLUMNS} 列，请核对")
    blocks: list[Block] = []
    in_key_values = False  # "工作任务：…" / "责任单位：…" rows in column A: one key–value table
    for r in sorted(rows):
        cells = rows[r]
        non_empty = [i for i, c in enumerate(cells) if c]
        pairs = key_value_pairs(cells[:1]) if non_empty == [0] else None
        in_key_values = bool(pairs) and (in_key_values or pairs[0][0] in ("title", "no"))
        if non_empty == [0] and r not in notes and not in_key_values:
            blocks.append(Line(cells[0]))  # a title, section heading or signature line
        else:
            end = max(non_empty) + 1 if non_empty else 1
            blocks.append(Row(tuple(cells[:end]), table_no, tuple(notes.get(r, ()))))
    return blocks


def _merges(xml: bytes, name: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range, read from the sheet XML."""
    from openpyxl.utils import column_index_from_string as column

    found = _MERGE.findall(xml, xml.rfind(b"<mergeCells")) if b"<mergeCells" in xml else []
    if len(found) > MAX_MERGES:
        raise _refuse(name, f"有 {len(found)} 处合并单元格（上限 {MAX_MERGES}）")
    return [(int(r1), column(c1.decode()), int(r2), column(c2.decode())) for c1, r1, c2, r2 in found]


def _fill_merges(rows: dict[int, list[str]], merges, name: str) -> None:
    """Vertical merges: every row with text gets the value (a 重点任务 spanning its measures).
    Horizontal merges: the covered cells stay empty (a section heading across the table)."""
    present = sorted(rows)
    work = MAX_MERGE_CELLS
    for min_row, min_col, max_row, max_col in merges:
        if min_col > MAX_COLUMNS:
            continue
        top = rows.get(min_row)
        value = top[min_col - 1] if top else ""
        last_col = min(max_col, MAX_COLUMNS)
        for r in present[bisect_left(present, min_row) : bisect_right(present, max_row)]:
            cells = rows[r]
            cells[min_col - 1] = value
            cells[min_col:last_col] = [""] * (last_col - min_col)
            work -= last_col - min_col + 1
            if work < 0:
                raise _refuse(name, f"的合并单元格覆盖了超过 {MAX_MERGE_CELLS} 个有内容的单元格")


def _formula_notes(xml: bytes) -> dict[int, list[str]]:
    """{row: notes} for formulas saved without their value (files written by programs, never opened in Excel)."""
    notes: dict[int, list[str]] = {}
    for match in _FORMULA.finditer(xml):
        start = xml.rfind(b"<c", 0, match.start())
        end = xml.find(b"</c>", match.end())
        cell = xml[start:end]
        ref = _CELL_REF.match(cell)
        if ref and not re.search(rb"<v>[^<]", cell):
            where = (ref.group(1) + ref.group(2)).decode()
            notes.setdefault(int(ref.group(2)), []).append(
                f"单元格 {where} 是公式，文件中没有保存计算结果（文件可能由其他程序生成、从未在 Excel 中保存），"
                "已按空白读取；请用 Excel 或 WPS 打开、保存后再导入"
            )
    return notes
