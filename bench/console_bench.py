"""The console under a realistic load: 2,000 tasks, 20 units and their reminders, one worker.

    .venv/bin/python -m bench.console_bench

Target: the dashboard (总览) and a document's review screen answer in under 300 ms at the
95th percentile, measured through the WSGI app in-process (Flask's test client: the server's
own cost, without a network in the way).
"""
from __future__ import annotations

import gc
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

TASKS, UNITS, RUNS = 2000, 20, 40
TARGET_MS = 300
ROOT = Path(__file__).resolve().parent.parent
CLAUSES = ["6月底前，组织开展专项检查", "年底前，实现全覆盖", "每季度末报送工作进展", "9月30日前完成盘点入库",
           "上半年完成方案制定", "11月底前完成督查", "3月底前印发方案"]


def write_list(path: Path, rng: random.Random) -> None:
    units = [f"第{i}责任单位" for i in range(1, UNITS + 1)]
    lines = ["2024年某市重点工作任务清单", "", "| 序号 | 重点任务 | 具体措施 | 责任单位 |", "|---|---|---|---|"]
    for no in range(1, TASKS + 1):
        lines.append(f"| {no} | 推进第{no}项重点任务 | {'；'.join(rng.sample(CLAUSES, 2))}。 | {'、'.join(rng.sample(units, 3))} |")
    path.write_text("\n".join(lines + ["", "2024年3月1日印发"]), encoding="utf-8")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(client, path: str) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return times


def bench_store(prefix: str):
    """A private SQLite store with the 2,000-task list imported as of 2024-03-01; the CLI runner."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DUBAN_CONFIG_DIR"] = str(ROOT / "bot" / "config" / "examples")
    sys.path.insert(0, str(ROOT))
    from click.testing import CliRunner

    from bot.cli import cli

    write_list(work / "list.md", random.Random(7))
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(work / "list.md"), "--as-of", "2024-03-01"])
    assert result.exit_code == 0, result.output
    return runner


def logged_in(runner, now: datetime, role: str = "admin"):
    """A test client of the console at `now`, logged in as a new account of `role`."""
    from bot.cli import cli
    from bot.web import create_app

    password = "bench-password-2024"
    result = runner.invoke(cli, ["users", "add", "bench", "--role", role, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 0, result.output
    app = create_app(clock=lambda: now)
    gc.freeze()  # as `python -m bot web` does once the app is built
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "bench", "password": password,
                                       "csrf_token": token}).status_code == 302
    return client


def main() -> int:
    client = logged_in(bench_store("duban-console-bench-"), datetime(2024, 6, 20, 1, tzinfo=timezone.utc))
    failed = False
    for name, path in (("总览 /", "/"), ("核对 /documents/1/review", "/documents/1/review")):
        times = timed(client, path)
        p95 = percentile(times, 0.95)
        failed |= p95 >= TARGET_MS
        print(f"{name}: {RUNS} 次，中位数 {statistics.median(times):.0f} ms，p95 {p95:.0f} ms，"
              f"最大 {max(times):.0f} ms（目标 p95 < {TARGET_MS} ms）{'' if p95 < TARGET_MS else '  未达标'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
