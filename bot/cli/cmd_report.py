"""`python -m bot report`: the 督办通报 — numbered per year, as Word, Excel, Markdown or JSON.

A numbered report keeps the file it wrote in report_files (bot.report.files): `--issue N`
writes that file again, byte for byte, however the store was corrected since.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click
from click.core import ParameterSource

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
@click.option("--issue", "issue_number", type=click.IntRange(1, 9999), metavar="N",
              help="取回已发布的第 N 期：发布时保存的文件原样写出，不重新统计")
@click.option("--year", type=click.IntRange(2000, 2999), metavar="YYYY", help="与 --issue 连用：期号所在年度（默认今年）")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="Word 模板（默认配置目录下的 report-template.docx，没有时用内置版式）")
@by_option()
def report(as_of, period, fmt, output, number, no_number, issue_number, year, template, actor):
    """生成督办通报：总体情况、各单位情况、滞后单位和事项明细附件。

    每次生成（--no-number 除外）取本年度下一期期号并记入数据库，同时保存所写的文件；文件写入成功才算取号。

    已发布的通报不再改变：用 --issue 取回的是发布时保存的文件。

    \b
    示例:
      python -m bot report --as-of 2024-07-05 -o 督办通报.docx
      python -m bot report --period quarter --format xlsx -o 二季度.xlsx
      python -m bot report --no-number --format md
      python -m bot report --issue 3 --year 2024 -o 第3期.docx
    """
    fmt = fmt or _format_of(output)
    to_screen = output in (None, "-")
    if to_screen and fmt in ("docx", "xlsx"):
        raise click.UsageError(f"{fmt} 是二进制文件，不能输出到屏幕，请用 -o 指定文件，例如 -o 督办通报.{fmt}。")
    if number is not None and no_number:
        raise click.UsageError("--number 与 --no-number 不能同时使用：预览不编号。")
    if issue_number is not None:
        return _issued(issue_number, year, fmt, output, to_screen)
    if year is not None:
        raise click.UsageError("--year 只与 --issue 连用：生成新一期时年度取统计日所在的年份。")
    from bot.report.build import build_report
    from bot.report.files import keep_files
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
            try:
                issue, _ = take_number(session, draft.year, draft.period, when, actor_name(actor), formats=fmt,
                                       number=number)
            except DubanError as refused:
                if number is None:
                    raise
                raise DubanError(f"{refused.message}要取回已发布的该期，请用: python -m bot report --issue {number} "
                                 f"--year {draft.year} -o 文件") from None
        shown = replace(draft, number=issue.number) if issue else draft
        if issue:  # kept as written: `--issue` and the console give these bytes again
            data = keep_files(session, issue.id, shown, (fmt,), template)[fmt].content
        else:
            data = render(shown, fmt, template)
        if not to_screen:
            write_output(output, data)  # inside the transaction: a file that cannot be written takes no number
    if to_screen:
        click.echo(data.decode("utf-8"), nl=False)
    where = "" if to_screen else f"已写入 {output}："
    click.echo(f"{where}{shown.title} {issue_label(shown)}，{shown.period.label}，截至 {shown.as_of}，"
               f"{len(shown.units)} 个单位、{shown.summary.total} 项事项。", err=to_screen)


def _issued(number: int, year: int | None, fmt: str, output: str | None, to_screen: bool) -> None:
    """`--issue N`: the file kept when the issue was taken, written as it was; nothing is rebuilt."""
    ctx = click.get_current_context()
    clashing = [f"--{name.replace('_', '-')}" for name in ("as_of", "period", "number", "no_number", "template")
                if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE]
    if clashing:
        raise click.UsageError(f"--issue 取回已发布的文件，不重新生成，不能与 {'、'.join(clashing)} 同时使用。")
    from sqlalchemy import select

    from bot.report.files import kept_file, kept_formats
    from bot.store.report_models import ReportIssue

    with store_session() as (session, settings):
        year = year or datetime.now(settings.tz).year
        issue = session.scalar(select(ReportIssue).where(ReportIssue.year == year, ReportIssue.number == number))
        if issue is None:
            raise DubanError(f"{year}年第{number}期不存在。已发布的通报见控制台“督办通报”页；其他年度请用 --year 指定。")
        stored = kept_file(session, issue.id, fmt)
        if stored is None:
            kept = kept_formats(session, [issue.id]).get(issue.id, [])
            hint = (f"请用 --format {kept[0]}（或 -o 文件.{kept[0]}）" if kept else "该期在保存通报文件之前发布")
            raise DubanError(f"{year}年第{number}期发布时保存的格式为 {'、'.join(kept) or '（无）'}，没有 {fmt}：{hint}；"
                             "已发布的通报只能按发布时的文件取回。")
        data, name = stored.content, stored.filename
        if not to_screen:
            write_output(output, data)
    if to_screen:
        click.echo(data.decode("utf-8"), nl=False)
    where = "" if to_screen else f"已写入 {output}："
    click.echo(f"{where}{year}年第{number}期发布时保存的文件《{name}》，原样取回。", err=to_screen)


def _format_of(output: str | None) -> str:
    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    return suffix if suffix in FORMATS else "md"
