"""The Chinese reminder digest: one message per unit, rendered as markdown, text and HTML.

Text taken from the document (titles, actions, document and unit names) is made inert
before it enters a message: a task titled "<@zhangsan> @all **x** [y](http://evil)" must
not mention anyone, bold anything or carry a link. Markdown control characters become
their full-width look-alikes (readable in Chinese text, meaningless to every robot's
markdown), "@" becomes "＠", and "://" is broken so clients do not auto-link; a unit name
inside the `done` command's code span cannot close it (its backticks are look-alikes too).
Invisible characters (controls such as ESC, bidi overrides, zero-width marks) are
dropped from every rendering and from the console preview, whatever ingest let through:
they would rewrite a terminal or make a message read differently from what it says.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Callable

from bot.notify.base import Message

WEEKDAYS = "一二三四五六日"
MILESTONE_PLACEHOLDER = "【节点编号】"

_MARKDOWN_LOOKALIKES = str.maketrans({
    "*": "＊", "_": "＿", "`": "｀", "[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃",
    "@": "＠", "~": "～", "|": "｜", "\\": "＼", "&": "＆", "!": "！",
})
_WHITESPACE = re.compile(r"\s+")
_COLOUR = re.compile(r'<font color="\w+">(.*?)</font>')


def visible(text: str) -> str:
    """`text` without control (Cc, except tab and newline) and format (Cf: bidi, zero-width) characters."""
    text = str(text)
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cf"))


def inert_text(text: str) -> str:
    """Document text for plain messages: one visible line, no @mention."""
    return _WHITESPACE.sub(" ", visible(text)).strip().replace("@", "＠")


def inert_markdown(text: str) -> str:
    """Document text for markdown: one visible line, no markup, mention, tag, link or backtick."""
    return inert_text(text).translate(_MARKDOWN_LOOKALIKES).replace("://", "：//")


def without_colour(markdown: str) -> str:
    """WeCom's `<font color>` as bold, for robots with another colour dialect (DingTalk, Feishu)."""
    return _COLOUR.sub(r"**\1**", markdown)


@dataclass(frozen=True)
class ReminderItem:
    """One milestone a unit must act on, as of the digest's day.

    `days_left` is negative when overdue. `milestone` is the key `bot done` takes.
    `lead_days` is the lead time that triggered the reminder (kept for the delivery
    record; the message says the days left instead). `unverified` marks a date
    computed without official holiday data for its year.
    """

    unit: str
    task_no: int | None
    task_title: str
    action: str
    due: date
    days_left: int
    document: str
    milestone: str
    lead_days: int | None = None
    unverified: bool = False
    units: tuple[str, ...] = ()  # the admin's summary: every unit this item is chased for


def days_phrase(days_left: int) -> str:
    if days_left > 0:
        return f"还剩 {days_left} 天"
    if days_left == 0:
        return "今天到期"
    return f"已逾期 {-days_left} 天"


def due_phrase(item: ReminderItem) -> str:
    text = f"{item.due.isoformat()}（周{WEEKDAYS[item.due.weekday()]}）"
    return text + ("（日期未核验）" if item.unverified else "")


def _title(item: ReminderItem, inert) -> str:
    number = f"任务{item.task_no} " if item.task_no is not None else ""
    return number + inert(item.task_title)


def _facts(item: ReminderItem, inert) -> list[tuple[str, str]]:
    """(label, value) lines under an entry's title, values already made inert."""
    return [
        ("事项", inert(item.action)),
        ("截止", due_phrase(item)),
        ("来源", f"《{inert(item.document)}》"),
        ("节点编号", inert(item.milestone)),
    ] + ([("单位", "、".join(inert(u) for u in item.units))] if item.units else [])


def _how_to_done(how_to_done: str, unit: str, items: list[ReminderItem]) -> str:
    milestone = items[0].milestone if len(items) == 1 else MILESTONE_PLACEHOLDER
    return how_to_done.replace("{milestone}", milestone).replace("{unit}", unit)


@dataclass(frozen=True)
class _Style:
    """How one plain-line rendering spells the parts of a digest."""

    inert: Callable[[str], str]
    heading: str  # "{unit}"
    entry: Callable[[int, str, ReminderItem], str]  # (number, title, item) -> line
    fact: str  # "{label}", "{value}"
    command: str  # "{done}"


def _markdown_entry(n: int, title: str, item: ReminderItem) -> str:
    colour = "warning" if item.days_left <= 0 else "info"
    return f'**{n}. {title}** <font color="{colour}">{days_phrase(item.days_left)}</font>'


