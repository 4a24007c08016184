"""The single place Duban speaks HTTP: one function, a timeout always, no secret in errors.

Tests and the rate limiter have one choke point. Connection problems become a
retryable ChannelError whose text never includes the URL (robot URLs carry the key).
urllib3 logs every request line at DEBUG, key included; a filter on its logger
masks credentials in the query string and in Feishu hook paths.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests

from bot.notify.base import ChannelError

DEFAULT_TIMEOUT = 10.0
NETWORK_RETRY_AFTER = 30.0

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


_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread (requests sessions are not thread-safe).

    The environment (proxies, CA bundle) is read once per origin by `_environment`, not by
    requests on every post: that per-request lookup was a sixth of a send's CPU time.
    """
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.trust_env = False
    return _local.session


@lru_cache(maxsize=256)
def _environment(origin: str) -> tuple[dict, bool | str]:
    """Proxies (honouring NO_PROXY) and the CA bundle the environment sets for `origin`."""
    proxies = requests.utils.get_environ_proxies(origin)
    verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return proxies, verify


def post_json(url: str, payload: dict, timeout: float = DEFAULT_TIMEOUT) -> HttpReply:
    """POST `payload` as UTF-8 JSON. Raises a retryable ChannelError on network failure."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    parts = urlsplit(url)
    proxies, verify = _environment(f"{parts.scheme}://{parts.netloc}/")
    try:
        response = _session().post(
            url,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
            proxies=proxies,
            verify=verify,
        )
    except requests.Timeout:
        raise ChannelError(f"请求超时（{timeout:g} 秒内无应答）", retry_after=NETWORK_RETRY_AFTER) from None
    except requests.RequestException as exc:
        raise ChannelError(
            f"网络连接失败（{type(exc).__name__}），请检查网络或代理", retry_after=NETWORK_RETRY_AFTER
        ) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    return HttpReply(status=response.status_code, body=body, text=response.text[:500])
