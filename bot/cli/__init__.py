"""The `python -m bot` command line.

Commands are registered in COMMANDS with their one-line help and imported only when
invoked, so `extract` starts fast and does not pay for SQLAlchemy or the scheduler.
The group reads `.env`, sets up logging, and is the one place where failures become
`错误: …` and an exit code (bot/cli/failures.py); click's own texts are in Chinese (zh).
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

import click

from bot.cli import zh

zh.install()

# name: (module, attribute, short help). One line per command; the module holds the rest.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "extract": ("bot.cli.cmd_extract", "extract", "读取任务清单，抽取任务、时间节点和责任单位"),
    "units": ("bot.cli.cmd_units", "units", "责任单位目录：检查文档中的单位名称"),
    "import": ("bot.cli.cmd_import", "import_", "导入任务清单到数据库，生成或更新提醒计划"),
    "config": ("bot.cli.cmd_config", "config", "应用或导出 config/ 下的配置"),
    "init": ("bot.cli.cmd_init", "init", "生成本单位的配置目录（带注释的示例配置）"),
    "contacts": ("bot.cli.cmd_contacts", "contacts", "查看和修改各单位的联系方式"),
    "plan": ("bot.cli.cmd_plan", "plan", "查看提醒计划：何时、发给谁、为什么"),
    "done": ("bot.cli.cmd_done", "done", "标记某单位已完成某时间节点，停止提醒"),
    "undo": ("bot.cli.cmd_done", "undo", "撤销“已完成”标记，恢复提醒"),
    "status": ("bot.cli.cmd_status", "status", "各单位完成情况总览（临期/逾期）"),
    "report": ("bot.cli.cmd_report", "report", "生成督办通报（Word、Excel、Markdown 或 JSON），按年度编号"),
    "export-ics": ("bot.cli.cmd_ics", "export_ics", "导出某单位的时间节点为 iCalendar 文件"),
    "send-test": ("bot.cli.cmd_send_test", "send_test", "向某单位的所有联系方式发送测试消息"),
    "run": ("bot.cli.cmd_run", "run", "启动提醒服务（或按模拟时钟回放一段日历）"),
    "deliveries": ("bot.cli.cmd_deliveries", "deliveries", "查看发送记录"),
    "check-config": ("bot.cli.cmd_check", "check_config", "检查配置和环境变量，不发送任何消息"),
    "health": ("bot.cli.cmd_check", "health", "健康检查（供容器使用，退出码 0/1）"),
    "users": ("bot.cli.cmd_users", "users", "控制台账号：添加、列出、停用、重置密码"),
    "web": ("bot.cli.cmd_web", "web", "启动管理控制台（网页）"),
}
PROG = "python -m bot"
EPILOG = "退出码：0 正常；1 发现问题或运行失败（如数据库不可用）；2 输入或用法错误。详见 docs/cli.md。"


def package_version() -> str:
    try:
        return version("duban")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "未安装（源码目录）"


def _chinese_usage(command: click.Command) -> click.Command:
    """`用法: python -m bot plan [选项]` rather than click's [OPTIONS], for a command and its subcommands."""
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            _chinese_usage(sub)
    return command


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return _chinese_usage(getattr(importlib.import_module(module), attr))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("命令"):
            formatter.write_dl([(name, short) for name, (_, _, short) in COMMANDS.items()])

    def invoke(self, ctx: click.Context):
        """Every command runs inside here: known failures print `错误: …` and exit with their code.

        The map is imported only on a failure: it needs SQLAlchemy, which `extract` never loads.
        """
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except Exception as exc:
            from bot.cli.failures import describe

            failure = describe(exc)
            if failure is None:
                raise
            click.echo(f"错误: {failure.message}", err=True)
            ctx.exit(failure.exit_code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG,
             options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.option("--env-file", "env_file", type=click.Path(dir_okay=False), metavar="PATH",
              help="从该文件读取环境变量（默认：当前目录的 .env，存在时读取）；已在环境中设置的变量优先")
@click.version_option(package_version(), "--version", "-V", prog_name="督办提醒 (Duban)",
                      message="%(prog)s %(version)s")
def cli(env_file: str | None) -> None:
    """督办提醒 (Duban)：从任务清单中抽取时间节点，按提前量提醒各责任单位。

    \b
    示例:
      python -m bot extract data/fujian-ipa-2024-task-list.md
      python -m bot import data/fujian-ipa-2024-task-list.md
      python -m bot plan --as-of 2024-05-22 --until 2024-12-31
    """
    from bot import envfile
    from bot.cli import logs

    envfile.load(env_file)
    logs.configure()


def main() -> None:
    cli(prog_name=PROG)
