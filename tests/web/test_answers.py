"""The units' public pages: opened from a reminder's link, without an account."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from bot.answers.links import links_for
from bot.answers.tokens import revoke
from bot.store.answer_models import AnswerHit, AnswerRequest, AnswerToken, Attachment, ProgressReport, UnitItem, UnitItemEvent
from bot.store.models import MilestoneUnit, Reminder, Unit
from bot.web.answers import RATE_LIMIT
from tests.web.conftest import csrf_of

BASE = "http://localhost"
REFUSED = "该链接无效或已失效"


def session_of(app):
    return app.extensions["duban"]["sessions"]()


def unit_id(app, name: str) -> int:
    with session_of(app) as db:
        return db.scalar(select(Unit.id).where(Unit.name == name))


def paths(app, clock, unit: str, milestone_id: int) -> dict[str, str]:
    """The paths of the links a reminder would carry for this unit's item (tokens made and committed)."""
    with session_of(app) as db:
        found = links_for(db, unit_id(app, unit), milestone_id, base_url=BASE, now=clock.now)
        db.commit()
    return {k: v.removeprefix(BASE) for k, v in found.items()}


def snapshot(app) -> tuple:
    """Everything an answer could change: items, events, requests, progress, links, reminders, done marks."""
    with session_of(app) as db:
        counts = tuple(db.scalar(select(func.count()).select_from(t))
                       for t in (UnitItem, UnitItemEvent, AnswerRequest, ProgressReport, Attachment))
        tokens = tuple(db.execute(select(AnswerToken.id, AnswerToken.used_at, AnswerToken.revoked_at,
                                         AnswerToken.expires_at).order_by(AnswerToken.id)).all())
        reminders = tuple(db.execute(select(Reminder.id, Reminder.status, Reminder.due).order_by(Reminder.id)).all())
        done = tuple(db.execute(select(MilestoneUnit.id, MilestoneUnit.done_at).order_by(MilestoneUnit.id)).all())
    return counts, tokens, reminders, done


def post(client, path: str, **data):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True)), **data})


def test_opening_any_link_shows_the_item_and_a_form_and_changes_nothing(app, clock):
    links = paths(app, clock, "知识产权保护处", 13)
    before = snapshot(app)
    client = app.test_client()
    for action, path in links.items():
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, action
        assert "知识产权保护处" in html and 'name="csrf_token"' in html
    for action in ("ack", "progress", "done", "extend"):  # the unit page's own forms
        assert client.get(f"{links['page']}/m/13/{action}").status_code == 200
    assert "签收" in client.get(links["ack"]).get_data(as_text=True)
    assert "申请延期至" in client.get(links["extend"]).get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize("damage", ["forged", "altered", "expired", "revoked", "used"])
def test_a_bad_token_gets_one_plain_page_without_detail(app, clock, damage):
    links = paths(app, clock, "知识产权保护处", 13)
    client = app.test_client()
    good = links["done"]
    if damage == "forged":
        path = "/u/" + "A" * 32
    elif damage == "altered":
        token = good.rsplit("/", 1)[1]
        path = "/u/" + token[:-1] + ("B" if token[-1] != "B" else "C")
    elif damage == "expired":
        path = good
        clock.advance(days=230)  # M13 is due 2024-12-31: its links work until 2025-01-31
    elif damage == "revoked":
        with session_of(app) as db:
            revoke(db, unit_id(app, "知识产权保护处"), "admin", clock.now)
            db.commit()
        path = good
    else:
        assert post(client, good, name="张三", note="已完成").status_code == 200
        path = good
    for answer in (client.get(path), client.post(path, data={"name": "x"})):
        html = answer.get_data(as_text=True)
        assert answer.status_code in (400, 404)
        if answer.status_code == 404:
            assert REFUSED in html and "知识产权保护处" not in html and "M13" not in html
    assert main_of(client.get("/u/not-a-token")) == main_of(client.get(path))


def main_of(page) -> str:
    """What the page says (the signed CSRF token in the page head changes every second)."""
    html = page.get_data(as_text=True)
    return html[html.index("<main>"):]


def test_a_used_done_link_cannot_be_used_again(app, clock):
    done = paths(app, clock, "知识产权保护处", 13)["done"]
    client = app.test_client()
    first = post(client, done, name="张三", note="已建立协作机制")
    assert first.status_code == 200 and "等待督办部门审核" in first.get_data(as_text=True)
    again = client.get(done)
    assert again.status_code == 404 and REFUSED in again.get_data(as_text=True)
    with session_of(app) as db:
        assert db.scalar(select(func.count()).select_from(AnswerRequest)) == 1


def test_a_token_of_one_unit_cannot_act_on_another_units_item(app, clock):
    page = paths(app, clock, "知识产权保护处", 13)["page"]
    client = app.test_client()
    own = client.get(f"{page}/m/13/ack")
    assert own.status_code == 200
    other = client.get(f"{page}/m/7/ack")  # M7 is not 知识产权保护处's
    assert other.status_code == 404 and REFUSED in other.get_data(as_text=True)
    refused = client.post(f"{page}/m/7/ack", data={"csrf_token": csrf_of(own.get_data(as_text=True)), "name": "李四"})
    assert refused.status_code == 404
    with session_of(app) as db:
        assert db.scalar(select(func.count()).select_from(UnitItem)) == 0


