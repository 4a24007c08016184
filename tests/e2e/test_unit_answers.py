"""A unit answers from its reminder, in a real browser: the 办结 link the robot received, the
admin's 审核, and the replayed days after it (docs/units.md shows these screenshots)."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.cli import cli
from bot.store.answer_models import AnswerRequest, UnitItem, UnitItemEvent
from bot.store.models import Contact, Reminder, Unit
from tests.conftest import SEED
from tests.e2e.conftest import ADMIN, PASSWORD
from tests.support.loopback import LoopbackRobot

PROTECTION, FUZHOU, XIAMEN = "知识产权保护处", "福州市知识产权管理部门", "厦门市知识产权管理部门"
KEY, FUZHOU_KEY = "baohu-robot-0001", "fuzhou-robot-0001"


@pytest.fixture
def robot():
    with LoopbackRobot() as server:
        yield server


def bot(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def office(console, robot, db_url, monkeypatch):
    """The seed imported as of 2024-06-20, the groups of 知识产权保护处 and 福州 on the loopback robot,
    links on the console."""
    monkeypatch.setenv("DUBAN_PUBLIC_URL", console)
    bot("import", str(SEED), "--as-of", "2024-06-20")
    engine = create_engine(db_url)
    with Session(engine) as db:
        for name, key in ((PROTECTION, KEY), (FUZHOU, FUZHOU_KEY)):
            unit = db.scalar(select(Unit).where(Unit.name == name))
            db.add(Contact(unit_id=unit.id, kind="wecom", target=f"{robot.url}/cgi-bin/webhook/send?key={key}",
                           mentions=[], label=f"{name}工作群"))
        db.commit()
    engine.dispose()
    return console


def replay(first: str, last: str) -> None:
    bot("run", "--as-of", first, "--until", last)


def contents(robot, start: int = 0, key: str = KEY) -> list[str]:
    """The markdown the robot received for one group (`key`) since request number `start`."""
    return [r.body["markdown"]["content"] for r in robot.received[start:]
            if r.body.get("msgtype") == "markdown" and r.query.get("key") == key]


def link(content: str, label: str, milestone: str) -> str:
    """The `label` link of the entry for `milestone` (节点编号) in a reminder's markdown."""
    for entry in content.split("\n\n"):
        if f"节点编号：{milestone}" in entry or f"节点编号:{milestone}" in entry:
            return re.search(rf"\[{label}\]\(([^)]+)\)", entry).group(1)
    raise AssertionError(f"{milestone} not in {content}")


def reminders(db_url, milestone_id: int) -> dict[str, set[str]]:
    """unit name → the statuses of its reminders for the milestone."""
    engine = create_engine(db_url)
    with Session(engine) as db:
        rows = db.execute(select(Unit.name, Reminder.status).join(Unit, Unit.id == Reminder.unit_id)
                          .where(Reminder.milestone_id == milestone_id)).all()
    engine.dispose()
    out: dict[str, set[str]] = {}
    for unit, status in rows:
        out.setdefault(unit, set()).add(status)
    return out


def answers(db_url) -> tuple:
    """Everything opening a link could change: the items, their events and the requests."""
    engine = create_engine(db_url)
    with Session(engine) as db:
        counted = tuple(db.scalar(select(func.count()).select_from(t)) for t in (UnitItem, UnitItemEvent, AnswerRequest))
    engine.dispose()
    return counted


