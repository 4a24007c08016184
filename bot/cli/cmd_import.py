"""`python -m bot import PATH`: store a task list and bring its reminder plan up to date."""
from __future__ import annotations

from contextlib import contextmanager

import click

from bot.cli.options import DAY, YEAR
from bot.cli.store_options import actor_name, as_of_option, by_option, parse_day, resolve_as_of, store_session
from bot.output import JSON, dumps, format_option


@contextmanager
def _existing_session():
    """A session on the store when it exists, for the aliases saved in the console; None when the
    database is not created yet: it holds no aliases, and a file that cannot be read must not create it."""
    from bot.config.settings import load_settings
    from bot.store import session_scope
    from bot.store.db import existing_store

    engine = existing_store(load_settings().database_url)
    if engine is None:
        yield None
        return
    with session_scope(engine) as session:
        yield session


def _read(path: str, year: int | None, doc_date: str | None, session):
    """The Extraction to store: a task list read afresh (units.yaml plus the console's aliases),
    or the (corrected) JSON of `extract`."""
    if path == "-" or path.lower().endswith(".json"):
        from bot.extraction_file import extraction_from_json
        from bot.ingest import MAX_BYTES

        if year or doc_date:
            raise click.UsageError("导入 extract 的 JSON 时，年度和印发日期取自 JSON，不能再用 --year/--doc-date")
        name = "<stdin>" if path == "-" else path
        data = click.get_binary_stream("stdin").read(MAX_BYTES + 1) if path == "-" else open(path, "rb").read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            from bot.errors import DubanError

            raise DubanError(f"{name}: 输入过长（超过 {MAX_BYTES // 1024 // 1024} MB）")
        return extraction_from_json(data, name)
    from bot.pipeline import extract_document

    return extract_document(path, year=year, doc_date=parse_day(doc_date, "--doc-date"), session=session)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--year", type=YEAR, help="任务清单的工作年度（文件中找不到年份时使用）")
@click.option("--doc-date", type=DAY, help="印发日期，例如 2024-05-22")
@as_of_option("按此日期导入（补发、过期按该日判断），例如 2024-05-22；默认现在")
@click.option("--replace", "mode", flag_value="replace",
              help="同名清单一律视为已导入清单的修订稿（不再出现的任务及其提醒将被取消）")
@click.option("--new", "mode", flag_value="new", help="同名清单作为一份新文档导入，不改动已导入的清单")
@by_option()
@format_option()
def import_(path, year, doc_date, as_of, mode, actor, fmt):
    """导入任务清单：同一文件重复导入不做任何修改；修订版文件会更新提醒计划并列出变化。

    PATH 也可以是 extract --format json 的输出（.json 文件，或 - 表示标准输入），
    以便先在文件中改正读错的日期或单位，再导入。

    标题相同的清单：发文单位（或发文字号）不同即视为另一份清单；发文单位相同但任务完全不同时
    拒绝导入，请用 --replace 或 --new 说明。

    \b
    示例:
      python -m bot import data/fujian-ipa-2024-task-list.md
      python -m bot import 修订版.docx --as-of 2024-07-01
      python -m bot extract 清单.docx --format json > 清单.json   # 改正后：
      python -m bot import 清单.json
    """
    from bot.plan.imports import import_extraction

    with _existing_session() as session:
        extraction = _read(path, year, doc_date, session)
    with store_session(create=True) as (session, settings):
        report = import_extraction(session, extraction, settings=settings,
                                   as_of=resolve_as_of(as_of, settings), actor=actor_name(actor), mode=mode or "")
    if fmt == JSON:
        click.echo(dumps(report.to_json()))
        return
    click.echo("\n".join(report.lines()))
    if extraction.warnings and path != "-":
        click.echo(f"另有 {len(extraction.warnings)} 条需要人工核对的提示，请运行 python -m bot extract {path} 查看。")
    for notice in report.notices:
        click.echo(f"注意: {notice}", err=True)
