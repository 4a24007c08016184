"""Property tests: the readings hold for every month, day and year, whatever the noise."""
from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract import extract_clause
from bot.extract.normalize import normalize
from bot.model import Context
from tests.extract.gold import load_gold

YEARS = st.integers(min_value=2000, max_value=2099)
MONTHS = st.integers(min_value=1, max_value=12)
CN_DIGITS = "〇一二三四五六七八九"
GOLD = [g for g in load_gold() if g.expected]


def _valid_day(draw_year, month):
    return st.integers(min_value=1, max_value=calendar.monthrange(draw_year, month)[1])


def _spelled(n: int) -> str:
    """12 → 十二, 30 → 三十, 7 → 七 (the way task lists spell days and months)."""
    tens, units = divmod(n, 10)
    return ("" if tens == 0 else ("" if tens == 1 else CN_DIGITS[tens]) + "十") + (CN_DIGITS[units] if units else "")


def _readings(text, ctx):
    milestones, _, _ = extract_clause(text, ctx)
    return [(m.expr.replace(" ", ""), m.due, m.rule, m.action.replace(" ", "")) for m in milestones]


@given(st.data(), YEARS, MONTHS)
def test_it_reads_every_valid_month_day_as_that_very_day(data, year, month):
    day = data.draw(_valid_day(year, month))
    (m,), flags, _ = extract_clause(f"{month}月{day}日前完成", Context(year, date(year, 1, 1)))
    assert m.due == date(year, month, day) and flags == []


@given(YEARS, MONTHS)
def test_it_reads_month_end_as_the_last_day_in_every_year(year, month):
    ctx = Context(year, date(year, 1, 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    for text in (f"{month}月底前完成", f"{_spelled(month)}月底前完成", f"{year}年{month}月底前完成"):
        (m,), _, _ = extract_clause(text, ctx)
        assert m.due == last


@given(st.data(), YEARS, MONTHS)
def test_it_reads_spelled_numerals_like_digits(data, year, month):
    day = data.draw(_valid_day(year, month))
    ctx = Context(year, date(year, 1, 1))
    spelled = f"{''.join(CN_DIGITS[int(c)] for c in str(year))}年{_spelled(month)}月{_spelled(day)}日前完成"
    (m,), _, _ = extract_clause(spelled, ctx)
    assert m.due == date(year, month, day)
    assert m.expr == spelled[:-2]


@settings(max_examples=300, deadline=None)  # the first vague time word loads jieba (~1 s)
@given(st.sampled_from(GOLD), st.data())
def test_it_is_not_moved_by_noise_spaces(gold, data):
    positions = data.draw(st.sets(st.integers(min_value=0, max_value=len(gold.text)), max_size=8))
    noisy = "".join(" " + c if i in positions else c for i, c in enumerate(gold.text))
    assert _readings(noisy, gold.ctx) == _readings(gold.text, gold.ctx)


@settings(deadline=None)
@given(st.sampled_from(GOLD))
def test_it_is_not_moved_by_full_width_digits(gold):
    wide = gold.text.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})
    assert [r[1:3] for r in _readings(wide, gold.ctx)] == [r[1:3] for r in _readings(gold.text, gold.ctx)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789０１２ 年月日号底末前后内中上下旬季度每周一二三十〇至到-、,.;。春节元旦国庆第届半全本明次已起%万隔双终了结束以每的首个", max_size=40))
def test_it_never_crashes_and_every_offset_points_at_its_text(text):
    milestones, flags, notes = extract_clause(text, Context(2024, date(2024, 5, 22)))
    for item in [*milestones, *flags]:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start:item.end] == (item.expr if hasattr(item, "expr") else item.text)
    for m in milestones:
        assert m.expr.strip() and m.due.year >= 2000
    assert all(isinstance(n, str) and n for n in notes)


@given(st.text(alphabet="6 月底前十二〇年１２", max_size=20))
def test_it_maps_every_normalised_span_back_inside_the_original(text):
    norm = normalize(text)
    for start in range(len(norm.text) + 1):
        for end in range(start, len(norm.text) + 1):
            o_start, o_end = norm.orig_span(start, end)
            assert 0 <= o_start <= o_end <= len(text)
