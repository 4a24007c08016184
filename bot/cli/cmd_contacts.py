"""`python -m bot contacts list|set|remove`: one unit's contacts from the command line.

The store is the runtime truth: these commands write it, `config export` writes it back to
YAML, and `config apply` shows (and asks before) overwriting what they set.
"""
from __future__ import annotations

from dataclasses import replace

import click

from bot.cli.cmd_check import config_dir_option
from bot.cli.options import unit_argument
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
            rows.append({"unit": name, "kind": c.kind + ("（领导）" if c.role else ""), "target": redact(c.target), "mentions": list(c.mentions or []),
                         "state": "启用" if c.enabled else f"停用：{c.disabled_reason or ''}"})
    return rows


@contacts.command("list")
@click.option("--unit", metavar="UNIT", help="只看该单位（标准名称或简称）")
@format_option()
def list_contacts(unit, fmt) -> None:
    """列出每个单位的联系方式；没有联系方式的单位会标出（其提醒发给管理员）。"""
    with store_session() as (session, _):
        rows = _rows(session)
        if unit:
            from bot.plan.lookup import find_unit

            name = find_unit(session, unit).name
            rows = [r for r in rows if r["unit"] == name]
    if fmt == JSON:
        click.echo(dumps({"contacts": rows}))
    else:
        click.echo(table(rows, COLUMNS, limits={"target": 60}))
        missing = sum(1 for r in rows if r["state"].startswith("无联系方式"))
        if missing:
            click.echo(f"\n{missing} 个单位没有联系方式，它们的提醒将发给管理员。")


def _directory_and_admin(session, config_dir):
    """The unit directory and admin name names are resolved through: the office's units.yaml
    (never the examples) with the aliases saved in the console, as an import reads documents."""
    from bot.config.paths import SETTINGS, config_dir as resolve, units_file
    from bot.config.settings import load_settings
    from bot.store.aliases import reading_directory_of

    directory = reading_directory_of(session, units_file(config_dir))[0]
    return directory, load_settings(resolve(config_dir) / SETTINGS).admin_name


def _show(unit_name: str, changes, warnings, fmt: str, unchanged: str) -> None:
    if fmt == JSON:
        click.echo(dumps({"unit": unit_name, "changes": changes, "warnings": warnings}))
        return
    for warning in warnings:
        click.echo(f"注意: {warning}", err=True)
    click.echo("\n".join(c.text for c in changes) or unchanged)
    if changes:
        click.echo("（已写入数据库。要让 config apply 保留这些修改，请运行 python -m bot config export -o 配置目录）")