MARKDOWN = _Style(inert_markdown, "### 督办提醒｜{unit}", _markdown_entry, "> {label}：{value}", "`{done}`")
TEXT = _Style(inert_text, "【督办提醒】{unit}", lambda n, title, item: f"{n}. {title}（{days_phrase(item.days_left)}）",
              "   {label}：{value}", "{done}")


def _lines(style: _Style, unit: str, items: list[ReminderItem], summary: str, how_to_done: str) -> str:
    lines = [style.heading.format(unit=style.inert(unit)), summary, ""]
    for n, item in enumerate(items, 1):
        lines.append(style.entry(n, _title(item, style.inert), item))
        lines.extend(style.fact.format(label=label, value=value) for label, value in _facts(item, style.inert))
        lines.append("")
    done = _how_to_done(how_to_done, style.inert(unit), items)
    lines.append("办结后请告知督办人员，或由管理员执行：" + style.command.format(done=done))
    return "\n".join(lines)


def _html(unit: str, items: list[ReminderItem], summary: str, done: str) -> str:
    def esc(text: str) -> str:
        return escape(inert_text(text))

    entries = []
    for item in items:
        colour = "#c0392b" if item.days_left <= 0 else "#2e7d32"
        facts = "".join(f"<br>{label}：{escape(value)}" for label, value in _facts(item, inert_text))
        entries.append(
            f"<li><b>{escape(_title(item, inert_text))}</b> "
            f'<span style="color:{colour}">{days_phrase(item.days_left)}</span>{facts}</li>'
        )
    return (
        f"<html><body><h3>督办提醒｜{esc(unit)}</h3><p>{escape(summary)}</p>"
        f"<ol>{''.join(entries)}</ol>"
        f"<p>办结后请告知督办人员，或由管理员执行：<code>{escape(done)}</code></p></body></html>"
    )


def render_digest(unit: str, items: list[ReminderItem], today: date, how_to_done: str) -> Message:
    """One unit's digest: overdue first, then by due date.

    `how_to_done` is the command that marks a milestone done, with `{milestone}` and
    `{unit}` placeholders, e.g. "python -m bot done {milestone} --unit {unit}"; with
    several items the milestone shows as 【节点编号】 and each entry gives its own.
    """
    if not items:
        raise ValueError("render_digest needs at least one item")
    ordered = sorted(items, key=lambda i: (i.days_left >= 0, i.due, i.task_no or 0, i.milestone))
    overdue = sum(1 for i in ordered if i.days_left < 0)
    due_today = sum(1 for i in ordered if i.days_left == 0)
    counts = [f"已逾期 {overdue} 项" if overdue else "", f"今天到期 {due_today} 项" if due_today else ""]
    counts_text = "，".join(c for c in counts if c)
    summary = f"截至 {today.isoformat()}，共 {len(ordered)} 项时间节点需要办理" + (
        f"（{counts_text}）。" if counts_text else "。"
    )
    subject = f"督办提醒｜{inert_text(unit)}：{len(ordered)} 项时间节点" + (f"，{overdue} 项已逾期" if overdue else "")
    return Message(
        unit=unit,
        subject=subject,
        markdown=_lines(MARKDOWN, unit, ordered, summary, how_to_done),
        text=_lines(TEXT, unit, ordered, summary, how_to_done),
        html=_html(unit, ordered, summary, _how_to_done(how_to_done, inert_text(unit), ordered)),
        notice=f"【督办提醒】{inert_text(unit)}有 {len(ordered)} 项时间节点需要办理"
        + (f"（{overdue} 项已逾期）" if overdue else "")
        + "，详见上一条消息，请相关同志及时处理。",
    )


def render_test_message(unit: str, now: datetime) -> Message:
    """The `send-test` message: proves the route works, asks nobody to do anything."""
    stamp = now.strftime("%Y-%m-%d %H:%M")
    line = f"这是督办提醒发给“{inert_text(unit)}”的测试消息（{stamp}）。看到本消息说明提醒可以送达，无需回复。"
    return Message(
        unit=unit,
        subject=f"督办提醒测试消息｜{inert_text(unit)}",
        markdown=f"### 督办提醒测试消息\n{inert_markdown(line)}",
        text=f"【督办提醒测试消息】\n{line}",
        notice=f"【督办提醒测试消息】{inert_text(unit)}：如果您被 @ 到，说明 @ 提醒也可以送达。",
    )
