"""报表 (督办通报): the seed's report previewed for a date and period with the figures of
build_report, downloaded in every format under a Chinese file name, published under the
year's next 期号 by an admin only (CSRF, audit), and the issued ones downloaded again as they
were issued, whatever is corrected afterwards."""
from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from io import BytesIO
from urllib.parse import quote

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli.store_options import resolve_as_of
from bot.report.build import build_report
from bot.plan.imports import import_extraction
from bot.report.wording import COUNT_COLUMNS, issue_label, laggard_sentence, percent, summary_sentence
from bot.store.corrections import add_correction, keyed, reading_of
from bot.store.models import Document as StoredDocument
from bot.store.report_models import ReportIssue
from tests.web.conftest import csrf_of

AS_OF = "2024-07-05"
DONE_UNIT = "知识产权保护处"


def expected(app, day: str = AS_OF, kind: str = "month"):
    """The report the page must show, built apart from the page."""
    ext = app.extensions["duban"]
    with ext["sessions"]() as db:
        return build_report(db, ext["settings"], resolve_as_of(date.fromisoformat(day), ext["settings"]), kind)


def issue_count(app) -> int:
    with app.extensions["duban"]["sessions"]() as db:
        return db.scalar(select(func.count()).select_from(ReportIssue))


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split("</table>")[0]


@pytest.fixture
def office(app, cli_run):
    """The seed with one milestone marked done on time by one unit and one late, so the rates are not trivial."""
    cli_run("done", "M2", "--unit", DONE_UNIT, "--note", "已完成", "--as-of", "2024-06-20")
    cli_run("done", "M1", "--all", "--note", "已印发", "--as-of", "2024-07-03")
    return app


def test_the_preview_shows_the_reports_figures_unit_by_unit(admin, office):
    report = expected(office)
    assert report.summary.due and report.summary.overdue_open and report.summary.done and report.laggards
    page = admin.get(f"/reports?as_of={AS_OF}&period=month")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert report.office in html and f'<p class="issue-number">{issue_label(report)}</p>' in html and "2024年7月" in html
    assert summary_sentence(report) in text_of(html)
    summary = text_of(section(html, "summary"))
    c = report.summary
    for figure in (f"应办结 {c.assessed}", f"已到期 {c.due}", f"按期办结 {c.on_time} {percent(c.on_time_rate)}",
                   f"逾期未办结 {c.overdue_open} {percent(c.rate(c.overdue_open))}", f"未签收 {c.unacknowledged}"):
        assert figure in summary
    rows = re.findall(r"<tr class=\"light-\w+\">(.*?)</tr>", section(html, "units"), re.S)
    assert len(rows) == len(report.units)
    for shown, row in zip(rows, report.units):
        cells = [text_of(c).strip() for c in re.findall(r"<td>(.*?)</td>", shown, re.S)]
        assert cells == [row.light, row.unit, *(str(getattr(row.counts, a)) for a, _ in COUNT_COLUMNS),
                         percent(row.counts.on_time_rate)]
    laggards = text_of(html.split('id="laggards"')[1].split("</ul>")[0])
    for lag in report.laggards:
        assert laggard_sentence(lag) in laggards


def test_the_appendix_is_paginated(admin, office):
    report = expected(office)
    assert len(report.items) > 50
    first = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    appendix = first.split('id="appendix"')[1]
    assert appendix.count("<tr><td>M") == 50 and "下一页" in appendix and "上一页" not in appendix
    assert f"第 1/{-(-len(report.items) // 50)} 页" in appendix
    last_page = -(-len(report.items) // 50)
    last = admin.get(f"/reports?as_of={AS_OF}&period=month&page={last_page}").get_data(as_text=True)
    tail = last.split('id="appendix"')[1]
    assert tail.count("<tr><td>M") == len(report.items) - 50 * (last_page - 1) and "上一页" in tail
    assert f"<td>{report.items[-1].milestone}</td>" in tail


def test_the_period_and_date_default_to_this_month_and_today(admin, office, clock):
    html = admin.get("/reports").get_data(as_text=True)
    assert 'value="2024-06-20"' in html and '<option value="month" selected>' in html
    assert "截至2024年6月20日" in text_of(html) and "2024年6月" in html
    quarter = admin.get(f"/reports?as_of={AS_OF}&period=quarter").get_data(as_text=True)
    assert "2024年第3季度" in quarter and summary_sentence(expected(office, kind="quarter")) in text_of(quarter)


@pytest.mark.parametrize("query, field, message", [
    ("as_of=2024-06-31", "as_of", "日期应写成"),
    ("as_of=七月五日", "as_of", "日期应写成"),
    ("period=decade", "period", "未知的统计周期"),
])
def test_a_bad_date_or_period_is_refused_next_to_its_field(admin, office, query, field, message):
    answer = admin.get(f"/reports?{query}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="preview"' not in html
    label = html.split(f'name="{field}"')[1].split("</label>")[0]
    assert 'class="field-error"' in label and message in label
    assert admin.get(f"/reports/file?{query}&format=json").status_code == 400


@pytest.mark.parametrize("fmt, mimetype", [
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("md", "text/markdown; charset=utf-8"),
    ("json", "application/json"),
])
def test_each_download_has_its_type_and_a_chinese_file_name(viewer, office, fmt, mimetype):
    answer = viewer.get(f"/reports/file?as_of={AS_OF}&period=month&format={fmt}")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == mimetype
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'督办通报-2024年7月-预览.{fmt}')}" in disposition
    body = answer.get_data()
    report = expected(office)
    if fmt == "docx":
        assert summary_sentence(report) in "\n".join(p.text for p in Document(BytesIO(body)).paragraphs)
    elif fmt == "xlsx":
        assert load_workbook(BytesIO(body)).sheetnames
    elif fmt == "md":
        assert summary_sentence(report) in body.decode("utf-8")
    else:
        assert json.loads(body)["summary"]["overdue_open"] == report.summary.overdue_open


