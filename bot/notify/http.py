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
"""
from __future__ import annotations

import json
import logging
import re
import threading
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import (
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    SSLError,
    TimeoutError,
)

from bot.notify.base import ChannelError

DEFAULT_TIMEOUT = 10.0
NETWORK_RETRY_AFTER = 30.0
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
    (SSLError, "加密连接或证书校验失败"),
    (NewConnectionError, "无法建立连接"),
    (ProtocolError, "连接中途断开"),
)

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
            _managers[proxy] = (urllib3.ProxyManager(proxy, maxsize=POOL_SIZE) if proxy
                                else urllib3.PoolManager(maxsize=POOL_SIZE))
        return _managers[proxy]


def post_json(url: str, payload: dict, timeout: float = DEFAULT_TIMEOUT) -> HttpReply:
    """POST `payload` as UTF-8 JSON. Raises a retryable ChannelError on network failure.

    No automatic retries or redirects: a robot post is not idempotent, and the
    dispatcher's backoff decides when to try again.
    """
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    parts = urlsplit(url)
    manager = _manager(_proxy(parts.scheme, parts.hostname or ""))
    try:
        response = manager.urlopen("POST", url, body=data, headers=HEADERS, timeout=timeout, retries=False,
                                   redirect=False)
    except HTTPError as exc:  # NewConnectionError (refused, no route) is a TimeoutError subclass too
        if isinstance(exc, TimeoutError) and not isinstance(exc, NewConnectionError):
            raise ChannelError(f"请求超时（{timeout:g} 秒内无应答）", retry_after=NETWORK_RETRY_AFTER) from None
        reason = next((text for kind, text in NETWORK_FAILURES if isinstance(exc, kind)), type(exc).__name__)
        raise ChannelError(f"网络连接失败（{reason}），请检查网络或代理", retry_after=NETWORK_RETRY_AFTER) from None
    text = response.data.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    return HttpReply(status=response.status, body=body, text=text[:500])
