"""Reporting calendars (报送进展周期): each period a fill-in link, a report stops that period's
reminders for its unit only, a period without one is 未报 and reminded; the admin sets and
clears calendars on the review screen, and both survive re-import."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.answers import reporting, tokens
from bot.answers.report import item_rows
from bot.config.settings import Settings
from bot.pipeline import extract_document
from bot.plan.imports import import_extraction
from bot.plan.states import DONE, SENT
from bot.store import open_store, session_scope
from bot.store.answer_models import AnswerToken, ProgressReport
from bot.store.corrections import REPORTING_ACTION
from bot.store.models import Contact, Document, Message, MessageReminder, Milestone, Reminder, ReminderEvent, Unit
from jobs.clock import SimulatedClock
from jobs.replay import replay
from jobs.worker import Worker
from tests.jobs.conftest import FAST, local
from tests.support.loopback import LoopbackRobot
from tests.web.conftest import ADMIN_PASSWORD, csrf_of, log_in

BASE = "http://duban.test"
RUNS, BAOHU, SHANGBIAO = "知识产权运用促进处", "知识产权保护处", "商标监督管理处"
SETTINGS = Settings()
DOC = """福建省知识产权局文件

闽知发[2024]12号

2024年福建省知识产权运用工作任务清单

| 重点任务 | 贯彻意见(落实举措) | 责任处室(单位) |
|---|---|---|
| 1. 推进专利转化运用 | 组织实施专利转化运用专项行动，每月25日前报送工作进展。 | 运用处、保护处 |
| 2. 加强商标品牌建设 | 9月底前完成商标品牌指导站建设。{extra} | 商标处 |
"""
JUNE, JULY, AUGUST = 6, 7, 8  # the occurrences of 每月25日 (the 6th is 2024-06-25)


@pytest.mark.parametrize("rule", reporting.RULES, ids=lambda r: r.name)
def test_every_recognition_rule_reads_its_own_examples(rule):
    for text, expected in rule.examples:
        assert bool(rule.pattern.search(text)) is expected, text
    assert any(expected for _, expected in rule.examples) and not all(expected for _, expected in rule.examples)


def test_the_admins_calendar_action_is_recognised_like_a_documents():
    assert reporting.is_progress_report(REPORTING_ACTION)
    assert not reporting.is_progress_report("完成商标品牌指导站建设")


@pytest.fixture
def robot():
    with LoopbackRobot() as server:
        yield server


class Office:
    def __init__(self, engine, robot, path):
        self.engine, self.robot, self.path = engine, robot, path
        self.clock = SimulatedClock(local("2024-06-20", 8))

    def key(self, unit: str) -> str:
        return f"key-{abs(hash(unit)) % 10**8}"

    def load(self, extra: str = "", as_of: datetime | None = None):
        self.path.write_text(DOC.format(extra=extra), encoding="utf-8")
        with session_scope(self.engine) as s:
            return import_extraction(s, extract_document(self.path), settings=SETTINGS,
                                     as_of=as_of or local("2024-06-20", 8), actor="test")

    def replay(self, first: str, last: str):
        worker = Worker(self.engine, SETTINGS, self.clock, "test-worker", policy=FAST)
        return replay(worker, self.clock, date.fromisoformat(first), date.fromisoformat(last))

    def calendar(self, s) -> Milestone:
        return s.scalars(select(Milestone).where(Milestone.rule.is_not(None), Milestone.removed_at.is_(None))
                         .order_by(Milestone.id)).first()

    def unit_id(self, s, name: str) -> int:
        return s.scalar(select(Unit.id).where(Unit.name == name))

    def sent_after(self, unit: str, occurrence: int, after: datetime) -> list[Reminder]:
        """The reminders of that unit and period a message carried after `after`."""
        with session_scope(self.engine) as s:
            return list(s.scalars(
                select(Reminder).join(MessageReminder, MessageReminder.reminder_id == Reminder.id)
                .join(Message, Message.id == MessageReminder.message_id)
                .where(Reminder.unit_id == self.unit_id(s, unit), Reminder.occurrence == occurrence,
                       Reminder.milestone_id == self.calendar(s).id, Message.send_at > after)))

    def period_links(self, unit: str) -> dict[int, str]:
        """occurrence → the 反馈进展 link the unit's messages carried for that period."""
        found: dict[int, str] = {}
        with session_scope(self.engine) as s:
            for received in self.robot.received:
                if received.query.get("key") != self.key(unit):
                    continue
                body = received.body.get("markdown", {}).get("content", "") or received.body.get("text", {}).get(
                    "content", "")
                for link in re.findall(r"反馈进展\]\((http[^)]+)\)", body):
                    row = tokens.resolve(s, link.rsplit("/", 1)[1], self.clock.now())
                    if row is not None and row.occurrence:
                        found[row.occurrence] = link.removeprefix(BASE)
        return found

    def rows(self, at: datetime) -> dict[str, dict]:
        with session_scope(self.engine) as s:
            calendar = self.calendar(s).id
            return {r["unit"]: r for r in item_rows(s, SETTINGS, at) if r["milestone_id"] == calendar}


