"""Answer links in reminders: every item carries its unit's 签收/反馈进展/办结/申请延期, on every channel.

The 30-item digest goes through the real dispatcher to a loopback WeCom robot; every part
is parsed and every 办结 link resolved through the answer tokens (bot.answers.tokens).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.answers.tokens import resolve
from bot.config.settings import LeadTimes, Settings, parse_settings
from bot.config.yamlfile import Where
from bot.errors import DubanError
from bot.notify import ReminderItem, render_digest
from bot.notify.dingtalk import MARKDOWN_LIMIT as DINGTALK_LIMIT
from bot.notify.feishu import MARKDOWN_LIMIT as FEISHU_LIMIT
from bot.notify.render import WITHOUT_LINKS, without_colour
from bot.notify.split import split_message, utf8_len
from bot.notify.wecom import MARKDOWN_LIMIT as WECOM_LIMIT
from bot.store import session_scope
from bot.store.models import Milestone, Unit
from jobs.compose import system_notice
from tests.jobs.conftest import Office, clock, engine, local, markdown_of, office, robot, store_env  # noqa: F401

BASE = "https://duban.example.gov.cn"
TODAY = date(2024, 6, 21)
LABELS = ("签收", "反馈进展", "办结", "申请延期")
MD_LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")


def item(n: int, **kw) -> ReminderItem:
    links = tuple((label, f"{BASE}/u/{label_key}{n:0>28}") for label, label_key in zip(LABELS, ("ackk", "prog", "done", "extn")))
    base = dict(unit="保护处", task_no=n, task_title=f"开展第{n}项知识产权保护专项行动并形成总结报告", action="完成存量专利盘点入库",
                due=TODAY + timedelta(days=n), days_left=n, document="2024年知识产权工作要点", milestone=f"M{n}",
                links=links)
    return ReminderItem(**{**base, **kw})


PAGE = f"{BASE}/u/{'p' * 32}"


def test_every_rendering_carries_each_items_four_links_and_the_unit_page_once():
    message = render_digest("保护处", [item(1), item(2)], TODAY, page=PAGE)
    for n in (1, 2):
        for label, url in item(n).links:
            assert f"[{label}]({url})" in message.markdown
            assert f"{label}：{url}" in message.text
            assert f'<a href="{url}">{label}</a>' in message.html
    assert message.markdown.count(PAGE) == message.text.count(PAGE) == message.html.count(PAGE) == 1
    # DingTalk and Feishu get the markdown with WeCom's colours turned bold: the links stay
    assert without_colour(message.markdown).count("](") == message.markdown.count("](") == 9


def test_a_units_message_never_tells_it_to_run_a_shell_command():
    with_links = render_digest("保护处", [item(1)], TODAY, page=PAGE)
    without = render_digest("保护处", [item(1, links=())], TODAY)
    for message in (with_links, without):
        for body in (message.markdown, message.text, message.html):
            assert "python -m bot" not in body
    assert WITHOUT_LINKS in without.text and WITHOUT_LINKS in without.markdown and WITHOUT_LINKS in without.html
    assert "](" not in without.markdown and "<a " not in without.html
    admin = render_digest("逾期事项", [item(1, links=())], TODAY, "python -m bot done {milestone} --unit {unit}")
    assert "python -m bot done M1 --unit 逾期事项" in admin.text  # only the admin's copy names the command


def test_a_link_that_could_break_out_of_markdown_is_refused():
    for bad in (f"{BASE}/u/x)[all](http://evil", f"{BASE}/u/a b", "javascript:alert(1)", f"{BASE}/u/<@all>"):
        with pytest.raises(ValueError):
            render_digest("保护处", [item(1, links=(("办结", bad),))], TODAY)


def test_secrecy_keeps_only_the_number_a_short_title_the_due_date_and_the_links():
    message = render_digest("保护处", [item(3)], TODAY, page=PAGE, secrecy=True)
    for body in (message.markdown, message.text, message.html):
        assert "完成存量专利盘点入库" not in body and "知识产权工作要点" not in body
        assert "形成总结报告" not in body and "开展第3项知识产权保护专…" in body
        assert "任务3" in body and "2024-06-24" in body
    assert all(f"[{label}]({url})" in message.markdown for label, url in item(3).links)


def test_the_public_address_is_checked_and_the_environment_wins(monkeypatch):
    assert parse_settings({"public_url": f"{BASE}/"}, Where("settings.yaml")).public_url == BASE
    for bad in ("duban.example.gov.cn", "ftp://x.cn", f"{BASE}/a b", f"{BASE}/(x)", f"{BASE}/?a=1"):
        with pytest.raises(DubanError, match="public_url.*http"):
            parse_settings({"public_url": bad}, Where("settings.yaml"))
    from bot.answers.links import public_base_url
    from bot.config.settings import _apply_env
    monkeypatch.setenv("DUBAN_PUBLIC_URL", "https://other.example.gov.cn/")
    settings = _apply_env(Settings(public_url=BASE))
    assert settings.public_url == public_base_url(settings) == "https://other.example.gov.cn"
    monkeypatch.setenv("DUBAN_PUBLIC_URL", "not a url")
    with pytest.raises(DubanError, match="DUBAN_PUBLIC_URL"):
        _apply_env(Settings())


def test_a_unit_note_reaches_the_admins_message_as_text():
    note = "保护处报送办结：<@all> 请看 [点此审核](http://evil.example/x) **紧急** `rm`"
    message = system_notice([note], "督办管理员")
    assert "<@all>" not in message.markdown and "](" not in message.markdown and "http://" not in message.markdown
    assert "＜＠all＞" in message.markdown and "［点此审核］" in message.markdown
    assert "@" not in message.text and "<＠all>" in message.text  # plain text renders nothing; it mentions no one


@pytest.fixture
def linked_office(engine, robot) -> Office:
    return Office(engine, robot, Settings(lead_times=LeadTimes(default=(7, 3, 1, 0)), public_url=BASE))


def test_a_digest_of_thirty_items_carries_a_working_done_link_for_each(linked_office, clock):
    office = linked_office
    baohu = office.unit("保护处")
    office.admin()
    due = date(2024, 6, 28)
    milestones = [office.milestone(f"第{n}项保护专项行动总结报告", due, [baohu]) for n in range(30)]
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))
    office.worker(clock).tick()

    parts = [markdown_of(r) for r in office.received_by("保护处")]
    assert len(parts) > 1 and all(utf8_len(p) <= WECOM_LIMIT for p in parts)
    done = [url for part in parts for label, url in MD_LINK.findall(part) if label == "办结"]
    assert len(done) == len(set(done)) == 30
    now = local("2024-06-21").astimezone()
    with session_scope(office.engine) as s:
        bound = {(row.unit_id, row.milestone_id, row.action)
                 for row in (resolve(s, url.rsplit("/", 1)[1], now) for url in done) if row is not None}
        assert bound == {(baohu, m, "done") for m in milestones}
        pages = [url for part in parts for label, url in MD_LINK.findall(part) if label == "本单位全部事项"]
        [page] = pages
        assert resolve(s, page.rsplit("/", 1)[1], now).unit_id == baohu
        # the same digest, split for the other channels, keeps every link whole within their limits
        message = render_digest("保护处", [item(n) for n in range(30)], TODAY, page=PAGE)
        for body, limit in ((without_colour(message.markdown), DINGTALK_LIMIT),
                            (without_colour(message.markdown), FEISHU_LIMIT), (message.text, 2048)):
            chunks = split_message(body, limit)
            assert all(utf8_len(c) <= limit for c in chunks)
            found = [u for c in chunks for u in re.findall(rf"{BASE}/u/done\w+", c)]
            assert sorted(found) == sorted(dict(item(n).links)["办结"] for n in range(30))


def test_without_a_public_address_the_units_digest_says_whom_to_contact(office, clock, monkeypatch):
    monkeypatch.delenv("DUBAN_PUBLIC_URL", raising=False)
    baohu = office.unit("保护处")
    office.admin()
    office.milestone("专利盘点", date(2024, 6, 28), [baohu])
    office.plan(local("2024-06-01", 0))
    clock.set(local("2024-06-21"))
    office.worker(clock).tick()
    [received] = office.received_by("保护处")
    body = markdown_of(received)
    assert WITHOUT_LINKS in body and "python -m bot" not in body and "/u/" not in body


def test_the_console_preview_and_the_email_parts_carry_the_links():
    import io

    from bot.notify.console import ConsoleChannel

    message = render_digest("保护处", [item(1)], TODAY, page=PAGE)
    stream = io.StringIO()
    assert ConsoleChannel(stream=stream).send(message).ok
    printed = stream.getvalue()
    assert all(f"{label}：{url}" in printed for label, url in item(1).links) and PAGE in printed
    assert all(f'href="{url}"' in message.html for _, url in item(1).links)
