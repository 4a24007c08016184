"""The database goes away mid-work and comes back: workers log, wait, resume; nothing lost, no crash loop."""
from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import make_url

from tests.support.loopback import Reply
from tests.faults.fleet import Tally, delivered_items, seed_due, sent_count, wait_for, worker_env
from tests.faults.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
REMINDERS = 900
OUTAGE_SECONDS = 8
SETTLE_SECONDS = 0.5
LEASE_SECONDS = 15
NAMES = ("w1", "w2", "w3")


def test_workers_ride_out_a_database_outage_and_resume_without_losing_anything(engine, pg_url, robot, config_dir,
                                                                              workers, figures):
    expected = seed_due(engine, robot, REMINDERS)
    robot.responder = lambda r: Reply(delay=0.01)
    url = make_url(pg_url)
    proxy = TcpProxy((url.host, url.port or 5432))
    proxy.up()
    workers.env = worker_env(url.set(port=proxy.port).render_as_string(hide_password=False), config_dir,
                             DUBAN_LEASE_SECONDS=str(LEASE_SECONDS))
    try:
        for name in NAMES:
            workers.start(name)
        wait_for(lambda: sent_count(engine) >= 150, timeout=120, what="sending under way")

        proxy.down()
        time.sleep(SETTLE_SECONDS)  # a statement PostgreSQL already received still commits: not "during"
        before = sent_count(engine)
        time.sleep(OUTAGE_SECONDS - SETTLE_SECONDS)
        during = sent_count(engine) - before
        alive_during = workers.alive()
        proxy.up()
        recovered = wait_for(lambda: sent_count(engine) >= REMINDERS, timeout=180, what="all messages sent")
        time.sleep(1.0)
        alive_after = workers.alive()
        codes = workers.stop()
    finally:
        proxy.down()

    tally = Tally.of(expected, delivered_items(robot.received))
    logs = {name: workers.log(name) for name in NAMES}
    outage_lines = {name: sum("数据库" in line and "不可用" in line for line in log.splitlines())
                    for name, log in logs.items()}
    figures(f"[数据库中断] {tally.line()}；中断 {OUTAGE_SECONDS} 秒（中断前已发 {before} 条，中断期间记为已发 {during} 条）；"
          f"恢复连接后 {recovered:.1f} 秒全部发完（租约 {LEASE_SECONDS} 秒）；各进程“数据库不可用”日志行数 {outage_lines}")
    assert tally.lost == 0 and tally.received == REMINDERS
    assert tally.duplicates <= len(NAMES)  # at most the message each worker had in flight when the connection died
    assert during == 0, "the proxy did not cut the workers off"
    assert alive_during == list(NAMES) and alive_after == list(NAMES), "a worker died instead of waiting"
    assert codes == dict.fromkeys(NAMES, 0)
    assert all(0 < n <= 20 for n in outage_lines.values()), outage_lines  # logged, but no flood or crash loop
    assert all("数据库已恢复" in log for log in logs.values())
    tracebacks = {name: log[log.index("Traceback") - 300:][:3000] for name, log in logs.items() if "Traceback" in log}
    assert not tracebacks, tracebacks
