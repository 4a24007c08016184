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

Each item of a unit's digest carries that unit's answer links (签收/反馈进展/办结/申请延期)
and the message one link to the unit's page; without links the unit is told to contact the
office, never to run a shell command (that hint is only in the admin's copy). In secrecy
mode an entry is its task number, a short title, the due date and the links.
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
SECRET_TITLE_MAX = 12  # characters of a task title secrecy mode still shows
PAGE_LABEL = "本单位全部事项"
WITH_LINKS = "点击各事项的链接即可签收、反馈进展、报送办结或申请延期，无需登录。"
WITHOUT_LINKS = "如需签收、反馈进展、报送办结或申请延期，请联系督办人员。"
ESCALATED_FACT = "逾期未办结，已报单位领导和督办管理员。请立即办理，并通过“办结”链接报送办结情况。"
UNACKNOWLEDGED_FACT = "提醒发出后尚未签收，请点击“签收”确认已收到并安排办理。"
# links are pasted into markdown and HTML unescaped: the public address (checked by the
# settings) and the token alphabet (URL-safe base64) never contain these
_SAFE_URL = re.compile(r"https?://[^\s<>\"'()\[\]`\\|]+")

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
    links: tuple[tuple[str, str], ...] = ()  # (label, absolute URL): the unit's 签收/反馈进展/办结/申请延期
    escalated: bool = False  # overdue long enough that the unit's leader and the admin are told
    unacknowledged: bool = False  # the reminder to 签收 an item not yet acknowledged


def days_phrase(days_left: int) -> str:
    if days_left > 0:
        return f"还剩 {days_left} 天"
    if days_left == 0:
        return "今天到期"
    return f"已逾期 {-days_left} 天"


def due_phrase(item: ReminderItem) -> str:
    text = f"{item.due.isoformat()}（周{WEEKDAYS[item.due.weekday()]}）"
    return text + ("（日期未核验）" if item.unverified else "")


def safe_url(url: str) -> str:
    if not _SAFE_URL.fullmatch(url):
        raise ValueError(f"not a link a message may carry: {url!r}")
    return url


def short_title(title: str) -> str:
    title = inert_text(title)
    return title if len(title) <= SECRET_TITLE_MAX else title[:SECRET_TITLE_MAX] + "…"


def _title(item: ReminderItem, inert, secrecy: bool = False) -> str:
    number = f"任务{item.task_no} " if item.task_no is not None else ""
    return number + inert(short_title(item.task_title) if secrecy else item.task_title)


def _facts(item: ReminderItem, inert, secrecy: bool = False) -> list[tuple[str, str]]:
    """(label, value) lines under an entry's title, values already made inert; secrecy keeps no content."""
    chase = ([("催办", ESCALATED_FACT)] if item.escalated else []) + \
        ([("签收", UNACKNOWLEDGED_FACT)] if item.unacknowledged else [])
    content = [] if secrecy else [("事项", inert(item.action))]
    source = [] if secrecy else [("来源", f"《{inert(item.document)}》")]
    return chase + content + [("截止", due_phrase(item))] + source + [("节点编号", inert(item.milestone))] + \
        ([("单位", "、".join(inert(u) for u in item.units))] if item.units else [])


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
    links: Callable[[tuple[tuple[str, str], ...]], list[str]]  # an item's links → its lines
    page: str  # "{label}", "{url}"


def _markdown_entry(n: int, title: str, item: ReminderItem) -> str:
    colour = "warning" if item.days_left <= 0 else "info"
    return f'**{n}. {title}** <font color="{colour}">{days_phrase(item.days_left)}</font>'


def markdown_links(links: tuple[tuple[str, str], ...]) -> list[str]:
    return ["> 办理：" + "｜".join(f"[{label}]({safe_url(url)})" for label, url in links)] if links else []


def _text_links(links: tuple[tuple[str, str], ...]) -> list[str]:
    # one link per line, the address last: chat clients end an auto-link at the line's end
    return [f"   {label}：{safe_url(url)}" for label, url in links]


MARKDOWN = _Style(inert_markdown, "### {title}｜{unit}", _markdown_entry, "> {label}：{value}", "`{done}`",
                  markdown_links, "[{label}]({url})")
TEXT = _Style(inert_text, "【{title}】{unit}", lambda n, title, item: f"{n}. {title}（{days_phrase(item.days_left)}）",
              "   {label}：{value}", "{done}", _text_links, "{label}：{url}")


@dataclass(frozen=True)
class _Digest:
    """What every rendering of one digest shares."""

    unit: str
    items: list[ReminderItem]
    summary: str
    how_to_done: str | None  # the admin's copy: the command; a unit's: None
    page: str | None
    secrecy: bool

    @property
    def title(self) -> str:
        return "督办催办" if any(i.escalated for i in self.items) else "督办提醒"

    def closing(self, style: _Style) -> list[str]:
        """How to answer: the admin's command, or the unit's links (or, without them, whom to contact)."""
        if self.how_to_done is not None:
            done = _how_to_done(self.how_to_done, style.inert(self.unit), self.items)
            return ["办结后请告知督办人员，或由管理员执行：" + style.command.format(done=done)]
        page = [style.page.format(label=PAGE_LABEL, url=safe_url(self.page))] if self.page else []
        return [self.answer_hint, *page]

    @property
    def answer_hint(self) -> str:
        return WITH_LINKS if self.page or any(i.links for i in self.items) else WITHOUT_LINKS


def _lines(style: _Style, digest: _Digest) -> str:
    lines = [style.heading.format(title=digest.title, unit=style.inert(digest.unit)), digest.summary, ""]
    for n, item in enumerate(digest.items, 1):
        lines.append(style.entry(n, _title(item, style.inert, digest.secrecy), item))
        lines.extend(style.fact.format(label=label, value=value)
                     for label, value in _facts(item, style.inert, digest.secrecy))
        lines.extend(style.links(item.links))
        lines.append("")
    lines.extend(digest.closing(style))
    return "\n".join(lines)


def _html_links(links: tuple[tuple[str, str], ...]) -> str:
    anchors = "｜".join(f'<a href="{escape(safe_url(url))}">{escape(label)}</a>' for label, url in links)
    return f"<br>办理：{anchors}" if links else ""


def _html(digest: _Digest) -> str:
    entries = []
    for item in digest.items:
        colour = "#c0392b" if item.days_left <= 0 else "#2e7d32"
        facts = "".join(f"<br>{label}：{escape(value)}" for label, value in _facts(item, inert_text, digest.secrecy))
        entries.append(
            f"<li><b>{escape(_title(item, inert_text, digest.secrecy))}</b> "
            f'<span style="color:{colour}">{days_phrase(item.days_left)}</span>{facts}{_html_links(item.links)}</li>'
        )
    if digest.how_to_done is not None:
        done = _how_to_done(digest.how_to_done, inert_text(digest.unit), digest.items)
        closing = f"<p>办结后请告知督办人员，或由管理员执行：<code>{escape(done)}</code></p>"
    else:
        page = f'<p><a href="{escape(safe_url(digest.page))}">{PAGE_LABEL}</a></p>' if digest.page else ""
        closing = f"<p>{escape(digest.answer_hint)}</p>{page}"
    return (
        f"<html><body><h3>{digest.title}｜{escape(inert_text(digest.unit))}</h3><p>{escape(digest.summary)}</p>"
        f"<ol>{''.join(entries)}</ol>{closing}</body></html>"
    )


def render_digest(unit: str, items: list[ReminderItem], today: date, how_to_done: str | None = None, *,
                  page: str | None = None, secrecy: bool = False) -> Message:
    """One unit's digest: overdue first, then by due date.

    A unit's digest (`how_to_done` None) ends with how to answer: its items' links and
    `page`, the unit's own page, or without links whom to contact. The admin's copy passes
    `how_to_done`, the command that marks a milestone done, with `{milestone}` and `{unit}`
    placeholders, e.g. "python -m bot done {milestone} --unit {unit}"; with several items
    the milestone shows as 【节点编号】 and each entry gives its own.
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
    digest = _Digest(unit, ordered, summary, how_to_done, page, secrecy)
    escalated = sum(1 for i in ordered if i.escalated)
    subject = f"{digest.title}｜{inert_text(unit)}：{len(ordered)} 项时间节点" + (f"，{overdue} 项已逾期" if overdue else "")
    urge = (f"其中 {escalated} 项逾期未办结，已报单位领导，请立即办理" if escalated else "请相关同志及时处理")
    return Message(
        unit=unit,
        subject=subject,
        markdown=_lines(MARKDOWN, digest),
        text=_lines(TEXT, digest),
        html=_html(digest),
        notice=f"【{digest.title}】{inert_text(unit)}有 {len(ordered)} 项时间节点需要办理"
        + (f"（{overdue} 项已逾期）" if overdue else "")
        + f"，详见上一条消息，{urge}。",
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
