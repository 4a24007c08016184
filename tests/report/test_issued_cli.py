"""`python -m bot report`: a numbered report keeps the file it wrote, and `--issue N` writes that
file again byte for byte after a correction, while a new build shows the corrected figures."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.store.report_delivery_models import ReportFile
from tests.report.conftest import store

AS_OF = "2024-07-05"


@pytest.fixture
def imported(cli_run, seed_path):
    cli_run("import", str(seed_path), "--as-of", "2024-06-20")
    return cli_run


def figures(run, *args: str) -> dict:
    return json.loads(run("report", "--as-of", AS_OF, "--format", "json", *args).stdout)


def test_an_issue_is_written_again_as_issued_after_a_correction(imported, tmp_path):
    imported("report", "--as-of", AS_OF, "-o", str(tmp_path / "issued.docx"))
    issued = figures(imported)  # 2024年第2期, kept as JSON
    behind = issued["laggards"][0]
    with store() as (s, _):
        assert sorted(s.scalars(select(ReportFile.fmt))) == ["docx", "json"]

    imported("done", behind["items"][0]["milestone"], "--unit", behind["unit"], "--as-of", "2024-07-01")
    now = figures(imported, "--no-number")
    assert now["summary"]["overdue_open"] == issued["summary"]["overdue_open"] - 1

    again = imported("report", "--issue", "1", "--year", "2024", "-o", str(tmp_path / "again.docx")).stdout
    assert "原样取回" in again and "督办通报（2024年第1期）.docx" in again
    assert (tmp_path / "again.docx").read_bytes() == (tmp_path / "issued.docx").read_bytes()
    assert json.loads(imported("report", "--issue", "2", "--year", "2024", "--format", "json").stdout) == issued


def test_an_issue_that_is_missing_taken_or_mixed_with_building_options_is_refused(imported, tmp_path):
    imported("report", "--as-of", AS_OF, "-o", str(tmp_path / "r.docx"))
    out = imported("report", "--issue", "1", "--year", "2024", "-o", str(tmp_path / "r.xlsx"), code=2).output
    assert "保存的格式为 docx，没有 xlsx" in out and "--format docx" in out and not (tmp_path / "r.xlsx").exists()
    assert "2024年第7期不存在" in imported("report", "--issue", "7", "--year", "2024", code=2).output
    assert "2023年第1期不存在" in imported("report", "--issue", "1", "--year", "2023", code=2).output
    mixed = imported("report", "--issue", "1", "--as-of", AS_OF, "--period", "week", "-o", "x.docx", code=2).output
    assert "不能与 --as-of、--period 同时使用" in mixed
    assert "--year 只与 --issue 连用" in imported("report", "--year", "2024", code=2).output
    taken = imported("report", "--as-of", AS_OF, "--number", "1", code=2).output
    assert "2024年第1期已经存在" in taken and "--issue 1 --year 2024" in taken
