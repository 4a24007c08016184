"""`python -m bot done` / `undo`: a unit finished a milestone (its reminders stop), or not after all."""
from __future__ import annotations

import click

from bot.cli.store_options import actor_name, as_of_option, by_option, resolve_as_of, store_session
from bot.output import JSON, dumps, format_option


def _report(verb: str, result, fmt: str) -> None:
    row = result.milestone
    if fmt == JSON:
        click.echo(dumps({"milestone_id": row.id, "milestone": row.expr, "due": row.due, "task": row.task.title,
                          "units": result.units, "action": verb, "reminders": result.stats.__dict__}))
        return
    click.echo(f"{verb}: M{row.id} {row.expr or '年度任务'}（截止 {row.due}）— 任务 {row.task.no}. {row.task.title}")
    click.echo(f"单位: {'、'.join(result.units)}")
    click.echo(result.stats.summary())


def _context(session, settings, as_of, actor):
    from bot.plan.replan import plan_context

    return plan_context(session, settings, resolve_as_of(as_of, settings), actor_name(actor))


@click.command("done")
@click.argument("milestone")
@click.option("--unit", "unit_name", metavar="UNIT", help="完成的单位（名称或简称）")
@click.option("--all", "all_units", is_flag=True, help="标记全部责任单位都已完成（代替 --unit）")
@click.option("--note", help="备注，例如完成情况或文号")
@by_option()
@as_of_option()
@format_option()
def done(milestone, unit_name, all_units, note, actor, as_of, fmt):
    """标记时间节点已完成（如 M12），停止该单位的提醒；记录操作人、时间和备注。

    \b
    示例:
      python -m bot done M8 --unit 福州市知识产权管理部门 --note "已报送盘点结果"
      python -m bot done M8 --all --note "全部单位已报送"
    """
    from bot.plan.completion import mark_done
    from bot.plan.lookup import find_unit

    if bool(unit_name) == all_units:
        raise click.UsageError("请用 --unit 单位 指定完成的单位，或用 --all 标记全部责任单位（两者选一）。"
                               f"例如: python -m bot done {milestone} --unit 福州市知识产权管理部门")
    with store_session() as (session, settings):
        unit_id = find_unit(session, unit_name).id if unit_name else None
        ctx = _context(session, settings, as_of, actor)
        result = mark_done(session, milestone, unit_id, note, ctx, at=ctx.as_of if as_of else None)  # a replay's day
    _report("已标记完成", result, fmt)


@click.command("undo")
@click.argument("milestone", required=False)
@click.option("--unit", "unit_name", metavar="UNIT", help="只撤销这个单位的完成标记")
@by_option()
@as_of_option()
@format_option()
def undo(milestone, unit_name, actor, as_of, fmt):
    """撤销完成标记，恢复提醒。不写时间节点时，撤销最近一次“完成”。"""
    from bot.plan.completion import undo_done
    from bot.plan.lookup import find_unit

    with store_session() as (session, settings):
        unit_id = find_unit(session, unit_name).id if unit_name else None
        result = undo_done(session, milestone, unit_id, _context(session, settings, as_of, actor))
    _report("已撤销完成标记", result, fmt)