@pytest.fixture
def office(store_config, db_url, tmp_path, monkeypatch, robot) -> Office:
    monkeypatch.setenv("DUBAN_PUBLIC_URL", BASE)
    built = Office(open_store(db_url), robot, tmp_path / "运用任务清单.md")
    built.load()
    with session_scope(built.engine) as s:
        for unit in s.scalars(select(Unit).where(Unit.kind == "unit")):
            s.add(Contact(unit_id=unit.id, kind="wecom", mentions=[],
                          target=f"{robot.url}/cgi-bin/webhook/send?key={built.key(unit.name)}"))
    return built


@pytest.fixture
def console(office, db_url, cli_run):
    from bot.web import create_app

    cli_run("users", "add", "admin", "--role", "admin", "--password-stdin", input=ADMIN_PASSWORD + "\n")
    app = create_app(db_url, clock=office.clock.now)
    app.config.update(TESTING=True)
    return app


def fill_in(client, path: str, **data):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True)), **data})


def counts(office) -> tuple:
    with session_scope(office.engine) as s:
        return (s.scalar(select(func.count()).select_from(ProgressReport)),
                tuple(s.execute(select(Reminder.id, Reminder.status).order_by(Reminder.id)).all()))


def test_the_document_sentence_is_the_tasks_calendar_and_each_period_is_its_own(office):
    with session_scope(office.engine) as s:
        calendar = office.calendar(s)
        assert reporting.is_calendar(s, calendar) and calendar.rule.startswith("FREQ=MONTHLY;BYMONTHDAY=25")
        others = s.scalars(select(Milestone).where(Milestone.rule.is_(None))).all()
        assert others and not reporting.calendar_ids(s, list(others))
        periods = reporting.periods(calendar, date(2024, 8, 1))
    assert [(p.occurrence, p.start, p.due) for p in periods] == [
        (JUNE, date(2024, 5, 26), date(2024, 6, 25)), (JULY, date(2024, 6, 26), date(2024, 7, 25)),
        (AUGUST, date(2024, 7, 26), date(2024, 8, 25))]


