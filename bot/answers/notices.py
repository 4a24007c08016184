"""The unit is told the admin's decision on its 办结 or 延期, through the outbox like any reminder.

The message goes to the unit's own contacts, else to the admin (who forwards it), and is a
delivery like every other (retries, history, `deliveries`). Whatever the unit or the admin
typed (the reason, the task title) is made inert the way document text is in reminders.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.answers import flows
from bot.answers.links import links_for, public_base_url
from bot.config.settings import Settings
from bot.notify.base import Message
from bot.notify.render import inert_markdown, inert_text, markdown_links, safe_url, short_title
from bot.store.answer_models import AnswerRequest
from jobs.outbox import Outgoing, enqueue
from jobs.recipients import admin_contacts, unit_contacts

_OUTCOME = {
    (flows.DONE_REQUEST, flows.APPROVED): ("办结审核通过", "您单位报送的办结情况已审核通过，该事项已销号，不再提醒。"),
    (flows.DONE_REQUEST, flows.RETURNED_DECISION): (
        "办结被退回", "您单位报送的办结情况被退回，请按退回理由补充后重新报送办结；在此之前提醒继续。"),
    (flows.EXTENSION_REQUEST, flows.APPROVED): ("延期申请已同意", "延期申请已同意，截止日期调整为 {due}（原定 {original}），提醒按新日期发送。"),
    (flows.EXTENSION_REQUEST, flows.REFUSED): ("延期申请未获同意", "延期申请未获同意，仍按 {due} 办理，提醒照常发送。"),
}
# what the unit does next, then its page
_NEXT_LINK = {flows.RETURNED_DECISION: ("done", "办结"), flows.REFUSED: ("progress", "反馈进展")}


def decision_message(request: AnswerRequest, settings: Settings, links: dict[str, str]) -> Message:
    """The unit's message about `request`'s decision; `links` are its answer links (empty: none)."""
    item = request.item
    mu = item.milestone_unit
    milestone, task = mu.milestone, mu.milestone.task
    headline, said = _OUTCOME[(request.kind, request.decision)]
    said = said.format(due=item.due or item.original_due or milestone.due, original=item.original_due)
    number = f"任务{task.no} " if task.no is not None else ""
    title = short_title(task.title) if settings.secrecy else task.title
    subject = f"督办提醒·{headline}"
    facts = [("事项", number + title), ("节点编号", f"M{milestone.id}"), ("结果", said)]
    if request.decision_reason:
        facts.append(("理由", request.decision_reason))
    wanted = [_NEXT_LINK[request.decision]] if request.decision in _NEXT_LINK else []
    shown = [(label, links[key]) for key, label in [*wanted, ("page", "本单位全部事项")] if key in links]
    markdown = [f"### {subject}｜{inert_markdown(mu.unit.name)}",
                *(f"> {label}：{inert_markdown(value)}" for label, value in facts)]
    text = [f"【{subject}】{inert_text(mu.unit.name)}", *(f"{label}：{inert_text(value)}" for label, value in facts)]
    if shown:
        markdown.extend(markdown_links(tuple(shown)))
        text.extend(f"{label}：{safe_url(url)}" for label, url in shown)
    return Message(unit=mu.unit.name, subject=subject, markdown="\n".join(markdown), text="\n".join(text),
                   notice=f"【督办提醒】{inert_text(mu.unit.name)}：{headline}，详见上一条消息。")


def tell_unit(session: Session, settings: Settings, request: AnswerRequest, now: datetime) -> int:
    """Queue the decision's message for the unit's contacts (or the admin); returns how many."""
    mu = request.item.milestone_unit
    base = public_base_url(settings)
    links = links_for(session, mu.unit_id, mu.milestone_id, base_url=base, now=now, settings=settings) if base else {}
    message = decision_message(request, settings, links)
    contacts = unit_contacts(session, {mu.unit_id}).get(mu.unit_id) or admin_contacts(session, settings)
    today = now.astimezone(settings.tz).date()
    return sum(created for _, _, created in enqueue(
        session, [Outgoing(mu.unit_id, contact, message) for contact in contacts], now, today))
