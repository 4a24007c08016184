"""`python -m bot report`: the 督办通报 — numbered per year, as Word, Excel, Markdown or JSON."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from bot.cli.store_options import actor_name, as_of_option, by_option, resolve_as_of, store_session
from bot.errors import DubanError
from bot.output import output_option, write_output
from bot.report.model import PERIODS
from bot.report.render import FORMATS  # the renderers themselves load only when used


@click.command("report")
@as_of_option("统计截至该日（或时刻），如 2024-07-05；默认现在")
@click.option("--period", type=click.Choice(PERIODS), default="month", show_default=True,
              help="通报周期：周、月、季度、年度（取包含统计日的那一期）")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="输出格式；不写时按 -o 的扩展名，否则为 md")
@output_option("写入该文件；docx、xlsx 必须指定，md、json 不写或写 - 时输出到屏幕")
@click.option("--number", type=click.IntRange(1, 9999), metavar="N", help="指定期号（默认取本年度下一期）")
@click.option("--no-number", is_flag=True, help="只预览，不编号、不记录（草稿）")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="Word 模板（默认配置目录下的 report-template.docx，没有时用内置版式）")
@by_option()
def report(as_of, period, fmt, output, number, no_number, template, actor):
    """生成督办通报：总体情况、各单位情况、滞后单位和事项明细附件。

    每次生成（--no-number 除外）取本年度下一期期号并记入数据库；文件写入成功才算取号。

    \b
    示例:
      python -m bot report --as-of 2024-07-05 -o 督办通报.docx
      python -m bot report --period quarter --format xlsx -o 二季度.xlsx
      python -m bot report --no-number --format md
    """
    fmt = fmt or _format_of(output)
    to_screen = output in (None, "-")
    if to_screen and fmt in ("docx", "xlsx"):
        raise click.UsageError(f"{fmt} 是二进制文件，不能输出到屏幕，请用 -o 指定文件，例如 -o 督办通报.{fmt}。")
    if number is not None and no_number:
        raise click.UsageError("--number 与 --no-number 不能同时使用：预览不编号。")
    from bot.report.build import build_report
    from bot.report.numbers import take_number
    from bot.report.render import render
    from bot.report.wording import issue_label

    with store_session() as (session, settings):
        when = resolve_as_of(as_of, settings)
        draft = build_report(session, settings, when, period)
        if not draft.items:
            raise DubanError("数据库中还没有督办事项，无法生成通报。请先导入任务清单: python -m bot import 文件路径",
                             exit_code=1)
        issue = None
        if not no_number:
            issue, _ = take_number(session, draft.year, draft.period, when, actor_name(actor), formats=fmt,
                                   number=number)
        shown = replace(draft, number=issue.number) if issue else draft
        data = render(shown, fmt, template)
        if not to_screen:
            write_output(output, data)  # inside the transaction: a file that cannot be written takes no number
    if to_screen:
        click.echo(data.decode("utf-8"), nl=False)
    where = "" if to_screen else f"已写入 {output}："
    click.echo(f"{where}{shown.title} {issue_label(shown)}，{shown.period.label}，截至 {shown.as_of}，"
               f"{len(shown.units)} 个单位、{shown.summary.total} 项事项。", err=to_screen)


def _format_of(output: str | None) -> str:
    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    return suffix if suffix in FORMATS else "md"
