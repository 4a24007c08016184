"""报表: the 督办通报 previewed for a date and period, downloaded in every format `bot report`
writes, published under the year's next 期号 (admin only, audited), and the issued ones listed
for download again.

The page formats the Report that `build_report` returns; it counts nothing itself, so what the
office sees here is what the downloaded file says. Publishing renders all four formats once
into report_files (bot.report.files): an issued 通报 is downloaded as it was issued, whatever
is corrected later; the preview and its downloads always show the store as it is now.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select

from bot.cli.store_options import resolve_as_of
from bot.errors import DubanError
from bot.report import numbers, wording
from bot.report.build import build_report, period_of
from bot.report.files import MIME, keep_files, kept_file, kept_formats
from bot.report.model import PERIOD_LABELS, PERIODS, Report
from bot.report.render import render
from bot.report.wording import RATED, SUMMARY_LINES
from bot.store.audit import record
from bot.store.report_models import ReportIssue
from bot.web.deliveries import _day as day_arg

bp = Blueprint("reports", __name__, url_prefix="/reports")
PAGE = 50  # appendix rows per page
FORMATS = {"docx": "Word", "xlsx": "Excel", "md": "Markdown", "json": "JSON"}  # the order shown
LIGHTS = {"红": "red", "黄": "yellow", "绿": "green"}


def today() -> date:
    return g.now.astimezone(g.settings.tz).date()


def as_of_arg(errors: dict) -> date:
    """The `as_of` field (default today); a bad date is an error next to the field."""
    return day_arg("as_of", errors) or today()


def period_arg(errors: dict) -> str:
    kind = request.args.get("period", "month")
    if kind not in PERIODS:
        errors["period"] = "未知的统计周期，请从列表中选择（周、月、季度、年度）。"
        return "month"
    return kind


def build(day: date, kind: str) -> Report:
    """The report as of `day` (its start in the office's time zone, as `bot report --as-of DAY`), unnumbered."""
    return build_report(g.db, g.settings, resolve_as_of(day, g.settings), kind)


def download(content: bytes, fmt: str, name: str):
    """A Chinese file name goes in the header per RFC 5987; Werkzeug adds "; charset=utf-8" to text/markdown."""
    return send_file(BytesIO(content), mimetype=MIME[fmt], as_attachment=True, download_name=name)


def issued(kind: str, day: date) -> ReportIssue | None:
    """The latest issue published for this period kind as of this (local) day, scheduled ones included."""
    candidates = g.db.scalars(select(ReportIssue).where(ReportIssue.period_kind == kind,
                                                        ReportIssue.period_start == period_of(kind, day).start)
                              .order_by(ReportIssue.id.desc()))
    return next((i for i in candidates if i.as_of.astimezone(g.settings.tz).date() == day), None)


def page(as_of: date | None, kind: str, errors: dict[str, str]):
    """The page for a day and period; with errors in the choice, the form and the issued list only."""
    issues = numbers.issues(g.db)
    shown = dict(errors=errors, periods=PERIOD_LABELS, formats=FORMATS, issues=issues, lights=LIGHTS, w=wording,
                 summary_rows=SUMMARY_LINES, rated=RATED, kind=kind, kept=kept_formats(g.db, [i.id for i in issues]))
    if as_of is None:
        return render_template("reports.html", report=None, as_of=None, issue=None, **shown), 400
    issue = issued(kind, as_of)
    report = build(as_of, kind)
    pages = max(-(-len(report.items) // PAGE), 1)
    at = min(max(request.args.get("page", 1, type=int), 1), pages)
    next_number = (g.db.scalar(select(func.max(ReportIssue.number)).where(ReportIssue.year == report.year)) or 0) + 1
    return render_template("reports.html", report=report, as_of=as_of, issue=issue,
                           next_number=next_number, items=report.items[(at - 1) * PAGE:at * PAGE], page=at,
                           pages=pages, **shown), 400 if errors else 200


@bp.get("")
def index():
    errors: dict[str, str] = {}
    as_of, kind = as_of_arg(errors), period_arg(errors)
    return page(None if errors else as_of, kind, errors)


@bp.get("/file")
def file():
    """The preview for the chosen day and period as a file (Word in the office's own template when
    config has one), built from the store as it is now: 督办通报-2024年7月-预览.docx."""
    errors: dict[str, str] = {}
    as_of, kind, fmt = as_of_arg(errors), period_arg(errors), request.args.get("format", "")
    if errors:
        abort(400)
    if fmt not in FORMATS:
        abort(404)
    report = build(as_of, kind)
    return download(render(report, fmt), fmt, f"{report.title}-{report.period.label}-预览.{fmt}")


def number_field(errors: dict) -> int | None:
    """The 期号 the admin typed (empty: the year's next)."""
    text = request.form.get("number", "").strip()
    if text and not (text.isdigit() and 1 <= int(text) <= 9999):
        errors["number"] = "期号应为 1–9999 的整数；不填则取本年度下一期。"
    return int(text) if text.isdigit() else None


@bp.post("/publish")
def publish():
    """发布本期通报: the year's next 期号 (or the one typed) for this day and period; publishing
    the same day and period again keeps its number."""
    try:
        as_of, kind = date.fromisoformat(request.form.get("as_of", "")), request.form.get("period", "")
        report = build(as_of, kind)
    except (ValueError, DubanError):
        abort(400)  # hidden fields of the preview: only a forged or stale form gets here
    errors: dict[str, str] = {}
    number = number_field(errors)
    issue = issued(kind, as_of)
    if issue is not None:
        flash(f"{issue.year}年第{issue.number}期已于 {issue.created_at.astimezone(g.settings.tz):%Y-%m-%d %H:%M} "
              f"由 {issue.created_by} 发布，期号不变。")
        return redirect(url_for("reports.index", as_of=as_of, period=kind))
    if not errors:
        try:
            issue, _ = numbers.take_number(g.db, report.year, report.period, resolve_as_of(as_of, g.settings),
                                           g.user.username, formats=",".join(FORMATS), number=number)
        except DubanError as refused:  # the number typed is taken (the CLI's wording names its option)
            errors["number"] = (f"{report.year}年第{number}期已经存在，请换一个期号，或留空取下一期。"
                                if number is not None else refused.message)
    if errors:
        return page(as_of, kind, errors)
    keep_files(g.db, issue.id, replace(report, number=issue.number), tuple(FORMATS))  # with the number, or neither
    record(g.db, g.user.username, "发布督办通报", f"{issue.year}年第{issue.number}期", None,
           {"period": report.period.label, "as_of": as_of.isoformat(), "number": issue.number}, at=g.now)
    flash(f"已发布 {issue.year}年第{issue.number}期（{report.period.label}，截至 {as_of}）。")
    return redirect(url_for("reports.index", as_of=as_of, period=kind))


@bp.get("/issues/<int:issue_id>/<fmt>")
def issued_file(issue_id: int, fmt: str):
    """An issued 通报 again: the bytes kept when it took its number. A format it was not issued in
    (`bot report` keeps the one it wrote, the scheduled sender its attachments) is not offered."""
    stored = kept_file(g.db, issue_id, fmt) or abort(404)
    return download(stored.content, fmt, stored.filename)
