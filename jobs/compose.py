"""One message per recipient and send time, from the reminders it must carry.

A unit's own contact gets that unit's digest exactly as `render_digest` makes it. The
admin may receive several units at once (units without a contact, and overdue items
copied to the admin): their digests become sections of one summary message, so the admin
gets one message per send time, not one per unit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from bot.notify import Message, ReminderItem, render_digest
from bot.notify.render import inert_markdown, inert_text
from bot.store.models import Reminder

HOW_TO_DONE = "python -m bot done {milestone} --unit {unit}"
OWN, FALLBACK, COPY = "own", "fallback", "copy"
ROLE_TEXT = {FALLBACK: "没有可用的联系方式（未配置或已停用），提醒转给管理员", COPY: "逾期事项抄送管理员"}


@dataclass
class Section:
    """One unit's part of a message; `role` says why this recipient gets it."""

    unit: str
    role: str
    reminders: list[Reminder] = field(default_factory=list)


def reminder_item(rem: Reminder, today: date) -> ReminderItem:
    milestone = rem.milestone
    task = milestone.task
    return ReminderItem(
        unit=rem.unit.name,
        task_no=task.no,
        task_title=task.title,
        action=milestone.action or milestone.expr,
        due=rem.due,
        days_left=(rem.due - today).days,
        document=task.document.title,
        milestone=f"M{milestone.id}",
        lead_days=rem.lead_days,
        unverified=rem.unverified,
    )


def _digest(section: Section, today: date) -> Message:
    # one entry per milestone occurrence: the same milestone twice in a digest says nothing new
    seen, items = set(), []
    for rem in section.reminders:
        key = (rem.milestone_id, rem.occurrence)
        if key not in seen:
            seen.add(key)
            items.append(reminder_item(rem, today))
    return render_digest(section.unit, items, today, HOW_TO_DONE)


def compose(sections: list[Section], today: date, admin_name: str) -> Message:
    if len(sections) == 1 and sections[0].role == OWN:
        return _digest(sections[0], today)
    digests = [(s, _digest(s, today)) for s in sorted(sections, key=lambda s: (s.role, s.unit))]
    total = sum(len({(r.milestone_id, r.occurrence) for r in s.reminders}) for s in sections)
    units = len({s.unit for s in sections})
    head = f"督办提醒汇总（发给{inert_text(admin_name)}）：{units} 个单位，{total} 项时间节点"
    def why(inert) -> list[str]:  # unit names are document text: inert in each dialect (F08)
        return [f"{ROLE_TEXT[role]}：{'、'.join(inert(s.unit) for s, _ in digests if s.role == role)}"
                for role in (FALLBACK, COPY) if any(s.role == role for s, _ in digests)]

    markdown = "\n\n".join([f"## {inert_markdown(head)}", *why(inert_markdown), *(m.markdown for _, m in digests)])
    text = "\n\n".join([f"【{head}】", *why(inert_text), *(m.text for _, m in digests)])
    return Message(
        unit=admin_name,
        subject=f"督办提醒汇总｜{units} 个单位，{total} 项时间节点",
        markdown=markdown,
        text=text,
        notice=f"【督办提醒】{units} 个单位共 {total} 项时间节点需要督办，详见上一条消息。",
    )


def system_notice(lines: list[str], admin_name: str) -> Message:
    """What the admin must hear once: failed deliveries, disabled contacts, missing calendars."""
    numbered = [f"{n}. {line}" for n, line in enumerate(lines, 1)]
    subject = f"督办提醒·系统通知（{len(lines)} 条）"
    return Message(
        unit=admin_name,
        subject=subject,
        markdown="\n".join([f"### {subject}", *(inert_markdown(line) for line in numbered)]),
        text="\n".join([f"【{subject}】", *numbered]),
        notice=f"【督办提醒】有 {len(lines)} 条系统通知需要管理员处理，详见上一条消息。",
    )


def content_hash(message: Message) -> str:
    """The same content to the same recipient on one day is sent once (messages' unique key)."""
    raw = "\x1f".join([message.subject, message.markdown, message.text, ",".join(message.mentions)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
