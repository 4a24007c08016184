"""One CLI grammar: every command that prints records takes `--format json` and `--format table`.

The walk covers every command and subcommand in COMMANDS, so a new command that prints
records without the shared option, or one this file does not yet know, fails here.
"""
from __future__ import annotations

import importlib
import json

import click
import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, cli
from tests.conftest import SEED

# Commands that print no records: they write files or start a service (each says why).
NO_RECORDS = {
    "init": "writes an office's config folder",
    "config export": "writes YAML files (or prints them)",
    "export-ics": "writes an iCalendar file",
    "report": "writes the 督办通报 (docx, xlsx, md or json; tests/report/ checks each)",
    "web": "starts the console",
}
# Commands that produce a file: they take -o/--output.
FILES = {"plan", "config export", "export-ics", "report"}
PASSWORD = "一个足够长的密码-2024\n"

# Arguments that make each record command do its work on the imported sample (run in order:
# users are added before they are disabled, a contact is set before send-test and remove).
RUNS: dict[str, tuple[list[str], str | None]] = {
    "extract": ([str(SEED)], None),
    "units check": ([str(SEED)], None),
    "import": ([str(SEED), "--as-of", "2024-05-22"], None),
    "config apply": (["--yes"], None),
    "contacts list": ([], None),
    "contacts set": (["保护处", "--email", "baohu@example.gov.cn"], None),
    "send-test": (["保护处"], None),
    "contacts remove": (["保护处"], None),
    "plan": (["--as-of", "2024-06-20", "--until", "2024-07-10"], None),
    "done": (["M8", "--all", "--as-of", "2024-06-20"], None),
    "undo": (["M8", "--unit", "福州市知识产权管理部门", "--as-of", "2024-06-20"], None),
    "status": (["--as-of", "2024-07-01"], None),
    "run": (["--once"], None),
    "deliveries": ([], None),
    "deliveries resend": (["--failed"], None),
    "check-config": ([], None),
    "health": ([], None),
    "users add": (["管理员甲", "--role", "admin", "--password-stdin"], PASSWORD),
    "users list": ([], None),
    "users reset": (["管理员甲", "--password-stdin"], PASSWORD),
    "users disable": (["管理员甲"], None),
    "users enable": (["管理员甲"], None),
}


def _leaves(name: str, command: click.Command):
    yield name, command
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            yield from _leaves(f"{name} {sub_name}", sub)


def _commands() -> dict[str, click.Command]:
    found = {}
    for name, (module, attr, _) in COMMANDS.items():
        found.update(_leaves(name, getattr(importlib.import_module(module), attr)))
    return found


def _option(command: click.Command, flag: str) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and flag in p.opts), None)


def test_every_command_is_known_here_and_every_record_command_has_both_formats():
    commands = _commands()
    groups_only = {n for n, c in commands.items() if isinstance(c, click.Group) and not c.invoke_without_command}
    assert set(commands) - groups_only == set(RUNS) | set(NO_RECORDS)
    for name in RUNS:
        option = _option(commands[name], "--format")
        assert option is not None and {"table", "json"} <= set(option.type.choices), name
    for name in FILES:
        assert _option(commands[name], "-o") is not None and _option(commands[name], "--output"), name


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_help_is_in_chinese(name):
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and result.output.startswith("用法: cli ")
    for english in ("Usage:", "Options:", "Show this message", "[default:", "[required]", "Commands:"):
        assert english not in result.output, (name, english)


def test_every_record_command_prints_json_and_a_table(office):
    """Both passes run the whole list in order: the second finds what the first left (done → undo)."""
    runner, outputs = CliRunner(), {}
    for fmt, account in (("json", "甲"), ("table", "乙")):
        for name, (args, given) in RUNS.items():
            args = [a.replace("甲", account) for a in args]
            result = runner.invoke(cli, [*name.split(), *args, "--format", fmt], input=given,
                                   catch_exceptions=False)
            assert result.exit_code in (0, 1), (name, fmt, result.output)  # 1: problems found (send-test, health)
            assert result.stdout.strip(), (name, fmt)
            outputs[name, fmt] = result.stdout
    for name in RUNS:
        assert json.loads(outputs[name, "json"]) not in ([], {}), name
        with pytest.raises(json.JSONDecodeError):
            json.loads(outputs[name, "table"])


def test_plan_writes_its_calendar_csv_or_json_to_a_file(office, tmp_path):
    for fmt, head in (("ics", "BEGIN:VCALENDAR"), ("csv", "\ufeff发送时间"), ("json", "{")):
        target = tmp_path / f"plan.{fmt}"
        result = CliRunner().invoke(cli, ["plan", "--as-of", "2024-06-20", "--format", fmt, "-o", str(target)],
                                    catch_exceptions=False)
        assert result.exit_code == 0 and "已写入" in result.stdout, result.output
        assert target.read_text(encoding="utf-8").startswith(head)
    refused = CliRunner().invoke(cli, ["plan", "-o", str(tmp_path / "plan.txt")])
    assert refused.exit_code == 2 and "-o 只用于" in refused.output
    assert not (tmp_path / "plan.txt").exists()

