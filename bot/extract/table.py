"""The rule table: every family, registered once, in priority order for ties.

Not-a-deadline patterns come first so that on an equal span they win over a date.
"""
from bot.extract import rules_holidays, rules_months, rules_negative, rules_periods, rules_recurring
from bot.extract.rule import build_table

RULES = build_table(
    rules_negative.RULES,
    rules_recurring.RULES,
    rules_months.RULES,
    rules_periods.RULES,
    rules_holidays.RULES,
)
GATE_CHARS = "".join(sorted({c for r in RULES for c in r.gate}))