def test_three_months_a_reported_period_stops_for_that_unit_a_missing_one_is_reminded(office, console):
    office.replay("2024-06-20", "2024-06-21")
    links = office.period_links(RUNS)
    assert JUNE in links, "June's reminder carries June's own 反馈进展 link"
    before = counts(office)
    client = console.test_client()
    assert client.get(links[JUNE]).status_code == 200
    assert "截至 2024-06-25 的一期" in client.get(links[JUNE]).get_data(as_text=True)
    assert counts(office) == before, "opening the link changed nothing"

    office.clock.set(local("2024-06-24", 15))
    reported_at = office.clock.now()
    done = fill_in(client, links[JUNE], name="王五", text="6月完成专利转化项目12项", percent="40")
    assert done.status_code == 200 and "进展已报送" in done.get_data(as_text=True)
    with session_scope(office.engine) as s:
        assert s.scalars(select(ProgressReport)).one().occurrence == JUNE

    office.replay("2024-06-24", "2024-07-10")
    assert office.sent_after(RUNS, JUNE, reported_at) == [], "no more June reminders to the unit that reported"
    assert office.sent_after(BAOHU, JUNE, local("2024-06-25", 12)), "the unit that did not is reminded (overdue)"
    with session_scope(office.engine) as s:
        closed = s.scalars(select(Reminder).where(Reminder.unit_id == office.unit_id(s, RUNS),
                                                  Reminder.occurrence == JUNE, Reminder.status == DONE)).all()
        why = set(s.scalars(select(ReminderEvent.reason).where(ReminderEvent.reminder_id.in_([r.id for r in closed]),
                                                                 ReminderEvent.new_status == DONE)))
        assert closed and why == {reporting.CLOSED_REASON}
    rows = office.rows(local("2024-07-10", 12))
    assert rows[RUNS]["reports_missing"] == 0 and rows[BAOHU]["reports_missing"] == 1

    office.replay("2024-07-11", "2024-07-25")
    assert office.sent_after(RUNS, JULY, local("2024-07-11", 0)), "the reporting unit gets July's reminders"
    assert JULY in office.period_links(RUNS) and office.period_links(RUNS)[JULY] != links[JUNE]

    # August: the unit reports from its own page (no period link): counted by the date
    office.clock.set(local("2024-08-20", 10))
    with session_scope(office.engine) as s:
        from bot.answers.links import page_link

        page = page_link(s, office.unit_id(s, RUNS), base_url=BASE, now=office.clock.now()).removeprefix(BASE)
        calendar_id = office.calendar(s).id
    assert fill_in(client, f"{page}/m/{calendar_id}/progress", name="王五", text="8月进展").status_code == 200
    office.replay("2024-08-20", "2024-09-05")
    assert office.sent_after(RUNS, AUGUST, local("2024-08-20", 11)) == []
    assert office.sent_after(BAOHU, AUGUST, local("2024-08-20", 11))
    rows = office.rows(local("2024-09-05", 12))
    assert rows[RUNS]["reports_missing"] == 1, "July went by without a report"
    assert rows[BAOHU]["reports_missing"] == 3

    with session_scope(office.engine) as s:
        own_page = page_link(s, office.unit_id(s, BAOHU), base_url=BASE, now=office.clock.now()).removeprefix(BASE)
    html = client.get(own_page).get_data(as_text=True)
    assert "未报 3 期" in html and "2024-06-25" in html


def test_a_late_report_through_the_missed_periods_link_counts_for_that_period(office, console):
    office.replay("2024-06-20", "2024-06-28")
    june = office.period_links(BAOHU)[JUNE]
    office.clock.set(local("2024-06-28", 10))
    assert office.rows(office.clock.now())[BAOHU]["reports_missing"] == 1
    assert fill_in(console.test_client(), june, name="李四", text="补报6月进展").status_code == 200
    assert office.rows(office.clock.now())[BAOHU]["reports_missing"] == 0
    office.replay("2024-06-28", "2024-07-10")
    assert office.sent_after(BAOHU, JUNE, local("2024-06-28", 11)) == []


def admin_client(console):
    client = console.test_client()
    assert log_in(client, "admin", ADMIN_PASSWORD).status_code == 302
    return client


def task_page(office, task_key: str) -> str:
    with session_scope(office.engine) as s:
        return f"/documents/{s.scalars(select(Document)).one().id}/tasks/{task_key}/reporting"


