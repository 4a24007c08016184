"""The 通报's figures equal `status --format json` for the same date, and respect `as_of`."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from bot.answers import flows
from bot.report.build import build_report
from bot.report.model import Counts
from bot.store.answer_models import UnitItemEvent
from tests.report.conftest import MILESTONE, at, store

AS_OF = "2024-07-05"
DONE = {"按期办结": "on_time", "延期办结": "extended_done", "逾期办结": "late_done", "逾期": "overdue_open"}


def expected(items: list[dict], today: date) -> dict:
    """The figures a 通报 must show, tallied here from status's items by the definitions in docs/report.md."""
    n = Counter()
    for i in items:
        due, still_open = date.fromisoformat(i["due"]), i["state"] != "done"
        n["total"] += 1
        n["due"] += due <= today
        n["done_not_due"] += due > today and not still_open
        n[DONE.get(i["timeliness"], "none")] += 1
        n["unacknowledged"] += still_open and i["acknowledged_at"] is None
        n["pending_review"] += i["state"] == "pending_review"
        n["no_progress"] += (still_open and due <= today and not i["latest_progress"]
                             and i["state"] != "pending_review")
        n["open_not_due"] += still_open and due >= today
    n.pop("none", None)
    return {k: v for k, v in n.items() if v}


def figures(c: Counts) -> dict:
    return {k: getattr(c, k) for k in ("total", "due", "done_not_due", "on_time", "extended_done", "late_done",
                                       "overdue_open", "unacknowledged", "pending_review", "no_progress",
                                       "open_not_due") if getattr(c, k)}


def status_json(cli_run, day: str) -> dict:
    return json.loads(cli_run("status", "--as-of", day, "--format", "json").output)


def report_at(day: str, kind: str = "month", hour: int = 0):
    with store() as (s, settings):
        return build_report(s, settings, at(day, hour), kind)


def test_every_count_equals_status_json_for_the_same_date(answered, cli_run):
    status = status_json(cli_run, AS_OF)
    report = report_at(AS_OF)
    today = date.fromisoformat(AS_OF)
    assert figures(report.summary) == expected(status["items"], today)
    mine = [i for i in status["items"] if i["milestone"] == f"M{MILESTONE}"]
    by_unit = {i["unit"]: i["timeliness"] for i in mine}
    assert by_unit[answered["on_time"]] == by_unit[answered["cli"]] == "按期办结"
    assert by_unit[answered["extended_done"]] == "延期办结" and by_unit[answered["late_done"]] == "逾期办结"
    assert by_unit[answered["extended_open"]] == "" and by_unit[answered["after"]] == "逾期"
    s = report.summary
    assert (s.on_time, s.extended_done, s.late_done, s.pending_review) == (2, 1, 1, 1)
    assert s.overdue_open == 12 - 2 - 1 - 1 - 1 == 7  # the pending 办结 is still open and past its date
    assert s.on_time_rate == 2 / s.assessed and s.assessed == s.due == 11
    lights = {u["unit"]: (u["light"], u["done"], u["total"]) for u in status["units"]}
    assert [u.unit for u in report.units] == [u["unit"] for u in status["units"]]
    for u in report.units:
        assert (u.light, u.counts.done, u.counts.total) == lights[u.unit]
        assert figures(u.counts) == expected([i for i in status["items"] if i["unit"] == u.unit], today)
    assert sum(u.counts.total for u in report.units) == s.total == len(status["items"])


def test_the_units_behind_are_named_with_their_items_and_days_overdue(answered):
    report = report_at(AS_OF)
    behind = {g.unit: g.items for g in report.laggards}
    assert behind[answered["after"]] == ((f"M{MILESTONE}", 5),)  # due 06-30, open on 07-05
    assert answered["pending"] in behind and answered["on_time"] not in behind
    assert answered["extended_open"] not in behind  # extended to 07-20: not late
    assert sum(len(g.items) for g in report.laggards) == report.summary.overdue_open


