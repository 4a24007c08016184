"""`python -m bot status`: per unit, done / due soon (黄) / overdue (红) — the admin's one screen."""
from __future__ import annotations

import click

from bot.cli.store_options import as_of_option, resolve_as_of, store_session
from bot.output import CSV, JSON, csv_text, dumps, records_format_option, table

COLUMNS = [("light", "状态"), ("unit", "单位"), ("total", "节点"), ("done", "已完成"), ("due_soon", "临期(黄)"),
           ("overdue", "逾期(红)"), ("later", "未到期"), ("next_due", "最近截止"), ("contact", "联系方式"), ("items", "逾期节点"),
           ("marks", "完成记录（操作人、日期、备注）")]


@click.command("status")
@as_of_option("按该日统计（例如 2024-07-01）；默认今天")
@click.option("--unit", metavar="UNIT", help="只看该单位（标准名称或简称）")
@records_format_option()
def status(as_of, unit, fmt):
    """各单位完成情况总览：已完成、临期（黄）、逾期（红）。"""
    from bot.answers.report import item_rows
    from bot.plan.notices import calendar_notice
    from bot.plan.replan import load_calendar
    from bot.plan.views import light, mark_text, status_rows

    with store_session() as (session, settings):
        when = resolve_as_of(as_of, settings)
        rows = status_rows(session, settings, when)
        items = item_rows(session, settings, when) if fmt == JSON else []  # each unit × milestone's answer state
        if unit:
            from bot.plan.lookup import find_unit

            name = find_unit(session, unit).name
            rows = [r for r in rows if r["unit"] == name]
            items = [i for i in items if i.get("unit") == name]
        notice = calendar_notice(session, load_calendar(session, settings), when.astimezone(settings.tz).date())
    today = when.astimezone(settings.tz).date()
    if fmt == JSON:
        click.echo(dumps({"as_of": today, "due_soon_days": settings.due_soon_days,
                          "units": [{**r, "light": light(r)} for r in rows], "items": items}))
    elif not rows:
        click.echo("数据库中还没有任务。请先导入: python -m bot import 文件路径")
    else:
        shown = [{**r, "light": light(r), "contact": r["channel"] or "无→管理员",
                  "items": "、".join(r["overdue_items"]), "marks": "；".join(mark_text(m) for m in r["done_items"]),
                  "unit": r["unit"] + ("（含未核验日期）" if r["unverified"] else "")} for r in rows]
        if fmt == CSV:
            click.echo(csv_text(shown, COLUMNS), nl=False)
            return
        click.echo(f"截至 {today}（临期 = {settings.due_soon_days} 天内到期）")
        click.echo(table(shown, COLUMNS, limits={"items": 30, "unit": 30, "marks": 40}))
        red = sum(1 for r in rows if r["overdue"])
        click.echo(f"\n{len(rows)} 个单位，其中 {red} 个有逾期事项。完成后请运行: python -m bot done M编号 --unit 单位")
    if notice:
        click.echo(f"注意: {notice}", err=True)
