"""docs/cli.md, generated from the commands' own --help (so the reference cannot drift).

    python -m bot.cli.reference > docs/cli.md      (or: make docs)

tests/test_cli_docs.py fails when the file differs from what this prints.
"""
from __future__ import annotations

import click

from bot.cli import COMMANDS, PROG, cli

WIDTH = 100
INTRO = """# 命令行参考

本文件由 `make docs`（即 `python -m bot.cli.reference > docs/cli.md`）从各命令的 `--help` 生成，
请勿手工修改；改了命令的帮助文字后重新生成，`tests/test_cli_docs.py` 会检查两者一致。

## 共同约定

- **退出码**：`0` 正常；`1` 发现问题（`check-config`、`health`、`send-test` 有失败）或运行失败
  （数据库不可用、磁盘已满、与另一个命令同时写入）；`2` 输入或用法错误（参数、日期、文件、配置写错）。
  出错时只打印一行 `错误: …`（说明什么错了、在哪里、怎么改），不打印 Python 调用栈，也不写入一半的数据。
- **日期**：所有日期选项（`--as-of`、`--until`、`--doc-date`、`--since`）都写成 `YYYY-MM-DD`，范围 2000–2100 年；
  `--as-of` 还可以写到时刻，如 `2024-05-22T10:30`。`--year` 是 2000–2100 之间的四位年份。
- **输出**：列出记录的命令有 `--format table|json`（部分命令还有 `csv`、`ics`）；生成文件的命令用 `-o/--output 文件`，
  文件要么完整写入、要么不写。
- **环境变量与 .env**：启动时读取当前目录的 `.env`（或 `--env-file 文件`），已在环境中设置的变量优先。
- **数据库**：只有把数据带进来的 `import` 和 `config apply` 会新建数据库；其他命令在别的目录运行、找不到 SQLite 文件时报错退出（退出码 2），
  而不是悄悄建一个空库。新建数据库时会打印它的位置。数据库地址中的密码不会出现在任何输出中。
- `python -m bot --version` 显示版本。
"""


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """A context like the one `--help` gets, at a fixed width so the text does not depend on the terminal."""
    return click.Context(command, info_name=name, parent=parent,
                         **{**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH})


def _help(command: click.Command, name: str, parent: click.Context | None) -> str:
    return command.get_help(_context(command, name, parent))


def _sections() -> list[tuple[str, str]]:
    root = _context(cli, PROG, None)
    sections = [(PROG, _help(cli, PROG, None))]
    for name in COMMANDS:
        command = cli.get_command(root, name)
        sections.append((f"{PROG} {name}", _help(command, name, root)))
        if isinstance(command, click.Group):
            ctx = _context(command, name, root)
            for sub in command.list_commands(ctx):
                sections.append((f"{PROG} {name} {sub}", _help(command.get_command(ctx, sub), sub, ctx)))
    return sections


def render() -> str:
    parts = [INTRO]
    for title, text in _sections():
        parts.append(f"## `{title}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)
