"""`python -m bot report`: numbered unless a preview, written whole or not at all, errors in Chinese."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from bot.store.report_models import ReportIssue
from tests.report.conftest import store


@pytest.fixture
def imported(cli_run, seed_path):
    cli_run("import", str(seed_path), "--as-of", "2024-06-20")
    return cli_run


def numbers() -> list[tuple[int, int, str]]:
    with store() as (s, _):
        return [(i.year, i.number, i.formats) for i in s.scalars(select(ReportIssue).order_by(ReportIssue.id))]


def test_each_report_takes_the_next_number_and_a_preview_takes_none(imported, tmp_path):
    first = imported("report", "--as-of", "2024-07-05", "-o", str(tmp_path / "a.md")).stdout
    assert "已写入" in first and "2024年第1期" in first
    assert "**2024年第1期**" in (tmp_path / "a.md").read_text(encoding="utf-8")
    data = json.loads(imported("report", "--as-of", "2024-07-05", "--format", "json").stdout)
    assert (data["number"], data["issue"]) == (2, "2024年第2期")
    preview = imported("report", "--as-of", "2024-07-05", "--no-number")
    assert "预览" in preview.stdout and numbers() == [(2024, 1, "md"), (2024, 2, "json")]
    assert json.loads(imported("report", "--as-of", "2025-01-06", "--period", "week", "--format", "json",
                               "--number", "5").stdout)["issue"] == "2025年第5期"
    assert "2025年第5期已经存在" in imported("report", "--as-of", "2025-01-07", "--number", "5", code=2).output


def test_a_file_that_cannot_be_written_takes_no_number(imported, tmp_path):
    out = imported("report", "--as-of", "2024-07-05", "-o", str(tmp_path / "missing" / "r.md"), code=2).output
    assert "无法写入" in out and numbers() == []


def test_word_and_excel_need_a_file_and_open_as_such(imported, tmp_path):
    assert "不能输出到屏幕" in imported("report", "--format", "docx", code=2).output
    assert "不能输出到屏幕" in imported("report", "--format", "xlsx", "-o", "-", code=2).output
    assert "不能同时使用" in imported("report", "--number", "3", "--no-number", code=2).output
    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    imported("report", "--as-of", "2024-07-05", "-o", str(tmp_path / "r.docx"))
    imported("report", "--as-of", "2024-07-05", "-o", str(tmp_path / "r.xlsx"))  # the format from the name
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "2024年第1期" in text
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "r.xlsx").read_bytes()))
    assert book.sheetnames and numbers() == [(2024, 1, "docx"), (2024, 2, "xlsx")]


def test_the_office_and_title_come_from_settings_and_a_bad_value_is_named(imported, store_config):
    (store_config / "settings.yaml").write_text("report:\n  office: 福建省知识产权局办公室\n  title: 专项督办通报\n",
                                                encoding="utf-8")
    md = imported("report", "--as-of", "2024-07-05", "--no-number").stdout
    assert md.startswith("# 福建省知识产权局办公室 专项督办通报\n")
    (store_config / "settings.yaml").write_text("report:\n  office: 12\n", encoding="utf-8")
    out = imported("check-config", code=1).output  # 1: problems found
    assert "settings.yaml" in out and "第 2 行" in out and "office" in out


def test_an_empty_store_has_no_report_and_takes_no_number(cli_run, tmp_path):
    cli_run("users", "add", "管理员", "--role", "admin", "--password-stdin", input="一个足够长的密码-2024\n")
    out = cli_run("report", "-o", str(tmp_path / "r.md"), code=1).output
    assert "还没有督办事项" in out and not (tmp_path / "r.md").exists() and numbers() == []
