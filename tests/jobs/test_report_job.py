"""The scheduled 督办通报: sent once per period and recipient, by email with its files and to WeCom as files,
also with two workers racing and after a restart; a send time missed beyond catch-up is not sent."""
from __future__ import annotations

import io
import threading
from dataclasses import replace
from datetime import date, time, timedelta
from email import message_from_bytes
from email.policy import default

import openpyxl
import pytest
import yaml
from docx import Document as DocxDocument
from sqlalchemy import func, select

from bot.config.admin.export import _schedule
from bot.config.settings import ReportSchedule, parse_settings
from bot.config.yamlfile import Where, parse_yaml
from bot.errors import DubanError
from bot.store import session_scope
from bot.store.models import RETRY, SENT, AdminNotice, Contact, Delivery, Message, Unit
from bot.store.report_delivery_models import EXPIRED_SEND, QUEUED_SEND, ReportFile, ReportSend
from bot.store.report_models import ReportIssue
from jobs.report_job import due_send, report_message
from jobs.worker import Worker
from tests.jobs.conftest import FAST, SHANGHAI, local
from tests.notify.conftest import start_smtp
from tests.support.loopback import Reply, uploaded

WEEKLY = ReportSchedule("week", 1, time(9, 0), ("docx", "xlsx"), ("办公室", "leader@example.gov.cn"))
MONDAY = "2024-07-08"  # reports on the week of 1–7 July


@pytest.fixture
def smtp(monkeypatch):
    controller, mailbox = start_smtp("plain")
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(controller.port)), ("MODE", "plain"),
                        ("SENDER", "duban@example.gov.cn")):
        monkeypatch.setenv(f"DUBAN_SMTP_{name}", value)
    yield mailbox
    controller.stop()


@pytest.fixture
def weekly(office, smtp):
    """办公室 on a loopback WeCom robot, 局领导 by email, an admin, and items due in the reported week."""
    office.settings = replace(office.settings, report_schedule=WEEKLY)
    office_id = office.unit("办公室")
    other = office.unit("保护处")
    office.admin()
    with session_scope(office.engine) as s:
        leaders = Unit(name="局领导", aliases=[], groups=[])
        s.add(leaders)
        s.flush()
        s.add(Contact(unit_id=leaders.id, kind="email", target="leader@example.gov.cn", mentions=[]))
    office.milestone("专利盘点", date(2024, 7, 3), [other, office_id])
    office.milestone("商标普查", date(2024, 6, 28), [other])
    return office


def worker(office, clock, name="worker-1") -> Worker:
    return Worker(office.engine, office.settings, clock, name, policy=FAST)


def counts(engine) -> dict:
    with session_scope(engine) as s:
        return {"issues": s.scalar(select(func.count()).select_from(ReportIssue)),
                "sends": s.scalar(select(func.count()).select_from(ReportSend)),
                "sent": s.scalar(select(func.count()).select_from(Message).where(
                    Message.id.in_(select(ReportSend.message_id)), Message.status == SENT))}


def file_messages(office) -> list:
    return [r for r in office.received_by("办公室") if r.body and r.body.get("msgtype") == "file"]


def test_the_report_goes_once_by_email_with_its_files_and_to_wecom_as_files(weekly, smtp, clock):
    clock.set(local(MONDAY, 9, 0) + timedelta(seconds=30))
    first = worker(weekly, clock).tick()
    assert first.reports.queued == 2
    assert counts(weekly.engine) == {"issues": 1, "sends": 2, "sent": 2}

    # WeCom: the summary, then each file uploaded and sent by its media_id
    got = weekly.received_by("办公室")
    kinds = [r.path.rsplit("/", 1)[1] + ":" + (r.body or {}).get("msgtype", "") for r in got]
    assert kinds == ["send:markdown", "upload_media:", "send:file", "upload_media:", "send:file"]
    assert "督办通报（2024年第1期）" in got[0].body["markdown"]["content"]
    assert "全文见附件" in got[0].body["markdown"]["content"]
    name, content = uploaded(got[1])
    assert name == "督办通报（2024年第1期）.docx" and got[1].query["type"] == "file"
    assert DocxDocument(io.BytesIO(content)).paragraphs
    media = [got[2].body["file"]["media_id"], got[4].body["file"]["media_id"]]
    assert all(m.startswith("media-") for m in media) and media[0] != media[1]  # each file its own upload
    assert uploaded(got[3])[0].endswith(".xlsx")

    # email: one mail to the leader with both files attached, readable by python-docx and openpyxl
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["leader@example.gov.cn"]
    mail = message_from_bytes(envelope.original_content, policy=default)
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert set(files) == {"督办通报（2024年第1期）.docx", "督办通报（2024年第1期）.xlsx"}
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(files["督办通报（2024年第1期）.docx"])).paragraphs)
    assert "2024年第1期" in text
    assert openpyxl.load_workbook(io.BytesIO(files["督办通报（2024年第1期）.xlsx"])).sheetnames

    # recorded like every other delivery: a deliveries row per attempt of each message
    with session_scope(weekly.engine) as s:
        rows = s.execute(select(Delivery.channel, Delivery.status).join(
            ReportSend, ReportSend.message_id == Delivery.message_id)).all()
    assert sorted(rows) == [("email", SENT), ("wecom", SENT)]
    with session_scope(weekly.engine) as s:
        assert set(s.scalars(select(ReportSend.status))) == {QUEUED_SEND}
        assert sorted(s.scalars(select(ReportFile.fmt))) == ["docx", "xlsx"]  # rendered once, not per recipient

    # again the same hour, and later that week: nothing more
    for later in (timedelta(minutes=1), timedelta(days=2)):
        clock.set(local(MONDAY, 9, 0) + later)
        assert worker(weekly, clock).tick().reports.queued == 0
    assert counts(weekly.engine) == {"issues": 1, "sends": 2, "sent": 2}
    assert len(smtp.envelopes) == 1 and len(file_messages(weekly)) == 2


