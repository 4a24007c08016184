"""User-facing errors: Chinese text saying what went wrong, where, and how to fix it."""
from __future__ import annotations

import click


class DubanError(click.ClickException):
    """An error the user can act on. The CLI prints `错误: <message>` and exits with `exit_code`."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"错误: {self.format_message()}", err=True, file=file)
