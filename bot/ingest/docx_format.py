"""Word .docx: paragraphs and tables in document order (python-docx).

Rows keep the table's grid: a cell spanning two columns gives its text once and an empty
cell for the column it covers, so a two-row header ("责任单位" over "牵头单位 | 配合单位")
lines up with the data rows. A table nested in a cell is read into that cell's text
(redteam F14: its deadline was lost).
"""
from __future__ import annotations

from io import BytesIO

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.errors import DubanError
from bot.ingest.blocks import Block, Line, Row
from bot.ingest.ooxml import open_package

_MAX_NESTING = 3  # tables inside tables inside cells: deeper is not a task list
MAX_BLOCKS = 30_000  # paragraphs with text and table rows: a 200-page document has about 10 000
_TEXT, _ROW, _CELL, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:t", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))


def docx_blocks(data: bytes, name: str) -> list[Block]:
    open_package(data, name, "Word")
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise DubanError(f"{name}: Word 文件无法打开（{type(exc).__name__}）。请用 Word 或 WPS 打开后重新另存为 .docx") from None
    blocks: list[Block] = []
    table_no = 0
    for element in _children(document.element.body):
        _check_count(blocks, name)
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p" and element.find(f".//{_TEXT}") is not None:  # python-docx's .text is slow; most empty
            text = Paragraph(element, document).text.strip()
            if text:
                blocks.append(Line(text))
        elif tag == "tbl":
            table_no += 1
            for row in Table(element, document).rows:
                _check_count(blocks, name)
                cells, notes = _grid_cells(row)
                if len(cells) > 1 and len({id(c._tc) for c in row.cells}) == 1 and not notes:
                    blocks.append(Line(cells[0]))  # one cell across the table: a caption or section heading
                else:
                    blocks.append(Row(tuple(cells), table_no, tuple(notes)))
    return blocks


def _check_count(blocks: list[Block], name: str) -> None:
    if len(blocks) > MAX_BLOCKS:
        raise DubanError(f"{name}: Word 文件有超过 {MAX_BLOCKS} 段文字和表格行，不像任务清单（可能是损坏或恶意构造的文件），"
                         "已拒绝读取。请只保留任务清单部分，另存为新文件后再导入")


def _grid_cells(row) -> tuple[list[str], list[str]]:
    """One text per grid column (a spanned column is empty); notes on nested tables."""
    out, notes, seen = [""] * row.grid_cols_before, [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            out.append("")
            continue
        seen.add(id(cell._tc))
        text, depth = _cell_text(cell._tc, 0)
        out.append(text)
        if depth > _MAX_NESTING:
            notes.append(f"第{len(out)}栏内的表格嵌套超过 {_MAX_NESTING} 层，最里层未读取，请对照原件")
        elif depth:
            notes.append(f"第{len(out)}栏内有嵌套表格，其文字已并入该栏读取，请核对")
    return out, notes


def _cell_text(tc, depth: int) -> tuple[str, int]:
    """A cell's paragraphs and nested tables ("子措施，时限；完成年度评估，9月底前"), in order,
    and how deep its tables nest (beyond _MAX_NESTING they are not read)."""
    parts, deepest = [], depth
    for child in _children(tc):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and child.find(f".//{_TEXT}") is not None:
            parts.append(Paragraph(child, None).text.strip())
        elif tag == "tbl" and depth >= _MAX_NESTING:
            deepest = depth + 1
        elif tag == "tbl":
            rows = []
            for tr in (r for r in child.iterchildren() if r.tag == _ROW):
                cells = []
                for tc_inner in (c for c in tr.iterchildren() if c.tag == _CELL):
                    text, inner = _cell_text(tc_inner, depth + 1)
                    cells.append(text)
                    deepest = max(deepest, inner)
                rows.append("，".join(c for c in cells if c))
            parts.append("；".join(r for r in rows if r))
            deepest = max(deepest, depth + 1)
    return "\n".join(p for p in parts if p), deepest


def _children(element):
    """Child elements, looking through content controls (<w:sdt>) that wrap paragraphs or tables."""
    for child in element.iterchildren():
        if child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            yield from _children(content) if content is not None else ()
        else:
            yield child
