from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.answers.links import ITEM_ACTIONS, PAGE, links_for, public_base_url
from bot.answers.tokens import resolve, revoke, token_hash
from bot.config.settings import Settings
from bot.store.answer_models import AnswerToken
from bot.store.models import MilestoneUnit

BASE = "https://duban.example.gov.cn"


def some_item(db) -> MilestoneUnit:
    return db.scalars(select(MilestoneUnit).order_by(MilestoneUnit.id)).first()


def test_links_are_absolute_opaque_stored_only_as_a_hash_and_stable(db, clock):
    mu = some_item(db)
    first = links_for(db, mu.unit_id, mu.milestone_id, base_url=BASE + "/", now=clock.now)
    assert set(first) == {*ITEM_ACTIONS, PAGE}
    tokens = {k: v.removeprefix(BASE + "/u/") for k, v in first.items()}
    assert all(len(t) == 32 and "/" not in t for t in tokens.values())
    assert len(set(tokens.values())) == 5
    stored = db.scalars(select(AnswerToken)).all()
    assert {r.token_hash for r in stored} == {token_hash(t) for t in tokens.values()}
    assert not any(t in (r.token_hash + r.salt) for r in stored for t in tokens.values())
    clock.advance(days=3)
    assert links_for(db, mu.unit_id, mu.milestone_id, base_url=BASE, now=clock.now) == first
    assert db.scalar(select(func.count()).select_from(AnswerToken)) == 5


def test_a_link_expires_thirty_days_after_the_due_date_and_a_revoked_one_is_replaced(db, clock):
    mu = some_item(db)
    links = links_for(db, mu.unit_id, mu.milestone_id, base_url=BASE, now=clock.now)
    done = links["done"].rsplit("/", 1)[1]
    row = resolve(db, done, clock.now)
    assert row.expires_at.date() == max(mu.milestone.due, clock.now.date()) + timedelta(days=31)
    assert resolve(db, done, row.expires_at + timedelta(seconds=1)) is None
    assert revoke(db, mu.unit_id, "admin", clock.now) == 5
    assert resolve(db, done, clock.now) is None
    again = links_for(db, mu.unit_id, mu.milestone_id, base_url=BASE, now=clock.now)
    assert again["done"] != links["done"]


def test_the_environment_public_url_wins_over_the_setting(monkeypatch):
    settings = Settings()
    object.__setattr__(settings, "public_url", "https://file.example/")
    monkeypatch.delenv("DUBAN_PUBLIC_URL", raising=False)
    assert public_base_url(settings) == "https://file.example"
    monkeypatch.setenv("DUBAN_PUBLIC_URL", "https://env.example/duban/")
    assert public_base_url(settings) == "https://env.example/duban"
    assert public_base_url(None) == "https://env.example/duban"