def test_an_unknown_format_is_not_found(admin, office):
    assert admin.get(f"/reports/file?as_of={AS_OF}&period=month&format=pdf").status_code == 404


def test_a_viewer_may_look_and_download_but_not_publish(viewer, office):
    html = viewer.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    assert 'id="preview"' in html and "/reports/file?" in html and "发布本期通报" not in html
    answer = viewer.post("/reports/publish", data={"csrf_token": csrf_of(html), "as_of": AS_OF, "period": "month"})
    assert answer.status_code == 403 and issue_count(office) == 0


def test_publishing_needs_the_forms_token(admin, office):
    answer = admin.post("/reports/publish", data={"as_of": AS_OF, "period": "month"})
    assert answer.status_code == 400 and issue_count(office) == 0


def test_publish_takes_the_next_number_once_audits_it_and_lists_it(admin, office):
    page = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    assert "期号留空则编为第 1 期" in page
    answer = admin.post("/reports/publish", data={"csrf_token": csrf_of(page), "as_of": AS_OF, "period": "month"})
    assert answer.status_code == 302
    shown = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已发布 2024年第1期（2024年7月，截至 2024-07-05）" in shown
    preview = shown.split('id="preview"')[1]
    assert '<p class="issue-number">预览，不编号</p>' in preview and "发布本期通报" not in shown  # today's figures
    assert "本期已发布为 2024年第1期" in text_of(shown.split('id="downloads"')[1].split("</section>")[0])
    issued = shown.split('id="issued"')[1]
    assert "2024年第1期" in issued and "admin" in issued and "2024-07-05" in issued
    assert sorted(re.findall(r'href="/reports/issues/\d+/(\w+)"', issued)) == ["docx", "json", "md", "xlsx"]

    again = admin.post("/reports/publish", data={"csrf_token": csrf_of(page), "as_of": AS_OF, "period": "month"})
    assert "期号不变" in admin.get(again.headers["Location"]).get_data(as_text=True) and issue_count(office) == 1
    other = admin.post("/reports/publish", data={"csrf_token": csrf_of(page), "as_of": "2024-07-12", "period": "week"})
    assert "已发布 2024年第2期" in admin.get(other.headers["Location"]).get_data(as_text=True)

    audit = text_of(admin.get("/audit").get_data(as_text=True))
    assert "发布督办通报" in audit and "2024年第1期" in audit and "2024年第2期" in audit

    preview_file = admin.get(f"/reports/file?as_of={AS_OF}&period=month&format=json")
    assert quote("督办通报-2024年7月-预览.json") in preview_file.headers["Content-Disposition"]
    assert json.loads(preview_file.get_data())["number"] is None
    link = re.search(r'href="(/reports/issues/\d+/docx)"', issued).group(1)
    word = admin.get(link)
    assert word.status_code == 200 and quote("督办通报（2024年第1期）.docx") in word.headers["Content-Disposition"]
    assert "2024年第1期" in "\n".join(p.text for p in Document(BytesIO(word.get_data())).paragraphs)
    numbered = admin.get(link.replace("docx", "json"))
    assert numbered.headers["Content-Type"] == "application/json" and json.loads(numbered.get_data())["number"] == 1


def issued_files(client, html: str) -> dict[str, bytes]:
    """format → the bytes of the issued report's downloads the page links to."""
    links = re.findall(r'href="(/reports/issues/\d+/(\w+))"', html.split('id="issued-here"')[1].split("</p>")[0])
    return {fmt: client.get(link).get_data() for link, fmt in links}


