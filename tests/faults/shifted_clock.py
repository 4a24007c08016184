"""`python -m tests.faults.shifted_clock OFFSET_FILE run …`: `bot run` whose idea of now is shifted.

The offset (seconds, may be negative) is read from OFFSET_FILE at every look at the clock,
so a test moves a running worker's time by rewriting the file: both clocks a worker has
(business time, and the wall time of leases and robot budgets) jump together, as they
would when an administrator or NTP sets the server's clock.
"""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from jobs import clock


def shift_clocks(offset_file: Path) -> None:
    def offset() -> float:
        try:
            return float(offset_file.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            return 0.0

    real_now, real_epoch = clock.RealClock.now, clock.RealClock.epoch
    clock.RealClock.now = lambda self: real_now(self) + timedelta(seconds=offset())
    clock.RealClock.epoch = staticmethod(lambda: real_epoch() + offset())


if __name__ == "__main__":
    shift_clocks(Path(sys.argv[1]))
    from bot.cli import main

    sys.argv = ["python -m bot", *sys.argv[2:]]
    main()
