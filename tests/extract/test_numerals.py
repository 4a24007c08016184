"""bot/numerals.py: the one Chinese-numeral reader; its examples are its tests."""
from __future__ import annotations

import pytest

from bot.numerals import EXAMPLES, NUMERAL_CHARS, chinese_numeral, parse_numeral


@pytest.mark.parametrize("text, value", EXAMPLES, ids=[repr(t) for t, _ in EXAMPLES])
def test_it_reads_each_example_numeral(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
                                     (30, "三十"), (105, "一百零五"), (110, "一百一十"), (1005, "一千零五")])
def test_it_writes_section_numbers_the_way_lists_do(n, text):
    assert chinese_numeral(n) == text


def test_it_reads_back_every_number_it_writes():
    assert all(parse_numeral(chinese_numeral(n)) == n for n in range(1, 10_000))


def test_it_refuses_to_write_a_number_no_list_uses():
    with pytest.raises(ValueError):
        chinese_numeral(0)


def test_it_offers_every_numeral_character_for_regex_classes():
    assert all(c in NUMERAL_CHARS for text, value in EXAMPLES if value is not None and not text.strip().isdigit()
               for c in text.strip() if not c.isdigit())
