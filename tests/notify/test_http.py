"""The HTTP choke point: proxies from the environment, and failures that name no URL."""
from __future__ import annotations

import time

import pytest
from tests.notify.conftest import free_port

from bot.notify import http
from bot.notify.base import ChannelError
from tests.support.loopback import LoopbackRobot, Reply

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



def test_an_answer_that_trickles_in_is_cut_at_the_total_deadline(robot):
    """F07: urllib3's timeout is per read; one byte every 0.1 s would otherwise hold the request ~3 s."""
    robot.script(Reply(drip=0.1))
    started = time.monotonic()
    with pytest.raises(ChannelError) as failure:
        http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 0.5)
    took = time.monotonic() - started
    assert 0.5 <= took < 0.5 + 0.5, took
    assert "请求超时（0.5 秒内未完成）" in failure.value.message and not failure.value.permanent
    # the cut connection is not reused: the next request to the same robot is answered normally
    assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2).body["errcode"] == 0


def test_many_quick_requests_are_never_cut_by_an_earlier_deadline(robot):
    """A request that finished gives its connection back; its deadline must not cut the next one."""
    for _ in range(40):
        assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 0.06).status == 200
        time.sleep(0.005)


def test_a_huge_answer_is_not_read_whole(robot):
    """F17: a robot answer is a few dozen bytes; 300 MB took 989 MB of memory when read whole."""
    robot.script(Reply(body={"errcode": 0, "padding": "x" * (4 * http.MAX_REPLY_BYTES)}))
    with pytest.raises(ChannelError) as failure:
        http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2)
    assert failure.value.permanent and "64 KB" in failure.value.message
    assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2).status == 200


def test_an_answer_just_under_the_bound_is_read(robot):
    robot.script(Reply(body={"errcode": 0, "padding": "x" * (http.MAX_REPLY_BYTES - 100)}))
    assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2).body["errcode"] == 0


def test_a_certificate_this_machine_does_not_trust_is_a_configuration_error(tls_files, monkeypatch):
    """F19: retrying cannot help; the text says how to trust an office CA."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with LoopbackRobot(tls=tuple(map(str, tls_files))) as robot:
        with pytest.raises(ChannelError) as failure:
            http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2)
        assert failure.value.permanent and failure.value.environment
        assert "证书校验失败" in failure.value.message and "SSL_CERT_FILE" in failure.value.message
        assert KEY not in failure.value.message
        monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))  # the office's CA, as docs/channels.md says
        assert http.post_json(f"{robot.url}/cgi-bin/webhook/send?key={KEY}", {"msgtype": "text"}, 2).status == 200
