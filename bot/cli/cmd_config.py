"""`python -m bot config apply|export`: config/*.yaml ⇄ the store."""
from __future__ import annotations

from pathlib import Path

import click
import yaml

from bot.cli.store_options import store_session


@click.group("config")
def config() -> None:
    """应用或导出 config/ 下的配置（单位、联系方式、提前量、日历调整）。"""


@config.command("apply")
def apply() -> None:
    """把 config/units.yaml、contacts.yaml、settings.yaml 写入数据库（可重复执行），并列出变化。"""
    from datetime import datetime

    from bot.config.apply import apply_config, directory_units
    from bot.config.contacts import contact_line, load_contacts
    from bot.config.settings import config_dir
    from bot.plan.replan import replan_all
    from bot.units import load_directory

    path = config_dir() / "contacts.yaml"
    contacts = load_contacts(path)
    wanted_units = directory_units(load_directory())
    with store_session() as (session, settings):
        changes = apply_config(session, settings, contacts, wanted_units, lambda unit: contact_line(path, unit))
        stats = replan_all(session, settings, datetime.now(settings.tz), "配置变更", "config apply")
    if not changes and not stats.touched:
        click.echo("配置与数据库一致，没有变化。")
        return
    click.echo("\n".join(f"  - {c}" for c in changes) or "  （配置无变化）")
    click.echo(stats.summary())


@config.command("export")
@click.option("--output", "-o", type=click.Path(file_okay=False), help="写入该目录下的 contacts.yaml 和 settings.yaml（默认输出到屏幕）")
def export(output) -> None:
    """把数据库中的联系方式、提前量和日历调整导出为 YAML（与 config/ 的格式相同）。"""
    from bot.config.apply import export_contacts, export_settings

    with store_session() as (session, settings):
        docs = {"contacts.yaml": export_contacts(session), "settings.yaml": export_settings(session, settings)}
    texts = {name: "# 由 python -m bot config export 生成\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
             for name, doc in docs.items()}
    if output:
        Path(output).mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (Path(output) / name).write_text(text, encoding="utf-8")
            click.echo(f"已写入 {Path(output) / name}")
    else:
        click.echo("\n---\n".join(f"# {name}\n{text}" for name, text in texts.items()), nl=False)