def test_the_appendix_has_role_progress_and_both_due_dates(answered):
    report = report_at(AS_OF)
    rows = {i.unit: i for i in report.items if i.milestone == f"M{MILESTONE}"}
    assert rows[answered["progress"]].latest_progress == "已完成初稿，正在征求意见"
    ext = rows[answered["extended_open"]]
    assert (ext.original_due, ext.due, ext.state) == (date(2024, 6, 30), date(2024, 7, 20), "已延期")
    assert [i.role for i in report.items if i.milestone == f"M{MILESTONE}"].count("牵头") == 1
    assert rows[answered["after"]].days_overdue == 5 and rows[answered["on_time"]].days_overdue == 0
    assert all(i.task and i.measure for i in rows.values())


def test_what_was_recorded_after_as_of_does_not_count_yet(answered, cli_run):
    before, later = report_at(AS_OF), report_at("2024-07-15")
    row = lambda r: next(i for i in r.items if i.unit == answered["after"] and i.milestone == f"M{MILESTONE}")  # noqa: E731
    assert (row(before).state, row(before).timeliness) == ("已逾期", "逾期")  # 办结 approved on 07-10
    assert (row(later).state, row(later).timeliness) == ("已办结", "逾期办结")
    assert later.summary.late_done == before.summary.late_done + 1
    early = report_at("2024-06-21", hour=12)  # the extension was asked at 10:00, approved the next day
    ext = next(i for i in early.items if i.unit == answered["extended_done"] and i.milestone == f"M{MILESTONE}")
    assert (ext.due, ext.state, ext.timeliness) == (date(2024, 6, 30), "延期申请中", "")
    assert next(i for i in early.items if i.unit == answered["progress"]).latest_progress == ""
    status = status_json(cli_run, "2024-06-21T12:00")
    assert figures(early.summary) == expected(status["items"], date(2024, 6, 21))
    assert early.summary.done == 0 and early.summary.unacknowledged == early.summary.total - 1


def test_the_report_cli_prints_the_same_figures_as_json_and_markdown(answered, cli_run):
    status = status_json(cli_run, AS_OF)
    want = expected(status["items"], date.fromisoformat(AS_OF))
    data = json.loads(cli_run("report", "--as-of", AS_OF, "--format", "json", "--no-number").stdout)
    assert {k: v for k, v in data["summary"].items() if k in want} == want
    assert data["number"] is None and data["period"]["label"] == "2024年7月"
    assert [(u["unit"], u["light"]) for u in data["units"]] == [(u["unit"], u["light"]) for u in status["units"]]
    md = cli_run("report", "--as-of", AS_OF, "--no-number", "-o", "-").stdout
    table = dict(re.findall(r"^\| (\S+) \| (\d+) \|", md.split("## 二")[0], re.M))
    for key, label in (("total", "督办事项"), ("on_time", "按期办结"), ("extended_done", "延期办结"),
                       ("late_done", "逾期办结"), ("overdue_open", "逾期未办结"), ("unacknowledged", "未签收")):
        assert int(table[label]) == want.get(key, 0), label
    unit_lines = {m[0]: m[1] for m in re.findall(r"^\| (\S+) \| ([红黄绿]) \|", md, re.M)}
    assert unit_lines == {u["unit"]: u["light"] for u in status["units"]}
    assert f"M{MILESTONE}（逾期5天）" in md.split("## 三")[1]


def test_after_the_scheduler_replayed_the_fortnight_the_counts_still_equal_status_json(answered, cli_run):
    """The replay sends the digests and records each item falling overdue (unit_item_events):
    the report reads those states as status does."""
    cli_run("run", "--as-of", "2024-06-20", "--until", AS_OF)
    with store() as (session, _):
        fell_overdue = session.scalar(select(func.count()).select_from(UnitItemEvent)
                                      .where(UnitItemEvent.new_state == flows.OVERDUE))
    assert fell_overdue, "the replay recorded the items falling overdue"
    status = status_json(cli_run, AS_OF)
    report = report_at(AS_OF)
    today = date.fromisoformat(AS_OF)
    assert figures(report.summary) == expected(status["items"], today)
    assert report.summary.overdue_open == 7 and report.summary.on_time == 2
    for u in report.units:
        assert figures(u.counts) == expected([i for i in status["items"] if i["unit"] == u.unit], today)
