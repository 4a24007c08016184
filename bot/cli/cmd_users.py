"""`python -m bot users`: the console's accounts (add, list, disable, enable, reset)."""
from __future__ import annotations

import sys

import click

from bot.output import records_format_option, render_records

COLUMNS = [("username", "用户名"), ("role", "角色"), ("state", "状态"), ("created_at", "创建时间"), ("last_login_at", "最近登录")]
ROLE_TEXT = {"admin": "管理员", "viewer": "只读"}


def _password(from_stdin: bool) -> str:
    """From standard input (scripts, the demo) or asked twice without echo; never an argument,
    which would land in the shell history and the process list."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


def _record(user) -> dict:
    return {"username": user.username, "role": user.role, "state": "已停用" if user.disabled_at else "正常",
            "created_at": user.created_at, "last_login_at": user.last_login_at}


@click.group("users")
def users() -> None:
    """控制台账号：添加、列出、停用、启用、重置密码。

    \b
    示例:
      echo '一个足够长的密码' | python -m bot users add 张三 --role admin --password-stdin
      python -m bot users list
      python -m bot users disable 张三
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "viewer"]), required=True, help="admin 可修改；viewer 只能查看")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）")
@records_format_option()
def add(name, role, password_stdin, fmt):
    """添加账号 NAME。"""
    from bot.cli.store_options import actor_name, store_session
    from bot.store.audit import record
    from bot.web.accounts import add_user

    password = _password(password_stdin)
    with store_session(create=True) as (session, _):  # the first account may come before any import
        user = add_user(session, name, role, password)
        record(session, actor_name(None), "添加账号", user.username, after={"role": role})
        row = _record(user)
    click.echo(render_records(fmt, [row], COLUMNS, key="users"))


@users.command("list")
@records_format_option()
def list_(fmt):
    """列出所有账号（不显示密码）。"""
    from sqlalchemy import select

    from bot.cli.store_options import store_session
    from bot.store.console_models import User

    with store_session() as (session, _):
        rows = [_record(u) for u in session.scalars(select(User).order_by(User.username))]
    click.echo(render_records(fmt, rows, COLUMNS, key="users") if rows or fmt != "table"
               else "还没有账号。添加: python -m bot users add 用户名 --role admin")


def _change(name: str, action: str, fmt: str, change) -> None:
    from bot.cli.store_options import actor_name, store_session
    from bot.store.audit import record
    from bot.web.accounts import find_user

    with store_session() as (session, _):
        user = find_user(session, name)
        before = _record(user)["state"]
        change(session, user)
        record(session, actor_name(None), action, user.username, before={"state": before},
               after={"state": _record(user)["state"]})
        row = _record(user)
    click.echo(render_records(fmt, [row], COLUMNS, key="users"))


@users.command("disable")
@click.argument("name")
@records_format_option()
def disable(name, fmt):
    """停用账号 NAME：立即退出其所有登录，之后不能再登录。"""
    from bot.store.models import utcnow
    from bot.web.accounts import end_sessions

    def change(session, user):
        user.disabled_at = user.disabled_at or utcnow()
        end_sessions(session, user)

    _change(name, "停用账号", fmt, change)


@users.command("enable")
@click.argument("name")
@records_format_option()
def enable(name, fmt):
    """重新启用已停用的账号 NAME。"""
    def change(session, user):
        user.disabled_at = None

    _change(name, "启用账号", fmt, change)


@users.command("reset")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行）")
@records_format_option()
def reset(name, password_stdin, fmt):
    """重置 NAME 的密码，并退出其所有登录。"""
    from bot.web.accounts import set_password

    password = _password(password_stdin)
    _change(name, "重置密码", fmt, lambda session, user: set_password(session, user, password))
