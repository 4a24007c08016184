"""Admin notices the planner raises: each is stored once (unique key) and said once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.calendar import WorkCalendar
from bot.store.models import AdminNotice


def raise_notice(session: Session, key: str, message: str) -> str | None:
    """Store the notice unless it exists; return the message only the first time."""
    if session.scalars(select(AdminNotice.id).where(AdminNotice.key == key)).first() is not None:
        return None
    session.add(AdminNotice(key=key, message=message))
    session.flush()
    return message


def calendar_notice(session: Session, calendar: WorkCalendar, today: date) -> str | None:
    """From November on, once: next year's official holiday calendar is missing."""
    year = calendar.missing_next_year(today)
    if year is None:
        return None
    return raise_notice(
        session, f"calendar-missing-{year}",
        f"{year} 年的法定节假日安排尚未收录（chinese-calendar 没有该年数据）。{year} 年的提醒暂按周一至周五"
        f"工作日计算并标记为“未核验”。国务院公布安排后，请升级 chinesecalendar，"
        f"或在 config/settings.yaml 的 calendar 中列出放假和调休上班日期后运行 python -m bot config apply。",
    )
