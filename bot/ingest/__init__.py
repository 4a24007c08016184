"""Reading task lists (.md/.txt/.docx/.xlsx/.pdf/.ofd/.doc/.wps and scans, OCR noise included) into a Document.

    read_document(path) -> Document      # tasks with raw units; units are resolved in bot.units
    text_document(text, source) -> Document  # one task from free text (stdin)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from bot.errors import DubanError
from bot.ingest.assemble import assemble
from bot.ingest.blocks import Block
from bot.ingest.hygiene import clean_blocks, clean_text
from bot.ingest.source import (
    DOCX, IMAGE, MAX_BYTES, OFD, PDF, WORD97, XLSX, check_size, decode_text, read_bytes, sniff_format,
)
from bot.ingest.text_format import text_blocks
from bot.model import Document, Flag, Task

OCR_REVIEW = "本项由 OCR 从扫描件识别，文字、日期和单位可能有误，请对照原件核对"

__all__ = ["MAX_BYTES", "read_document", "read_bytes_document", "text_document"]


def _blocks(data: bytes, name: str) -> tuple[list[Block], list[Flag]]:
    """The format reader's blocks and reading flags (a flag coded "ocr" when text came from OCR)."""
    fmt = sniff_format(data, name)
    if fmt == DOCX:
        from bot.ingest.docx_format import docx_blocks

        return docx_blocks(data, name), []
    if fmt == XLSX:
        from bot.ingest.xlsx_format import xlsx_blocks

        return xlsx_blocks(data, name), []
    if fmt == PDF:
        from bot.ingest.pdf_format import pdf_blocks

        return pdf_blocks(data, name)
    if fmt == IMAGE:
        from bot.ingest.layout import page_blocks
        from bot.ingest.ocr import image_file_pages

        pages, flags = image_file_pages(data, name)
        return page_blocks(pages), [Flag("ocr", "图片已用 OCR 识别；识别结果可能有错字，请对照原件核对每项任务"), *flags]
    if fmt == OFD:
        from bot.ingest.ofd_format import ofd_blocks

        return ofd_blocks(data, name), []
    if fmt == WORD97:
        from bot.ingest.legacy_word import word97_blocks

        return word97_blocks(data, name), []
    text = decode_text(data, name)
    if not text.strip():
        raise DubanError(f"{name}: 文件为空（只有空白）。请确认导出或保存成功后再导入")
    return text_blocks(text), []


def read_bytes_document(data: bytes, name: str) -> Document:
    """The document in `data`; `name` is what errors and `source` call it."""
    check_size(len(data), name)
    blocks, flags = _blocks(data, name)
    blocks, hygiene_flags = clean_blocks(blocks)
    document = assemble(blocks)
    if any(f.code == "ocr" for f in flags):
        for task in document.tasks:
            task.review.append(OCR_REVIEW)
    document.flags = flags + hygiene_flags + document.flags
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
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # bytes that were not UTF-8 (surrogate escapes)
        raise DubanError(f"{source}: 输入不是有效的 UTF-8 文字。请把终端和文件设为 UTF-8 编码，或把文字保存为文件后传入文件路径")
    text = clean_text(text)
    if not text.strip():
        raise DubanError(f"{source}: 输入为空。请输入要抽取时间节点的任务文字")
    task = Task(no=1, title="", measures=text.strip())
    return Document(title="", year=None, doc_date=None, tasks=[task], source=source,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
