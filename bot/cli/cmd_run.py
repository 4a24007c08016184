"""`python -m bot run`: the reminder service, or a replay of the calendar on a simulated clock."""
from __future__ import annotations

import threading
from dataclasses import asdict
from datetime import datetime, time

import click

from bot.cli.options import DAY, BoundedText
from bot.cli.store_options import parse_day
from bot.errors import FAILURE, DubanError
from bot.output import JSON, dumps, format_option

ONCE_PATIENCE_SECONDS = 60  # `run --once` (cron) gives up on a database that stays down this long


@click.command("run")
@click.option("--as-of", "as_of", type=DAY, help="回放的起始日期（与 --until 一起使用），例如 2024-06-20")
@click.option("--until", type=DAY, help="回放的结束日期（含当天），例如 2024-07-05")
@click.option("--worker-id", type=BoundedText(200), metavar="ID", help="工作进程名称（日志和发送记录中显示；默认 主机名-进程号）")
@click.option("--once", is_flag=True, help="只运行一轮（生成到期提醒并发送）后退出，适合 cron 或排查")
@format_option()
def run(as_of, until, worker_id, once, fmt):
    """启动提醒服务：每 30 秒发送到期消息，每天发送时间生成提醒汇总；Ctrl+C 或 SIGTERM 在发完当前消息后停止。

    \b
    带 --as-of/--until 时按模拟时钟回放这段日历（真实发送），然后退出：
      python -m bot run --as-of 2024-06-20 --until 2024-07-05
    SQLite 数据库同一时间只允许一个 run 进程；PostgreSQL 可以同时运行多个。
    --once 和回放结束时打印本次的统计；--format json 供程序读取（日志仍写到标准错误）。
    """
    from bot.config.settings import load_settings
    from bot.store import database_url
    from jobs.clock import SimulatedClock
    from jobs.replay import replay
    from jobs.resilience import wait_for_store
    from jobs.runlock import single_runner
    from jobs.runner import stop_on_signals
    from jobs.worker import Worker

    if bool(as_of) != bool(until):
        raise DubanError("回放需要同时给出 --as-of 和 --until，例如 --as-of 2024-06-20 --until 2024-07-05。")
    first, last = parse_day(as_of, "--as-of"), parse_day(until, "--until")
    if first and last < first:
        raise DubanError(f"--until {last} 早于 --as-of {first}，请交换两个日期。")
    if once and first:
        raise DubanError("--once 不能与 --as-of/--until 同时使用：回放本身就会在结束日期后退出。")
    settings = load_settings()
    url = database_url(settings.database_url)
    stop = threading.Event()
    with single_runner(url):
        stop_on_signals(stop)
        clock = SimulatedClock(datetime.combine(first, time(0), settings.tz)) if first else None
        engine = wait_for_store(url, stop, create=False, give_up_after=ONCE_PATIENCE_SECONDS if once else None)
        worker = Worker(engine, settings, clock, worker_id, stop=stop, wait_for_slots=bool(first))
        if first:
            report = replay(worker, worker.clock, first, last)
            click.echo(dumps({"first": first, "last": last, "rounds": report.rounds, "digests": asdict(report.digests),
                              "dispatch": asdict(report.dispatch), "waiting": report.waiting})
                       if fmt == JSON else "\n".join(report.lines(settings.tz)))
            if stop.is_set():
                raise DubanError("回放被停止信号中断，未回放到结束日期；再次运行同一命令会从中断处继续（已发送的不会重发）。",
                                 exit_code=FAILURE)
        elif once:
            worker.prepare()
            result = worker.tick()
            click.echo(dumps({"digests": asdict(result.digests), "dispatch": asdict(result.dispatch)}) if fmt == JSON
                       else f"本轮：{result.digests.summary()}；发送成功 {result.dispatch.sent} 条，"
                            f"待重试 {result.dispatch.retry} 条，失败 {result.dispatch.failed} 条。")
        else:
            worker.run_forever()

