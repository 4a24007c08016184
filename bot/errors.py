"""User-facing errors: Chinese text saying what went wrong, where, and how to fix it.

A plain exception, free of any framework: the CLI maps it (and the other failures it
knows) to `错误: <message>` and an exit code in one place, bot/cli/failures.py.
"""
from __future__ import annotations

BAD_INPUT, FAILURE = 2, 1  # exit codes: 2 bad input or usage, 1 problems found or runtime failure


class DubanError(Exception):
    """An error the user can act on; `exit_code` is 2 (bad input) unless the caller says 1."""

    def __init__(self, message: str, exit_code: int = BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
