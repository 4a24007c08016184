"""An office's checkout in a temporary folder: its own config, database and .env, and a robot.

Commands run as separate processes from that folder, the way an admin runs them, with
the environment scrubbed of the developer's DUBAN_* settings.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.support.loopback import LoopbackRobot
from tests.conftest import ROOT, SEED

EXAMPLES = ROOT / "bot" / "config" / "examples"
ADMIN_KEY = "office-admin-key-1"
UNIT_KEY = "office-baohu-key-1"


@dataclass
class Checkout:
    root: Path
    robot: LoopbackRobot | None
    env: dict

    def bot(self, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=self.root, env=env or self.env,
                              capture_output=True, text=True, timeout=timeout)

    def fingerprint(self) -> dict[str, str]:
        """Every file of the office outside build/ with a hash of its bytes."""
        return {str(p.relative_to(self.root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.root.rglob("*")) if p.is_file() and "build" not in p.relative_to(self.root).parts}


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "WECOM_"))}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def _env_file(root: Path, hook: str) -> str:
    return (f"DUBAN_DATABASE_URL=sqlite:///{root / 'data' / 'office.sqlite3'}\n"
            f"DUBAN_CONFIG_DIR={root / 'config'}\nWECOM_KEY_ADMIN={hook}{ADMIN_KEY}\nWECOM_KEY_BAOHU={hook}{UNIT_KEY}\n")


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    """Configured and imported once: contacts hold ${WECOM_KEY_…} references, so the robot can change per test."""
    root = tmp_path_factory.mktemp("template") / "office"
    config = root / "config"
    config.mkdir(parents=True)
    (root / "data").mkdir()
    for name in ("settings.yaml", "units.yaml"):
        (config / name).write_bytes((EXAMPLES / name).read_bytes())
    settings = (config / "settings.yaml").read_text(encoding="utf-8")
    (config / "settings.yaml").write_text(
        settings.replace("  contacts: []\n", "  contacts:\n    - wecom: ${WECOM_KEY_ADMIN}\n", 1), encoding="utf-8")
    (config / "contacts.yaml").write_text("units:\n  知识产权保护处:\n    - wecom: ${WECOM_KEY_BAOHU}\n", encoding="utf-8")
    (root / ".env").write_text(_env_file(root, "http://127.0.0.1:9/cgi-bin/webhook/send?key="), encoding="utf-8")
    office = Checkout(root, None, clean_env())
    for args in (("config", "apply"), ("import", str(SEED), "--as-of", "2024-06-20")):
        done = office.bot(*args)
        assert done.returncode == 0, done.stderr
    (root / ".env").unlink()
    return root


@pytest.fixture
def checkout(tmp_path, office_template):
    """A configured office: contacts for the admin and 保护处 on a loopback robot, the sample imported."""
    root = tmp_path / "office"
    shutil.copytree(office_template, root)
    with LoopbackRobot() as robot:
        (root / ".env").write_text(_env_file(root, f"{robot.url}/cgi-bin/webhook/send?key="), encoding="utf-8")
        yield Checkout(root, robot, clean_env())


def invoke(*args: str):
    """The CLI in-process; a traceback propagates (and fails the test) instead of passing as exit 1."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _configure(monkeypatch, folder):
    config = folder / "config"
    config.mkdir()
    for name in ("settings.yaml", "units.yaml", "contacts.yaml"):
        (config / name).write_bytes((EXAMPLES / name).read_bytes())
    path = folder / "duban.sqlite3"
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(config))
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{path}")
    for name in ("DUBAN_UNITS", "DUBAN_TIMEZONE", "DUBAN_SEND_TIME", "DUBAN_LEAD_TIMES"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The sample imported once; each test gets a copy of the database file."""
    from bot.store import close_stores

    with pytest.MonkeyPatch.context() as monkeypatch:
        path = _configure(monkeypatch, tmp_path_factory.mktemp("imported"))
        assert invoke("import", str(SEED), "--as-of", "2024-05-22").exit_code == 0
        close_stores()
    return path.read_bytes()


@pytest.fixture
def office(tmp_path, monkeypatch, imported):
    """An imported sample on SQLite, reached through the environment as an admin would."""
    from bot.store import close_stores

    path = _configure(monkeypatch, tmp_path)
    path.write_bytes(imported)
    yield path
    close_stores()
