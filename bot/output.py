"""One output grammar for every command: `--format table|json|csv`, `-o/--output FILE`.

Tables are aligned by display width (CJK characters take two columns), so Chinese
headers and cells line up in a terminal. CSV has the same columns and headers as the
table, for a spreadsheet. A file named by `-o` is written whole or not at all.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import click
from wcwidth import wcswidth

from bot.errors import DubanError, os_reason

TABLE, JSON, CSV = "table", "json", "csv"


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


def records_format_option(*extra: str):
    """`--format table|json|csv` for a command that prints one record per row (see `render_records`)."""
    return format_option(CSV, *extra)


def output_option(help_text: str = "写入该文件（默认输出到屏幕）"):
    return click.option("--output", "-o", "output", type=click.Path(dir_okay=False), metavar="FILE", help=help_text)


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


def csv_text(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> str:
    """The table's columns as CSV (lists joined with 、, dates in ISO form)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([h for _, h in columns])
    writer.writerows([_cell(r.get(k), None) for k, _ in columns] for r in rows)
    return out.getvalue()


def render_records(fmt: str, rows: list[dict], columns: Sequence[tuple[str, str]], *, key: str | None = None,
                   limits: dict[str, int] | None = None) -> str:
    """rows in the chosen format: JSON is `{key: rows}` (or the bare list), CSV and table use `columns`."""
    if fmt == JSON:
        return dumps({key: rows} if key else rows)
    if fmt == CSV:
        return csv_text(rows, columns).rstrip("\n")
    return table(rows, columns, limits)


def write_output(path: str | Path, data: str | bytes) -> Path:
    """Write `data` to `path` atomically (a temporary file renamed over it): never half a file."""
    target = Path(path)
    raw = data.encode("utf-8-sig" if target.suffix.lower() == ".csv" else "utf-8") if isinstance(data, str) else data
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(target))
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise DubanError(f"无法写入 {target}：{os_reason(exc)}。请检查 -o 指定的路径（所在目录须已存在且可写）。") from None
    return target
