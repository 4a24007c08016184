"""期号: per year, kept in the database, and unique when two sessions take one at the same time."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.report.build import period_of
from bot.report.numbers import issues, take_number
from bot.store.db import create_store_engine
from bot.store.migrate import upgrade
from bot.store.report_models import ReportIssue

JULY = period_of("month", date(2024, 7, 5))
AS_OF = datetime(2024, 7, 5, tzinfo=timezone.utc)


@pytest.fixture
def engine(db_url):
    engine = create_store_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def take(engine, year=2024, period=JULY, **kw) -> tuple[int, bool]:
    with Session(engine) as s:
        issue, new = take_number(s, year, period, AS_OF, "测试", **kw)
        number = issue.number
        s.commit()
    return number, new


def test_numbers_run_per_year_and_a_given_number_is_refused_when_taken(engine):
    assert [take(engine)[0], take(engine)[0], take(engine, 2025)[0], take(engine)[0]] == [1, 2, 1, 3]
    assert take(engine, number=7) == (7, True) and take(engine)[0] == 8
    with pytest.raises(DubanError, match="2024年第7期已经存在"):
        take(engine, number=7)
    with Session(engine) as s:
        assert [(i.year, i.number) for i in issues(s, 2024)] == [(2024, 8), (2024, 7), (2024, 3), (2024, 2), (2024, 1)]


def test_a_scheduled_period_takes_one_number_however_often_it_is_asked(engine):
    assert take(engine, scheduled=True) == (1, True)
    assert take(engine, scheduled=True) == (1, False)  # a second worker, or the same after a restart
    assert take(engine) == (2, True)  # a manual issue for the same month is another number
    assert take(engine, period=period_of("month", date(2024, 8, 5)), scheduled=True) == (3, True)


@pytest.mark.parametrize("scheduled", [False, True])
def test_two_sessions_racing_never_share_a_number(engine, scheduled):
    """A holds its new row uncommitted while B asks; B waits on the database, then sees A's row."""
    results: dict[str, tuple[int, bool]] = {}
    holding = threading.Event()

    def first():
        with Session(engine) as s:
            issue, new = take_number(s, 2024, JULY, AS_OF, "A", scheduled=scheduled)
            results["A"] = (issue.number, new)
            holding.set()
            time.sleep(0.5)
            s.commit()

    def second():
        holding.wait(10)
        with Session(engine) as s:
            issue, new = take_number(s, 2024, JULY, AS_OF, "B", scheduled=scheduled)
            results["B"] = (issue.number, new)
            s.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results["A"] == (1, True)
    assert results["B"] == ((1, False) if scheduled else (2, True))
    with Session(engine) as s:
        assert len(s.scalars(select(ReportIssue)).all()) == (1 if scheduled else 2)
