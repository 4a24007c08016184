"""The HTTP choke point: proxies from the environment, and failures that name no URL."""
from __future__ import annotations

import pytest
from tests.notify.conftest import free_port

from bot.notify import http
from bot.notify.base import ChannelError

KEY = "0b5e2c1d-aaaa-4bbb-8ccc-1234567890ab"


@pytest.fixture(autouse=True)
def environment_proxies(monkeypatch):
    """Each test sets its own proxy variables; the per-origin cache must not carry them over."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                 "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    http._proxy.cache_clear()
    yield
    http._proxy.cache_clear()


def test_a_post_goes_through_the_proxy_the_environment_names(robot, monkeypatch):
    monkeypatch.setenv("http_proxy", robot.url)  # the loopback robot plays the office's proxy
    reply = http.post_json(f"http://qyapi.intra.invalid/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"})
    assert reply.status == 200 and reply.body == {"errcode": 0, "errmsg": "ok"}
    [received] = robot.received
    assert received.path == "/cgi-bin/webhook/send" and received.query == {"key": KEY}
    assert received.body == {"msgtype": "text"}


def test_no_proxy_hosts_are_reached_directly(robot, monkeypatch):
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}).status == 200
    assert len(robot.received) == 1


def test_an_unreachable_proxy_is_a_retryable_network_failure_without_the_key(monkeypatch):
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ChannelError) as failure:
        http.post_json(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2)
    assert not failure.value.permanent and failure.value.retry_after == http.NETWORK_RETRY_AFTER
    assert "网络连接失败（代理无法连接）" in failure.value.message and KEY not in failure.value.message


def test_a_host_that_does_not_resolve_is_named_as_such():
    with pytest.raises(ChannelError) as failure:
        http.post_json(f"http://qyapi.intra.invalid/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2)
    assert "域名无法解析" in failure.value.message and KEY not in failure.value.message

