"""Behind a reverse proxy (DUBAN_PROXY_HOPS) the units' rate limit counts each client, not the proxy;
without it a forged X-Forwarded-For changes nothing."""
from __future__ import annotations

import pytest

from bot.errors import DubanError
from bot.web import create_app
from bot.web.answers import RATE_LIMIT

MISSING = "/u/" + "Z" * 32  # a refused link still counts as a hit


def burst(app, address: str) -> int:
    client = app.test_client()
    codes = [client.get(MISSING, headers={"X-Forwarded-For": address}).status_code for _ in range(RATE_LIMIT + 1)]
    return codes[-1]


def test_behind_one_proxy_each_forwarded_client_has_its_own_budget(app, clock, db_url, monkeypatch):
    monkeypatch.setenv("DUBAN_PROXY_HOPS", "1")
    proxied = create_app(db_url, clock=clock)
    assert burst(proxied, "10.0.0.1") == 429
    assert proxied.test_client().get(MISSING, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 404


def test_without_the_setting_a_forged_header_does_not_buy_a_new_budget(app, clock):
    assert burst(app, "10.0.0.1") == 429
    assert app.test_client().get(MISSING, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 429


@pytest.mark.parametrize("value", ["一", "-1", "9"])
def test_a_bad_value_is_refused_with_what_to_write(app, db_url, monkeypatch, value):
    monkeypatch.setenv("DUBAN_PROXY_HOPS", value)
    with pytest.raises(DubanError, match="DUBAN_PROXY_HOPS"):
        create_app(db_url)
