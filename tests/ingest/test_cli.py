"""`extract` and `units check` from the command line, including every bad input."""
from pathlib import Path
import json

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import FUJIAN_UNITS


def run(*args, input=None):
    return CliRunner().invoke(cli, list(map(str, args)), input=input)


def test_extract_prints_a_table_with_a_summary_of_where_to_look(seed_path):
    result = run("extract", seed_path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "任务  截止日期" in out and "牵头单位" in out
    assert "2024-06-30  一次      6月底前" in out
    assert "缺少序号：第 13–16 项" in out
    assert "未识别的单位：保、人数处" in out
    assert max(len(line) for line in out.splitlines() if line.startswith(("1 ", "任务"))) <= 120


def test_extract_json_has_the_agreed_shape(seed_path):
    result = run("extract", seed_path, "--format", "json")
    data = json.loads(result.output)
    assert set(data) == {"document", "tasks", "milestones", "warnings"}
    assert {"title", "year", "doc_date", "issuer"} <= set(data["document"])
    assert {"no", "section", "title", "measures", "units", "lead_unit", "review"} <= set(data["tasks"][0])
    m = data["milestones"][0]
    assert {"task", "expr", "start", "end", "due", "kind", "rule", "action", "units"} <= set(m)
    twelve = next(t for t in data["tasks"] if t["no"] == 12)
    assert twelve["units"] == ["知识产权保护处", "福州市知识产权管理部门"] and twelve["lead_unit"] == "知识产权保护处"


def test_year_and_doc_date_options_override_the_document(seed_path):
    data = json.loads(run("extract", seed_path, "--year", "2025", "--doc-date", "2025-01-10", "--format", "json").output)
    assert (data["document"]["year"], data["document"]["doc_date"]) == (2025, "2025-01-10")
    assert [m["due"] for m in data["milestones"] if m["task"] == 8] == ["2025-06-30", "2025-12-31"]


def test_stdin_is_read_as_one_task_with_no_units():
    result = run("extract", "-", "--year", "2024", "--format", "json", input="6月底前完成存量专利盘点入库")
    data = json.loads(result.output)
    assert [(m["due"], m["units"]) for m in data["milestones"]] == [("2024-06-30", [])]
    assert data["tasks"][0]["units"] == []


def test_stdin_without_a_year_asks_for_one():
    result = run("extract", "-", input="6月底前完成盘点")
    assert result.exit_code == 2
    assert "--year" in result.output and "年度" in result.output


def test_a_bad_doc_date_is_refused_in_chinese(seed_path):
    result = run("extract", seed_path, "--doc-date", "2024-13-01")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing": (None, "不存在"),
    "empty.md": (b"", "文件为空"),
    "scan.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "另存为 .docx"),
    "scan.pdf": (b"%PDF-1.4\n" + bytes(64), "PDF"),
    "blob.bin": (bytes(range(256)) * 4, "二进制"),
    "notes.txt": ("只是一段说明。".encode(), "没有找到可识别的任务"),
}


@pytest.mark.parametrize("command", ["extract", "units check"])
@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_exits_2_with_a_chinese_message_naming_the_file_and_writes_nothing(tmp_path, command, name):
    data, problem = BAD_INPUTS[name]
    path = tmp_path / name if data is None else _write(tmp_path, name, data)
    result = CliRunner().invoke(cli, [*command.split(), str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("错误") and str(path) in result.stderr and problem in result.stderr


def test_a_20_mb_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "huge.md"
    with open(path, "wb") as f:
        f.truncate(20 * 1024 * 1024)
    result = run("extract", path)
    assert result.exit_code == 2 and "文件过大" in result.output and "10 MB" in result.output


def test_units_check_lists_every_written_name_and_how_it_resolved(seed_path):
    result = run("units", "check", seed_path)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "别名" in rows["运用处"] and "知识产权运用促进处" in rows["运用处"]
    assert "未识别" in rows["人数处"]
    assert "已修复" in rows["福州市知识产权管＋福理部门"]
    assert "组（需指定）" in rows["有关地市知识产权管理部门"]
    assert "未识别：保、人数处" in result.output


def test_units_check_json_and_a_custom_directory_that_fixes_the_unknown(seed_path, tmp_path):

    custom = tmp_path / "units.yaml"
    custom.write_text(FUJIAN_UNITS.read_text(encoding="utf-8").replace("    aliases: []", "    aliases: [人数处]"), encoding="utf-8")
    data = json.loads(run("units", "check", seed_path, "--units", custom, "--format", "json").output)
    row = next(r for r in data["units"] if r["written"] == "人数处")
    assert (row["how"], row["names"], row["tasks"]) == ("alias", ["人事处"], [19])