def test_the_admin_sets_a_calendar_on_a_task_without_one_and_it_survives_reimport(office, console):
    office.clock.set(local("2024-06-21", 10))
    client = admin_client(console)
    path = task_page(office, "2")
    bad = fill_in(client, path, op="set", expr="尽快报送")
    assert bad.status_code == 400 and "不是一个报送周期" in bad.get_data(as_text=True)
    assert fill_in(client, path, op="set", expr="每月10日前", reason="局务会要求").status_code == 302

    def shangbiao_calendar():
        with session_scope(office.engine) as s:
            rows = [m for m in s.scalars(select(Milestone).where(Milestone.removed_at.is_(None)))
                    if m.rule and reporting.is_calendar(s, m) and [mu.unit.name for mu in m.units] == [SHANGBIAO]]
            return [(m.id, m.rule, m.action) for m in rows]

    made = shangbiao_calendar()
    assert len(made) == 1 and "BYMONTHDAY=10" in made[0][1] and made[0][2] == REPORTING_ACTION
    with session_scope(office.engine) as s:
        planned = s.scalars(select(Reminder).where(Reminder.milestone_id == made[0][0])).all()
        assert {r.occurrence for r in planned} >= {JULY, AUGUST}
    assert "每月10日前" in client.get(path).get_data(as_text=True)

    office.load(extra="年底前总结经验。", as_of=local("2024-06-22", 8))  # an amended file
    assert shangbiao_calendar() == made, "the admin's calendar survived re-import, the same milestone"

    page = client.get(path).get_data(as_text=True)
    key = re.search(r'name="milestone_key" value="(c\d+)"', page).group(1)
    assert fill_in(client, path, op="clear", milestone_key=key).status_code == 302
    assert shangbiao_calendar() == []
    with session_scope(office.engine) as s:
        left = s.scalars(select(Reminder).where(Reminder.milestone_id == made[0][0],
                                                Reminder.status == "planned")).all()
        assert left == []


def test_the_admin_clears_a_documents_calendar_and_that_survives_reimport(office, console):
    client = admin_client(console)
    path = task_page(office, "1")
    page = client.get(path).get_data(as_text=True)
    key = re.search(r'name="op" value="clear">\s*<input type="hidden" name="milestone_key" value="([^"]+)"', page).group(1)
    assert fill_in(client, path, op="clear", milestone_key=key, reason="改为季度报送").status_code == 302
    with session_scope(office.engine) as s:
        assert not reporting.is_calendar(s, office.calendar(s))
    office.load(extra="（修订）", as_of=local("2024-06-22", 8))
    with session_scope(office.engine) as s:
        assert not reporting.is_calendar(s, office.calendar(s)), "the admin's word survived re-import"
    assert office.rows(local("2024-07-10", 12))[RUNS]["reports_missing"] is None
    assert fill_in(client, path, op="mark", milestone_key=key).status_code == 302
    with session_scope(office.engine) as s:
        assert reporting.is_calendar(s, office.calendar(s))


def test_a_viewer_cannot_change_a_calendar(office, console, cli_run):
    from tests.web.conftest import VIEWER_PASSWORD

    cli_run("users", "add", "viewer", "--role", "viewer", "--password-stdin", input=VIEWER_PASSWORD + "\n")
    client = console.test_client()
    assert log_in(client, "viewer", VIEWER_PASSWORD).status_code == 302
    path = task_page(office, "2")
    assert fill_in(client, path, op="set", expr="每月10日前").status_code == 403


def test_the_dashboard_counts_each_units_missed_periods(office, console):
    import re

    office.replay("2024-06-20", "2024-06-28")
    office.clock.set(local("2024-06-28", 10))
    html = admin_client(console).get("/").get_data(as_text=True)
    shown = {unit: int(n) for unit, n in re.findall(
        r"<td>([^<]+)</td><td>\d+</td>.*?<td class=\"reports-missing\">(\d+)</td>", html, re.S)}
    rows = office.rows(office.clock.now())
    assert shown[BAOHU] == rows[BAOHU]["reports_missing"] == 1
    assert shown[RUNS] == rows[RUNS]["reports_missing"]
