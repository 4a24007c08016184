"""`python -m bot send-test UNIT`: a test message to every contact of a unit, one result row each.

A robot's test message counts against the same per-robot budget as the service's sends
(the robot_budgets table): a test during a busy minute must not push the robot over 20.
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Iterable

import click

from bot.cli.options import unit_argument
from bot.errors import DubanError
from bot.output import records_format_option, render_records

# (unit, kind, target, options): targets and string options may hold ${ENV} references.
ContactRoute = tuple[str, str, str, dict]

COLUMNS = [("unit", "单位"), ("kind", "渠道"), ("channel", "联系方式"), ("status", "结果"), ("detail", "说明")]
SUCCESS, SKIPPED = "成功", "已跳过"


def _status(ok: bool, permanent: bool, refused: bool = False) -> str:
    if ok:
        return "部分成功（有地址被拒收）" if refused else SUCCESS
    return "失败（需管理员处理）" if permanent else "失败（稍后可重试）"


def send_test_messages(contacts: Iterable[ContactRoute], now: datetime, budgets, policy) -> list[dict]:
    """Send the test message through each contact; one row per contact, never raising for one.

    `budgets` is the store's RobotBudgets (None: no throttling, for tests of the rows alone);
    `policy` gives the request deadline and how long a robot's first slot may be waited for.
    """
    from bot.notify import NoLimit, channel_from_contact, render_test_message
    from bot.notify.registry import send_options
    from jobs.throttle import SendGate, Throttled

    rows = []
    for unit, kind, target, options in contacts:
        row = {"unit": unit, "kind": kind}
        gate = (SendGate(budgets, policy.max_throttle_wait_seconds, policy.send_timeout_seconds, threading.Event())
                if budgets else None)
        runtime = send_options(kind, limiter=gate or NoLimit(), timeout=policy.send_timeout_seconds,
                               **({"sleep": gate.sleep} if gate else {}))
        try:
            channel = channel_from_contact(kind, target, **runtime, **options)
        except DubanError as exc:
            rows.append({**row, "channel": "（配置错误）", "ok": False, "permanent": True,
                         "status": _status(False, True), "detail": exc.message})
            continue
        try:
            result = channel.send(render_test_message(unit, now))
        except Throttled as exc:
            rows.append({**row, "channel": channel.describe(), "ok": False, "permanent": False,
                         "retry_after": round(exc.wait), "status": _status(False, False),
                         "detail": f"该机器人本分钟的发送额度（与发送服务共用）已用完，请约 {exc.wait:.0f} 秒后再试"})
            continue
        finally:
            if gate:
                gate.close()
        rows.append({**row, "channel": channel.describe(), **result.to_json(),
                     "status": _status(result.ok, result.permanent, bool(result.refused))})
    return rows


def _unit_routes(session, unit_name: str) -> tuple[str, list[ContactRoute], list[dict]]:
    """The unit's enabled contacts from the store, and rows for the disabled ones."""
    from bot.plan.lookup import find_unit

    unit = find_unit(session, unit_name)
    routes, skipped = [], []
    for contact in unit.contacts:
        if not contact.enabled:
            skipped.append({"unit": unit.name, "kind": contact.kind, "channel": "（已停用）", "ok": False,
                            "status": SKIPPED, "detail": f"已停用：{contact.disabled_reason or '未注明原因'}"})
            continue
        options = {"secret": contact.secret, "mentions": list(contact.mentions or [])}
        routes.append((unit.name, contact.kind, contact.target, {k: v for k, v in options.items() if v}))
    return unit.name, routes, skipped


@click.command("send-test")
@unit_argument("unit")
@records_format_option()
def send_test(unit: str, fmt: str) -> None:
    """向某单位的每个联系方式发送一条测试消息，逐个报告结果（有失败或拒收时退出码为 1）。

    机器人的测试消息与发送服务共用每个机器人每分钟的发送额度。

    \b
    示例:
      python -m bot send-test 知识产权保护处
      python -m bot send-test 保护处 --format json
    """
    from bot.cli.store_options import store_session
    from jobs.policy import DeliveryPolicy
    from jobs.throttle import RobotBudgets

    policy = DeliveryPolicy.from_env()
    with store_session() as (session, settings):
        name, routes, skipped = _unit_routes(session, unit)
        engine, now = session.get_bind(), datetime.now(settings.tz)
    if not routes and not skipped:
        raise DubanError(f"单位「{name}」没有联系方式：请用 python -m bot contacts set 添加，"
                         "或写入配置目录的 contacts.yaml 后运行 python -m bot config apply。")
    budgets = RobotBudgets(engine, policy.robot_per_minute, policy.robot_window_seconds)
    rows = send_test_messages(routes, now, budgets, policy) + skipped
    click.echo(render_records(fmt, rows, COLUMNS, key="results", limits={"detail": 60}))
    if any(r["status"] not in (SUCCESS, SKIPPED) for r in rows):
        raise click.exceptions.Exit(1)