class KindOptions(click.Command):
    """A command with one `--KIND` option per contact kind of the channel registry.

    The options are made when the command parses or shows its help, not when this module
    is imported, so a channel added to the registry (one new file) has its flag at once.
    """

    def __init__(self, *args, kind_help, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_help = kind_help

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        from bot.notify.registry import CHANNELS, contact_kinds

        made = [click.Option([f"--{kind}"], multiple=True, metavar="VALUE", help=self.kind_help(CHANNELS[kind]))
                for kind in contact_kinds()]
        return made + super().get_params(ctx)


def _given(kinds: dict) -> dict[str, tuple[str, ...]]:
    """The values of the --KIND options, by kind (click names them by the flag)."""
    from bot.notify.registry import contact_kinds

    return {kind: tuple(kinds.get(kind.replace("-", "_")) or ()) for kind in contact_kinds()}


def _target_help(cls) -> str:
    target = cls.field("target")
    return f"{cls.label}：{target.help}（可重复）"


@contacts.command("set", cls=KindOptions, kind_help=_target_help)
@unit_argument("unit_name")
@click.option("--mention", "mentions", multiple=True, metavar="MOBILE", help="机器人消息要 @ 的手机号（可重复；只用于能 @ 人的渠道）")
@click.option("--secret", metavar="SECRET", help="机器人的加签/签名密钥，建议写成 ${环境变量}（只用于有加签的渠道）")
@click.option("--role", type=click.Choice(["leader", "staff"]), default=None,
              help="leader：单位领导，只接收逾期满 escalate_after_days 个工作日的催办；staff：日常提醒（默认）")
@config_dir_option()
@format_option()
def set_contacts(unit_name, mentions, secret, role, config_dir, fmt, **kinds) -> None:
    """设置某单位的联系方式：给出的渠道整体替换该渠道原有的设置，其他渠道不变。

    UNIT 可写标准名称或简称（按单位目录解析）。每个联系方式在写入前按发送渠道自己的规则检查
    （与 check-config 相同）：key、地址、@手机号或密钥不对时拒绝，数据库不变。修改只写入数据库；
    之后用 python -m bot config export -o 配置目录 写回 YAML，免得下次 config apply 覆盖。

    \b
    示例:
      python -m bot contacts set 保护处 --wecom '${WECOM_KEY_BAOHU}' --mention 13800000000
      python -m bot contacts set 商标处 --email 'a@example.gov.cn, b@example.gov.cn'
      python -m bot contacts set 保护处 --email chief@example.gov.cn --role leader
    """
    from bot.config.admin.apply import Applier
    from bot.config.admin.channels import refuse_unusable
    from bot.config.admin.export import contact_spec
    from bot.config.admin.units import resolve_unit
    from bot.config.contacts import ContactSpec, parse_mentions, parse_target
    from bot.config.yamlfile import Where
    from bot.errors import DubanError
    from bot.notify.registry import CHANNELS

    given = _given(kinds)
    if not any(given.values()):
        raise DubanError("请至少给出一种联系方式，例如 --wecom ${WECOM_KEY_BAOHU} 或 --email a@example.gov.cn。")
    robot_mentions = parse_mentions(list(mentions), Where("--mention"))
    specs = []
    for kind, targets in given.items():
        fields = {f.name for f in CHANNELS[kind].fields}
        for target in targets:
            specs.append(ContactSpec(kind, parse_target(target, Where(f"--{kind}")),
                                     robot_mentions if "mentions" in fields else (),
                                     secret if "secret" in fields else None))
    for option, value, name in (("--mention", mentions, "mentions"), ("--secret", secret, "secret")):
        takers = [kind for kind in given if name in {f.name for f in CHANNELS[kind].fields}]
        if value and not any(spec.kind in takers for spec in specs):
            raise DubanError(f"{option} 只用于 {'、'.join(takers)} 渠道，请同时给出这类联系方式。")
    warnings = [note for spec in specs for note in refuse_unusable(spec, f"--{spec.kind}")]
    with store_session() as (session, _):
        directory, admin_name = _directory_and_admin(session, config_dir)
        unit = resolve_unit(session, directory, unit_name, admin_name)
        keep = [c for c in unit.contacts if not given.get(c.kind)]
        roles = {(c.kind, c.target): c.role for c in unit.contacts}  # --role alone changes it (_set_role)
        applier = Applier(session)
        applier.contacts(unit, tuple(contact_spec(c) for c in keep)
                         + tuple(replace(s, role=roles.get((s.kind, s.target), "")) for s in specs))
        if role is not None:
            _set_role(applier, unit, {(spec.kind, spec.target) for spec in specs}, role)
    _show(unit.name, applier.changes, warnings, fmt, f"{unit.name} 的联系方式没有变化。")


def _set_role(applier, unit, keys: set[tuple[str, str]], role: str) -> None:
    """The given contacts become the unit's leader's ("leader") or its daily ones ("staff")."""
    from bot.config.contacts import redact
    from bot.store.models import LEADER

    wanted = LEADER if role == "leader" else ""
    for contact in unit.contacts:
        if (contact.kind, contact.target) in keys and contact.role != wanted:
            contact.role = wanted
            applier.note(f"{unit.name}: {contact.kind} 联系方式 {redact(contact.target)} 设为"
                         + ("单位领导（只接收升级催办）" if wanted else "日常提醒"))
    applier.session.flush()


def _remove_help(cls) -> str:
    return f"只删除这个{cls.label}联系方式（写法与 contacts list 中的相同，可重复）"


@contacts.command("remove", cls=KindOptions, kind_help=_remove_help)
@unit_argument("unit_name")
@config_dir_option()
@format_option()
def remove_contacts(unit_name, config_dir, fmt, **kinds) -> None:
    """删除某单位的联系方式；不指定渠道时删除全部（之后其提醒发给管理员）。UNIT 可写标准名称或简称。

    \b
    示例:
      python -m bot contacts remove 保护处 --email baohu@example.gov.cn
    """
    from bot.config.admin.apply import Applier
    from bot.config.admin.units import resolve_unit
    from bot.errors import DubanError

    given = {(kind, target) for kind, targets in _given(kinds).items() for target in targets}
    with store_session() as (session, _):
        directory, admin_name = _directory_and_admin(session, config_dir)
        unit = resolve_unit(session, directory, unit_name, admin_name)
        chosen = [c for c in unit.contacts if not given or (c.kind, c.target) in given]
        missing = given - {(c.kind, c.target) for c in unit.contacts}
        if missing:
            raise DubanError(f"{unit.name} 没有这些联系方式: {'、'.join(k for k, _ in sorted(missing))}。"
                             "请用 python -m bot contacts list 查看。")
        applier = Applier(session)
        for contact in chosen:
            applier.remove_contact(unit, contact)
    _show(unit.name, applier.changes, [], fmt, f"{unit.name} 没有联系方式可删除。")
