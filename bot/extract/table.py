"""The rule table: every family, registered once, in priority order for ties.

Not-a-deadline patterns come first so that on an equal span they win over a date.
"""
import re

from bot.extract import rules_holidays, rules_months, rules_negative, rules_periods, rules_recurring
from bot.extract.rule import Rule, build_table

RULES = build_table(
    rules_negative.RULES,
    rules_recurring.RULES,
    rules_months.RULES,
    rules_periods.RULES,
    rules_holidays.RULES,
)
# Rules sharing a gate are skipped together when none of its characters is in the text.
BY_GATE: tuple[tuple[frozenset[str], tuple[tuple[int, Rule], ...]], ...] = tuple(
    (frozenset(gate), tuple((order, r) for order, r in enumerate(RULES) if r.gate == gate))
    for gate in dict.fromkeys(r.gate for r in RULES)
)
GATE_CHARS = re.compile("[" + re.escape("".join(sorted({c for r in RULES for c in r.gate}))) + "]")
# For each gate character, the rules it opens: a clause's characters open only these.
RULES_BY_CHAR: dict[str, frozenset[tuple[int, Rule]]] = {
    c: frozenset(pair for gate, rules in BY_GATE if c in gate for pair in rules)
    for c in {c for r in RULES for c in r.gate}
}
