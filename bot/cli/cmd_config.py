"""`python -m bot config apply|export`: an office's config folder ⇄ the store."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.cmd_check import config_dir_option
from bot.output import JSON, dumps, format_option


@click.group("config")
def config() -> None:
    """应用或导出本单位配置目录中的配置（单位、联系方式、提前量、日历调整）。

    配置目录由 --config-dir、环境变量 DUBAN_CONFIG_DIR 指定，默认是当前目录下的 config/；
    用 python -m bot init 目录 生成一份带注释的示例。
    """


@config.command("apply")
@config_dir_option()
@click.option("--yes", "-y", is_flag=True, help="不再询问，直接应用会删除或覆盖数据库内容的变化")
@click.option("--dry-run", is_flag=True, help="只列出将要做的变化，不写入数据库")
@format_option()
def apply(config_dir, yes, dry_run, fmt) -> None:
    """把配置目录中的 units.yaml、contacts.yaml、settings.yaml 写入数据库（可重复执行），并列出变化。

    先列出变化；其中会删除或覆盖数据库中已有内容的（例如用 contacts set 添加、文件中没有的联系方式），
    须确认或加 --yes 才会应用，否则数据库不变、退出码 2。想保留命令行中做的修改，先运行
    python -m bot config export -o 配置目录 把数据库写回文件。

    \b
    示例:
      python -m bot config apply --dry-run
      python -m bot config apply --config-dir ~/duban-office --yes
    """
    from datetime import datetime

    from bot.config.admin.apply import apply_config
    from bot.config.admin.office import load_office
    from bot.config.paths import config_dir as resolve, units_file
    from bot.errors import DubanError
    from bot.plan.replan import replan_all
    from bot.store import open_store, session_scope

    folder = resolve(config_dir)
    office = load_office(folder, units_file(config_dir))
    settings = office.settings
    with session_scope(open_store(settings.database_url)) as session:
        applied = apply_config(session, office)
        if dry_run:
            session.rollback()
            return _report(folder, applied, None, fmt)
        shown = bool(applied.destructive) and fmt != JSON
        if shown:
            click.echo("将要应用的变化（标 ! 的会删除或覆盖数据库中已有的内容）：")
            click.echo(_lines(applied.changes))
        if applied.destructive and not (yes or (shown and _interactive_yes(len(applied.destructive)))):
            session.rollback()
            if fmt == JSON:
                click.echo(dumps(_payload(folder, applied, None)))
            raise DubanError(f"有 {len(applied.destructive)} 项会删除或覆盖数据库中已有的内容，未确认，数据库没有修改。"
                             "确认无误后加 --yes 重新运行；要保留数据库中的修改，先运行 "
                             f"python -m bot config export -o {folder}。")
        stats = replan_all(session, settings, datetime.now(settings.tz), "配置变更", "config apply")
    _report(folder, applied, stats, fmt, shown)


def _interactive_yes(count: int) -> bool:
    """Ask only a person at a terminal; a script without --yes is refused, never half-asked."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    return click.confirm(f"以上 {count} 项会删除或覆盖数据库中已有的内容，确认应用？", default=False)


def _lines(changes) -> str:
    return "\n".join(f"  {'!' if c.destructive else '-'} {c.text}" for c in changes)


def _payload(folder, applied, stats) -> dict:
    """`reminders` is None when nothing was written (a dry run, or destructive changes not confirmed)."""
    return {"config_dir": str(folder), "applied": stats is not None, "changes": applied.changes,
            "warnings": applied.warnings, "reminders": stats.__dict__ if stats else None}


def _report(folder, applied, stats, fmt: str, shown: bool = False) -> None:
    if fmt == JSON:
        click.echo(dumps(_payload(folder, applied, stats)))
        return
    if applied.changes:  # a run that changes nothing stays quiet; check-config lists everything
        for warning in applied.warnings:
            click.echo(f"注意: {warning}", err=True)
    if stats is None:
        click.echo(_lines(applied.changes) if applied.changes else "配置与数据库一致，没有变化。")
        click.echo("（演练：未写入数据库）")
        return
    if not applied.changes and not stats.touched:
        click.echo("配置与数据库一致，没有变化。")
        return
    if not shown:
        click.echo(_lines(applied.changes) or "  （配置无变化）")
    click.echo(stats.summary())


@config.command("export")
@click.option("--output", "-o", type=click.Path(file_okay=False), metavar="DIR",
              help="写入该目录下的 contacts.yaml 和 settings.yaml（控制台添加了单位简称时还有 units.yaml；原文件另存为 .bak；"
                   "默认输出到屏幕，明文密钥遮盖）")
def export(output) -> None:
    """把数据库中的联系方式、提前量、管理员、日历调整和控制台添加的单位简称导出为 YAML（与配置目录的格式相同）。

    用 contacts set 等命令做的修改只在数据库中；导出到配置目录后，下次 config apply 就不会覆盖它们。
    控制台核对页保存的单位简称写入 units.yaml（仅在有这样的简称时；注释不保留，原文件另存为 .bak）。
    密钥以 ${变量名} 的引用导出；直接粘贴的 key 在屏幕输出中遮盖，只有写入文件（-o）时保留原值。

    \b
    示例:
      python -m bot config export
      python -m bot config export -o ~/duban-office
    """
    import yaml

    from bot.cli.store_options import store_session
    from bot.config.admin.export import Exporter
    from bot.config.paths import CONTACTS, SETTINGS, UNITS, units_file

    with store_session() as (session, settings):
        exporter = Exporter(session, masked=not output)
        docs = {CONTACTS: exporter.contacts(), SETTINGS: exporter.settings(settings)}
        units = exporter.units(units_file())
        if units is not None:
            docs[UNITS] = units
    texts = {name: "# 由 python -m bot config export 生成\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
             for name, doc in docs.items()}
    if not output:
        click.echo("\n---\n".join(f"# {name}\n{text}" for name, text in texts.items()), nl=False)
        if exporter.literal:
            click.echo(f"注意: {exporter.literal} 个直接写入的密钥已遮盖（显示为 ****/…）；建议改为 ${{变量名}} 引用。"
                       "用 -o 目录 导出到文件时保留原值。", err=True)
        return
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        path = folder / name
        if path.exists() and path.read_text(encoding="utf-8") != text:
            path.replace(path.with_name(name + ".bak"))
            click.echo(f"原 {path} 已另存为 {name}.bak")
        path.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {path}")
    if exporter.literal:
        click.echo(f"注意: {exporter.literal} 个密钥以明文写入了 {folder / CONTACTS}；建议改为 ${{变量名}} 引用，"
                   "把密钥放进 .env。", err=True)
