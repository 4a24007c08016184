"""One message per recipient and send time, from the reminders it must carry.

A unit's own contact gets that unit's digest exactly as `render_digest` makes it. The
admin may receive several units at once (units without a contact, and overdue items
copied to the admin): they become one summary message per send time, where each
milestone appears once with the units it is chased for (not once per unit).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

from bot.notify import Message, ReminderItem, render_digest
from bot.notify.render import inert_markdown, inert_text
from bot.store.models import Reminder

HOW_TO_DONE = "python -m bot done {milestone} --unit {unit}"
OWN, FALLBACK, COPY = "own", "fallback", "copy"
ROLE_TEXT = {FALLBACK: "没有可用的联系方式（未配置或已停用），提醒转给管理员", COPY: "逾期事项抄送管理员"}
ROLE_HEADING = {FALLBACK: "转给管理员的事项（各单位无可用联系方式）", COPY: "逾期事项（抄送管理员）"}
ANY_UNIT = "单位名称"


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


def _by_milestone(sections: list[Section], heading: str, today: date) -> Message:
    """The admin's part for one role: each milestone occurrence once, with every unit it is chased for."""
    groups: dict[tuple[int, int], list[Reminder]] = {}
    for section in sections:
        for rem in section.reminders:
            groups.setdefault((rem.milestone_id, rem.occurrence), []).append(rem)
    items = [replace(reminder_item(rems[0], today), unverified=any(r.unverified for r in rems),
                     units=tuple(sorted({r.unit.name for r in rems})))
             for rems in groups.values()]
    return render_digest(heading, items, today, HOW_TO_DONE.replace("{unit}", ANY_UNIT))


def compose(sections: list[Section], today: date, admin_name: str) -> Message:
    """A unit's own digest, or the admin's summary: per role, one entry per milestone with its units."""
    if len(sections) == 1 and sections[0].role == OWN:
        return _digest(sections[0], today)
    roles = [role for role in (FALLBACK, COPY) if any(s.role == role for s in sections)]
    parts = [(role, [s for s in sections if s.role == role]) for role in roles]
    digests = [_by_milestone(chosen, ROLE_HEADING[role], today) for role, chosen in parts]
    total = len({(r.milestone_id, r.occurrence) for s in sections for r in s.reminders})
    units = len({s.unit for s in sections})
    head = f"督办提醒汇总（发给{inert_text(admin_name)}）：{units} 个单位，{total} 项时间节点"

    def why(inert) -> list[str]:  # unit names are document text: inert in each dialect (F08)
        return [f"{ROLE_TEXT[role]}：{'、'.join(inert(s.unit) for s in sorted(chosen, key=lambda s: s.unit))}"
                for role, chosen in parts]

    markdown = "\n\n".join([f"## {inert_markdown(head)}", *why(inert_markdown), *(m.markdown for m in digests)])
    text = "\n\n".join([f"【{head}】", *why(inert_text), *(m.text for m in digests)])
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
