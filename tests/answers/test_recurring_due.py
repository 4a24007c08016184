"""A recurring milestone's unit item counts by its current occurrence, not its first date."""
from __future__ import annotations

from datetime import date

from bot.answers import flows
from bot.answers.links import effective_due
from tests.answers.test_flows import mu_of


def test_a_monthly_item_is_due_on_this_months_date_and_not_overdue_after_januarys(db):
    mu = mu_of(db, 13, "知识产权保护处")
    m = mu.milestone
    m.due, m.rule, m.kind, m.planned_from, m.past = date(2024, 1, 25), "FREQ=MONTHLY;BYMONTHDAY=25", "recurring", \
        date(2024, 1, 1), False
    db.flush()
    assert effective_due(db, mu, date(2024, 6, 24)) == date(2024, 6, 25)
    assert flows.state_of(db, mu, date(2024, 6, 24)) == flows.PLANNED
    assert flows.milestone_due_on(m, date(2024, 6, 26)) == date(2024, 7, 25)