def test_after_a_restart_nothing_is_sent_again_and_the_next_period_is(weekly, smtp, clock):
    clock.set(local(MONDAY, 9, 1))
    worker(weekly, clock, "before-restart").tick()
    restarted = worker(weekly, clock, "after-restart")
    restarted.prepare()
    assert restarted.tick().reports.queued == 0
    assert counts(weekly.engine)["sends"] == 2 and len(smtp.envelopes) == 1

    clock.set(local("2024-07-15", 9, 0))
    assert restarted.tick().reports.queued == 2
    with session_scope(weekly.engine) as s:
        issues = s.execute(select(ReportIssue.number, ReportIssue.period_start).order_by(ReportIssue.number)).all()
    assert issues == [(1, date(2024, 7, 1)), (2, date(2024, 7, 8))]
    assert len(smtp.envelopes) == 2 and len(file_messages(weekly)) == 4


def test_a_send_time_missed_within_catch_up_is_caught_up(weekly, clock):
    clock.set(local(MONDAY, 9) + timedelta(hours=47))  # catch_up_hours: 48
    assert worker(weekly, clock).tick().reports.queued == 2


def test_a_send_time_missed_beyond_catch_up_is_not_sent_and_the_admin_told(weekly, smtp, clock):
    clock.set(local(MONDAY, 9) + timedelta(hours=49))
    run = worker(weekly, clock).tick().reports
    assert (run.queued, run.expired) == (0, 2)
    with session_scope(weekly.engine) as s:
        assert set(s.scalars(select(ReportSend.status))) == {EXPIRED_SEND}
        assert s.scalar(select(func.count()).select_from(ReportIssue)) == 0  # no number taken
        [notice] = s.scalars(select(AdminNotice.message).where(AdminNotice.key.like("report-expired:%")))
    assert "超过补发时限" in notice and "2024年第28周" not in notice
    assert not smtp.envelopes and not file_messages(weekly)
    assert worker(weekly, clock).tick().reports.expired == 0  # recorded once


def test_two_workers_racing_send_each_recipient_the_report_once(weekly, smtp, clock):
    clock.set(local(MONDAY, 9, 0))
    workers = [worker(weekly, clock, f"racer-{n}") for n in range(2)]
    for w in workers:  # the day's digest first (it records overdue items): SQLite takes one writer at a time
        w.build_digests()
    start = threading.Barrier(len(workers))
    errors = []

    def run(w):
        try:
            start.wait()  # both reach the send time together
            w.send_reports()
            w.dispatch()
            w.tick()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert counts(weekly.engine) == {"issues": 1, "sends": 2, "sent": 2}
    assert len(smtp.envelopes) == 1 and len(file_messages(weekly)) == 2


def test_a_robot_failure_is_retried_and_each_attempt_recorded(weekly, clock):
    weekly.robot.script(Reply(), Reply(status=500))  # the summary goes; the first upload fails
    clock.set(local(MONDAY, 9, 0))
    w = worker(weekly, clock)
    w.tick()
    with session_scope(weekly.engine) as s:
        wecom = s.scalars(select(Message).join(ReportSend, ReportSend.message_id == Message.id)
                          .where(Message.channel == "wecom")).one()
        assert wecom.status == RETRY and "HTTP 500" in wecom.last_error
        assert weekly.key("办公室") not in wecom.last_error  # the robot key never in an error
        retry_at = wecom.next_attempt_at
    clock.set(retry_at + timedelta(seconds=1))
    w.dispatch()
    with session_scope(weekly.engine) as s:
        attempts = s.execute(select(Delivery.attempt, Delivery.status).where(Delivery.channel == "wecom")
                             .order_by(Delivery.id)).all()
        assert s.get(Message, wecom.id).status == SENT
    assert attempts == [(1, RETRY), (2, SENT)]
    assert len(file_messages(weekly)) == 2  # the retry sent the whole report again, files included
    assert counts(weekly.engine)["sends"] == 2


