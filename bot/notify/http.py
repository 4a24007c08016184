"""The single place Duban speaks HTTP: one function, a timeout always, no secret in errors.

Tests and the rate limiter have one choke point. Connection problems become a
retryable ChannelError whose text never includes the URL (robot URLs carry the key).
urllib3 logs every request line at DEBUG, key included; a filter on its logger
masks credentials in the query string and in Feishu hook paths.

urllib3 directly, not requests: a robot post is one JSON body to one URL, and the
requests session layer on top (cookies, hooks, settings merged per call) took half of
a post's CPU time (441 µs against 227 µs here), which bounds how many reminders a
worker sends a second. Proxies come from the environment (HTTPS_PROXY, NO_PROXY …)
and certificates from the system store (SSL_CERT_FILE to override), both read once.

A request has one total deadline, connect to last byte (bot.notify.deadline): urllib3's
timeouts are per socket operation, so an answer that trickles in a byte at a time would
hold a worker (and outlive its lease) for as long as the far end likes. The pooled
connections register with the calling thread's deadline, so the watchdog can cut them.
The answer is read up to MAX_REPLY_BYTES: a robot's is a few dozen bytes, and a huge one
must not take the worker's memory.
"""
from __future__ import annotations

import json
import logging
import re
import ssl
import threading
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    SSLError,
    TimeoutError,
)
from urllib3.fields import RequestField

from bot.notify import deadline
from bot.notify.base import ChannelError

DEFAULT_TIMEOUT = 10.0
NETWORK_RETRY_AFTER = 30.0
MAX_REPLY_BYTES = 64 * 1024
POOL_SIZE = 4  # kept-alive connections per host: the send loop, plus send-test or a notice alongside
HEADERS = {"Content-Type": "application/json; charset=utf-8"}

_CREDENTIALS = re.compile(r"((?:key|access_token|sign|token)=)[^&\s\"']+|(/hook/)[^/?\s\"']+", re.IGNORECASE)


def redact_url_secrets(text: str) -> str:
    """Mask `key=…`, `access_token=…`, `sign=…` and `/hook/<token>` in any text."""
    return _CREDENTIALS.sub(lambda m: (m.group(1) or m.group(2)) + "****", text)


class _RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_url_secrets(record.getMessage())
        record.args = None
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactCredentials())


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: Any  # parsed JSON, or None when the answer was not JSON
    text: str


# What went wrong on the way, for the admin; most specific first (NameResolutionError is a NewConnectionError).
NETWORK_FAILURES = (
    (NameResolutionError, "域名无法解析"),
    (ProxyError, "代理无法连接"),
    (SSLError, "加密连接失败"),
    (NewConnectionError, "无法建立连接"),
    (ProtocolError, "连接中途断开"),
)
CERTIFICATE_REFUSED = ("服务器证书校验失败（证书不受信任、已过期或与域名不符）：这是本机的配置问题，重试不会成功。"
                       "内网私有化部署或代理使用单位自签证书时，请把单位 CA 证书的路径设为环境变量 SSL_CERT_FILE，"
                       "然后重启服务")


_current = threading.local()  # the deadline of the request this thread is making, for its connection to join


class _Registering:
    """A pooled connection that tells the thread's current deadline it carries its request (for the watchdog)."""

    def request(self, *args, **kwargs):
        limit = getattr(_current, "limit", None)
        if limit is not None:
            limit.connection = self
        return super().request(*args, **kwargs)


class _HTTPConnection(_Registering, HTTPConnection):
    pass


