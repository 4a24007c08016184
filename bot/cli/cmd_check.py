"""`python -m bot check-config` and `python -m bot health`: is the install right, is it running."""
from __future__ import annotations

from datetime import timedelta

import click

from bot.output import JSON, dumps, format_option, table

DEFAULT_HEARTBEAT_AGE = 180
DEFAULT_LEASE_MARGIN = 120


def config_dir_option():
    return click.option("--config-dir", "config_dir", type=click.Path(), metavar="DIR",
                        help="本单位的配置目录（默认：环境变量 DUBAN_CONFIG_DIR，否则当前目录下的 config/）")


@click.command("check-config")
@config_dir_option()
@format_option()
def check_config(config_dir, fmt: str) -> None:
    """检查配置目录中的配置和它引用的环境变量，一次列出全部问题，不发送任何消息。

    检查：三个配置文件是否齐全、settings.yaml 各项（含提前天数范围）、单位目录、contacts.yaml 中的单位名称、
    Webhook 地址和邮箱格式、${变量} 引用的密钥是否已设置、SMTP 设置、数据库密码是否仍是占位值、
    以 http:// 发往公网的机器人地址（密钥会明文传输）、发送策略的环境变量、定时通报的收件人（report_schedule）。
    已有数据库时按实际生效的设置（文件、控制台修改、环境变量）检查，并列出控制台中与文件不同的设置。
    另外提示（不算问题）特意允许的不加密 SMTP 登录。
    有问题时退出码为 1，没有问题为 0。

    \b
    示例:
      python -m bot check-config
      python -m bot check-config --config-dir ~/duban-office
      docker-compose exec bot python -m bot check-config --format json
    """
    from bot.config.admin.check import SETTINGS, check_config as run_checks
    from bot.config.paths import config_dir as resolve, units_file
    from bot.cli.logs import level_problem
    from jobs.policy import read_env

    folder = resolve(config_dir)
    report = run_checks(folder, units_file(config_dir))
    # the dispatcher's DUBAN_* knobs (attempts, leases, robot budgets) and the log level, every bad one
    for message in [*read_env()[1], level_problem()]:
        if message:
            report.add(SETTINGS, message)
    if fmt == JSON:
        click.echo(dumps({"config_dir": str(folder), **report.to_json()}))
    elif report.ok:
        click.echo(f"配置检查通过（{folder}）：{report.units} 个单位，{report.contacts} 个联系方式，未发现问题。")
    else:
        rows = [{"n": i, "area": p.area, "message": p.message} for i, p in enumerate(report.problems, 1)]
        click.echo(table(rows, [("n", "#"), ("area", "类别"), ("message", "问题")]))
        click.echo(f"\n共 {len(report.problems)} 个问题（{folder}）。改正后再运行 python -m bot check-config。")
    if fmt != JSON:
        for warning in report.warnings:
            click.echo(f"注意（{warning.area}）: {warning.message}")
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.command("health")
@click.option("--max-heartbeat-age", type=click.IntRange(1), default=DEFAULT_HEARTBEAT_AGE, show_default=True,
              metavar="SECONDS", help="最近一次调度心跳距今超过此秒数即为异常")
@click.option("--lease-margin", type=click.IntRange(0), default=DEFAULT_LEASE_MARGIN, show_default=True,
              metavar="SECONDS", help="发送租约过期超过此秒数仍未被接手即为异常")
@format_option()
def health(max_heartbeat_age: int, lease_margin: int, fmt: str) -> None:
    """健康检查（供容器 HEALTHCHECK 和监控使用）：全部正常退出码 0，否则 1。

    检查数据库可连接、bot run 的调度心跳足够新、没有消息卡在过期的发送租约上。
    不迁移、不写入数据库，也不联系任何渠道。

    \b
    示例:
      python -m bot health
      python -m bot health --format json
    """
    from bot.errors import DubanError
    from bot.health import DATABASE, Check, run_health
    from bot.store.db import database_url
    from bot.store.models import utcnow

    try:
        checks = run_health(database_url(), utcnow(), timedelta(seconds=max_heartbeat_age),
                            timedelta(seconds=lease_margin))
    except DubanError as exc:  # unreadable settings: a health probe still answers 0/1, never 2
        checks = [Check(DATABASE, False, f"配置：{exc.message}")]
    ok = all(c.ok for c in checks)
    if fmt == JSON:
        click.echo(dumps({"ok": ok, "checks": checks}))
    else:
        for check in checks:
            click.echo(f"[{'正常' if check.ok else '异常'}] {check.detail}")
        click.echo("健康" if ok else "不健康")
    if not ok:
        raise click.exceptions.Exit(1)
