"""`python -m bot plan`: what will be sent, when, to whom, through which channel, and why."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from bot.cli.options import DAY
from bot.cli.store_options import as_of_option, parse_day, resolve_as_of, store_session
from bot.output import CSV, JSON, csv_text, dumps, output_option, records_format_option, table, write_output

COLUMNS = [("when", "发送时间"), ("unit", "单位"), ("channel", "渠道"), ("milestone_ref", "时间节点"),
           ("task", "任务"), ("due", "截止"), ("lead", "提前量"), ("flags", "说明")]


def _table_row(row: dict) -> dict:
    flags = [f for f, on in (("未核验", row["unverified"]), ("抄送管理员", row["copy_admin"])) if on]
    return {
        **row,
        "when": f"{row['send_on']} {row['weekday']} {row['send_at'][11:16]}",
        "milestone_ref": f"M{row['milestone_id']} {row['milestone']}",
        "task": f"{row['task_no']}. {row['task']}" if row["task_no"] is not None else row["task"],
        "flags": "；".join(flags + ([row["note"]] if row["note"] else [])),
    }


def _document(fmt: str, rows: list[dict], marks: list[dict]) -> str:
    """The plan as a JSON, CSV or iCalendar document, the same on screen and in an -o file."""
    from bot.plan.ics import plan_calendar

    if fmt == JSON:
        return dumps({"reminders": rows, "done": marks}) + "\n"
    if fmt == CSV:
        return csv_text([_table_row(r) for r in rows], COLUMNS)
    return plan_calendar(rows, datetime.now(timezone.utc)).decode("utf-8")


@click.command("plan")
@as_of_option("如同今天是该日，重新计算计划（例如 2024-05-22）；默认显示数据库中的现行计划")
@click.option("--until", type=DAY, help="只显示该日及以前发送的提醒")
@click.option("--unit", "unit_name", metavar="UNIT", help="只显示某单位（名称或简称）")
@records_format_option("ics")
@output_option("写入该文件（--format ics、csv 或 json 时；默认输出到屏幕）")
def plan(as_of, until, unit_name, fmt, output):
    """查看提醒计划：何时、发给哪个单位、走什么渠道，以及原因（时间节点、提前量）。

    \b
    示例:
      python -m bot plan --as-of 2024-05-22 --until 2024-12-31
      python -m bot plan --unit 保护处 --format json
      python -m bot plan --format ics -o 提醒计划.ics
    """
    if output and fmt not in (JSON, CSV, "ics"):
        raise click.UsageError("-o 只用于 --format ics、csv 或 json（表格请直接查看或重定向）。")
    from bot.plan.lookup import find_unit
    from bot.plan.views import PlanFilter, done_marks, mark_text, plan_rows

    with store_session() as (session, settings):
        unit = find_unit(session, unit_name).name if unit_name else None
        flt = PlanFilter(resolve_as_of(as_of, settings) if as_of else None, parse_day(until, "--until"), unit)
        rows = plan_rows(session, settings, flt)
        marks = done_marks(session, settings, unit)
    if output:
        write_output(output, _document(fmt, rows, marks))
        click.echo(f"已写入 {output}：{len(rows)} 条提醒。")
    elif fmt in (JSON, CSV, "ics"):
        click.echo(_document(fmt, rows, marks), nl=False)
    elif not rows:
        click.echo("没有待发送的提醒。" + ("" if as_of else "（可用 --as-of 日期 回放某一天起的计划）"))
    else:
        click.echo(table([_table_row(r) for r in rows], COLUMNS, limits={"task": 24, "milestone_ref": 16, "flags": 30, "channel": 16}))
        units = len({r["unit"] for r in rows})
        click.echo(f"\n共 {len(rows)} 条提醒，涉及 {units} 个单位。")
    if marks and fmt not in (JSON, CSV, "ics"):
        click.echo(f"\n已标记完成（{len(marks)} 项，不再提醒）：")
        click.echo("\n".join(f"  {mark_text(m)} — {m['unit']}：{m['task_no']}. {m['task']}" for m in marks))
