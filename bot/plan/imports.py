"""`import`: store an Extraction and bring its reminders up to date, in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config.settings import Settings
from bot.model import Extraction
from bot.plan.notices import calendar_notice
from bot.plan.replan import ReplanStats, plan_context, replan_at
from bot.store.documents import sync_document
from bot.store.models import Document as StoredDocument
from bot.store.models import utcnow


@dataclass
class ImportReport:
    title: str
    year: int | None
    document_id: int
    created: bool
    unchanged: bool
    milestones: int
    changes: list[str] = field(default_factory=list)
    stats: ReplanStats = field(default_factory=ReplanStats)
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "document": self.title, "year": self.year, "document_id": self.document_id,
            "created": self.created, "unchanged": self.unchanged, "milestones": self.milestones,
            "changes": self.changes, "reminders": self.stats.__dict__, "notices": self.notices,
        }

    def lines(self) -> list[str]:
        head = f"《{self.title}》({self.year} 年度)"
        if self.unchanged:
            return [f"{head} 与上次导入的文件相同，未做任何修改。"]
        out = [f"{head} {'首次导入' if self.created else '已更新'}：{self.milestones} 个时间节点。"]
        out += [f"  - {c}" for c in self.changes]
        if not self.created and not self.changes:
            out.append("  （文件有改动，但任务、时间节点和责任单位均无变化）")
        out.append(self.stats.summary())
        return out


def import_extraction(session: Session, extraction: Extraction, *, settings: Settings, as_of: datetime,
                      actor: str, mode: str = "", target: StoredDocument | None = None) -> ImportReport:
    """Store the document and replan what changed; the caller's transaction makes it all or nothing.

    `mode` ("replace"/"new") says what a same-titled list is, as in `find_document`; `target`
    is a stored document to bring up to date with its corrections (see `sync_document`)."""
    ctx = plan_context(session, settings, as_of, actor)
    today = as_of.astimezone(settings.tz).date()
    sync = sync_document(session, extraction, today, utcnow(), mode, target)
    doc = sync.document
    report = ImportReport(doc.title, doc.year, doc.id, sync.created, sync.unchanged,
                          len(extraction.milestones), sync.changes)
    if sync.unchanged:
        return report
    report.stats = replan_at(session, ctx, f"导入《{doc.title}》", sync.replan_rows)
    notice = calendar_notice(session, ctx.calendar, today)
    if notice:
        report.notices.append(notice)
    return report
