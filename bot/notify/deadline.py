"""A total deadline for one exchange with a far end (a robot's HTTP request, an SMTP session).

Socket timeouts bound each read, not the whole exchange: a far end (or a proxy) that
answers a byte at a time can hold a sender for as long as it likes, and outlive the lease
under which the message is being sent. One watchdog thread for the whole process shuts
down the socket of an exchange past its deadline; the blocked read then fails at once.

    limit = deadline.start(seconds)
    limit.connection = conn      # anything with a `sock` attribute, once it has one
    …                            # talk; a cut read raises OSError or a library error
    limit.finish()               # before the connection may carry another exchange
    limit.cut_off                # True: the deadline ended it
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time

GRANULARITY = 0.05  # the watchdog wakes at most this often; a deadline is kept to about this


class Deadline:
    """One exchange under way: when it must end, and the connection it runs on once it has one."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.connection = None
        self.done = False
        self.cut_off = False
        self._lock = threading.Lock()

    def finish(self) -> None:
        with self._lock:
            self.done = True

    def cut(self) -> bool:
        """Shut the exchange's socket down; False while it has no socket yet (still connecting)."""
        with self._lock:
            if self.done:
                return True
            sock = getattr(self.connection, "sock", None)
            if sock is None:
                return False
            self.cut_off = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True


class _Watchdog:
    """One thread for all exchanges: cuts those past their deadline (the heap holds them by deadline)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, limit: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (limit.at, next(self._order), limit))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="duban-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is limit:
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                late = time.monotonic() - self._heap[0][0]
                if late < 0:
                    self._cond.wait(max(-late, GRANULARITY))
                    continue
                _, _, limit = heapq.heappop(self._heap)
                if not limit.cut():  # still connecting (bounded by its connect timeout): look again soon
                    limit.at = time.monotonic() + GRANULARITY
                    heapq.heappush(self._heap, (limit.at, next(self._order), limit))


_watchdog = _Watchdog()


def start(seconds: float) -> Deadline:
    """A deadline `seconds` from now, already watched."""
    limit = Deadline(seconds)
    _watchdog.watch(limit)
    return limit
