"""A loopback group robot: a real HTTP server on 127.0.0.1 speaking the robots' protocol.

For tests, benchmarks and rehearsals without an account. It records every request
(path, query, parsed JSON, arrival time on a given clock) and answers like the real
service: HTTP 200 with `errcode` 0 (WeCom, DingTalk) or `code` 0 (Feishu paths), or
whatever replies a test scripts (error codes, HTTP 500, slow answers). A WeCom
upload_media request (multipart) is answered with a fresh media_id; `uploaded(received)`
reads its file back. It does not log requests: their URLs carry keys.
"""
from __future__ import annotations

import itertools
import json
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Reply:
    """What the robot answers: `body` None means the protocol's success body.

    `delay` waits before answering; `drip` sends the answer one byte every `drip` seconds
    (a far end or proxy that keeps a request alive for as long as it likes); `headers`
    are added to the answer (a redirect's Location).
    """

    body: dict | None = None
    status: int = 200
    delay: float = 0.0
    drip: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON, None if the request was not JSON
    raw: bytes
    at: float
    headers: dict[str, str] = field(default_factory=dict)


def success_body(path: str) -> dict:
    if "/open-apis/bot/" in path:
        return {"code": 0, "msg": "success", "data": {}}
    if path.endswith("/upload_media"):
        return {"errcode": 0, "errmsg": "ok", "type": "file", "media_id": f"media-{next(_media_ids)}",
                "created_at": str(int(time.time()))}
    return {"errcode": 0, "errmsg": "ok"}


_media_ids = itertools.count(1)


def uploaded(received: Received) -> tuple[str, bytes]:
    """(filename, content) of an upload_media request's file part."""
    head = f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=default).parsebytes(head + received.raw)
    part = next(message.iter_parts())
    return part.get_filename(), part.get_content()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that timed out and hung up is expected here, not an error to print."""


class LoopbackRobot:
    """Start with `with LoopbackRobot() as robot:`; point channels at `robot.url`.

    `responder(received) -> Reply | None` decides answers (None: next scripted reply,
    else success); `script(*replies)` queues answers for the next requests in order.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 responder: Callable[[Received], Reply | None] | None = None, port: int = 0,
                 tls: tuple[str, str] | None = None):
        """`tls` (certificate file, key file): speak HTTPS with that certificate."""
        self.clock = clock
        self.responder = responder
        self._scripted: deque[Reply] = deque()
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), self._handler_class())
        self.scheme = "http"
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._scripted.extend(replies)

    def __enter__(self) -> "LoopbackRobot":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, received: Received) -> Reply:
        reply = self.responder(received) if self.responder else None
        with self._lock:
            self._received.append(received)
            if reply is None and self._scripted:
                reply = self._scripted.popleft()
        return reply or Reply()

    def _handler_class(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body in one segment: a split answer costs a 40 ms delayed ACK.
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def parse_request(self) -> bool:
                """The request line and headers, read plainly (names lower-cased).

                The stdlib's generic header parser (email.parser) was half of this server's CPU,
                which benchmarks share with the workers they measure.
                """
                self.command, self.request_version, self.close_connection = None, "HTTP/1.1", True
                words = self.raw_requestline.decode("latin-1").split()
                if len(words) != 3 or not words[2].startswith("HTTP/1."):
                    self.send_error(400, "not an HTTP/1.x request line")
                    return False
                self.command, self.path, self.request_version = words
                self.headers = {}
                while (line := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    self.headers[name.strip().lower()] = value.strip()
                self.close_connection = (self.headers.get("connection", "").lower() == "close"
                                         or self.request_version == "HTTP/1.0")
                return True

            def send_response(self, code: int, message: str | None = None) -> None:
                """Status line only: no Server or Date header to format for every answer."""
                self.send_response_only(code, message)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                url = urlsplit(self.path)
                received = Received(url.path, dict(parse_qsl(url.query)), body, raw, robot.clock(), dict(self.headers))
                reply = robot._answer(received)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = json.dumps(
                    success_body(url.path) if reply.body is None else reply.body, ensure_ascii=False
                ).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.drip:
                        self._drip(payload, reply.drip)
                    else:
                        self.wfile.write(payload)
                except OSError:
                    self.close_connection = True

            def _drip(self, payload: bytes, every: float) -> None:
                self.wfile.flush()
                for byte in payload:
                    time.sleep(every)
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def log_message(self, format: str, *args) -> None:
                """Silent: request lines carry robot keys."""

        return Handler



class SleepClock:
    """Monotonic time that moves only when someone sleeps: throttling checked in no real time.

    Pass it as a limiter's `clock`, a robot channel's `sleep` and the robot's `clock`;
    `sleeps` records every wait the limiter asked for.
    """

    def __init__(self, start: float = 0.0):
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def most_in_window(times: list[float], window: float, *, closed: bool = False) -> int:
    """The most arrivals inside any span of `window` seconds, for checking a robot's rate limit.

    Half-open spans [t, t+window) by default; `closed` counts [t, t+window], the strict reading.
    """
    times, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > window or (not closed and t - times[lo] == window):
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def main() -> None:
    """`python -m tests.support.loopback [PORT]`: a local robot that prints what it receives."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8999

    def show(received: Received) -> None:  # answers None: the protocol's success
        body = received.body or {}
        kind = body.get("msgtype") or body.get("msg_type") or "?"
        inner = body.get(kind)
        shown = inner.get("content") or inner.get("text") if isinstance(inner, dict) else None
        if isinstance(inner, dict) and inner.get("mentioned_mobile_list"):
            shown += f"\n（@ {'、'.join(inner['mentioned_mobile_list'])}）"
        print(f"—— 收到 {kind} 消息 ——\n{shown or json.dumps(body, ensure_ascii=False, indent=1)}", flush=True)

    with LoopbackRobot(responder=show, port=port) as robot:
        print(f"本地测试机器人已启动：{robot.url}（把联系方式的 base_url 设为这个地址；Ctrl+C 退出）", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
