"""Reading task lists (.md/.txt/.docx/.xlsx, OCR noise included) into a Document.

    read_document(path) -> Document      # tasks with raw units; units are resolved in bot.units
    text_document(text, source) -> Document  # one task from free text (stdin)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from bot.errors import DubanError
from bot.ingest.assemble import assemble
from bot.ingest.source import DOCX, MAX_BYTES, XLSX, check_size, decode_text, read_bytes, sniff_format
from bot.ingest.text_format import text_blocks
from bot.model import Document, Task

__all__ = ["MAX_BYTES", "read_document", "read_bytes_document", "text_document"]


def read_bytes_document(data: bytes, name: str) -> Document:
    """The document in `data`; `name` is what errors and `source` call it."""
    check_size(len(data), name)
    fmt = sniff_format(data, name)
    if fmt == DOCX:
        from bot.ingest.docx_format import docx_blocks

        blocks = docx_blocks(data, name)
    elif fmt == XLSX:
        from bot.ingest.xlsx_format import xlsx_blocks

        blocks = xlsx_blocks(data, name)
    else:
        text = decode_text(data, name)
        if not text.strip():
            raise DubanError(f"{name}: 文件为空（只有空白）。请确认导出或保存成功后再导入")
        blocks = text_blocks(text)
    document = assemble(blocks)
    if not document.tasks:
        raise DubanError(
            f"{name}: 没有找到可识别的任务。任务清单应是含“重点任务/落实举措/责任单位”等表头的表格，"
            "或以“1.”“2.”编号的段落；请检查文件内容，或参照 docs/documents.md 调整格式"
        )
    document.source = name
    document.sha256 = hashlib.sha256(data).hexdigest()
    return document


def read_document(path: str | Path) -> Document:
    return read_bytes_document(read_bytes(path), str(path))


def text_document(text: str, source: str = "<stdin>") -> Document:
    """Free text (e.g. a clause on stdin) as one task with no units."""
    if not text.strip():
        raise DubanError(f"{source}: 输入为空。请输入要抽取时间节点的任务文字")
    task = Task(no=1, title="", measures=text.strip())
    return Document(title="", year=None, doc_date=None, tasks=[task], source=source,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
