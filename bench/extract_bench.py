"""Extractor benchmark: clauses per second, one very long cell, and the cold `extract` of the seed.

Run: .venv/bin/python -m bench.extract_bench
Targets: ≥ 20,000 clauses/s on one core; a cell of twice the clauses takes at most about twice
as long (F09: it used to be four times); cold `python -m bot extract` of the seed < 1.0 s.
The clause mix is the gold set (tests/extract/gold.txt) plus every measures cell of the seed.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "fujian-ipa-2024-task-list.md"
TARGET_RATE, TARGET_COLD = 20_000, 1.0
COLD_RUNS = 7
LONG_CELL = 10_000  # clauses in one cell, as in redteam-findings.md F09
TARGET_LONG_RATIO = 2.5  # twice the clauses: at most this many times the time
COLD_COMMAND = ["-m", "bot", "extract", str(SEED.relative_to(ROOT)), "--format", "json"]


def _clauses() -> list[tuple[str, object]]:
    sys.path.insert(0, str(ROOT))
    from tests.extract.gold import load_gold
    from tests.extract.seed_cells import SEED_MEASURES
    from bot.model import Context
    from datetime import date

    seed_ctx = Context(2024, date(2024, 5, 22))
    return [(g.text, g.ctx) for g in load_gold()] + [(text, seed_ctx) for _, text in SEED_MEASURES.values()]


def clauses_per_second(seconds: float = 3.0) -> tuple[float, int]:
    from bot.extract import extract_clause

    clauses = _clauses()
    for text, ctx in clauses:  # warm up: compiled patterns, caches, jieba for the vague words
        extract_clause(text, ctx)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text, ctx in clauses:
            extract_clause(text, ctx)
        done += len(clauses)
    return done / (time.perf_counter() - start), len(clauses)


def long_cell_seconds(clauses: int) -> float:
    """One cell of `clauses` dated clauses ("1月底前完成第0项；2月底前完成第1项；…"): best of three."""
    from datetime import date

    from bot.extract import extract_clause
    from bot.model import Context

    text = "；".join(f"{i % 12 + 1}月底前完成第{i}项" for i in range(clauses))
    ctx = Context(2024, date(2024, 5, 22))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        extract_clause(text, ctx)
        best = min(best, time.perf_counter() - start)
    return best


def cold_extract() -> list[float]:
    times = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, *COLD_COMMAND], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    rate, count = clauses_per_second()
    print(f"extract_clause: {rate:,.0f} clauses/s on one core ({count} distinct clauses, target ≥ {TARGET_RATE:,})"
          f"  {'OK' if rate >= TARGET_RATE else 'BELOW TARGET'}")
    single, double = long_cell_seconds(LONG_CELL), long_cell_seconds(2 * LONG_CELL)
    ratio = double / single
    print(f"one cell of {LONG_CELL:,} clauses: {single:.3f} s; of {2 * LONG_CELL:,}: {double:.3f} s"
          f" (×{ratio:.2f}, target ≤ {TARGET_LONG_RATIO})  {'OK' if ratio <= TARGET_LONG_RATIO else 'ABOVE TARGET'}")
    times = cold_extract()
    median = statistics.median(times)
    print(f"cold python {' '.join(COLD_COMMAND)}: median {median:.3f} s, min {min(times):.3f} s,"
          f" max {max(times):.3f} s over {COLD_RUNS} runs"
          f" (target < {TARGET_COLD} s)  {'OK' if median < TARGET_COLD else 'ABOVE TARGET'}")


if __name__ == "__main__":
    main()
