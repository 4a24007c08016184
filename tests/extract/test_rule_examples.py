"""Every rule's own examples are its tests (Duckling's corpus habit).

Each example must be read whole, by exactly one hit, from that very rule, with the value
written next to it. All examples share EXAMPLE_CONTEXT (a 2024 list issued 2024-05-22).
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from bot.extract.engine import scan
from bot.extract.normalize import normalize
from bot.extract.rule import EXAMPLE_CONTEXT, NOT_DEADLINE, InvalidDate, Note, Recurrence, build_table, rule
from bot.extract.table import RULES
from bot.extract.tails import TAILS


def _shown(value) -> str | None:
    """The example notation: ISO date, RRULE, comma-joined list, "note", "invalid", None."""
    if value is NOT_DEADLINE:
        return None
    if isinstance(value, Note):
        return "note"
    if isinstance(value, InvalidDate):
        return "invalid"
    if isinstance(value, Recurrence):
        return value.rrule
    if isinstance(value, list):
        return ",".join(p.due.isoformat() for p in value)
    return value.isoformat()


EXAMPLES = [pytest.param(r, text, expected, id=f"{r.name}:{text}") for r in RULES for text, expected in r.examples]


@pytest.mark.parametrize("rule_, text, expected", EXAMPLES)
def test_it_reads_each_example_whole_with_its_own_rule(rule_, text, expected):
    norm = normalize(text).text
    hits = scan(norm, EXAMPLE_CONTEXT)
    assert [(h.start, h.end) for h in hits] == [(0, len(norm))], f"{text!r} is not read as one whole span: {hits}"
    assert hits[0].rule is rule_, f"{text!r} was read by {hits[0].rule.name!r}, not {rule_.name!r}"
    assert _shown(hits[0].value) == expected


def test_it_gives_every_rule_a_unique_name_and_examples():
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.examples for r in RULES)


def test_it_rejects_a_second_rule_with_the_same_name():
    twin = rule("<month>底前", "x", lambda m, ctx: date(2024, 1, 1), [("x", "2024-01-01")], gate="x")
    with pytest.raises(ValueError, match="duplicate rule name"):
        build_table(RULES, [twin])


def test_it_rejects_a_rule_without_examples():
    bare = rule("no examples", "x", lambda m, ctx: None, [], gate="x")
    with pytest.raises(ValueError, match="without examples"):
        build_table([bare])


def test_it_writes_every_recurring_example_as_an_rrule_dateutil_accepts():
    from dateutil.rrule import rrulestr

    rrules = [e for r in RULES for _, e in r.examples if e and e.startswith("FREQ=")]
    assert rrules
    for text in rrules:
        assert list(rrulestr(text, dtstart=__import__("datetime").datetime(2024, 1, 1)))


def test_it_declares_gates_that_every_example_passes():
    for r in RULES:
        for text, _ in r.examples:
            assert set(normalize(text).text) & set(r.gate), f"{r.name}: gate {r.gate!r} never opens for {text!r}"


def test_it_compiles_patterns_that_never_match_empty_text():
    assert all(not r.pattern.fullmatch("") for r in RULES), [r.name for r in RULES if r.pattern.fullmatch("")]
    assert all(isinstance(r.pattern, re.Pattern) for r in RULES)


def test_it_guards_every_pattern_with_the_characters_it_can_start_with():
    unguarded = [r.name for r in RULES if not r.pattern.pattern.startswith("(?=[")]
    assert unguarded == []


TAIL_EXAMPLES = [pytest.param(t, text, expected, id=f"tail {t.name}:{text}") for t in TAILS for text, expected in t.examples]


def _outcome(text: str) -> str | None:
    """A clause's reading in the tail notation: due or RRULE, then any review code; None: nothing."""
    from bot.extract import extract_clause

    milestones, flags, _ = extract_clause(text, EXAMPLE_CONTEXT)
    codes = [f.code for f in flags if f.code != "past-deadline"]
    shown = [m.rule or m.due.isoformat() for m in milestones] + codes
    return " ".join(shown) or None


@pytest.mark.parametrize("tail, text, expected", TAIL_EXAMPLES)
def test_it_reads_each_tail_example_as_written(tail, text, expected):
    assert _outcome(text) == expected


def test_it_names_the_tail_that_changed_a_reading():
    from bot.extract import extract_clause

    (m,), _, _ = extract_clause("2019年7月底前,以后每年持续实施", EXAMPLE_CONTEXT)
    assert (m.matched_by, m.expr, m.due) == ("<month>底前，以后每年", "2019年7月底前,以后每年", date(2024, 7, 31))
