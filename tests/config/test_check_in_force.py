"""check-config judges the settings in force (settings.yaml < console < environment) when the
store exists, without creating one, and finds the scheduled report's recipients nobody would get."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from bot.cli import cli
from bot.store import open_store, session_scope
from bot.store.office_settings import save

URL = "https://duban.example.gov.cn"

SCHEDULE = """\
report_schedule:
  period: month
  day: 3
  recipients:
    - 督办管理员
    - 知识产权保护处
    - 保护处
    - 宣教处
    - 各地知识产权管理部门
    - baohu@example.gov.cn
    - leader@example.gov.cn
    - off@example.gov.cn
"""

CONTACTS = """\
units:
  知识产权保护处:
    - email: baohu@example.gov.cn
  商标监督管理处:
    - email: off@example.gov.cn
      enabled: false
"""


@pytest.fixture
def office(store_config, monkeypatch):
    monkeypatch.delenv("DUBAN_PUBLIC_URL", raising=False)
    return store_config


def check() -> dict:
    result = CliRunner().invoke(cli, ["check-config", "--format", "json"], catch_exceptions=False)
    return json.loads(result.output)


def messages(rows: list[dict]) -> list[str]:
    return [r["message"] for r in rows]


def test_a_public_url_set_in_the_console_is_in_force_and_said_to_come_from_there(office, db_url):
    with session_scope(open_store(db_url)) as session:
        save(session, {"public_url": (None, URL)}, actor="李四")
    warnings = messages(check()["warnings"])
    assert not [w for w in warnings if "未设置 public_url" in w]
    said = [w for w in warnings if f"public_url = {URL}" in w]
    assert said and "控制台" in said[0] and "office_settings" in said[0] and "config export" in said[0]


def test_the_environment_still_wins_over_the_console(office, db_url, monkeypatch):
    with session_scope(open_store(db_url)) as session:
        save(session, {"public_url": (None, URL)}, actor="李四")
    monkeypatch.setenv("DUBAN_PUBLIC_URL", "https://env.example.gov.cn")
    warnings = messages(check()["warnings"])
    assert not [w for w in warnings if "public_url" in w]


def test_a_store_without_a_public_url_names_all_three_places(office, db_url):
    open_store(db_url)
    warnings = messages(check()["warnings"])
    assert [w for w in warnings if "未设置 public_url" in w and "控制台“设置”页" in w and "DUBAN_PUBLIC_URL" in w]


def test_without_a_store_the_file_is_judged_and_no_database_is_created(office, db_url):
    if make_url(db_url).get_backend_name() != "sqlite":
        pytest.skip("a SQLite file is what an unwanted store would leave behind")
    warnings = messages(check()["warnings"])
    assert [w for w in warnings if "未设置 public_url（或环境变量 DUBAN_PUBLIC_URL）" in w]
    assert not Path(make_url(db_url).database).exists()


def test_it_reports_each_report_recipient_the_schedule_would_not_reach_with_its_line(office):
    (office / "settings.yaml").write_text(SCHEDULE, encoding="utf-8")
    (office / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    report = check()
    found = [m for m in messages(report["problems"]) if "report_schedule.recipients" in m]
    by_index = {int(m.split("recipients[")[1].split("]")[0]): m for m in found}
    assert sorted(by_index) == [2, 3, 4, 6, 7], found
    settings_file = str(office / "settings.yaml")
    assert by_index[2].startswith(f"{settings_file} 第 7 行") and "「知识产权保护处」的简称" in by_index[2]
    assert "「宣教处」不在单位目录" in by_index[3] and "督办管理员" in by_index[3]
    assert "一组单位" in by_index[4]
    assert "leader@example.gov.cn" in by_index[6] and "已启用的邮箱联系方式" in by_index[6]
    assert "off@example.gov.cn" in by_index[7]
    assert report["ok"] is False


def test_a_schedule_whose_recipients_all_resolve_passes(office):
    (office / "settings.yaml").write_text(SCHEDULE.split("    - 保护处")[0] + "    - baohu@example.gov.cn\n",
                                          encoding="utf-8")
    (office / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    assert not [m for m in messages(check()["problems"]) if "recipients" in m]
