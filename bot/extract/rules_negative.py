"""What looks like a date but is not a deadline, and relative durations (kept as notes).

These compete with the deadline rules like any rule (the longest match wins, and on a
tie these win), so "(2024—2025年)" is read as a plan period before any rule can see
"2025年". Everything here is understood: none of it becomes an unknown-time-word warning.
"""
from __future__ import annotations

from bot.extract.rule import NOT_DEADLINE, NOTE, rule


def _not_deadline(name: str, pattern: str, examples: list[str], gate: str):
    return rule(name, pattern, lambda m, ctx: NOT_DEADLINE, [(e, None) for e in examples], gate)


RULES = (
    _not_deadline("reporting year", "(?<!\\d)\\d{4}年度", ["2023年度", "2024年度"], "度"),
    _not_deadline(
        "plan period",
        "\\(?(?<!\\d)\\d{4}年?(?:-{1,2}|至|到)\\d{4}年?\\)?",
        ["(2024-2025年)", "(2021—2035年)", "2023-2025 年", "2021年至2035年"],
        "-至到",
    ),
    _not_deadline("year in parentheses", "\\((?<!\\d)\\d{4}\\)", ["(2024)"], "("),
    _not_deadline("five-year plan", "十[一二三四五六七八九]五", ["十四五", "十五五"], "五"),
    _not_deadline(
        "ordinal",
        "第(?:\\d+|[一二三四五六七八九十百零〇两]+)(?:届|次|批|期|条|款|章|轮|部分)",
        ["第六届", "第二批", "第3期"],
        "第",
    ),
    _not_deadline(
        "past reference",
        ("(?:去年|上年|前年|上一年)度?(?:\\d{1,2}月(?:\\d{1,2}[日号]|底|末|份)?|底|末|同期|上半年|下半年|\\d季度)?"
         "(?:之前|以前|前|以来)?|近\\d*年来?|(?<!\\d)\\d{4}年以来"),
        ["去年", "去年6月底前", "上年同期", "近年来", "近3年", "2023年以来"],
        "年",
    ),
    _not_deadline("first months", "前\\d+个?月", ["前6个月", "前三个月"], "前"),
    _not_deadline(
        "standard number",
        "(?:GB|DB|ISO|YY|JB|SB)\\d*(?:/[A-Z])?\\d+(?:\\.\\d+)*-\\d{4}",
        ["GB/T 29490-2023", "DB35/T 1234-2024"],
        "-",
    ),
    rule(
        "relative duration",
        ("(?<!\\d)(?:\\d{1,3}|半)个?(?:工作日|自然日|小时|日|天|周|星期|月|年)(?:以内|之内|内)"
         "(?<!\\d月内)"),
        lambda m, ctx: NOTE,
        [("3个工作日内", "note"), ("十五日内", "note"), ("2个月内", "note"), ("半年内", "note"), ("48小时以内", "note")],
        gate="内",
    ),
)
