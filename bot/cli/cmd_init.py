"""`python -m bot init DIR`: an office's own config folder, outside the code, from the shipped examples."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

from bot.config.paths import ENV_DIR, FILES


@click.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
def init(folder) -> None:
    """在 DIR 生成本单位的配置目录：复制带注释的示例 settings.yaml、contacts.yaml、units.yaml。

    配置放在代码之外，升级督办提醒不会改动它。DIR 中已有同名文件时拒绝，不覆盖任何文件。
    生成后按注释修改，再把环境变量 DUBAN_CONFIG_DIR 设为该目录（或在命令中加 --config-dir）。

    \b
    示例:
      python -m bot init ~/duban-office
      DUBAN_CONFIG_DIR=~/duban-office python -m bot check-config
    """
    from bot.errors import DubanError, os_reason

    target = Path(folder).expanduser()
    taken = [name for name in FILES if (target / name).exists()]
    if taken:
        raise DubanError(f"{target} 中已有 {'、'.join(taken)}，未做任何修改（init 不覆盖已有配置）。"
                         "请换一个空目录，或直接编辑这些文件。")
    examples = files("bot.config.examples")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (target / name).write_text(examples.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise DubanError(f"无法在 {target} 写入配置：{os_reason(exc)}。") from None
    click.echo(f"已在 {target} 生成示例配置：{'、'.join(FILES)}。")
    click.echo("下一步：")
    click.echo("  1. 按注释修改这三个文件（units.yaml 是示例单位目录，请改成本单位的处室和下级单位）；")
    click.echo(f"  2. export {ENV_DIR}={target.resolve()}")
    click.echo("  3. python -m bot check-config，然后 python -m bot config apply")
