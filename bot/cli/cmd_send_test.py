"""`python -m bot send-test UNIT`: a test message to every contact of a unit, one result row each."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

import click

from bot.errors import DubanError
from bot.output import JSON, dumps, format_option, table

# (unit, kind, target, options): targets and string options may hold ${ENV} references.
ContactRoute = tuple[str, str, str, dict]

COLUMNS = [("unit", "单位"), ("kind", "渠道"), ("channel", "联系方式"), ("status", "结果"), ("detail", "说明")]


SUCCESS, SKIPPED = "成功", "已跳过"


def _status(ok: bool, permanent: bool, refused: bool = False) -> str:
    if ok:
        return "部分成功（有地址被拒收）" if refused else SUCCESS
    return "失败（需管理员处理）" if permanent else "失败（稍后可重试）"


def send_test_messages(contacts: Iterable[ContactRoute], now: datetime) -> list[dict]:
    """Send the test message through each contact; one row per contact, never raising for one."""
    from bot.notify import channel_from_contact, render_test_message

    rows = []
    for unit, kind, target, options in contacts:
        row = {"unit": unit, "kind": kind}
        try:
            channel = channel_from_contact(kind, target, **options)
        except DubanError as exc:
            rows.append({**row, "channel": "（配置错误）", "ok": False, "permanent": True,
                         "status": _status(False, True), "detail": exc.message})
            continue
        result = channel.send(render_test_message(unit, now))
        rows.append({**row, "channel": channel.describe(), **result.to_json(),
                     "status": _status(result.ok, result.permanent, bool(result.refused))})
    return rows


def _unit_routes(unit_name: str) -> tuple[str, list[ContactRoute], list[dict], datetime]:
    """The unit's enabled contacts from the store, rows for disabled ones, and the office's now."""
    from bot.cli.store_options import store_session
    from bot.plan.lookup import find_unit

    with store_session() as (session, settings):
        unit = find_unit(session, unit_name)
        routes, skipped = [], []
        for contact in unit.contacts:
            if not contact.enabled:
                skipped.append({"unit": unit.name, "kind": contact.kind, "channel": "（已停用）", "ok": False,
                                "status": SKIPPED, "detail": f"已停用：{contact.disabled_reason or '未注明原因'}"})
                continue
            options = {"secret": contact.secret, "mentions": list(contact.mentions or [])}
            routes.append((unit.name, contact.kind, contact.target, {k: v for k, v in options.items() if v}))
        return unit.name, routes, skipped, datetime.now(settings.tz)


@click.command("send-test")
@click.argument("unit")
@format_option()
def send_test(unit: str, fmt: str) -> None:
    """向某单位的每个联系方式发送一条测试消息，逐个报告结果（有失败或拒收时退出码为 1）。

    \b
    示例:
      python -m bot send-test 知识产权保护处
      python -m bot send-test 保护处 --format json
    """
    name, routes, skipped, now = _unit_routes(unit)
    if not routes and not skipped:
        raise DubanError(f"单位「{name}」没有联系方式：请在 config/contacts.yaml 中添加，再应用配置（python -m bot config）。")
    rows = send_test_messages(routes, now) + skipped
    if fmt == JSON:
        click.echo(dumps(rows))
    else:
        click.echo(table(rows, COLUMNS, limits={"detail": 60}))
    if any(r["status"] not in (SUCCESS, SKIPPED) for r in rows):
        raise click.exceptions.Exit(1)
