"""`python -m bot contacts list|set|remove`: one unit's contacts from the command line.

The store is the runtime truth; `config export` writes these changes back to YAML.
"""
from __future__ import annotations

import click

from bot.cli.store_options import store_session
from bot.output import JSON, dumps, format_option, table

COLUMNS = [("unit", "单位"), ("kind", "渠道"), ("target", "地址/引用"), ("mentions", "@手机号"), ("state", "状态")]


@click.group("contacts")
def contacts() -> None:
    """查看和修改各单位的联系方式（企业微信机器人、邮箱…）。"""


def _rows(session) -> list[dict]:
    from sqlalchemy import select

    from bot.config.contacts import redact
    from bot.store.models import ADMIN, Unit

    rows = []
    for unit in session.scalars(select(Unit).order_by(Unit.kind, Unit.name)):
        name = unit.name + ("（管理员）" if unit.kind == ADMIN else "")
        if not unit.contacts:
            rows.append({"unit": name, "kind": "", "target": "", "mentions": [],
                         "state": "无联系方式：提醒发给管理员" if unit.kind != ADMIN else "未配置"})
        for c in unit.contacts:
            rows.append({"unit": name, "kind": c.kind, "target": redact(c.target), "mentions": list(c.mentions or []),
                         "state": "启用" if c.enabled else f"停用：{c.disabled_reason or ''}"})
    return rows


@contacts.command("list")
@format_option()
def list_contacts(fmt) -> None:
    """列出每个单位的联系方式；没有联系方式的单位会标出（其提醒发给管理员）。"""
    with store_session() as (session, _):
        rows = _rows(session)
    if fmt == JSON:
        click.echo(dumps({"contacts": rows}))
    else:
        click.echo(table(rows, COLUMNS, limits={"target": 60}))
        missing = sum(1 for r in rows if r["state"].startswith("无联系方式"))
        if missing:
            click.echo(f"\n{missing} 个单位没有联系方式，它们的提醒将发给管理员。")


@contacts.command("set")
@click.argument("unit_name", metavar="UNIT")
@click.option("--wecom", "wecom", multiple=True, metavar="URL", help="企业微信群机器人 Webhook 地址、key 或 ${环境变量}")
@click.option("--email", "email", multiple=True, metavar="ADDR", help="邮箱地址（可重复）")
@click.option("--dingtalk", multiple=True, metavar="URL", help="钉钉机器人地址或 ${环境变量}")
@click.option("--feishu", multiple=True, metavar="URL", help="飞书机器人地址或 ${环境变量}")
@click.option("--mention", "mentions", multiple=True, metavar="MOBILE", help="机器人消息要 @ 的手机号（可重复）")
def set_contacts(unit_name, wecom, email, dingtalk, feishu, mentions) -> None:
    """设置某单位的联系方式：给出的渠道整体替换该渠道原有的设置，其他渠道不变。"""
    from bot.config.apply import Applier, contact_spec
    from bot.config.contacts import ContactSpec, validate_mentions, validate_target
    from bot.config.yamlfile import Where
    from bot.errors import DubanError
    from bot.plan.lookup import find_unit

    given = {"wecom": wecom, "email": email, "dingtalk": dingtalk, "feishu": feishu}
    if not any(given.values()):
        raise DubanError("请至少给出一种联系方式，例如 --wecom ${WECOM_KEY_BAOHU} 或 --email a@example.gov.cn。")
    robot_mentions = validate_mentions(list(mentions), Where("--mention"))
    specs = [ContactSpec(kind, validate_target(kind, target, Where(f"--{kind}")),
                         robot_mentions if kind != "email" else ())
             for kind, targets in given.items() for target in targets]
    with store_session() as (session, _):
        unit = find_unit(session, unit_name)
        keep = [c for c in unit.contacts if not given[c.kind]]
        applier = Applier(session)
        applier.contacts(unit, tuple(contact_spec(c) for c in keep) + tuple(specs))
    click.echo("\n".join(applier.changes) or f"{unit.name} 的联系方式没有变化。")


@contacts.command("remove")
@click.argument("unit_name", metavar="UNIT")
@click.option("--wecom", multiple=True, metavar="URL", help="只删除这个企业微信地址")
@click.option("--email", multiple=True, metavar="ADDR", help="只删除这个邮箱")
@click.option("--dingtalk", multiple=True, metavar="URL", help="只删除这个钉钉地址")
@click.option("--feishu", multiple=True, metavar="URL", help="只删除这个飞书地址")
def remove_contacts(unit_name, wecom, email, dingtalk, feishu) -> None:
    """删除某单位的联系方式；不指定渠道时删除全部（之后其提醒发给管理员）。"""
    from bot.config.apply import Applier
    from bot.errors import DubanError
    from bot.plan.lookup import find_unit

    given = {("wecom", t) for t in wecom} | {("email", t) for t in email} | \
            {("dingtalk", t) for t in dingtalk} | {("feishu", t) for t in feishu}
    with store_session() as (session, _):
        unit = find_unit(session, unit_name)
        chosen = [c for c in unit.contacts if not given or (c.kind, c.target) in given]
        missing = given - {(c.kind, c.target) for c in unit.contacts}
        if missing:
            raise DubanError(f"{unit.name} 没有这些联系方式: {'、'.join(k for k, _ in sorted(missing))}。"
                             "请用 python -m bot contacts list 查看。")
        applier = Applier(session)
        for contact in chosen:
            applier.remove_contact(unit, contact)
    click.echo("\n".join(applier.changes) or f"{unit.name} 没有联系方式可删除。")
