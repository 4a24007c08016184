"""The attachments an outbox message carries: the scheduled 督办通报's files (bot.report.files
keeps them at issue), read when it is sent.

Kept apart from jobs.report_job so the send loop does not load the report's builder; the
renderers' libraries load only when a file is rendered.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from bot.notify.base import Attachment
from bot.report.files import MIME
from bot.store.report_delivery_models import ReportFile, ReportSend


def attachments(session: Session, message_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
    """message id → its files, for the messages among `message_ids` that carry a report (most carry none)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(ReportSend.message_id, ReportFile).join(ReportFile, ReportFile.issue_id == ReportSend.issue_id)
        .where(ReportSend.message_id.in_(message_ids)).options(undefer(ReportFile.content))
        .order_by(ReportSend.message_id, ReportFile.fmt)).all()
    out: dict[int, list[Attachment]] = {}
    for message_id, file in rows:
        out.setdefault(message_id, []).append(
            Attachment(file.filename, file.content, MIME[file.fmt]))
    return {mid: tuple(files) for mid, files in out.items()}
