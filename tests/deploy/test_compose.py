"""docker-compose.yml is valid for Debian's docker-compose, and speaks the variables the code reads."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from tests.conftest import ROOT

COMPOSE_FILES = ("docker-compose.yml", ".env.example", "Dockerfile", "requirements.lock")


def _docker_compose() -> str:
    found = shutil.which("docker-compose")
    if found:
        return found
    reason = "docker-compose 未安装（Debian: apt-get install docker-compose），无法校验 docker-compose.yml"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — CI 中必须校验")
    pytest.skip(reason)


def _project(tmp_path, env_text: str):
    for name in COMPOSE_FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "config").mkdir()
    (tmp_path / ".env").write_text(env_text, encoding="utf-8")
    return tmp_path


def _config(folder) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD" and not k.startswith("DUBAN_")}
    return subprocess.run([_docker_compose(), "config"], cwd=folder, env=env, capture_output=True, text=True, timeout=60)


def _example_env(password: str | None) -> str:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "\nPOSTGRES_PASSWORD=\n" in text, "the example must not carry a password anyone could copy"
    return text if password is None else text.replace("\nPOSTGRES_PASSWORD=\n", f"\nPOSTGRES_PASSWORD={password}\n")


def test_it_validates_the_compose_file_with_env_made_from_the_example(tmp_path):
    done = _config(_project(tmp_path, _example_env("Pw0rdFromEnv")))
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    services = resolved["services"]
    assert set(services) == {"bot", "web", "db", "mailpit"}
    bot, web, db = services["bot"], services["web"], services["db"]
    assert bot["command"] == ["python", "-m", "bot", "run"]
    assert bot["build"]["args"]["BASE_IMAGE"] == "python:3.11-slim"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["environment"]["DUBAN_DATABASE_URL"] == "postgresql+psycopg://duban:Pw0rdFromEnv@db:5432/duban"
    assert bot["healthcheck"]["test"][-2:] == ["bot", "health"]
    assert any(v.endswith(":/app/config:ro") for v in bot["volumes"])
    assert web["command"][:4] == ["python", "-m", "bot", "web"] and web["image"] == bot["image"]
    assert web["environment"]["DUBAN_DATABASE_URL"] == bot["environment"]["DUBAN_DATABASE_URL"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"]) and web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in resolved["volumes"], "the database must live in a named volume"


@pytest.mark.parametrize("env_text", ["WECOM_KEY_BAOHU=\n", None], ids=["no password line", "example copied unfilled"])
def test_it_refuses_to_start_without_a_database_password(tmp_path, env_text):
    done = _config(_project(tmp_path, env_text if env_text is not None else _example_env(None)))
    assert done.returncode != 0
    assert "在 .env 中设置 POSTGRES_PASSWORD" in done.stderr


def _database_guard(tmp_path, password: str) -> subprocess.CompletedProcess:
    """The db service's entrypoint as compose resolves it, run by sh with a stand-in for the image's own."""
    resolved = yaml.safe_load(_config(_project(tmp_path, _example_env(password))).stdout)
    shell, flag, script = resolved["services"]["db"]["entrypoint"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "docker-entrypoint.sh"
    stand_in.write_text("#!/bin/sh\necho started \"$@\"\n", encoding="utf-8")
    stand_in.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "POSTGRES_PASSWORD": password}
    return subprocess.run([shell, flag, script.replace("$$", "$")], env=env, capture_output=True, text=True, timeout=30)


def test_the_database_refuses_the_old_placeholder_password(tmp_path):
    refused = _database_guard(tmp_path, "change-me")
    assert refused.returncode == 1 and "POSTGRES_PASSWORD 仍是示例值" in refused.stderr


def test_the_database_starts_with_a_real_password(tmp_path):
    started = _database_guard(tmp_path, "Pw0rdFromEnv")
    assert started.returncode == 0 and started.stdout.strip() == "started postgres"


def _code_env_names() -> set[str]:
    names: set[str] = set()
    for folder in ("bot", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"DUBAN_[A-Z_]+", path.read_text(encoding="utf-8")))
    email = (ROOT / "bot" / "notify" / "email.py").read_text(encoding="utf-8")
    prefix = re.search(r'ENV_PREFIX = "(\w+)"', email)
    if prefix:  # the email channel builds DUBAN_SMTP_<OPTION> from its option names
        names |= {prefix.group(1) + opt.upper() for opt in re.findall(r'_setting\(\w+, "(\w+)"\)', email)}
        names.add(prefix.group(1) + "PASSWORD")
    return names


@pytest.mark.parametrize("name", [".env.example", "docker-compose.yml", "Dockerfile"])
def test_it_only_sets_duban_variables_the_code_reads(name):
    written = set(re.findall(r"\b(DUBAN_[A-Z_]+)=?", (ROOT / name).read_text(encoding="utf-8")))
    unknown = written - _code_env_names()
    assert written and not unknown, f"{name} sets variables no code reads: {sorted(unknown)}"


def test_it_keeps_the_env_file_and_local_state_out_of_git_and_the_image():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "build/", "*.run.lock"} <= set(ignored)
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def test_the_build_arguments_come_from_the_env_file(tmp_path):
    mirror = "\nBASE_IMAGE=registry.example.gov.cn/library/python:3.11-slim\nPIP_INDEX_URL=https://pypi.example.gov.cn/simple\n"
    resolved = yaml.safe_load(_config(_project(tmp_path, _example_env("Pw0rd") + mirror)).stdout)
    args = resolved["services"]["bot"]["build"]["args"]
    assert args["BASE_IMAGE"] == "registry.example.gov.cn/library/python:3.11-slim"
    assert args["PIP_INDEX_URL"] == "https://pypi.example.gov.cn/simple" and args["PIP_TRUSTED_HOST"] == ""


def test_the_image_build_takes_a_base_image_a_pip_index_and_a_ca_certificate():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    args = set(re.findall(r"^ARG (\w+)", dockerfile, re.M))
    assert {"BASE_IMAGE", "PIP_INDEX_URL", "CA_CERT"} <= args
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", dockerfile, re.M)
    assert "update-ca-certificates" in dockerfile


def test_it_pins_every_runtime_dependency_in_the_lock():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lock.splitlines() if "==" in line}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower().replace("_", "-") for d in project["project"]["dependencies"]}
    assert wanted <= pinned, f"missing from requirements.lock: {sorted(wanted - pinned)} (run make lock)"
    assert all("==" in line for line in lock.splitlines() if line and not line.startswith("#"))