class _HTTPSConnection(_Registering, HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_managers: dict[str | None, urllib3.PoolManager] = {}
_managers_lock = threading.Lock()


@lru_cache(maxsize=256)
def _proxy(scheme: str, host: str) -> str | None:
    """The proxy the environment sets for this origin, None for a direct connection (NO_PROXY honoured)."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    return proxy if proxy and not urllib.request.proxy_bypass(host) else None


def _manager(proxy: str | None) -> urllib3.PoolManager:
    """One keep-alive pool manager per proxy (None: direct), shared by threads (urllib3 pools are thread-safe)."""
    with _managers_lock:
        if proxy not in _managers:
            manager = (urllib3.ProxyManager(proxy, maxsize=POOL_SIZE) if proxy
                       else urllib3.PoolManager(maxsize=POOL_SIZE))
            manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
            _managers[proxy] = manager
        return _managers[proxy]


def _certificate_refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):  # urllib3 wraps the ssl error once or twice, in args or as the cause
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        inner = next((a for a in seen.args if isinstance(a, BaseException)), None)
        seen = inner or seen.__cause__ or seen.__context__
    return False


def _failure(exc: BaseException, limit: deadline.Deadline, timeout: float) -> ChannelError:
    if limit.cut_off or (isinstance(exc, TimeoutError) and not isinstance(exc, NewConnectionError)):
        return ChannelError(f"请求超时（{timeout:g} 秒内未完成）", retry_after=NETWORK_RETRY_AFTER)
    if _certificate_refused(exc):
        return ChannelError(CERTIFICATE_REFUSED, permanent=True, environment=True)
    reason = next((text for kind, text in NETWORK_FAILURES if isinstance(exc, kind)), type(exc).__name__)
    return ChannelError(f"网络连接失败（{reason}），请检查网络或代理", retry_after=NETWORK_RETRY_AFTER)


def _read_bounded(response) -> bytes:
    raw = response.read(MAX_REPLY_BYTES + 1)
    if len(raw) > MAX_REPLY_BYTES:
        response.close()  # the rest is never read: the connection is not reused
        raise ChannelError(f"应答超过 {MAX_REPLY_BYTES // 1024} KB，不是机器人接口的应答：请检查 Webhook 地址和代理设置",
                           permanent=True)
    return raw


def post_json(url: str, payload: dict, timeout: float = DEFAULT_TIMEOUT) -> HttpReply:
    """POST `payload` as UTF-8 JSON and read the answer, all within `timeout` seconds.

    Raises ChannelError: retryable on network failure or the deadline, permanent when the
    answer is too large or the certificate is refused. No automatic retries or redirects:
    a robot post is not idempotent, and the dispatcher's backoff decides when to try again.
    """
    return _post(url, json.dumps(payload, ensure_ascii=False).encode("utf-8"), HEADERS, timeout)


def post_file(url: str, field: str, filename: str, content: bytes, mime: str,
              timeout: float = DEFAULT_TIMEOUT) -> HttpReply:
    """POST one file as multipart/form-data (a robot's upload_media), under the same rules as `post_json`.

    The part says its filelength too, as WeCom's upload documentation asks.
    """
    part = RequestField(name=field, data=content, filename=filename)
    part.make_multipart(content_type=mime)
    part.headers["Content-Disposition"] += f"; filelength={len(content)}"
    body, content_type = urllib3.encode_multipart_formdata([part])
    return _post(url, body, {"Content-Type": content_type}, timeout)


def _post(url: str, data: bytes, headers: dict, timeout: float) -> HttpReply:
    parts = urlsplit(url)
    manager = _manager(_proxy(parts.scheme, parts.hostname or ""))
    limit = _current.limit = deadline.start(timeout)
    try:
        response = manager.urlopen("POST", url, body=data, headers=headers, timeout=timeout, retries=False,
                                   redirect=False, preload_content=False)
        try:
            raw = _read_bounded(response)
        finally:
            limit.finish()
            response.release_conn()
    except (HTTPError, OSError) as exc:  # NewConnectionError (refused, no route) is a TimeoutError subclass too
        raise _failure(exc, limit, timeout) from None
    finally:
        limit.finish()
        _current.limit = None
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    return HttpReply(status=response.status, body=body, text=text[:500])
