"""Extractor benchmark: clauses per second in one process, and the cold `extract` of the seed.

Run: .venv/bin/python -m bench.extract_bench
Targets: ≥ 20,000 clauses/s on one core; cold `python -m bot extract` of the seed < 1.0 s.
The clause mix is the gold set (tests/extract/gold.txt) plus every measures cell of the seed.
"""
from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "fujian-ipa-2024-task-list.md"
TARGET_RATE, TARGET_COLD = 20_000, 1.0
COLD_RUNS = 7
# Used only while the `extract` command does not exist: the same work without the document reader.
_FALLBACK = (
    "import re\nfrom datetime import date\nfrom bot.extract import extract_clause\nfrom bot.model import Context\n"
    "ctx = Context(2024, date(2024, 5, 22))\n"
    f"for line in open({str(SEED)!r}, encoding='utf-8'):\n"
    "    cells = line.split('|')\n"
    "    if len(cells) > 3 and re.match(r'\\s*\\d+\\.', cells[1]):\n"
    "        extract_clause(cells[2], ctx)\n"
)


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


def cold_extract() -> tuple[list[float], str]:
    if importlib.util.find_spec("bot.cli.cmd_extract") is not None:
        command = [sys.executable, "-m", "bot", "extract", str(SEED), "--format", "json"]
        label = "python -m bot extract data/fujian-ipa-2024-task-list.md --format json"
    else:
        command = [sys.executable, "-c", _FALLBACK]
        label = "python -c <import bot.extract; extract every measures cell of the seed> (extract command not present)"
    times = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times, label


def main() -> None:
    rate, count = clauses_per_second()
    print(f"extract_clause: {rate:,.0f} clauses/s on one core ({count} distinct clauses, target ≥ {TARGET_RATE:,})"
          f"  {'OK' if rate >= TARGET_RATE else 'BELOW TARGET'}")
    times, label = cold_extract()
    median = statistics.median(times)
    print(f"cold {label}: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over {COLD_RUNS} runs"
          f" (target < {TARGET_COLD} s)  {'OK' if median < TARGET_COLD else 'ABOVE TARGET'}")


if __name__ == "__main__":
    main()