def log_in(page, console: str) -> None:
    page.goto(console + "/login")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_the_done_link_from_the_robots_message_approved_stops_that_units_reminders_only(office, robot, db_url,
                                                                                        page, shot):
    replay("2024-06-20", "2024-11-29")  # 知识产权保护处's year-end items are first reminded on 11-29
    first = contents(robot)
    assert first and "节点编号：M13" in first[-1]
    done = link(first[-1], "办结", "M13")
    assert done.startswith(office + "/u/")

    before = answers(db_url)
    page.goto(done)
    assert PROTECTION in page.content() and "提交办结" in page.content()
    shot(page, "01-办结链接")
    assert answers(db_url) == before  # opening alone changed nothing
    page.fill("input[name=name]", "张三")
    page.fill("textarea[name=note]", "协作机制已建立，《知识产权保护协作办法》已印发")
    page.click("button:has-text('提交办结')")
    assert "待审核" in page.content()
    shot(page, "02-已提交待审核")

    log_in(page, office)
    page.goto(office + "/approvals")
    assert "《知识产权保护协作办法》已印发" in page.content()
    shot(page, "03-审核队列")
    page.click("button:has-text('通过（销号）')")
    assert "办结审核通过，已销号" in page.content()
    page.goto(office + "/")
    html = page.content()
    assert re.search(rf'<tr class="light-green">\s*<td>.*?</td>\s*<td>{PROTECTION}</td><td>\d+</td><td>1</td>', html, re.S), \
        re.findall(rf"<tr[^>]*>(?:(?!</tr>).)*{PROTECTION}(?:(?!</tr>).)*</tr>", html, re.S)
    shot(page, "04-总览已办结", page.locator("section").first)
    page.goto(re.search(r"\[本单位全部事项\]\(([^)]+)\)", first[-1]).group(1))  # the message's page link
    assert "已办结事项（1）" in page.content() and "待审核 → 已办结" in page.content()
    shot(page, "05-单位页面")

    sent_before = len(robot.received)
    replay("2024-11-30", "2024-12-31")
    told, *later = contents(robot, sent_before)
    assert told.startswith(f"### 督办提醒·办结审核通过｜{PROTECTION}") and "该事项已销号，不再提醒" in told
    assert later and all("节点编号：M13" not in c for c in later)  # the unit's other items still come
    statuses = reminders(db_url, 13)
    assert statuses[PROTECTION] <= {"sent", "cancelled", "done"}  # paused at 办结, none planned after 销号
    assert any("sent" in s for unit, s in statuses.items() if unit != PROTECTION)  # the others still reminded


def answer(page, url: str, shot_name: str | None, shot, **fields: str) -> str:
    page.goto(url)
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    if shot_name:
        shot(page, shot_name)
    page.click("button[type=submit]")
    return page.content()


def review(page, console: str, button: str, reason: str = "") -> str:
    page.goto(console + "/approvals")
    if reason:
        page.fill("[name=reason]", reason)
    page.click(f"button:has-text('{button}')")
    return page.content()


def test_an_extension_moves_the_reminders_and_a_return_is_told_and_reminded_again(office, robot, page, shot):
    replay("2024-06-20", "2024-06-20")
    [june] = contents(robot, key=FUZHOU_KEY)
    assert "节点编号：M8" in june
    done = answer(page, link(june, "申请延期", "M8"), "06-申请延期", shot, name="李四", new_due="2024-07-31",
                  reason="需等待省局批复")
    assert "延期" in done
    log_in(page, office)
    assert "已同意延期至 2024-07-31" in review(page, office, "同意延期")
    start = len(robot.received)
    replay("2024-06-21", "2024-06-30")
    told, *june_rest = contents(robot, start, FUZHOU_KEY)
    assert "截止日期调整为 2024-07-31（原定 2024-06-30）" in told
    assert all("节点编号：M8" not in c for c in june_rest)  # no longer reminded for June
    start = len(robot.received)
    replay("2024-07-01", "2024-07-31")
    july = [c for c in contents(robot, start, FUZHOU_KEY) if "节点编号：M8" in c]
    assert july and "2024-07-31" in july[0]  # reminded again before the new date

    unit = page.context.browser.new_page()  # the unit's own browser, not the admin's session
    submitted = answer(unit, link(july[-1], "办结", "M8"), None, shot, name="李四", note="已完成")
    assert "待审核" in submitted, re.sub(r"<[^>]+>", " ", submitted)[-1500:]
    assert "办结已退回" in review(page, office, "退回", "缺少印发文件 <@all>")
    start = len(robot.received)
    replay("2024-08-01", "2024-08-31")
    returned, *after = contents(robot, start, FUZHOU_KEY)
    assert "办结被退回" in returned and "缺少印发文件 ＜＠all＞" in returned and "[办结](" in returned
    assert any("节点编号：M8" in c for c in after)  # overdue since 07-31: reminded again in August
