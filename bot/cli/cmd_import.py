"""`python -m bot import PATH`: store a task list and bring its reminder plan up to date."""
from __future__ import annotations

import click

from bot.cli.store_options import actor_name, as_of_option, by_option, parse_day, resolve_as_of, store_session
from bot.output import JSON, dumps, format_option


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--year", type=int, help="任务清单的工作年度（文件中找不到年份时使用）")
@click.option("--doc-date", metavar="DATE", help="印发日期，例如 2024-05-22")
@as_of_option("按此日期导入（补发、过期按该日判断），例如 2024-05-22；默认现在")
@by_option()
@format_option()
def import_(path, year, doc_date, as_of, actor, fmt):
    """导入任务清单：同一文件重复导入不做任何修改；修订版文件会更新提醒计划并列出变化。

    \b
    示例:
      python -m bot import data/fujian-ipa-2024-task-list.md
      python -m bot import 修订版.docx --as-of 2024-07-01
    """
    from bot.pipeline import extract_document
    from bot.plan.imports import import_extraction

    extraction = extract_document(path, year=year, doc_date=parse_day(doc_date, "--doc-date"))
    with store_session() as (session, settings):
        report = import_extraction(session, extraction, settings=settings,
                                   as_of=resolve_as_of(as_of, settings), actor=actor_name(actor))
    if fmt == JSON:
        click.echo(dumps(report.to_json()))
        return
    click.echo("\n".join(report.lines()))
    if extraction.warnings:
        click.echo(f"另有 {len(extraction.warnings)} 条需要人工核对的提示，请运行 python -m bot extract {path} 查看。")
    for notice in report.notices:
        click.echo(f"注意: {notice}", err=True)
