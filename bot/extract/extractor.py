"""The extractor's public face: clause → milestones, task → milestones, title → working year."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date, datetime
from dateutil.rrule import rrulestr

from bot.extract.actions import governed_spans
from bot.extract.engine import Hit, scan
from bot.extract.normalize import Normalized, drop_noise_spaces, normalize
from bot.extract.rule import InvalidDate, Note, PeriodName
from bot.extract.timewords import unknown_time_words
from bot.model import IMPLICIT, ONCE, RECURRING, Context, Flag, Milestone, Task


def _past_flag(m: Milestone, ctx: Context) -> Flag:
    return Flag(
        "past-deadline",
        f"时间节点“{m.expr}”为 {m.due.isoformat()}，早于印发日期 {ctx.doc_date.isoformat()}，"
        "已到期（不会顺延到下一年），请确认是否仍需提醒",
        m.task, m.expr, m.start, m.end,
    )


# Review codes a reading can carry, and what the admin is told: {expr} and {due} are filled in.
REVIEW_MESSAGES = {
    "already-done": "“{expr}”后写明已完成（{due}），已生成时间节点并标记，请确认是否仍需提醒",
    "ocr-date": "“{expr}”像是丢了“年”“月”的日期，按 {due} 读取，请核对原文",
    "ocr-confusion": "“{expr}”中有疑似 OCR 误识的字（曰/日、未/末、O/0），按 {due} 读取，请核对原文",
    "period-name": "“{expr}”看作修饰后文的时段名称（如“上半年工作总结”），未生成时间节点；如它是截止时间（{due}），请补录",
}


def _review_flag(code: str, expr: str, due: date, task: int | None, start: int, end: int) -> Flag:
    return Flag(code, REVIEW_MESSAGES[code].format(expr=expr, due=due.isoformat()), task, expr, start, end)


def _milestones(norm: Normalized, hits: list[Hit], ctx: Context, task: int | None) -> list[Milestone]:
    text = norm.original
    actions = governed_spans(norm.text, [(h.start, h.end) for h in hits])
    found = []
    for hit, action_span in zip(hits, actions):
        action = drop_noise_spaces(text[slice(*norm.orig_span(*action_span))]) if action_span else ""
        for start, end, due, rrule in hit.parts():
            o_start, o_end = norm.orig_span(start, end)
            found.append(Milestone(
                expr=text[o_start:o_end], start=o_start, end=o_end, due=due,
                kind=RECURRING if rrule else ONCE, matched_by=hit.matched_by, action=action, rule=rrule,
                past=ctx.doc_date is not None and due < ctx.doc_date, task=task,
            ))
    return found


def extract_clause(text: str, ctx: Context, task: int | None = None) -> tuple[list[Milestone], list[Flag], list[str]]:
    """Every deadline a clause states, the flags a person must review, and relative-duration notes."""
    norm = normalize(text)
    hits = scan(norm.text, ctx)
    milestones = _milestones(norm, [h for h in hits if h.is_deadline], ctx, task)
    flags, notes = [], []
    for hit in hits:
        start, end = norm.orig_span(hit.start, hit.end)
        if hit.review and hit.is_deadline:
            for p_start, p_end, due, _ in hit.parts():
                o_start, o_end = norm.orig_span(p_start, p_end)
                flags.append(_review_flag(hit.review, text[o_start:o_end], due, task, o_start, o_end))
        elif isinstance(hit.value, PeriodName):
            flags.append(_review_flag(hit.review, text[start:end], hit.value.due, task, start, end))
        elif isinstance(hit.value, InvalidDate):
            flags.append(Flag(
                "invalid-date",
                f"“{text[start:end]}”不是有效日期（{hit.value}），未生成时间节点，请核对原文",
                task, text[start:end], start, end,
            ))
        elif isinstance(hit.value, Note):
            notes.append(drop_noise_spaces(text[start:end]))
    if norm.repairs:
        for m in milestones:
            i = bisect_left(norm.repairs, m.start)
            if i < len(norm.repairs) and norm.repairs[i] < m.end:
                flags.append(_review_flag("ocr-confusion", m.expr, m.due, task, m.start, m.end))
    # "一季度末已完成" says it is done: its already-done flag already names the date.
    done = {(f.start, f.end) for f in flags if f.code == "already-done"}
    flags += [_past_flag(m, ctx) for m in milestones if m.past and (m.start, m.end) not in done]
    for n_start, n_end in unknown_time_words(norm.text, [(h.start, h.end) for h in hits]):
        start, end = norm.orig_span(n_start, n_end)
        flags.append(Flag(
            "unknown-time-word",
            f"未能识别的时间表述“{text[start:end]}”，未生成时间节点，请人工确认截止日期",
            task, text[start:end], start, end,
        ))
    flags.sort(key=lambda f: f.start)
    return milestones, flags, notes


def _is_range_end(m: Milestone) -> bool:
    return m.matched_by.endswith("due at the range end")


_LISTED_WITHIN = 40  # characters after a recurring phrase where its listed dates stand


def _listed(m: Milestone, milestones: list[Milestone]) -> bool:
    """A recurring `m` right followed by two or more of its own dates, "每季度末（分别在6月、9月…）"."""
    near = [o for o in milestones
            if o.kind == ONCE and o.source == m.source and 0 <= o.start - m.end <= _LISTED_WITHIN]
    if len(near) < 2 or near[0].start - m.end > _LISTED_WITHIN // 4:
        return False
    year_start = datetime(m.due.year, 1, 1)
    occurrences = {d.date() for d in rrulestr(m.rule, dtstart=year_start)}
    return all(o.due in occurrences for o in near)


def one_deadline_per_date(milestones: list[Milestone]) -> list[Milestone]:
    """What a person counts in one task: a date stated twice is one deadline, not two.

    A stage's range end and its own "X日前" on that day are one deadline; the same recurring
    rule said twice ("按季…每季度末") is one; a recurring phrase whose occurrences are listed
    ("每季度末（分别在6月、9月和12月底）") is the listed dates. Two different deadlines that
    fall on one date in one cell ("6月底前完成甲；6月底前完成乙") stay two.
    """
    stated = {m.due for m in milestones if m.kind == ONCE and not _is_range_end(m)}
    listed = {m.rule for m in milestones if m.kind == RECURRING and _listed(m, milestones)}
    kept, rules = [], set()
    for m in milestones:
        if m.kind == RECURRING and (m.rule in rules or m.rule in listed):
            continue
        if m.kind == ONCE and _is_range_end(m) and m.due in stated:
            continue
        rules.add(m.rule)
        kept.append(m)
    return kept


def extract_task(task: Task, ctx: Context) -> tuple[list[Milestone], list[Flag]]:
    """Milestones of one task row: its measures, its 完成时限 column, else one implicit year-end."""
    milestones, flags = [], []
    for source in ("measures", "deadline_text"):
        text = getattr(task, source)
        if not text:
            continue
        found, clause_flags, notes = extract_clause(text, ctx, task.no)
        seen = {(m.due, m.rule) for m in milestones}
        milestones += [replace(m, action=m.action or task.title, source=source, task_key=task.key)
                       for m in found if (m.due, m.rule) not in seen]
        flags += clause_flags
        task.notes.extend(n for n in notes if n not in task.notes)
    milestones = one_deadline_per_date(milestones)
    if not milestones:
        due = date(ctx.year, *ctx.implicit_due)
        implicit = Milestone(
            expr="", start=0, end=0, due=due, kind=IMPLICIT, matched_by="implicit-year-end",
            action=task.title, past=ctx.doc_date is not None and due < ctx.doc_date, task=task.no, source="",
            task_key=task.key,
        )
        milestones.append(implicit)
        if implicit.past:
            flags.append(_past_flag(implicit, ctx))
    return milestones, flags


_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20|21)\d{2})(?=年|-\d{4}年)")


def working_year(title: str, doc_date: date | None) -> int | None:
    """The year the list is for: the title's year wins over the issue date's."""
    found = _TITLE_YEAR.search(normalize(title or "").text)
    if found:
        return int(found.group(1))
    return doc_date.year if doc_date else None
