"""One message per recipient and send time, from the reminders it must carry.

A unit's own contact gets that unit's digest exactly as `render_digest` makes it, each item
with the unit's answer links; its leader gets the escalated items the same way. The admin
may receive several units at once (units without a contact, and overdue items copied to the
admin): they become one summary message per send time, where each milestone appears once
with the units it is chased for (not once per unit), and only the admin's copy names the
shell command.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

from bot.notify import Message, ReminderItem, render_digest
from bot.answers.links import ITEM_ACTIONS, PAGE
from bot.config.settings import Settings
from bot.notify.render import inert_markdown, inert_text
from bot.plan.states import OVERDUE, UNACKNOWLEDGED
from bot.store.models import Reminder

HOW_TO_DONE = "python -m bot done {milestone} --unit {unit}"
OWN, LEADER, FALLBACK, COPY = "own", "leader", "fallback", "copy"
UNIT_ROLES = (OWN, LEADER)  # recipients of the unit: its digest with its links
ROLE_TEXT = {FALLBACK: "没有可用的联系方式（未配置或已停用），提醒转给管理员", COPY: "逾期事项抄送管理员"}
ROLE_HEADING = {FALLBACK: "转给管理员的事项（各单位无可用联系方式）", COPY: "逾期事项（抄送管理员）"}
ANY_UNIT = "单位名称"


@dataclass
class Section:
    """One unit's part of a message; `role` says why this recipient gets it."""

    unit: str
    role: str
    reminders: list[Reminder] = field(default_factory=list)


Links = Callable[[Reminder], dict[str, str]]  # a reminder → its unit's links (bot.answers.links.links_for)


@dataclass(frozen=True)
class Context:
    """What every message of one run shares: the day, the admin, the unit links, the policy."""

    today: date
    admin_name: str
    links: Links | None = None  # None: no public address, messages carry no links
    secrecy: bool = False
    escalate_after: Callable[[str], int] = Settings().escalate_after

    @classmethod
    def of(cls, settings: Settings, today: date, links: Links | None) -> "Context":
        return cls(today, settings.admin_name, links, settings.secrecy, settings.escalate_after)


def escalated(rem: Reminder, escalate_after: Callable[[str], int]) -> bool:
    """Overdue long enough (working days, per milestone kind) that the leader and the admin are told."""
    return rem.kind == OVERDUE and -rem.lead_days >= escalate_after(rem.milestone.kind)


def reminder_item(rem: Reminder, today: date, ctx: Context | None = None) -> ReminderItem:
    milestone = rem.milestone
    task = milestone.task
    links = ctx.links(rem) if ctx is not None and ctx.links is not None else {}
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
        links=tuple((label, links[action]) for action, label in ITEM_ACTIONS.items() if action in links),
        escalated=ctx is not None and escalated(rem, ctx.escalate_after),
        unacknowledged=rem.kind == UNACKNOWLEDGED,
    )


def _digest(section: Section, ctx: Context) -> Message:
    # one entry per milestone occurrence: the same milestone twice in a digest says nothing new
    seen, items, page = set(), [], None
    for rem in section.reminders:
        key = (rem.milestone_id, rem.occurrence)
        if key not in seen:
            seen.add(key)
            items.append(reminder_item(rem, ctx.today, ctx))
            page = page or (ctx.links(rem).get(PAGE) if ctx.links is not None else None)
    return render_digest(section.unit, items, ctx.today, page=page, secrecy=ctx.secrecy)


def _by_milestone(sections: list[Section], heading: str, ctx: Context) -> Message:
    """The admin's part for one role: each milestone occurrence once, with every unit it is chased for."""
    groups: dict[tuple[int, int], list[Reminder]] = {}
    for section in sections:
        for rem in section.reminders:
            groups.setdefault((rem.milestone_id, rem.occurrence), []).append(rem)
    # the admin acts in the console, not through one unit's links
    plain = replace(ctx, links=None)
    items = [replace(reminder_item(rems[0], ctx.today, plain), unverified=any(r.unverified for r in rems),
                     escalated=any(escalated(r, ctx.escalate_after) for r in rems),
                     units=tuple(sorted({r.unit.name for r in rems})))
             for rems in groups.values()]
    return render_digest(heading, items, ctx.today, HOW_TO_DONE.replace("{unit}", ANY_UNIT), secrecy=ctx.secrecy)


def compose(sections: list[Section], ctx: Context) -> Message:
    """A unit's own digest (or its leader's), or the admin's summary: per role, one entry per milestone with its units."""
    if len(sections) == 1 and sections[0].role in UNIT_ROLES:
        return _digest(sections[0], ctx)
    admin_name = ctx.admin_name
    roles = [role for role in (FALLBACK, COPY) if any(s.role == role for s in sections)]
    parts = [(role, [s for s in sections if s.role == role]) for role in roles]
    digests = [_by_milestone(chosen, ROLE_HEADING[role], ctx) for role, chosen in parts]
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
    # a notice may quote what a unit typed (a 办结 note …): inert in both dialects, like document text
    numbered = [f"{n}. {inert_text(line)}" for n, line in enumerate(lines, 1)]
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
