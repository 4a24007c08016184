"""Planner and store benchmark: 10,000 milestones × 3 units × 6 lead times, planned and stored.

Run: .venv/bin/python -m bench.plan_bench [--milestones 10000] [--skip-postgres]
Targets: first import (plan + bulk insert) < 30 s on SQLite and on PostgreSQL each, peak
memory < 500 MB (each backend runs in its own process, so its peak RSS is its own);
re-importing after one deadline moved touches only that milestone's rows.
PostgreSQL: DUBAN_TEST_PG_URL or 127.0.0.1:5432/test, in a private schema dropped after.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.config.settings import Settings
from bot.model import Document, Extraction, Milestone, Task
from bot.plan.imports import import_extraction
from bot.store import close_stores, open_store, session_scope
from bot.store.models import Reminder

PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_SECONDS, TARGET_MB = 30.0, 500
UNITS = ("知识产权保护处", "知识产权运用促进处", "商标监督管理处")
PER_TASK = 10
AS_OF = datetime(2025, 1, 2, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def synthetic(milestones: int, moved: int | None = None) -> Extraction:
    """`milestones` deadlines spread over 2025, PER_TASK per task; `moved` shifts one of them by a week."""
    tasks = [Task(no=n, title=f"基准任务{n}", measures="…", units=list(UNITS)) for n in range(1, milestones // PER_TASK + 1)]
    ms = []
    for i in range(milestones):
        due = date(2025, 2, 1) + timedelta(days=i % 300)
        if i == moved:
            due += timedelta(days=7)
        ms.append(Milestone(expr=f"{due.month}月{due.day}日前", start=0, end=5, due=due, kind="once",
                            matched_by="bench", action=f"完成第{i}项工作", task=i // PER_TASK + 1, units=UNITS))
    doc = Document(title="基准任务清单", year=2025, doc_date=date(2025, 1, 2), tasks=tasks,
                   sha256=f"bench-{moved}")
    return Extraction(doc, ms, [])


def _other_rows(milestone_id: int):
    return select(Reminder.id, Reminder.status, Reminder.send_at, Reminder.updated_at).where(
        Reminder.milestone_id != milestone_id)


def measure(url: str, milestones: int) -> dict:
    settings = Settings()
    engine = open_store(url)
    first = synthetic(milestones)
    started = time.perf_counter()
    with session_scope(engine) as s:
        import_extraction(s, first, settings=settings, as_of=AS_OF, actor="bench")
    import_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with session_scope(engine) as s:
        rows = s.scalar(select(func.count()).select_from(Reminder))
        moved_id = s.scalar(select(Reminder.milestone_id).order_by(Reminder.id).limit(1))
        before = s.scalar(select(func.count()).select_from(Reminder).where(Reminder.milestone_id == moved_id))
        others = set(s.execute(_other_rows(moved_id)).all())
    started = time.perf_counter()
    with session_scope(engine) as s:
        again = import_extraction(s, synthetic(milestones, moved=0), settings=settings, as_of=AS_OF, actor="bench")
    replan_s = time.perf_counter() - started
    with session_scope(engine) as s:
        other_changed = len(others ^ set(s.execute(_other_rows(moved_id)).all()))
    return dict(import_s=import_s, peak_mb=peak_mb, rows=rows,
                replan_s=replan_s, touched=again.stats.touched, milestone_rows=before, other_changed=other_changed,
                changes=again.changes)


def pg_schema_url() -> tuple[str, callable]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"duban_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        close_stores()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False), drop


def report(name: str, r: dict) -> None:
    ok = "✓" if r["import_s"] < TARGET_SECONDS and r["peak_mb"] < TARGET_MB else "✗"
    print(f"{name}: {r['rows']:,} reminder rows in {r['import_s']:.1f} s (target < {TARGET_SECONDS:.0f} s), "
          f"peak RSS {r['peak_mb']:.0f} MB (target < {TARGET_MB}) {ok}")
    only = "✓" if r["other_changed"] == 0 else "✗"
    print(f"  one deadline moved: re-import {r['replan_s']:.1f} s, {r['touched']} reminder rows written, all of "
          f"that milestone ({r['milestone_rows']} rows before); rows of other milestones changed: {r['other_changed']} {only}")
    print(f"  {r['changes'][0] if r['changes'] else ''}")


def run_one(backend: str, milestones: int) -> None:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            report("SQLite", measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", milestones))
            close_stores()
        return
    url, drop = pg_schema_url()
    try:
        report("PostgreSQL", measure(url, milestones))
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        run_one(args.backend, args.milestones)
        return
    print(f"{args.milestones:,} milestones × {len(UNITS)} units × 6 lead times (+ overdue escalations), "
          f"settings defaults")
    for backend in ["sqlite"] + ([] if args.skip_postgres else ["postgresql"]):
        subprocess.run([sys.executable, "-m", "bench.plan_bench", "--backend", backend,
                        "--milestones", str(args.milestones)], check=True)


if __name__ == "__main__":
    main()
