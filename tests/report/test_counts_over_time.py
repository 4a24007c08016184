"""The statistics page's history: `counts_over_time` reads the store once and counts it at many
dates; every date's figures must equal `build_report` and `status --format json` for that date."""
from __future__ import annotations

from datetime import date

from bot.report.build import build_report, counts_over_time
from tests.report.conftest import at, store
from tests.report.test_build import expected, figures, status_json

# before, between and after the fixture's answers (M8 is due 2024-06-30; answers from 06-21 to 07-10)
MOMENTS = [("2024-05-31", 0), ("2024-06-21", 12), ("2024-06-26", 0), ("2024-06-26", 16), ("2024-06-30", 0),
           ("2024-07-01", 0), ("2024-07-02", 16), ("2024-07-05", 0), ("2024-07-10", 12), ("2024-07-15", 0),
           ("2024-12-31", 0)]


def test_every_date_equals_the_report_built_for_that_date_alone(answered):
    with store() as (s, settings):
        moments = [at(day, hour) for day, hour in MOMENTS]
        history = counts_over_time(s, settings, moments, "month")
        for moment, point in zip(moments, history):
            report = build_report(s, settings, moment, "month")
            assert (point.as_of, point.period) == (report.as_of, report.period)
            assert point.summary == report.summary, moment
            assert point.units == {u.unit: u.counts for u in report.units}, moment
        # the order the dates are asked in changes nothing: no date sees another's replay
        assert counts_over_time(s, settings, moments[::-1], "month") == history[::-1]
    sums = [p.summary for p in history]
    assert len({(c.on_time, c.extended_done, c.late_done, c.overdue_open, c.pending_review) for c in sums}) >= 5


def test_the_answers_count_from_the_moment_they_were_recorded(answered):
    with store() as (s, settings):
        before, after, later = (p.units[answered["on_time"]] for p in counts_over_time(
            s, settings, [at("2024-06-26", 14), at("2024-06-26", 16), at("2024-07-15")]))
    # its 办结 was submitted on 06-25 and approved on 06-26 at 15:00, before the 06-30 due date
    assert (before.on_time, before.pending_review, before.done_not_due) == (0, 1, 0)
    assert (after.on_time, after.pending_review, after.done_not_due, after.due) == (1, 0, 1, 0)
    assert (later.on_time, later.due, later.assessed) == (1, 1, 1)


def test_each_date_equals_status_json_for_that_date(answered, cli_run):
    # a unit's two year-end items, one of them marked done in September: alike until then, not after
    year_end = [i for i in status_json(cli_run, "2024-07-05")["items"] if i["due"] == "2024-12-31"]
    unit = next(u for u in dict.fromkeys(i["unit"] for i in year_end) if sum(i["unit"] == u for i in year_end) > 1)
    cli_run("done", next(i["milestone"] for i in year_end if i["unit"] == unit), "--unit", unit, "--as-of", "2024-09-01")
    days = ["2024-06-21T12:00", "2024-07-02T16:00", "2024-07-05", "2024-07-15", "2024-08-31", "2025-01-05"]
    with store() as (s, settings):
        history = counts_over_time(s, settings, [at(d[:10], int(d[11:13] or 0)) for d in days], "week")
    for day, point in zip(days, history):
        items = status_json(cli_run, day)["items"]
        today = date.fromisoformat(day[:10])
        assert figures(point.summary) == expected(items, today), day
        assert {u: figures(c) for u, c in point.units.items()} == {
            u: expected([i for i in items if i["unit"] == u], today) for u in point.units}, day
        assert point.period.kind == "week" and point.period.start <= today <= point.period.end
    assert (history[-2].units[unit].on_time, history[-1].units[unit].on_time) == (0, 1)
    assert history[-1].units[unit].overdue_open > 0
