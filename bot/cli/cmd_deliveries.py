"""`python -m bot deliveries`: every send attempt, the messages that finally failed, and sending them again."""
from __future__ import annotations

import click

from bot.cli.options import DAY
from bot.output import JSON, dumps, format_option, table

ATTEMPT_COLUMNS = [("at", "时间"), ("message_id", "消息"), ("unit", "单位"), ("contact", "渠道"), ("attempt", "第几次"),
                   ("status", "结果"), ("duration_ms", "用时(毫秒)"), ("worker", "工作进程"), ("error", "错误")]
FAILED_COLUMNS = [("updated", "最后尝试"), ("message_id", "消息"), ("unit", "单位"), ("contact", "渠道"),
                  ("attempts", "尝试次数"), ("reminders", "提醒数"), ("status", "状态"), ("error", "原因")]
STATUS_TEXT = {"sent": "成功", "retry": "待重试", "failed": "失败", "lost": "中断", "cancelled": "已取消"}


@click.group("deliveries", invoke_without_command=True)
@click.option("--failed", is_flag=True, help="只列出最终发送失败（或因联系方式停用而取消）的消息")
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True, help="最多显示多少行（最新的在前）")
@format_option()
@click.pass_context
def deliveries(ctx, failed, limit, fmt):
    """查看发送记录：每次发送尝试的时间、渠道（密钥已隐藏）、结果和错误；resend 重新发送失败的消息。

    \b
    示例:
      python -m bot deliveries
      python -m bot deliveries --failed --format json
      python -m bot deliveries resend --failed --unit 保护处 --since 2024-06-20
    """
    if ctx.invoked_subcommand is not None:
        return
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
        click.echo(f"\n共 {len(rows)} 条。修复联系方式后，用 python -m bot deliveries resend --failed 重新发送；"
                   "失败原因详见 docs/delivery.md。")


@deliveries.command("resend")
@click.option("--failed", "all_failed", is_flag=True, help="重新发送全部发送失败的消息（可用 --unit、--since 缩小范围）")
@click.option("--message", "message_ids", type=click.IntRange(1), multiple=True, metavar="ID",
              help="只重新发送这条消息（编号见 deliveries --failed），可写多次")
@click.option("--unit", "unit_name", metavar="UNIT", help="只重新发送发给这个单位的消息（名称或简称）")
@click.option("--since", type=DAY, help="只重新发送该日及以后生成的消息，例如 2024-06-20")
@format_option()
def resend(all_failed, message_ids, unit_name, since, fmt):
    """把发送失败的消息放回发送队列，由正在运行的服务（或 run --once）再发一次。

    修正联系方式（例如设置了缺少的环境变量）后使用；每条消息只重发一次，已送达的不会再发。
    """
    from datetime import datetime, timezone

    from bot.cli.store_options import actor_name, store_session
    from bot.plan.lookup import find_unit
    from bot.store.models import Message
    from jobs.channels import contact_problem
    from jobs.outbox import resend as requeue

    if not all_failed and not message_ids:
        raise click.UsageError("请指定要重发的消息：--failed（全部失败的消息）或 --message 编号。")
    with store_session() as (session, _settings):
        unit_id = find_unit(session, unit_name).id if unit_name else None
        done = requeue(session, datetime.now(timezone.utc), f"deliveries resend（{actor_name(None)}）",
                       ids=list(message_ids) or None, unit_id=unit_id, since=since)
        warnings = {}
        for mid in done.queued:
            problem = contact_problem(session.get(Message, mid).contact)
            if problem:
                warnings[mid] = problem
    if fmt == JSON:
        click.echo(dumps({"queued": done.queued, "skipped": done.skipped, "warnings": warnings}))
        return
    if not done.queued and not done.skipped:
        click.echo("没有符合条件的发送失败的消息（python -m bot deliveries --failed 可查看）。")
    if done.queued:
        click.echo(f"已放回发送队列 {len(done.queued)} 条消息：" + "、".join(f"#{i}" for i in done.queued)
                   + "。服务下一轮（约 30 秒内）发送；没有运行服务时请执行 python -m bot run --once。")
    for mid, why in done.skipped.items():
        click.echo(f"未重发消息 #{mid}：{why}")
    for mid, problem in warnings.items():
        click.echo(f"注意：消息 #{mid} 的联系方式在当前环境中仍无法使用（{problem}）；"
                   "如果服务运行在另一环境（systemd、docker-compose）并已在那里设置，可忽略。", err=True)
