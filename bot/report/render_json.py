"""The 督办通报 as JSON: every figure the other formats show, rates included, for scripts."""
from __future__ import annotations

from dataclasses import asdict

from bot.output import dumps
from bot.report.model import Counts, Report
from bot.report.wording import issue_label


def counts(c: Counts) -> dict:
    return {**asdict(c), "assessed": c.assessed, "done": c.done, "on_time_rate": c.on_time_rate,
            "done_rate": c.done_rate, "overdue_rate": c.rate(c.overdue_open)}


def as_dict(report: Report) -> dict:
    return {
        "office": report.office, "title": report.title, "year": report.year, "number": report.number,
        "issue": issue_label(report), "as_of": report.as_of, "generated_at": report.generated_at,
        "period": {**asdict(report.period), "label": report.period.label},
        "documents": list(report.documents), "summary": counts(report.summary),
        "units": [{"unit": u.unit, "light": u.light, **counts(u.counts)} for u in report.units],
        "laggards": [{"unit": g.unit, "items": [{"milestone": m, "days_overdue": d} for m, d in g.items]}
                     for g in report.laggards],
        "items": [asdict(i) for i in report.items],
    }


def render_json(report: Report) -> str:
    return dumps(as_dict(report))
