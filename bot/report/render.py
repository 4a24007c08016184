"""One entry for every format: `render(report, fmt) -> bytes`. Word and Excel load their
libraries only when asked for (python-docx, openpyxl)."""
from __future__ import annotations

from pathlib import Path

from bot.errors import DubanError
from bot.report.model import Report

TEXT_FORMATS = ("md", "json")
BINARY_FORMATS = ("docx", "xlsx")
FORMATS = (*BINARY_FORMATS, *TEXT_FORMATS)


def render(report: Report, fmt: str, template_path: Path | None = None) -> bytes:
    """The report in `fmt` (md/json as UTF-8). Word uses `template_path`, else the office's
    config/report-template.docx when there is one, else Duban's own layout."""
    if fmt == "md":
        from bot.report.render_md import render_md

        return render_md(report).encode("utf-8")
    if fmt == "json":
        from bot.report.render_json import render_json

        return render_json(report).encode("utf-8")
    if fmt == "docx":
        from bot.config.paths import config_dir
        from bot.report.render_docx import TEMPLATE_NAME, render_docx

        office = config_dir() / TEMPLATE_NAME
        return render_docx(report, template_path=template_path or (office if office.is_file() else None))
    if fmt == "xlsx":
        from bot.report.render_xlsx import render_xlsx

        return render_xlsx(report)
    raise DubanError(f"未知的通报格式「{fmt}」，可选: {'、'.join(FORMATS)}。")
