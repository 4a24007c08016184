"""Scale-out benchmark: 100,000 pending messages in PostgreSQL, three worker processes, a loopback robot.

    .venv/bin/python -m bench.scale_bench [--messages 100000] [--workers 3]

The outbox is filled directly (100,000 rendered digests to 1,000 robots), then three
processes run the real dispatcher (claim with FOR UPDATE SKIP LOCKED, send, record
each result) until it is empty; the loopback server in this process answers at once.
Throttling is off: the figure is the pipeline's, not the robots' 20-a-minute budget.
Measured: messages per second end to end (from starting the workers to the last result
recorded, process start-up included) and each worker's peak resident memory (VmHWM).
Targets: ≥ 1,000 messages/s in all; < 200 MB per worker. CPU seconds per process are
printed too: on a small machine the workers, PostgreSQL and the robot share the cores. Needs the PostgreSQL server of
DUBAN_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test); the
benchmark works in a private schema and drops it afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_PER_SECOND = 1000
TARGET_PEAK_MB = 200
ROBOTS = 1000
BATCH = 100
BODY = ("### 督办提醒：{unit}\n> 截至 2026-11-25，以下时间节点临近，请按时办理。\n\n"
        "**1. 重点任务 {n}**\n事项：完成专利导航项目中期评估并报送材料\n截止：2026-11-30（还有 5 天）\n"
        "来源：《2026年重点工作任务清单》\n节点编号：M{n}\n办结后请回复“已完成 M{n}”。")


def peak_mb(pid: int | str = "self") -> float:
    """VmHWM (peak resident set) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_main(url: str, name: str) -> None:
    """One worker process: dispatch until the outbox has nothing left, then report."""
    from bot.config.settings import Settings
    from bot.store import open_store
    from jobs.policy import DeliveryPolicy
    from jobs.worker import Worker

    engine = open_store(url, migrate=False)
    worker = Worker(engine, Settings(), worker_id=name, throttle=False, policy=DeliveryPolicy(batch_size=BATCH))
    sent = worker.dispatch().sent
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"worker": name, "sent": sent, "peak_mb": peak_mb(), "cpu_s": usage.ru_utime + usage.ru_stime}),
          flush=True)


def seed(engine, robot_url: str, messages: int) -> None:
    """`messages` pending digests spread over ROBOTS units, one robot each, all due now."""
    from bot.store.models import ADMIN, Contact, Message, Unit

    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(Unit), [dict(name="督办管理员", kind=ADMIN, aliases=[], groups=[])]
                     + [dict(name=f"基准单位{n:04d}", kind="unit", aliases=[], groups=[]) for n in range(ROBOTS)])
        units = conn.execute(select(Unit.id, Unit.name).where(Unit.kind == "unit").order_by(Unit.id)).all()
        conn.execute(insert(Contact), [dict(unit_id=uid, kind="wecom", mentions=[],
                                            target=f"{robot_url}/cgi-bin/webhook/send?key=scale-robot-{n:04d}")
                                       for n, (uid, _) in enumerate(units)])
        contacts = conn.execute(select(Contact.id, Contact.unit_id).order_by(Contact.id)).all()
        for start in range(0, messages, 10000):
            conn.execute(insert(Message), [
                dict(unit_id=contacts[n % ROBOTS][1], contact_id=contacts[n % ROBOTS][0], channel="wecom",
                     send_at=now, send_date=date.today(), content_hash=uuid.uuid4().hex, subject="督办提醒",
                     body=BODY.format(unit=units[n % ROBOTS][1], n=n), body_text="", mentions=[],
                     status="pending", attempts=0, next_attempt_at=now, created_at=now)
                for n in range(start, min(start + 10000, messages))])


def run(messages: int, workers: int) -> int:
    from tests.support.loopback import LoopbackRobot
    from bot.store import close_stores, open_store
    from bot.store.models import SENT, Message

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"duban_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    try:
        with LoopbackRobot(clock=time.perf_counter) as robot:
            engine = open_store(url)
            started = time.perf_counter()
            seed(engine, robot.url, messages)
            print(f"准备：{messages:,} 条待发消息、{ROBOTS} 个机器人，用时 {time.perf_counter() - started:.1f} 秒", flush=True)

            started, cpu_started = time.perf_counter(), time.process_time()
            procs = [subprocess.Popen([sys.executable, "-m", "bench.scale_bench", "--worker", f"w{i + 1}", "--url", url],
                                      cwd=ROOT, stdout=subprocess.PIPE, text=True) for i in range(workers)]
            reports = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
            elapsed = time.perf_counter() - started
            robot_cpu = time.process_time() - cpu_started
            with engine.connect() as conn:
                sent = conn.scalar(select(func.count()).select_from(Message).where(Message.status == SENT))
            arrivals = [r.at for r in robot.received]
            close_stores()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    rate = sent / elapsed
    sending = (max(arrivals) - min(arrivals)) if arrivals else float("nan")
    print(f"发送：{sent:,} 条（机器人收到 {len(arrivals):,} 条），{workers} 个进程，端到端 {elapsed:.1f} 秒"
          f"（含进程启动），{rate:,.0f} 条/秒；首条到末条 {sending:.1f} 秒，{len(arrivals) / sending:,.0f} 条/秒")
    for report in reports:
        print(f"  {report['worker']}: 发送 {report['sent']:,} 条，内存峰值 {report['peak_mb']:.0f} MB，"
              f"CPU {report['cpu_s']:.1f} 秒（每条 {report['cpu_s'] / max(report['sent'], 1) * 1000:.2f} 毫秒）")
    print(f"  回环机器人（本进程）CPU {robot_cpu:.1f} 秒；本机 {os.cpu_count()} 个 CPU，PostgreSQL 与各进程共用")
    peak = max(r["peak_mb"] for r in reports)
    ok_rate, ok_memory = rate >= TARGET_PER_SECOND, peak < TARGET_PEAK_MB
    print(f"目标：合计 ≥ {TARGET_PER_SECOND:,} 条/秒 —— {'达到' if ok_rate else '未达到'}；"
          f"每进程 < {TARGET_PEAK_MB} MB —— {'达到' if ok_memory else '未达到'}（最高 {peak:.0f} MB）")
    complete = sent == messages == len(arrivals)
    if not complete:
        print(f"错误：应发 {messages:,} 条，实际记录 {sent:,} 条、收到 {len(arrivals):,} 条", file=sys.stderr)
    return 0 if complete and ok_rate and ok_memory else 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Duban scale-out benchmark (PostgreSQL, several workers)")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.url, args.worker)
        return 0
    return run(args.messages, args.workers)


if __name__ == "__main__":
    sys.exit(main())
