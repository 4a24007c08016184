"""`python -m bot export-ics --unit U`: the unit's milestones as an iCalendar file with alarms."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from bot.cli.store_options import store_session
from bot.errors import DubanError
from bot.output import output_option, write_output


@click.command("export-ics")
@click.option("--unit", "unit_name", required=True, metavar="UNIT", help="单位名称或简称")
@output_option("写入该 .ics 文件（默认输出到屏幕）")
def export_ics(unit_name, output):
    """导出某单位未完成的时间节点为 .ics 日历文件（提醒闹钟 = 该单位的提前量），可导入手机或 Outlook 日历。"""
    from bot.answers.dues import unit_dues
    from bot.plan.ics import unit_calendar
    from bot.plan.lookup import find_unit, live_milestones
    from bot.plan.replan import load_lead_times

    with store_session() as (session, settings):
        unit = find_unit(session, unit_name)
        leads = load_lead_times(session, settings)
        milestones = [m for m in live_milestones(session)
                      if any(mu.unit_id == unit.id and mu.removed_at is None and mu.done_at is None for mu in m.units)]
        if not milestones:
            raise DubanError(f"单位「{unit.name}」没有未完成的时间节点，无需导出。")
        data = unit_calendar(unit.name, milestones, {m.id: leads.for_(unit.name, m.kind) for m in milestones},
                             settings, datetime.now(timezone.utc), unit_dues(session, unit.id, [m.id for m in milestones]))
    if output:
        write_output(output, data)
        click.echo(f"已写入 {output}：{unit.name} 的 {len(milestones)} 个时间节点。")
    else:
        click.echo(data.decode("utf-8"), nl=False)
