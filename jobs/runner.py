"""The live loop: APScheduler 3.x runs three jobs over the outbox, in the foreground.

Why APScheduler holds no reminders: its job stores are unsafe to share between processes,
pickle jobs and delete the ones they cannot restore, and drop a one-shot job before it
runs. So the scheduler keeps three fixed jobs in memory (MemoryJobStore, nothing
persisted) and the database keeps the state:
- dispatch, every DUBAN_DISPATCH_SECONDS (30 s): admin notices, reap, claim and send;
- digest, at each day's send time in the office timezone: due reminders → the outbox;
- heartbeat, every 30 s: worker_heartbeats, for `bot health`;
- report, every 60 s: the scheduled 督办通报 once its send time has come (jobs.report_job;
  the report_sends rows, not this job, make it once per period);
- settings, every 30 s: the send time in force (a console edit is stored in the database,
  bot.store.office_settings); when it changed, the digest job moves to the new time and a
  digest runs at once for what the replan made due already.
A catch-up round (digest + dispatch) runs once at start: after downtime, what is still
relevant goes out once.

A job that finds the database gone logs once, returns, and the next run tries again: the
loop never dies of an outage and logs when the database is back.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.resilience import is_outage, short, until_stored

log = logging.getLogger("duban.jobs")
HEARTBEAT_SECONDS = 30
REPORT_SECONDS = 60

# Set explicitly, because APScheduler's defaults do not fit (misfire_grace_time is 1 s):
JOB_OPTIONS = dict(
    max_instances=1,  # one run of a job at a time in this process; a long dispatch delays, never doubles
    coalesce=True,  # runs missed while busy or suspended collapse into one
    misfire_grace_time=None,  # run however late: a late digest or dispatch is still wanted
)


class _BusySkips(logging.Filter):
    """Drop APScheduler's warning that a job is still running: with max_instances=1 a dispatch
    run longer than the interval is expected (a long queue), and would otherwise warn every tick."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_BusySkips())


class Guard:
    """Runs a job, turning a database outage into one warning now and one 'back' line later."""

    def __init__(self, stop: threading.Event, wall):
        self.stop, self.wall = stop, wall
        self.down_since: datetime | None = None
        self._lock = threading.Lock()

    def __call__(self, name: str, job) -> None:
        if self.stop.is_set():
            return
        try:
            job()
        except Exception as exc:
            if not is_outage(exc):
                log.exception("任务“%s”出错，将在下次运行时重试", name)
                return
            with self._lock:
                first = self.down_since is None
                self.down_since = self.down_since or self.wall.now()
            if first:
                log.warning("数据库不可用（%s）：暂停发送，等待数据库恢复后自动继续", short(exc))
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning("数据库已恢复（中断约 %.0f 秒），继续工作", (self.wall.now() - since).total_seconds())


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT (Ctrl+C) ask for a clean stop: the send in flight finishes first."""

    def handler(signum, _frame) -> None:
        if not stop.is_set():
            log.warning("收到停止信号（%s），发送完当前消息后退出", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


class DigestTime:
    """Keeps the digest job at the send time in force: the database is the truth, APScheduler only ticks."""

    def __init__(self, scheduler, worker, guard: Guard):
        self.scheduler, self.worker, self.guard = scheduler, worker, guard
        self.send = worker.settings.send_time
        scheduler.add_job(guard, self._trigger(), args=["生成提醒汇总", worker.build_digests], id="digest")

    def _trigger(self) -> CronTrigger:
        return CronTrigger(hour=self.send.hour, minute=self.send.minute, timezone=self.worker.settings.tz)

    def follow(self) -> bool:
        """Move the digest job when the send time changed; True when it did."""
        send = self.worker.refresh_settings().send_time
        if send == self.send:
            return False
        log.warning("每日发送时间已由 %s 改为 %s：此后每天 %s 生成提醒汇总", self.send.strftime("%H:%M"),
                    send.strftime("%H:%M"), send.strftime("%H:%M"))
        self.send = send
        self.scheduler.reschedule_job("digest", trigger=self._trigger())
        self.guard("生成提醒汇总", self.worker.build_digests)  # what the replan already made due goes now
        return True


def schedule(scheduler, worker, guard: Guard) -> DigestTime:
    """The run loop's jobs on `scheduler` (started by the caller)."""
    tz = worker.settings.tz
    scheduler.add_job(guard, "date", args=["启动补发", worker.tick], id="catch-up")
    scheduler.add_job(guard, IntervalTrigger(seconds=worker.policy.dispatch_seconds, timezone=tz),
                      args=["发送", worker.dispatch], id="dispatch")
    digest = DigestTime(scheduler, worker, guard)
    scheduler.add_job(guard, IntervalTrigger(seconds=HEARTBEAT_SECONDS, timezone=tz),
                      args=["心跳", worker.heartbeat], id="heartbeat", next_run_time=worker.wall.now())
    scheduler.add_job(guard, IntervalTrigger(seconds=HEARTBEAT_SECONDS, timezone=tz),
                      args=["读取设置", digest.follow], id="settings")
    scheduler.add_job(guard, IntervalTrigger(seconds=REPORT_SECONDS, timezone=tz),
                      args=["定时通报", worker.send_reports], id="report")
    return digest


def run_live(worker) -> None:
    stop = worker.stop
    guard = Guard(stop, worker.wall)
    stored, _ = until_stored(worker.prepare, stop, "启动准备")
    if not stored:
        return
    settings = worker.settings  # prepare() read the settings in force
    scheduler = BackgroundScheduler(timezone=settings.tz, job_defaults=JOB_OPTIONS)
    send = settings.send_time
    schedule(scheduler, worker, guard)
    scheduler.start()
    log.info("督办提醒服务已启动：工作进程 %s，时区 %s，每天 %s 生成提醒汇总，每 %g 秒发送一次。按 Ctrl+C 停止。",
             worker.worker_id, settings.timezone, send.strftime("%H:%M"), worker.policy.dispatch_seconds)
    while not stop.wait(1.0):
        pass
    scheduler.shutdown(wait=True)  # waits for the job in flight, which returns after its current send
    log.info("督办提醒服务已停止（工作进程 %s）", worker.worker_id)
