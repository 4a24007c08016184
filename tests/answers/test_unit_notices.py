"""The unit is told the admin's decision (销号, 退回, 延期 granted or refused) through the outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.answers.notices import decision_message
from bot.store.answer_models import AnswerRequest
from bot.store.models import Contact, Message, Unit
from tests.web.conftest import admin  # noqa: F401 (fixture)
from tests.web.test_answers import paths, post, session_of, unit_id
from tests.web.test_approvals import FUZHOU, PROTECTION, decide

PUBLIC = "https://duban.example.gov.cn"
XIAMEN = "厦门市知识产权管理部门"
WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=unit-robot"


@pytest.fixture(autouse=True)
def public(monkeypatch):
    monkeypatch.setenv("DUBAN_PUBLIC_URL", PUBLIC)


def told(app, unit: str) -> list[tuple[Message, Contact]]:
    """The decision messages queued on behalf of `unit`, with the contact each goes to."""
    with session_of(app) as db:
        rows = db.execute(select(Message, Contact).join(Contact, Contact.id == Message.contact_id)
                          .where(Message.unit_id == unit_id(app, unit), Message.subject.like("督办提醒·%"))
                          .order_by(Message.id)).all()
        return [(m, c) for m, c in rows]


def robot(app, unit: str) -> None:
    with session_of(app) as db:
        db.add(Contact(unit_id=unit_id(app, unit), kind="wecom", target=WEBHOOK, mentions=[], label="单位群"))
        db.commit()


def submit_done(app, clock, unit: str, milestone_id: int, note: str = "协作机制已建立") -> dict[str, str]:
    links = paths(app, clock, unit, milestone_id)
    assert post(app.test_client(), links["done"], name="张三", note=note).status_code == 200
    return links


def test_an_approved_done_is_told_to_the_units_own_contact_with_its_page(app, admin, clock):
    robot(app, PROTECTION)
    submit_done(app, clock, PROTECTION, 13)
    assert told(app, PROTECTION) == []  # submitting tells nobody yet
    decide(admin, "approved")
    [(message, contact)] = told(app, PROTECTION)
    assert (contact.target, message.status) == (WEBHOOK, "pending")
    assert message.subject == "督办提醒·办结审核通过"
    assert "该事项已销号，不再提醒" in message.body_text and "节点编号：M13" in message.body_text
    assert f"本单位全部事项：{PUBLIC}/u/" in message.body_text
    assert told(app, FUZHOU) == []


def test_a_return_is_told_with_the_reason_as_text_and_a_fresh_done_link(app, admin, clock):
    robot(app, PROTECTION)
    used = submit_done(app, clock, PROTECTION, 13)["done"]
    decide(admin, "returned", "缺少佐证 <@all> **重要** [点这里](http://evil.example)")
    [(message, _)] = told(app, PROTECTION)
    assert message.subject == "督办提醒·办结被退回" and "提醒继续" in message.body_text
    assert "<@all>" not in message.body_text and "缺少佐证 <＠all>" in message.body_text  # no mention
    assert "缺少佐证 ＜＠all＞ ＊＊重要＊＊ ［点这里］(http：//evil.example)" in message.body  # no markup, no link
    done = next(line.split("办结：", 1)[1] for line in message.body_text.splitlines() if line.startswith("办结："))
    path = done.removeprefix(PUBLIC)
    assert path != used and app.test_client().get(path).status_code == 200  # the new link works


def test_an_extension_granted_or_refused_is_told_with_the_dates(app, admin, clock):
    links = paths(app, clock, FUZHOU, 8)
    unit = app.test_client()
    post(unit, links["extend"], name="李四", new_due="2024-07-31", reason="需等待省局批复")
    decide(admin, "approved")
    post(unit, paths(app, clock, XIAMEN, 8)["extend"], name="王五", new_due="2024-08-15", reason="人手不足")
    decide(admin, "refused", "时限不能调整")
    [(granted, _)] = told(app, FUZHOU)
    assert "截止日期调整为 2024-07-31（原定 2024-06-30），提醒按新日期发送" in granted.body_text
    [(refused, _)] = told(app, XIAMEN)
    assert "延期申请未获同意，仍按 2024-06-30 办理" in refused.body_text and "理由：时限不能调整" in refused.body_text
    assert f"反馈进展：{PUBLIC}/u/" in refused.body_text


def test_a_unit_without_contacts_is_told_through_the_admin(app, admin, clock):
    submit_done(app, clock, PROTECTION, 13)
    decide(admin, "approved")
    [(message, contact)] = told(app, PROTECTION)
    with session_of(app) as db:
        assert db.get(Unit, contact.unit_id).kind == "admin"
    assert message.body.startswith(f"### 督办提醒·办结审核通过｜{PROTECTION}")


def test_without_a_public_address_the_message_carries_no_links(app, admin, clock):
    submit_done(app, clock, PROTECTION, 13)
    decide(admin, "approved")
    with session_of(app) as db:
        request = db.scalar(select(AnswerRequest))
        message = decision_message(request, app.extensions["duban"]["settings"], {})
    assert "/u/" not in message.markdown and "/u/" not in message.text and "已销号" in message.text
