"""While a unit's 办结 waits for review its reminders for that milestone pause; a return plans them again."""
from __future__ import annotations

from sqlalchemy import select

from bot.answers import flows
from bot.config.settings import load_settings
from bot.plan.states import CANCELLED, OPEN_REMINDER
from bot.store.models import Reminder
from tests.answers.test_flows import mu_of


def open_reminders(db, milestone_id: int, unit_id: int) -> list[Reminder]:
    return list(db.scalars(select(Reminder).where(Reminder.milestone_id == milestone_id, Reminder.unit_id == unit_id,
                                                  Reminder.status.in_(OPEN_REMINDER))))


def test_a_pending_review_pauses_that_units_reminders_only_and_a_return_resumes_them(app, clock):
    sessions = app.extensions["duban"]["sessions"]
    with sessions.begin() as db:
        protection, other = mu_of(db, 13, "知识产权保护处"), mu_of(db, 13, "福州市知识产权管理部门")
        before = len(open_reminders(db, 13, protection.unit_id))
        others = len(open_reminders(db, 13, other.unit_id))
        assert before and others
        request = flows.submit_done(db, protection, "王五", "已报送", None, clock.now, load_settings())
        assert open_reminders(db, 13, protection.unit_id) == []
        assert len(open_reminders(db, 13, other.unit_id)) == others
        paused = db.scalars(select(Reminder).where(Reminder.milestone_id == 13, Reminder.unit_id == protection.unit_id,
                                                   Reminder.status == CANCELLED)).all()
        assert len(paused) == before and all("等待审核" in r.reason for r in paused)
        flows.decide(db, request, flows.RETURNED_DECISION, "佐证材料不全", "admin", load_settings(), clock.now)
        assert len(open_reminders(db, 13, protection.unit_id)) == before
