"""`python -m bot deliveries`: every send attempt, or the messages that finally failed."""
from __future__ import annotations

import click

from bot.output import JSON, dumps, format_option, table

ATTEMPT_COLUMNS = [("at", "时间"), ("message_id", "消息"), ("unit", "单位"), ("contact", "渠道"), ("attempt", "第几次"),
                   ("status", "结果"), ("duration_ms", "用时(毫秒)"), ("worker", "工作进程"), ("error", "错误")]
FAILED_COLUMNS = [("updated", "最后尝试"), ("message_id", "消息"), ("unit", "单位"), ("contact", "渠道"),
                  ("attempts", "尝试次数"), ("reminders", "提醒数"), ("status", "状态"), ("error", "原因")]
STATUS_TEXT = {"sent": "成功", "retry": "待重试", "failed": "失败", "lost": "中断", "cancelled": "已取消"}


@click.command("deliveries")
@click.option("--failed", is_flag=True, help="只列出最终发送失败（或因联系方式停用而取消）的消息")
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True, help="最多显示多少行（最新的在前）")
@format_option()
def deliveries(failed, limit, fmt):
    """查看发送记录：每次发送尝试的时间、渠道（密钥已隐藏）、结果和错误。

    \b
    示例:
      python -m bot deliveries
      python -m bot deliveries --failed --format json
    """
    from bot.cli.store_options import store_session
    from jobs.history import attempt_rows, failed_rows

    with store_session() as (session, settings):
        rows = (failed_rows if failed else attempt_rows)(session, settings.tz, limit)
    if fmt == JSON:
        click.echo(dumps({"failed" if failed else "deliveries": rows}))
        return
    if not rows:
        click.echo("没有发送失败的消息。" if failed else "还没有发送记录（运行 python -m bot run 开始发送）。")
        return
    shown = [{**r, "status": STATUS_TEXT.get(r["status"], r["status"])} for r in rows]
    click.echo(table(shown, FAILED_COLUMNS if failed else ATTEMPT_COLUMNS,
                     limits={"error": 48, "unit": 20, "contact": 34}))
    if failed:
        click.echo(f"\n共 {len(rows)} 条。修复联系方式后，新的提醒会自动发送；失败原因详见 docs/delivery.md。")
