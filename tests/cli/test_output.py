"""The shared output pieces: CSV with the table's columns, files written whole, logs in office time."""
from __future__ import annotations

import csv
import io
import logging
import re

import pytest

from bot.cli import logs
from bot.errors import DubanError
from bot.output import csv_text, write_output
from tests.cli.conftest import invoke


def test_csv_has_the_table_headers_and_quotes_what_needs_it():
    text = csv_text([{"unit": "保护处, 运用处", "items": ["M8", "M9"], "due": None}],
                    [("unit", "单位"), ("items", "节点"), ("due", "截止")])
    assert list(csv.reader(io.StringIO(text))) == [["单位", "节点", "截止"], ["保护处, 运用处", "M8、M9", ""]]


@pytest.mark.parametrize("command", [["status", "--as-of", "2024-07-01"], ["plan", "--as-of", "2024-07-01", "--until", "2024-07-10"]])
def test_status_and_plan_print_csv(office, command):
    result = invoke(*command, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) > 2 and len({len(r) for r in rows}) == 1
    assert rows[0][:2] == (["状态", "单位"] if command[0] == "status" else ["发送时间", "单位"])


def test_a_file_is_written_whole_and_a_csv_opens_in_excel(tmp_path):
    target = write_output(tmp_path / "plan.csv", "单位,节点\n")
    assert target.read_bytes() == "\ufeff单位,节点\n".encode("utf-8")
    write_output(tmp_path / "plan.csv", "第二版\n")
    assert target.read_text(encoding="utf-8-sig") == "第二版\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]  # no temporary file left behind


def test_a_file_that_cannot_be_written_is_a_chinese_error_and_leaves_nothing(tmp_path):
    with pytest.raises(DubanError, match="无法写入 .*不存在"):
        write_output(tmp_path / "missing" / "x.ics", b"BEGIN:VCALENDAR")
    with pytest.raises(DubanError, match="是一个目录"):
        write_output(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("zone, offset", [("Asia/Shanghai", "+08:00"), ("Asia/Urumqi", "+06:00")])
def test_log_lines_carry_the_office_time_zone_offset(monkeypatch, tmp_path, capsys, zone, offset):
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("DUBAN_TIMEZONE", zone)
    (tmp_path / "settings.yaml").write_text("send_time: \"09:00\"\n", encoding="utf-8")
    logs.configure()
    logging.getLogger("duban.test").warning("提醒汇总已生成")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}\{offset} WARNING 提醒汇总已生成", line), line
