"""`.env` is read by the CLI itself, not only by docker-compose; the environment wins over it (issue 10)."""
from __future__ import annotations

from tests.cli.conftest import clean_env


def test_the_env_file_in_the_working_directory_points_at_the_office_database(checkout):
    env = checkout.bot("health", "--format", "json", "--max-heartbeat-age", "1")
    assert "office.sqlite3" in env.stdout, env.stderr


def test_the_environment_wins_over_the_env_file(checkout, tmp_path):
    other = tmp_path / "other.sqlite3"
    done = checkout.bot("status", env=clean_env(DUBAN_DATABASE_URL=f"sqlite:///{other}"))
    assert done.returncode == 2 and str(other) in done.stderr  # not the .env's database, and not created
    assert not other.exists()


def test_env_file_names_another_file(checkout, tmp_path):
    (checkout.root / ".env").rename(tmp_path / "office.env")
    assert checkout.bot("status").returncode == 2  # without it: ./data/duban.sqlite3, which does not exist
    done = checkout.bot("--env-file", str(tmp_path / "office.env"), "status", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"units"' in done.stdout


def test_a_missing_env_file_is_refused(checkout, tmp_path):
    done = checkout.bot("--env-file", str(tmp_path / "nope.env"), "status")
    assert done.returncode == 2 and "nope.env" in done.stderr and "不存在" in done.stderr


def test_an_unset_secret_says_where_to_set_it(checkout):
    lines = (checkout.root / ".env").read_text(encoding="utf-8").splitlines()
    (checkout.root / ".env").write_text("\n".join(l for l in lines if not l.startswith("WECOM_KEY_BAOHU")) + "\n",
                                        encoding="utf-8")
    done = checkout.bot("check-config")
    assert done.returncode == 1
    assert "WECOM_KEY_BAOHU" in done.stdout and ".env" in done.stdout
