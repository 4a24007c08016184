"""`make run`'s demo never touches the office's database, configuration or robots (issue 10).

The office below has its database and contacts in .env and in the environment, as an
admin who follows docs/deploy.md would; the demo's import and a short replay (the live
service is left out) run exactly as the Makefile has them.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def make_demo(office, **extra: str) -> subprocess.CompletedProcess:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make 未安装")
    stamp = ROOT / ".venv" / ".installed-stamp"
    env = {**office.env, **extra}
    return subprocess.run([make, "-s", "-f", str(ROOT / "Makefile"), f"VENV={ROOT / '.venv'}", "-o", str(stamp),
                           "demo", "DEMO_UNTIL=2024-06-21"],
                          cwd=office.root, env=env, capture_output=True, text=True, timeout=300)


def test_the_demo_leaves_a_configured_office_untouched_and_sends_nothing(checkout):
    before = checkout.fingerprint()
    office_env = {line.split("=", 1)[0]: line.split("=", 1)[1]
                  for line in (checkout.root / ".env").read_text(encoding="utf-8").splitlines()}

    done = make_demo(checkout, **office_env)  # the office's variables in the environment too

    assert done.returncode == 0, done.stderr
    assert "演示数据库 build/demo/duban.sqlite3" in done.stdout and "不会发往任何机器人" in done.stdout
    assert "【控制台预览·未实际发送】" in done.stdout
    assert "发送成功 2 次" in done.stdout  # the admin's digests, to the console
    assert checkout.robot.received == []
    assert checkout.fingerprint() == before
    demo = checkout.root / "build" / "demo"
    assert (demo / "duban.sqlite3").is_file()
    assert not list(checkout.root.rglob("*.run.lock"))


def test_running_the_demo_again_imports_and_sends_nothing_twice(checkout):
    assert make_demo(checkout).returncode == 0
    again = make_demo(checkout)
    assert again.returncode == 0, again.stderr
    assert "与上次导入的文件相同，未做任何修改" in again.stdout and "发送成功 0 次" in again.stdout
    assert checkout.robot.received == []
