"""The scheduled 督办通报: at the configured send time, the previous period's issue to every recipient, once.

Each run (every minute, and in every `tick`) works out the latest configured send instant
that has come (`due_send`) and the period it reports on (the one before the send day's:
a Monday report covers last week, a report on the 3rd last month). Then, in one
transaction, for the recipients not yet recorded for that period (report_sends):
- within catch_up_hours of the send instant (the planner's catch-up rule; at least a few
  minutes, the job's own tick): the period's issue is taken (bot.report.numbers: one
  number per period, whichever worker comes first), built as of the period's end,
  rendered once per format into report_files (bot.report.files: the issue's bytes, which
  the console serves too), and one message per contact is queued in
  the outbox, its report_sends row pointing at it. The dispatcher sends it like every
  other message (leases, retries, the robots' shared budget, a deliveries row per
  attempt) and attaches the files where the channel can carry them;
- later: nothing is sent; the rows say "expired" and the admin is told once.
The unique (period, contact) row is what makes "once": a restart or a second worker finds
the rows and queues nothing. On PostgreSQL one worker at a time does this (an advisory
lock); the others skip the run and find the rows at their next.

Recipients (settings report_schedule.recipients): a unit name is that unit's enabled
contacts (the admin's when it names the admin); an email address is the email contact
that lists it. A name that matches nothing is said to the admin once per period.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.answers.links import public_base_url
from bot.config.settings import ReportSchedule, Settings
from bot.notify import CHANNELS, ChannelConfigError, Message
from bot.notify.email import addresses
from bot.notify.render import inert_markdown, inert_text
from bot.plan.notices import raise_notice
from bot.report.build import build_report, period_of
from bot.report.files import keep_files
from bot.report.model import Period, Report
from bot.report.numbers import take_number
from bot.report.wording import issue_label, laggard_sentence, summary_sentence
from bot.store.models import ADMIN, Contact, Unit
from bot.store.report_delivery_models import EXPIRED_SEND, QUEUED_SEND, ReportSend
from jobs.outbox import Outgoing, enqueue
from jobs.recipients import admin_contacts, unit_contacts
from jobs.tally import Tally

REPORT_LOCK = 0x64756272  # "dubr": one scheduled-report sender at a time on PostgreSQL
GRACE = timedelta(minutes=5)  # the job ticks every minute: catch_up_hours 0 still sends on time
LOOKBACK_DAYS = 100  # more than a quarter: the latest send day is always within it
QUARTER_MONTHS = (1, 4, 7, 10)
LAGGARDS_SHOWN = 10


@dataclass
class ReportRun(Tally):
    queued: int = 0   # messages queued
    expired: int = 0  # recipients whose send time had passed beyond catch-up


@dataclass(frozen=True)
class DueSend:
    at: datetime      # the configured send instant (UTC)
    period: Period    # the period it reports on


def is_send_day(schedule: ReportSchedule, day: date) -> bool:
    if schedule.period == "week":
        return day.isoweekday() == schedule.day
    return day.day == schedule.day and (schedule.period == "month" or day.month in QUARTER_MONTHS)


def due_send(schedule: ReportSchedule, now: datetime, tz) -> DueSend | None:
    """The latest send instant at or before `now`, and the period before the one it falls in."""
    today = now.astimezone(tz).date()
    for back in range(LOOKBACK_DAYS):
        day = today - timedelta(days=back)
        at = datetime.combine(day, schedule.time, tz)
        if is_send_day(schedule, day) and at <= now:
            previous = period_of(schedule.period, day).start - timedelta(days=1)
            return DueSend(at.astimezone(timezone.utc), period_of(schedule.period, previous))
    return None


def report_lock(session: Session) -> bool:
    """True when this transaction may send scheduled reports (always on SQLite: one process at a time)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(current_schema()), :id)"),
                                {"id": REPORT_LOCK}).scalar())


def resolve_recipients(session: Session, settings: Settings, names: tuple[str, ...]) -> tuple[list[Contact], list[str]]:
    """(the contacts the report goes to, in order and each once; the names that matched none)."""
    contacts: dict[int, Contact] = {}
    missing = []
    units = {u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(names)))}
    for name in names:
        if "@" in name:
            found = [c for c in session.scalars(select(Contact).where(
                Contact.kind == "email", Contact.enabled.is_(True), Contact.target.contains(name)).order_by(Contact.id))
                if name in _addresses(c.target)]
        elif name == settings.admin_name or (name in units and units[name].kind == ADMIN):
            found = admin_contacts(session, settings)  # the console stands in when none is configured
        elif name in units:
            found = unit_contacts(session, {units[name].id}).get(units[name].id, [])
        else:
            found = []
        if not found:
            missing.append(name)
        for contact in found:
            contacts.setdefault(contact.id, contact)
    return list(contacts.values()), missing


