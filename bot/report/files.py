"""An issued 督办通报's files, kept in report_files when its number is taken: a 通报 is an official
document once issued, so every later download (the console's, `bot report --issue`, a
scheduled send's retry) serves these bytes, never a rebuild that a later correction would change.

Used by the console's publish, `python -m bot report` and the scheduled sender (jobs.report_job).
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from bot.report.model import Report
from bot.report.render import render
from bot.report.wording import issue_label
from bot.store.report_delivery_models import ReportFile

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
    "json": "application/json",
}
UNSAFE_IN_FILENAMES = re.compile(r'[\\/:*?"<>|\s]+')


def filename(report: Report, fmt: str) -> str:
    """督办通报（2024年第3期）.docx: what a recipient's mail client, WeCom group or browser shows."""
    return UNSAFE_IN_FILENAMES.sub("_", f"{report.title}（{issue_label(report)}）") + f".{fmt}"


def keep_files(session: Session, issue_id: int, report: Report, formats: tuple[str, ...] | list[str],
               template: Path | None = None) -> dict[str, ReportFile]:
    """The issue's files in `formats`, rendering (and storing) those it does not have yet; one
    already kept is never rendered again. Written in the caller's transaction, with the number."""
    stored = {f.fmt: f for f in session.scalars(select(ReportFile).where(ReportFile.issue_id == issue_id))}
    for fmt in formats:
        if fmt not in stored:
            stored[fmt] = ReportFile(issue_id=issue_id, fmt=fmt, filename=filename(report, fmt),
                                     content=render(report, fmt, template))
            session.add(stored[fmt])
    session.flush()
    return {fmt: stored[fmt] for fmt in formats}


def kept_formats(session: Session, issue_ids: list[int]) -> dict[int, list[str]]:
    """issue id → the formats it was issued in (the bytes are not read)."""
    rows = session.execute(select(ReportFile.issue_id, ReportFile.fmt).where(ReportFile.issue_id.in_(issue_ids))
                           .order_by(ReportFile.issue_id, ReportFile.id)).all() if issue_ids else []
    out: dict[int, list[str]] = {}
    for issue_id, fmt in rows:
        out.setdefault(issue_id, []).append(fmt)
    return out


def kept_file(session: Session, issue_id: int, fmt: str) -> ReportFile | None:
    """The stored file of an issue in one format, with its bytes."""
    return session.scalar(select(ReportFile).where(ReportFile.issue_id == issue_id, ReportFile.fmt == fmt)
                          .options(undefer(ReportFile.content)))
