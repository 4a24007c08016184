"""A unit's calendar feed (`export-ics`, the feed on its page) shows its own dates and no shell commands."""
from __future__ import annotations

from datetime import date

from icalendar import Calendar

from bot.answers import flows
from bot.config.settings import load_settings
from tests.answers.test_flows import mu_of


def events(ics: str) -> dict[str, object]:
    """UID prefix (duban-mN) → the event's start date."""
    return {str(e["uid"]).split("-")[1]: e.decoded("dtstart") for e in Calendar.from_ical(ics).walk("VEVENT")}


def test_an_approved_extension_moves_the_units_event_and_not_the_others(app, cli_run, clock):
    with app.extensions["duban"]["sessions"].begin() as db:
        request = flows.request_extension(db, mu_of(db, 8, "福州市知识产权管理部门"), "李四", date(2024, 7, 31),
                                          "等待批复", clock.now, date(2024, 6, 20))
        flows.decide(db, request, flows.APPROVED, "", "admin", load_settings(), clock.now)
    fuzhou = cli_run("export-ics", "--unit", "福州市知识产权管理部门").output
    assert events(fuzhou)["m8"] == date(2024, 7, 31)
    assert "已批准延期，原定 2024-06-30" in fuzhou.replace("\r\n ", "")
    assert events(cli_run("export-ics", "--unit", "厦门市知识产权管理部门").output)["m8"] == date(2024, 6, 30)


def test_the_feed_points_units_to_their_links_never_to_a_command(app, cli_run):
    ics = cli_run("export-ics", "--unit", "知识产权保护处").output.replace("\r\n ", "")
    assert "python -m bot" not in ics and "提醒消息中的链接" in ics
