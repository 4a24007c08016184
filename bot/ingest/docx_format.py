"""Word .docx: paragraphs and tables in document order (python-docx)."""
from __future__ import annotations

from io import BytesIO

from bot.errors import DubanError
from bot.ingest.blocks import Block, Line, Row


def docx_blocks(data: bytes, name: str) -> list[Block]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise DubanError(f"{name}: Word 文件无法打开（{type(exc).__name__}）。请用 Word 或 WPS 打开后重新另存为 .docx") from None
    blocks: list[Block] = []
    table_no = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, document).text.strip()
            if text:
                blocks.append(Line(text))
        elif tag == "tbl":
            table_no += 1
            for row in Table(element, document).rows:
                blocks.append(Row(tuple(_spanned_once(row.cells)), table_no))
    return blocks


def _spanned_once(cells) -> list[str]:
    """python-docx repeats a horizontally merged cell once per grid column: keep one."""
    out, seen = [], set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell.text.strip())
    return out