def test_an_issued_report_stays_as_issued_after_a_correction_while_the_preview_shows_it(admin, office, cli_run):
    before = expected(office)
    behind = before.laggards[0]
    milestone, _ = behind.items[0]
    page = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    published = admin.post("/reports/publish", data={"csrf_token": csrf_of(page), "as_of": AS_OF, "period": "month"})
    shown = admin.get(published.headers["Location"]).get_data(as_text=True)
    at_publish = issued_files(admin, shown)
    assert sorted(at_publish) == ["docx", "json", "md", "xlsx"]
    assert json.loads(at_publish["json"])["summary"]["overdue_open"] == before.summary.overdue_open

    # a late correction: the unit's 办结 is recorded now, dated before the report's day
    cli_run("done", milestone, "--unit", behind.unit, "--note", "补记办结", "--as-of", "2024-07-01")
    after = expected(office)
    assert after.summary.overdue_open == before.summary.overdue_open - 1

    again = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    assert issued_files(admin, again) == at_publish  # byte for byte, every format
    listed = re.findall(r'href="(/reports/issues/\d+/docx)"', again.split('id="issued"')[1])
    assert [admin.get(link).get_data() for link in listed] == [at_publish["docx"]]
    assert summary_sentence(after) in text_of(again) and summary_sentence(before) not in text_of(again)
    preview = json.loads(admin.get(f"/reports/file?as_of={AS_OF}&period=month&format=json").get_data())
    assert preview["summary"]["overdue_open"] == after.summary.overdue_open


def test_a_due_date_corrected_after_publishing_changes_the_preview_not_the_issue(admin, office):
    page = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    published = admin.post("/reports/publish", data={"csrf_token": csrf_of(page), "as_of": AS_OF, "period": "month"})
    at_publish = issued_files(admin, admin.get(published.headers["Location"]).get_data(as_text=True))
    before = json.loads(at_publish["json"])

    ext = office.extensions["duban"]
    with ext["sessions"]() as db:  # the review screen's correction: task 8's 6月底前 is really 7月15日, re-imported
        doc = db.scalars(select(StoredDocument)).one()
        june = next(m for m in keyed(reading_of(doc)).milestones if m.task_key == "8" and m.due == date(2024, 6, 30))
        add_correction(db, doc, "milestone.due", {"due": "2024-07-15"}, actor="admin", task_key="8",
                       milestone_key=june.key)
        import_extraction(db, reading_of(doc), settings=ext["settings"], as_of=resolve_as_of(date(2024, 6, 20),
                          ext["settings"]), actor="admin", target=doc)
        db.commit()
    after = expected(office)
    assert after.summary.overdue_open < before["summary"]["overdue_open"]

    again = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    assert issued_files(admin, again) == at_publish
    preview = json.loads(admin.get(f"/reports/file?as_of={AS_OF}&period=month&format=json").get_data())
    assert preview["summary"]["overdue_open"] == after.summary.overdue_open


def test_a_format_an_issue_was_not_kept_in_is_not_offered(admin, office, cli_run, tmp_path):
    cli_run("report", "--as-of", AS_OF, "-o", str(tmp_path / "r.docx"))  # the CLI keeps the one file it wrote
    html = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    assert re.findall(r'href="/reports/issues/\d+/(\w+)"', html.split('id="issued"')[1]) == ["docx"]
    link = re.search(r'href="(/reports/issues/\d+)/docx"', html).group(1)
    assert admin.get(f"{link}/docx").get_data() == (tmp_path / "r.docx").read_bytes()
    assert admin.get(f"{link}/xlsx").status_code == 404 and admin.get(f"{link}/pdf").status_code == 404


def test_a_number_typed_is_used_and_a_taken_or_bad_one_is_refused_next_to_the_field(admin, office):
    page = admin.get(f"/reports?as_of={AS_OF}&period=month").get_data(as_text=True)
    token = csrf_of(page)
    typed = admin.post("/reports/publish", data={"csrf_token": token, "as_of": AS_OF, "period": "month", "number": "7"})
    assert "已发布 2024年第7期" in admin.get(typed.headers["Location"]).get_data(as_text=True)
    for number, message in (("7", "2024年第7期已经存在"), ("0", "期号应为 1–9999 的整数"), ("第八", "期号应为")):
        answer = admin.post("/reports/publish", data={"csrf_token": token, "as_of": "2024-07-12", "period": "week",
                                                      "number": number})
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400 and 'id="preview"' in html
        label = html.split('name="number"')[1].split("</label>")[0]
        assert 'class="field-error"' in label and message in label
    assert issue_count(office) == 1
    following = admin.post("/reports/publish", data={"csrf_token": token, "as_of": "2024-07-12", "period": "week"})
    assert "已发布 2024年第8期" in admin.get(following.headers["Location"]).get_data(as_text=True)


def test_a_tampered_publish_form_takes_no_number(admin, office):
    page = admin.get("/reports").get_data(as_text=True)
    for data in ({"as_of": "2024-13-01", "period": "month"}, {"as_of": AS_OF, "period": "decade"}):
        assert admin.post("/reports/publish", data={"csrf_token": csrf_of(page), **data}).status_code == 400
    assert issue_count(office) == 0


def test_an_issue_that_does_not_exist_is_not_found(admin, office):
    assert admin.get("/reports/issues/999/docx").status_code == 404
