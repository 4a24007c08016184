"""`python -m bot init DIR` gives an office a config folder of its own, outside the code, and an
installed package works from it (issue 11 item 3)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib

import pytest

from bot.config.paths import FILES
from tests.conftest import ROOT, SEED


def test_init_writes_the_commented_examples_and_they_pass_check_config(bot, tmp_path, monkeypatch):
    folder = tmp_path / "duban-office"
    out = bot("init", str(folder)).output
    assert f"export DUBAN_CONFIG_DIR={folder.resolve()}" in out
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert all((folder / name).read_text(encoding="utf-8").startswith("#") for name in FILES)
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(folder))
    monkeypatch.delenv("DUBAN_UNITS", raising=False)
    assert "配置检查通过" in bot("check-config").output


def test_init_refuses_a_folder_that_already_holds_a_config_and_changes_nothing(bot, tmp_path):
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "contacts.yaml").write_text("units: {知识产权保护处: [{email: a@example.gov.cn}]}\n", encoding="utf-8")
    message = bot("init", str(folder), code=2).output
    assert "已有 contacts.yaml" in message and "不覆盖" in message
    assert [p.name for p in folder.iterdir()] == ["contacts.yaml"]
    assert "a@example.gov.cn" in (folder / "contacts.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_installed_package_runs_from_an_office_folder_made_by_init(tmp_path):
    """pip install . into a fresh venv, then everything from a directory that is not the checkout."""
    def run(*args, **kw):
        done = subprocess.run(args, capture_output=True, text=True, timeout=900, **kw)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
        return done

    venv, source = tmp_path / "venv", tmp_path / "source"
    for package in ("bot", "jobs"):  # what a release ships, nothing else of the checkout
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    run(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    run(python, "-m", "pip", "install", "-q", str(source))  # pyproject's dependencies alone, not the lock
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "PYTHON"))}
    env |= {"HOME": str(home), "DUBAN_DATABASE_URL": f"sqlite:///{home / 'duban.sqlite3'}"}
    run(python, "-m", "bot", "init", str(home / "duban-office"), cwd=home, env=env)
    env["DUBAN_CONFIG_DIR"] = str(home / "duban-office")
    checked = run(python, "-m", "bot", "check-config", cwd=home, env=env)
    assert "配置检查通过" in checked.stdout and "19 个单位" in checked.stdout
    run(python, "-m", "bot", "config", "apply", cwd=home, env=env)
    imported = run(python, "-m", "bot", "import", str(SEED), "--as-of", "2024-05-22", cwd=home, env=env)
    assert "首次导入：17 个时间节点" in imported.stdout
    where = run(python, "-c", "import bot, sys; print(bot.__file__)", cwd=home, env=env).stdout
    assert str(venv) in where and str(ROOT) not in where
    assert run(python, "-c", IMPORT_EVERY_MODULE, cwd=home, env=env).stdout.split() == ["ok"]
    shipped = run(python, "-c", PACKAGE_DATA, cwd=home, env=env).stdout.split()
    assert shipped == sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bot").rglob("*")
                             if p.suffix in (".html", ".css", ".js", ".yaml", ".ini", ".mako"))
    release = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert run(python, "-m", "bot", "--version", cwd=home, env=env).stdout.split()[-1] == release


# Every module of the installed package imports with pyproject's dependencies (the web console,
# PDF, Word and OFD readers included; OCR is the optional extra and imports rapidocr lazily).
IMPORT_EVERY_MODULE = """
import importlib, pkgutil, bot, jobs
for package in (bot, jobs):
    for module in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
print("ok")
"""
# The console's templates and static files and the example configuration, as installed.
PACKAGE_DATA = """
from pathlib import Path
import bot
root = Path(bot.__file__).parent
print("\\n".join(sorted("bot/" + str(p.relative_to(root)) for p in root.rglob("*")
                         if p.suffix in (".html", ".css", ".js", ".yaml", ".ini", ".mako"))))
"""
