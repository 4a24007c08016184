"""One `bot run` process's work, as a small object the run loop, the replay and tests drive."""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError

from bot.config.settings import Settings
from bot.store import session_scope
from bot.store.models import WorkerHeartbeat
from bot.store.office_settings import effective_settings
from jobs.clock import Clock, RealClock
from jobs.digest import DigestReport, build_digests
from jobs.dispatch import Dispatcher, DispatchReport
from jobs.notices import queue_admin_notices
from jobs.outbox import reap
from jobs.policy import DeliveryPolicy
from jobs.report_job import ReportRun, send_reports
from jobs.throttle import RobotBudgets

log = logging.getLogger("duban.jobs")


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class TickReport:
    digests: DigestReport = field(default_factory=DigestReport)
    dispatch: DispatchReport = field(default_factory=DispatchReport)
    reports: ReportRun = field(default_factory=ReportRun)


class Worker:
    """Digests, notices, dispatch and heartbeat for one process (see jobs/__init__.py for the API).

    `throttle` False switches the shared robot budgets off (benchmarks); `wait_for_slots`
    True makes a send wait for its robot's next slot instead of requeueing (replay).
    `settings` is what the process started with; `self.settings` is that with the console's
    stored settings, read again at every job (bot.store.office_settings).
    """

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None, worker_id: str | None = None,
                 *, policy: DeliveryPolicy | None = None, wall: Clock | None = None, throttle: bool = True,
                 wait_for_slots: bool = False, stop: threading.Event | None = None):
        self.engine, self.base_settings, self.settings = engine, settings, settings
        self._sqlite_normal_sync(engine)
        self.clock = clock or RealClock()
        self.wall = wall or RealClock()
        self.worker_id = worker_id or default_worker_id()
        self.policy = policy or DeliveryPolicy.from_env()
        self.stop = stop or threading.Event()
        self.budgets = (RobotBudgets(engine, self.policy.robot_per_minute, self.policy.robot_window_seconds)
                        if throttle else None)
        self.dispatcher = Dispatcher(engine, self.clock, self.wall, self.worker_id, self.policy, self.budgets,
                                     self.stop, wait_for_slots)
        # The scheduler runs jobs on a thread pool: one digest build, one send loop and one report run at a time here.
        self._digesting = threading.Lock()
        self._dispatching = threading.Lock()
        self._reporting = threading.Lock()

    @staticmethod
    def _sqlite_normal_sync(engine: Engine) -> None:
        """WAL with synchronous=NORMAL: a commit survives the process being killed (kill -9), only a power
        cut may lose the last ones, which at-least-once delivery absorbs (a lost 'sent' is sent again).
        It spares an fsync per message, a tenth of the time a send costs."""
        if engine.dialect.name != "sqlite" or getattr(engine, "_duban_normal_sync", False):
            return
        event.listen(engine, "connect", lambda conn, _record: conn.execute("PRAGMA synchronous=NORMAL"))
        engine._duban_normal_sync = True
        engine.dispose()  # pooled connections reconnect with the setting

    def prepare(self) -> list[int]:
        """At start: take back leases that cannot belong to a live sender; returns their message ids.

        On SQLite this process holds the run lock, so every `sending` lease is stale; on
        PostgreSQL only those held under this worker's own id (a restarted worker).
        """
        alone = self.engine.dialect.name == "sqlite"
        with session_scope(self.engine) as s:
            self._refresh(s)
            ids = reap(s, None, self.worker_id, owner=None if alone else self.worker_id)
        if ids:
            log.warning("启动时收回 %d 条上次中断时正在发送的消息，将重新发送（收件人可能已收到其中一条）", len(ids))
        return ids

    def _refresh(self, session) -> Settings:
        self.settings = effective_settings(session, self.base_settings)
        return self.settings

    def refresh_settings(self) -> Settings:
        """The settings in force now: a change made in the console counts from the next job on."""
        with session_scope(self.engine) as s:
            return self._refresh(s)

    def build_digests(self) -> DigestReport:
        with self._digesting:
            return self._build_digests()

    def _build_digests(self) -> DigestReport:
        now = self.clock.now()
        with session_scope(self.engine) as s:
            self._refresh(s)
            report = build_digests(s, self.settings, now, actor=self.worker_id)
            notices = queue_admin_notices(s, self.settings, now)
        if report.messages or report.expired or report.merged or report.reused:
            log.info("提醒汇总（%s）：%s", now.astimezone(self.settings.tz).strftime("%Y-%m-%d %H:%M"),
                     report.summary())
        if notices:
            log.info("已将 %d 条系统通知排入发给管理员的队列", notices)
        return report

    def dispatch(self) -> DispatchReport:
        """Send everything due; reminders given back by a failed contact are rerouted in the same run.

        If this process is already sending (another job's run), returns at once: that run
        keeps claiming until nothing is due.
        """
        if not self._dispatching.acquire(blocking=False):
            return DispatchReport()
        try:
            return self._dispatch()
        finally:
            self._dispatching.release()

    def _dispatch(self) -> DispatchReport:
        with session_scope(self.engine) as s:
            queue_admin_notices(s, self._refresh(s), self.clock.now())
        report = self.dispatcher.run()
        while report.rerouted and not self.stop.is_set():
            self.build_digests()
            again = self.dispatcher.run()
            report.rerouted = 0
            report.add(again)
        return report

    def send_reports(self) -> ReportRun:
        """The scheduled 督办通报 of the period whose send time has come, queued once per recipient (jobs.report_job).

        A unique-key conflict means another worker queued the same period meanwhile (SQLite has
        no advisory lock): this run's transaction is dropped whole, theirs stands.
        """
        now = self.clock.now()
        try:
            with self._reporting, session_scope(self.engine) as s:
                run = send_reports(s, self._refresh(s), now, actor=self.worker_id)
        except IntegrityError:
            log.info("定时通报已由其他工作进程排入发送，本轮跳过")
            return ReportRun()
        if run.queued or run.expired:
            log.info("定时通报：排入发送 %d 条，超过补发时限未发 %d 个收件人", run.queued, run.expired)
        return run

    def tick(self) -> TickReport:
        """One full round: what `run --once` does, and each step of a replay."""
        digests = self.build_digests()
        reports = self.send_reports()
        return TickReport(digests, self.dispatch(), reports)

    def heartbeat(self) -> None:
        now = self.wall.now()
        with session_scope(self.engine) as s:
            row = s.get(WorkerHeartbeat, self.worker_id)
            if row is None:
                s.add(WorkerHeartbeat(worker_id=self.worker_id, started_at=now, last_beat=now))
            else:
                row.last_beat = now

    def run_forever(self) -> None:
        """The live loop in the foreground until `stop` is set (SIGTERM/SIGINT): jobs.runner."""
        from jobs.runner import run_live

        run_live(self)
