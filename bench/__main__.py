"""Run every benchmark, or the ones named: `python -m bench [extract ingest pdf ocr plan notify delivery scale]`.

Each runs in its own process so one's memory and warm caches do not colour another's figures.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = sorted(p.stem.removesuffix("_bench") for p in HERE.glob("*_bench.py"))


def main(argv: list[str]) -> int:
    chosen = argv or NAMES
    unknown = sorted(set(chosen) - set(NAMES))
    if unknown:
        print(f"未知的基准: {'、'.join(unknown)}；可选: {' '.join(NAMES)}", file=sys.stderr)
        return 2
    failed = 0
    for name in chosen:
        print(f"\n=== bench.{name}_bench ===", flush=True)
        failed |= subprocess.call([sys.executable, "-m", f"bench.{name}_bench"], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