def test_a_recipient_that_matches_nothing_is_told_to_the_admin(weekly, clock):
    weekly.settings = replace(weekly.settings, report_schedule=replace(WEEKLY, recipients=("办公室", "不存在的处")))
    clock.set(local(MONDAY, 9, 0))
    assert worker(weekly, clock).tick().reports.queued == 1
    with session_scope(weekly.engine) as s:
        notices = list(s.scalars(select(AdminNotice.message).where(AdminNotice.key.like("report-recipient:%"))))
    assert len(notices) == 1 and "不存在的处" in notices[0]


def test_an_empty_store_sends_nothing_takes_no_number_and_tells_the_admin(office, smtp, clock):
    office.settings = replace(office.settings, report_schedule=replace(WEEKLY, recipients=("办公室",)))
    office.unit("办公室")
    office.admin()
    clock.set(local(MONDAY, 9, 0))
    assert worker(office, clock).tick().reports.queued == 0
    assert counts(office.engine) == {"issues": 0, "sends": 0, "sent": 0}
    with session_scope(office.engine) as s:
        assert s.scalar(select(func.count()).select_from(AdminNotice).where(AdminNotice.key.like("report-empty:%"))) == 1
    assert not file_messages(office)


def test_the_send_day_and_the_period_it_reports_on():
    monthly = ReportSchedule("month", 3, time(9, 0), ("docx",), ("办公室",))
    quarterly = ReportSchedule("quarter", 5, time(8, 30), ("xlsx",), ("办公室",))
    due = due_send(WEEKLY, local("2024-07-10", 12), SHANGHAI)
    assert due.at == local(MONDAY, 9) and (due.period.start, due.period.end) == (date(2024, 7, 1), date(2024, 7, 7))
    assert due_send(WEEKLY, local(MONDAY, 8, 59), SHANGHAI).period.start == date(2024, 6, 24)
    due = due_send(monthly, local("2024-07-03", 9), SHANGHAI)
    assert (due.period.start, due.period.end) == (date(2024, 6, 1), date(2024, 6, 30))
    due = due_send(quarterly, local("2024-09-30", 23), SHANGHAI)
    assert due.at == local("2024-07-05", 8, 30) and due.period.start == date(2024, 4, 1)


def test_a_robot_that_cannot_take_files_gets_the_summary_and_the_console_link(weekly, clock):
    clock.set(local(MONDAY, 9, 0))
    from bot.report.build import build_report
    with session_scope(weekly.engine) as s:
        report = build_report(s, weekly.settings, local("2024-07-07", 23), "week", number=1)
    message = report_message(report, (), "https://duban.example.gov.cn")
    assert "本渠道不能发送文件" in message.text and "https://duban.example.gov.cn/reports" in message.markdown
    assert "附件" not in message.text
    assert "请向督办管理员索取" in report_message(report, (), "").text


@pytest.mark.parametrize("yaml_text, problem", [
    ("report_schedule:\n  period: daily\n  day: 1\n  recipients: [办公室]\n", "第 2 行 `report_schedule.period`"),
    ("report_schedule:\n  period: week\n  day: 8\n  recipients: [办公室]\n", "第 3 行 `report_schedule.day`"),
    ("report_schedule:\n  period: month\n  day: 31\n  recipients: [办公室]\n", "1 到 28"),
    ("report_schedule:\n  period: week\n  day: 周一\n  time: 9\n  recipients: [办公室]\n", "HH:MM"),
    ("report_schedule:\n  period: week\n  day: 1\n  formats: [pdf]\n  recipients: [办公室]\n", "docx"),
    ("report_schedule:\n  period: week\n  day: 1\n  recipients: []\n", "收件人列表"),
    ("report_schedule:\n  period: week\n  day: 1\n", "缺少 recipients"),
])
def test_a_bad_schedule_is_refused_with_its_line(yaml_text, problem):
    with pytest.raises(DubanError) as caught:
        parse_settings(parse_yaml(yaml_text, "settings.yaml"), Where("settings.yaml"))
    assert problem in caught.value.message and caught.value.message.startswith("settings.yaml")


def test_a_schedule_as_written_in_the_example():
    text = ("report_schedule:\n  period: week\n  day: 周一\n  time: \"09:00\"\n  formats: [docx, xlsx]\n"
            "  recipients:\n    - 督办管理员\n    - leader@example.gov.cn\n")
    parsed = parse_settings(parse_yaml(text, "settings.yaml"), Where("settings.yaml")).report_schedule
    assert parsed == ReportSchedule("week", 1, time(9, 0), ("docx", "xlsx"), ("督办管理员", "leader@example.gov.cn"))
    assert parse_settings(parse_yaml("report_schedule:\n", "s.yaml"), Where("s.yaml")).report_schedule is None
    exported = yaml.safe_dump({"report_schedule": _schedule(parsed)}, allow_unicode=True)  # `config export`
    assert parse_settings(parse_yaml(exported, "s.yaml"), Where("s.yaml")).report_schedule == parsed
