"""Document → Extraction: read, resolve units, extract every task's milestones.

The one place the stages meet, so `extract`, `import` and tests all get the same result.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.errors import DubanError
from bot.model import Context, Document, Extraction, Flag
from bot.units import Directory, assign_units, reading_directory


def _working_year(document: Document, year: int | None, doc_date: date | None) -> int:
    from bot.extract import working_year

    found = year or working_year(document.title, doc_date)
    if found is None:
        raise DubanError(
            f"{document.source}: 无法确定任务清单的年度（标题中没有年份，也没有找到印发日期）。"
            "请用 --year 指定，例如 --year 2024，或用 --doc-date 2024-05-22 指定印发日期"
        )
    return found


def read(path_or_text: str | Path, *, text: bool = False) -> Document:
    """A document from a path, or (text=True) free text read as one task with no units."""
    from bot.ingest import read_document, text_document

    return text_document(str(path_or_text)) if text else read_document(path_or_text)


def extract_document(
    path_or_text: str | Path | Document,
    *,
    year: int | None = None,
    doc_date: date | None = None,
    directory: Directory | None = None,
    text: bool = False,
    implicit_due: tuple[int, int] | None = None,
    session=None,
) -> Extraction:
    """Read (unless given a Document), fill units, extract milestones, gather every warning.

    `year` and `doc_date` override what the document says; `implicit_due` (month, day) is
    the due date of undated tasks, by default `implicit_due` from the office's settings.yaml
    (with a store `session`, the one set in the console).
    Without a `directory`, the office's one is used, or none (names as written, and a note)
    when no office is configured here: reading a document needs no set-up. With a store
    `session` the directory also knows the aliases saved in the console (bot/store/aliases.py).
    """
    from bot.config.settings import load_settings
    from bot.extract import extract_task

    document = path_or_text if isinstance(path_or_text, Document) else read(path_or_text, text=text)
    document.doc_date = doc_date or document.doc_date
    document.year = _working_year(document, year, document.doc_date)
    warnings: list[Flag] = list(document.flags)
    if directory is None:
        if session is None:
            directory, note, unused = *reading_directory(), []
        else:
            from bot.store.aliases import reading_directory_of

            directory, note, unused = reading_directory_of(session)
        warnings += [Flag("no-directory", note)] if note else []
        warnings += [Flag("alias-unused", why) for why in unused]
    warnings += assign_units(document, directory)
    if implicit_due is None and session is not None:
        from bot.store.office_settings import effective_settings

        implicit_due = effective_settings(session, load_settings()).implicit_due  # the console's counts
    ctx = Context(year=document.year, doc_date=document.doc_date,
                  implicit_due=implicit_due or load_settings().implicit_due)
    milestones = []
    for task in document.tasks:
        found, flags = extract_task(task, ctx)
        milestones += [replace(m, units=tuple(task.units)) for m in found]
        warnings += flags
    warnings.sort(key=lambda w: (w.task is not None, w.task or 0))
    return Extraction(document, milestones, warnings)
