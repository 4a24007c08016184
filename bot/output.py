"""One output grammar for every command: `--format table|json` (and more where a command has it).

Tables are aligned by display width (CJK characters take two columns), so Chinese
headers and cells line up in a terminal.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Iterable, Sequence

import click
from wcwidth import wcswidth

TABLE, JSON = "table", "json"


def format_option(*extra: str, default: str = TABLE):
    """The shared `--format` option; `extra` adds command-specific formats such as ics."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([TABLE, JSON, *extra]),
        default=default,
        show_default=True,
        help="输出格式",
    )


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=_default)


def _width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _cell(value: Any, limit: int | None) -> str:
    if value is None:
        text = ""
    elif isinstance(value, (list, tuple)):
        text = "、".join(str(v) for v in value)
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split())
    if limit and _width(text) > limit:
        out, used = [], 0
        for ch in text:
            cw = max(_width(ch), 1)
            if used + cw > limit - 1:
                break
            out.append(ch)
            used += cw
        text = "".join(out) + "…"
    return text


def table(rows: Iterable[dict], columns: Sequence[tuple[str, str]], limits: dict[str, int] | None = None) -> str:
    """Render `rows` as an aligned text table; `columns` is (key, header) pairs."""
    limits = limits or {}
    body = [[_cell(r.get(k), limits.get(k)) for k, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max([_width(h)] + [_width(row[i]) for row in body]) for i, h in enumerate(heads)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in body)
    return "\n".join(out)