def _addresses(target: str) -> tuple[str, ...]:
    try:
        return addresses("email", target)
    except ChannelConfigError:  # a malformed stored target matches nothing; check-config reports it
        return ()


def send_reports(session: Session, settings: Settings, now: datetime, actor: str) -> ReportRun:
    run = ReportRun()
    schedule = settings.report_schedule
    due = due_send(schedule, now, settings.tz) if schedule else None
    if due is None or not report_lock(session):
        return run
    period = due.period
    contacts, missing = resolve_recipients(session, settings, schedule.recipients)
    label, at = period.label, due.at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    for name in missing:
        raise_notice(session, f"report-recipient:{period.kind}:{period.start}:{name}",
                     f"定时通报（{label}）的收件人“{name}”没有找到可用的联系方式：请在 settings.yaml 的 "
                     "report_schedule.recipients 中写名录里的单位名称，或 contacts.yaml 中已配置的邮箱地址")
    done = set(session.scalars(select(ReportSend.contact_id).where(
        ReportSend.period_kind == period.kind, ReportSend.period_start == period.start)))
    todo = [c for c in contacts if c.id not in done]
    if not todo:
        return run
    row = dict(period_kind=period.kind, period_start=period.start, scheduled_at=due.at, created_at=now)
    if now > due.at + max(timedelta(hours=settings.catch_up_hours), GRACE):
        note = f"原定 {at} 发送，超过补发时限（catch_up_hours：{settings.catch_up_hours} 小时），不再发送"
        session.add_all([ReportSend(**row, contact_id=c.id, status=EXPIRED_SEND, note=note) for c in todo])
        raise_notice(session, f"report-expired:{period.kind}:{period.start}",
                     f"定时通报（{label}）{note}；如仍需要，请用 python -m bot report --period {period.kind} "
                     f"--as-of {period.end} 生成后分发")
        run.expired = len(todo)
        return run
    as_of = datetime.combine(period.end, time.max, settings.tz)
    draft = build_report(session, settings, as_of, period.kind)
    if not draft.items:  # nothing to report on: no number taken, said once
        raise_notice(session, f"report-empty:{period.kind}:{period.start}",
                     f"定时通报（{label}）未发送：数据库中还没有督办事项。请先导入任务清单：python -m bot import 文件路径")
        return run
    issue, _ = take_number(session, draft.year, period, as_of, actor, scheduled=True, formats=",".join(schedule.formats))
    report = replace(draft, number=issue.number)
    names = [f.filename for f in keep_files(session, issue.id, report, schedule.formats).values()]
    today = now.astimezone(settings.tz).date()
    for contact in todo:
        message = report_message(report, names if CHANNELS[contact.kind].files else (), public_base_url(settings))
        [(message_id, _, _)] = enqueue(session, [Outgoing(contact.unit_id, contact, message)], now, today)
        session.add(ReportSend(**row, issue_id=issue.id, contact_id=contact.id, message_id=message_id,
                               status=QUEUED_SEND))
        run.queued += 1
    session.flush()
    return run


def report_message(report: Report, files: list[str] | tuple[str, ...], base_url: str) -> Message:
    """The summary that carries the report: the figures, the units behind, and where the full text is."""
    head = f"{report.office}{report.title}（{issue_label(report)}）"
    subject = f"{report.title}（{issue_label(report)}）· {report.period.label}"
    lines = [summary_sentence(report)]
    shown = report.laggards[:LAGGARDS_SHOWN]
    behind = [laggard_sentence(g) for g in shown]
    if len(report.laggards) > len(shown):
        behind.append(f"另有 {len(report.laggards) - len(shown)} 个单位有逾期未办结事项，详见通报。")
    page = f"{base_url}/reports" if base_url else ""
    if files:
        where = "全文见附件：" + "、".join(f"《{name}》" for name in files) + "。"
    elif page:
        where = "本渠道不能发送文件，全文请在控制台通报页查看或下载。"
    else:
        where = "本渠道不能发送文件，全文请向督办管理员索取。"
    markdown = [f"### {inert_markdown(head)}", inert_markdown(lines[0])]
    plain = [f"【{inert_text(head)}】", inert_text(lines[0])]
    if behind:
        markdown += ["**滞后单位：**", *(f"- {inert_markdown(b)}" for b in behind)]
        plain += ["滞后单位：", *(f"- {inert_text(b)}" for b in behind)]
    markdown.append(where + (f"[打开通报页]({page})" if page else ""))
    plain.append(where + (f"通报页：{page}" if page else ""))
    return Message(unit=report.office, subject=subject, markdown="\n".join(markdown), text="\n".join(plain),
                   notice=f"【督办通报】{subject}已发布，详见上一条消息。")
