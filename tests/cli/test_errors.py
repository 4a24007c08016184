"""Bad input ends in `错误: …` and exit 2, a runtime failure in exit 1: never a traceback (F13, F15, F16, F19).

Each case follows a reproduction in redteam-findings.md. Commands run in-process with
exceptions not caught by the test runner, so a traceback fails the test instead of
passing as exit 1.
"""
from __future__ import annotations

import sqlite3

import click
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, insert
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.cli.failures import describe
from bot.errors import DubanError
from tests.cli.conftest import invoke
from tests.conftest import SEED


def refused(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "Error:" not in result.output
    assert "错误: " in result.stderr
    return result.stderr


@pytest.mark.parametrize("args", [
    ["plan", "--as-of", "9999-12-31"],
    ["status", "--as-of", "9999-12-31"],
    ["run", "--as-of", "9999-12-31", "--until", "9999-12-31"],
    ["run", "--as-of", "0001-01-01", "--until", "0001-01-01"],
    ["plan", "--until", "2024-02-30"],
    ["status", "--as-of", "yesterday"],
])
def test_dates_out_of_range_or_malformed_are_refused(office, args):
    message = refused(invoke(*args))
    assert "YYYY-MM-DD" in message or "2000 至 2100" in message or "2024-05-22T10:30" in message


@pytest.mark.parametrize("year", ["99999", "10000", "-5", "1", "0", "1999"])
@pytest.mark.parametrize("command", ["import", "extract"])
def test_import_and_extract_share_one_year_range(office, command, year):
    assert "2000 到 2100" in refused(invoke(command, str(SEED), "--year", year))


def test_a_milestone_id_too_large_for_the_database(office):
    refused(invoke("done", "M99999999999999999999999", "--all"))


@pytest.mark.parametrize("target", ["/nonexistent/dir/x.ics", "{tmp}"])
def test_an_output_path_that_cannot_be_written(office, tmp_path, target):
    message = refused(invoke("export-ics", "--unit", "保护处", "-o", target.format(tmp=tmp_path)))
    assert "不存在" in message or "是目录" in message or "是一个目录" in message


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_sqlite_file(office, damage, monkeypatch):
    from bot.store import close_stores

    close_stores()
    data = office.read_bytes()
    office.write_bytes(b"this is not a database at all " * 200 if damage == "garbage" else data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        office.with_name(office.name + suffix).unlink(missing_ok=True)
    for args in (["status"], ["plan"], ["import", str(SEED)]):
        message = refused(invoke(*args))
        assert "损坏" in message or "不是" in message


@pytest.mark.parametrize("url, words", [
    ("sqlite:////etc/passwd/x.db", "是文件而不是目录"),
    ("postgresql+psycopg://duban@127.0.0.1:notaport/duban", "端口须为数字"),
    ("mysql://duban@127.0.0.1/duban", "只支持 SQLite 和 PostgreSQL"),
    ("nosuchdb://x", "只支持 SQLite 和 PostgreSQL"),
    ("garbage", "无法解析"),
])
def test_database_urls_that_cannot_work(office, monkeypatch, url, words):
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    assert words in refused(invoke("import", str(SEED)))
    refused(invoke("run", "--once"))


@pytest.mark.parametrize("command", [["status"], ["import", str(SEED)], ["health"]])
def test_a_password_in_the_url_query_is_never_shown(office, monkeypatch, command):
    monkeypatch.setenv("DUBAN_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/test?password=pgSeKrEtPw&sslpassword=Two")
    result = invoke(*command)
    assert result.exit_code == 1, result.output
    assert "127.0.0.1:9/test" in result.output
    assert "pgSeKrEtPw" not in result.output and "Two" not in result.output


def test_a_read_only_place_for_the_run_lock(office, monkeypatch):
    monkeypatch.setenv("DUBAN_DATABASE_URL", "sqlite:////sys/duban.sqlite3")  # sysfs: no new files, even for root
    assert "无法创建运行锁文件 /sys/duban.sqlite3.run.lock" in refused(invoke("run", "--once"))


def test_a_worker_id_longer_than_its_column(office):
    assert "最多 200 个" in refused(invoke("run", "--once", "--worker-id", "w" * 300))


@pytest.mark.parametrize("args, words", [
    (["import", "/missing.md"], "不存在"),
    (["import"], "缺少参数"),
    (["deliveries", "--limit", "-1"], "不在允许范围"),
    (["deliveries", "--format", "xml"], "不是可选值"),
    (["status", "--no-such-option"], "没有选项"),
    (["no-such-command"], "没有命令"),
])
def test_click_speaks_chinese(office, args, words):
    message = refused(invoke(*args))
    assert words in message and "Invalid value" not in message and "Usage:" not in message
    assert "用法: " in message


def test_a_duban_error_is_a_plain_exception():
    assert not issubclass(DubanError, click.ClickException)
    error = DubanError("数据不对", exit_code=1)
    assert (error.message, error.exit_code, describe(error).exit_code) == ("数据不对", 1, 1)


def _items(engine):
    table = Table("items", MetaData(), Column("id", Integer, primary_key=True), Column("text", String, unique=True))
    table.metadata.create_all(engine)
    return table


def test_a_concurrent_write_maps_to_a_runtime_failure():
    engine = create_engine("sqlite://")
    items = _items(engine)
    with engine.begin() as conn:
        conn.execute(insert(items).values(text="福建"))
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        conn.execute(insert(items).values(text="福建"))
    failure = describe(raised.value)
    assert failure.exit_code == 1 and "重新运行" in failure.message and "INSERT" not in failure.message


def test_a_full_disk_maps_to_a_runtime_failure_without_sql(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA max_page_count = 3"))  # a 3-page disk
    items = _items(engine)
    with pytest.raises(OperationalError) as raised, engine.begin() as conn:
        for i in range(10000):
            conn.execute(insert(items).values(text="督办" * 50 + str(i)))
    assert isinstance(raised.value.orig, sqlite3.OperationalError)
    failure = describe(raised.value)
    assert failure.exit_code == 1 and "磁盘已满" in failure.message and "督办督办" not in failure.message