def test_the_unit_page_lists_its_open_items_history_and_a_revocable_calendar_feed(app, clock):
    links = paths(app, clock, "知识产权保护处", 13)
    client = app.test_client()
    assert post(client, links["ack"], name="王五").status_code == 200
    html = client.get(links["page"]).get_data(as_text=True)
    assert "知识产权保护处的督办事项" in html and "王五" in html and "待签收 → 已签收" in html
    assert "还没有日历订阅地址" in html
    made = client.post(f"{links['page']}/calendar", data={"csrf_token": csrf_of(html)})
    feed = csrf_free_feed(made.get_data(as_text=True))
    ics = client.get(feed)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data
    renewed = client.post(f"{links['page']}/calendar", data={"csrf_token": csrf_of(html)})
    assert client.get(feed).status_code == 404
    assert client.get(csrf_free_feed(renewed.get_data(as_text=True))).status_code == 200


def csrf_free_feed(html: str) -> str:
    """The calendar feed address the unit page shows."""
    return re.search(r"<code>https?://[^/]+(/u/[^<]+/calendar\.ics)</code>", html).group(1)


def test_acknowledging_records_the_name_and_time_once(app, clock):
    ack = paths(app, clock, "知识产权保护处", 13)["ack"]
    client = app.test_client()
    assert "已签收" in post(client, ack, name=" 王五 ").get_data(as_text=True)
    again = post(client, ack, name="赵六")
    assert again.status_code == 400 and "已由 王五 签收" in again.get_data(as_text=True)
    with session_of(app) as db:
        item = db.scalars(select(UnitItem)).one()
        assert (item.state, item.acknowledged_by, item.acknowledged_at) == ("acknowledged", "王五", clock.now)
        assert [(e.old_state, e.new_state, e.actor) for e in item.events] == [
            ("planned", "acknowledged", "知识产权保护处·王五")]


def test_unit_pages_are_rate_limited_per_client_counted_in_the_database(app, clock):
    page = paths(app, clock, "知识产权保护处", 13)["page"]
    client = app.test_client()
    for _ in range(RATE_LIMIT):
        assert client.get("/u/" + "Z" * 32).status_code == 404
    limited = client.get(page)
    assert limited.status_code == 429 and "访问过于频繁" in limited.get_data(as_text=True)
    with session_of(app) as db:
        assert db.scalar(select(func.count()).select_from(AnswerHit)) == RATE_LIMIT + 1
    clock.advance(minutes=11)
    assert client.get(page).status_code == 200


def test_progress_with_an_attachment_is_kept_outside_the_rows_with_its_hash(app, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_ATTACHMENTS_DIR", str(tmp_path / "files"))
    progress = paths(app, clock, "知识产权保护处", 13)["progress"]
    client = app.test_client()
    page = client.get(progress)
    pdf = b"%PDF-1.4\n% progress report\n"
    answer = client.post(progress, content_type="multipart/form-data", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "name": "王五", "text": "已完成初稿", "percent": "40",
        "attachment": (__import__("io").BytesIO(pdf), "进展.pdf")})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    digest = hashlib.sha256(pdf).hexdigest()
    assert (tmp_path / "files" / digest[:2] / digest).read_bytes() == pdf
    with session_of(app) as db:
        report = db.scalars(select(ProgressReport)).one()
        assert (report.text, report.percent, report.attachment.sha256, report.attachment.size) == (
            "已完成初稿", 40, digest, len(pdf))
        assert db.scalars(select(UnitItem)).one().state == "in_progress"


@pytest.mark.parametrize("name, data, said", [
    ("报告.html", b"<html><script>alert(1)</script></html>", "不支持的附件类型"),
    ("程序.exe", b"MZ\x90\x00", "不支持的附件类型"),
    ("伪装.pdf", b"<svg onload=alert(1)>", "内容与扩展名 .pdf 不符"),
    ("过大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "附件过大"),
])
def test_an_attachment_over_the_limit_or_of_a_forbidden_type_is_refused(app, clock, tmp_path, monkeypatch,
                                                                        name, data, said):
    import io

    monkeypatch.setenv("DUBAN_ATTACHMENTS_DIR", str(tmp_path / "files"))
    done = paths(app, clock, "知识产权保护处", 13)["done"]
    client = app.test_client()
    page = client.get(done)
    answer = client.post(done, content_type="multipart/form-data", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "name": "王五", "note": "办结",
        "attachment": (io.BytesIO(data), name)})
    assert answer.status_code == 400 and said in answer.get_data(as_text=True)
    assert not (tmp_path / "files").exists()
    with session_of(app) as db:
        assert db.scalar(select(func.count()).select_from(AnswerRequest)) == 0
    assert client.get(done).status_code == 200  # a refused 办结 did not use the link up


def test_a_post_without_the_csrf_token_is_refused(app, clock):
    ack = paths(app, clock, "知识产权保护处", 13)["ack"]
    before = snapshot(app)
    assert app.test_client().post(ack, data={"name": "王五"}).status_code == 400
    assert snapshot(app) == before
