"""Every command has help with an example and is documented for the admin (sqlite-utils' habit);
docs/cli.md is exactly what the commands' --help says today."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, cli
from bot.cli.reference import render

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_is_documented(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"用法: cli {name} ")  # CliRunner names the program "cli"
    assert f"python -m bot {name}" in DOCS, f"`python -m bot {name}` is not shown in README.md or docs/"


def test_the_top_level_help_lists_every_command_and_the_exit_codes():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert all(name in result.output for name in COMMANDS)
    assert "退出码：0 正常；1 发现问题或运行失败" in result.output


def test_the_cli_reference_is_generated_from_the_help_and_current():
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(), "docs/cli.md is out of date: run `make docs` and commit the result"
    for name in COMMANDS:
        assert f"## `python -m bot {name}`" in written


def test_version_prints_the_installed_version():
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"督办提醒 (Duban) {version('duban')}"
