"""The unit item's table and flows, straight on the store (the web tests drive the same through pages)."""
from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.answers import flows
from bot.config.settings import load_settings
from bot.plan.states import IllegalTransition
from bot.store.answer_models import UnitItem
from bot.store.models import MilestoneUnit, Unit


def mu_of(db, milestone_id: int, unit: str) -> MilestoneUnit:
    return db.scalar(select(MilestoneUnit).join(Unit, Unit.id == MilestoneUnit.unit_id)
                     .where(MilestoneUnit.milestone_id == milestone_id, Unit.name == unit))


def test_the_table_names_every_state_of_the_issue_and_each_move_says_what_it_means():
    assert set(flows.ITEM.states) == {"planned", "acknowledged", "in_progress", "pending_review", "returned",
                                      "done", "extension_requested", "extended", "overdue"}
    assert set(flows.LABELS) == set(flows.ITEM.states)
    assert all(edge.meaning for edge in flows.ITEM.edges())
    assert not flows.ITEM.moves.get("done")  # 销号 is final
    assert flows.ITEM.allows("pending_review", "done") and not flows.ITEM.allows("acknowledged", "done")


@pytest.mark.parametrize("old, new", [p for p in itertools.product(flows.ITEM.states, repeat=2)
                                      if not flows.ITEM.allows(*p)][:12])
def test_a_move_the_table_does_not_list_is_refused(old, new):
    with pytest.raises(IllegalTransition):
        flows.ITEM.edge(old, new)


def test_every_answer_is_an_event_with_who_and_when(db, clock):
    mu = mu_of(db, 13, "知识产权保护处")
    flows.acknowledge(db, mu, "王五", clock.now)
    clock.advance(hours=2)
    flows.report_progress(db, mu, "王五", "已起草", 30, None, clock.now)
    clock.advance(hours=2)
    flows.submit_done(db, mu, "王五", "已印发", None, clock.now, load_settings())
    with pytest.raises(flows.AnswerRefused, match="正在等待督办部门审核"):
        flows.report_progress(db, mu, "王五", "再报一次", None, None, clock.now)
    item = db.scalar(select(UnitItem).where(UnitItem.milestone_unit_id == mu.id))
    db.refresh(item)
    assert [(e.old_state, e.new_state, e.actor, e.at - item.events[0].at) for e in item.events] == [
        ("planned", "acknowledged", "知识产权保护处·王五", timedelta(0)),
        ("acknowledged", "in_progress", "知识产权保护处·王五", timedelta(hours=2)),
        ("in_progress", "pending_review", "知识产权保护处·王五", timedelta(hours=4)),
    ]
    assert item.percent == 30


def test_a_recurring_milestone_cannot_be_extended_as_a_whole(db, clock):
    mu = mu_of(db, 13, "知识产权保护处")
    mu.milestone.rule = "FREQ=MONTHLY;BYMONTHDAY=25"  # 每月25日前报送
    with pytest.raises(flows.AnswerRefused, match="周期性事项"):
        flows.request_extension(db, mu, "李四", date(2030, 1, 1), "x", clock.now, clock.now.date())
    assert db.scalar(select(UnitItem)) is None


def test_status_json_shows_each_unit_by_milestone_state_and_the_original_date(app, cli_run, clock):
    sessions = app.extensions["duban"]["sessions"]
    with sessions.begin() as db:
        mu = mu_of(db, 8, "福州市知识产权管理部门")
        request = flows.request_extension(db, mu, "李四", date(2024, 7, 31), "等待批复", clock.now, date(2024, 6, 20))
        flows.decide(db, request, flows.APPROVED, "", "admin", load_settings(), clock.now)
        flows.acknowledge(db, mu_of(db, 8, "厦门市知识产权管理部门"), "赵六", clock.now)
        done = flows.submit_done(db, mu_of(db, 13, "知识产权保护处"), "王五", "已印发", None, clock.now,
                                 load_settings())
        flows.decide(db, done, flows.APPROVED, "", "admin", load_settings(), clock.now)
    out = json.loads(cli_run("status", "--format", "json", "--as-of", "2024-07-05").output)
    by = {(i["milestone"], i["unit"]): i for i in out["items"]}
    fuzhou = by[("M8", "福州市知识产权管理部门")]
    assert (fuzhou["state"], fuzhou["due"], fuzhou["original_due"], fuzhou["timeliness"]) == (
        "extended", "2024-07-31", "2024-06-30", "")
    xiamen = by[("M8", "厦门市知识产权管理部门")]
    assert (xiamen["state"], xiamen["acknowledged_by"], xiamen["timeliness"]) == ("overdue", "赵六", "逾期")
    protection = by[("M13", "知识产权保护处")]
    assert (protection["state"], protection["timeliness"]) == ("done", "按期办结")
    assert by[("M13", "福州市知识产权管理部门")]["state"] == "planned"
    units = {u["unit"]: u for u in out["units"]}
    assert "M8" not in units["福州市知识产权管理部门"]["overdue_items"]
    assert "M8" in units["厦门市知识产权管理部门"]["overdue_items"]


def test_an_open_item_past_its_date_is_recorded_overdue_once_and_an_extended_one_is_not(db, clock):
    fuzhou, xiamen = mu_of(db, 8, "福州市知识产权管理部门"), mu_of(db, 8, "厦门市知识产权管理部门")
    request = flows.request_extension(db, fuzhou, "李四", date(2024, 7, 31), "等待批复", clock.now, date(2024, 6, 20))
    flows.decide(db, request, flows.APPROVED, "", "admin", load_settings(), clock.now)
    assert flows.record_overdue(db, date(2024, 6, 30), clock.now) == 0  # due today is not overdue
    moved = flows.record_overdue(db, date(2024, 7, 1), clock.now)
    assert moved == len([mu for mu in xiamen.milestone.units if mu.removed_at is None]) - 1
    assert flows.record_overdue(db, date(2024, 7, 2), clock.now) == 0
    assert flows.item_of(db, xiamen).events[-1].note == "已过截止日期 2024-06-30"
    assert flows.item_of(db, fuzhou).state == "extended"
    assert flows.record_overdue(db, date(2024, 8, 1), clock.now) == 1
