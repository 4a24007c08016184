"""The image's dependencies, rehearsed without Docker: requirements.lock alone runs every module.

No Docker engine runs here, so the image is never built in CI. This test does what its
RUN steps do with the lock: a fresh virtual environment gets exactly the pinned packages
(nothing pulled in behind the lock's back), pip finds them consistent, and every module of
bot/ and jobs/ imports from the source tree as it does in /app. A package imported by the
code but missing from the lock fails here instead of in an office's first `docker-compose up`.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

IMPORT_ALL = """
import importlib, pkgutil
for package in ("bot", "jobs"):
    for module in pkgutil.walk_packages([package], prefix=package + "."):
        if not module.name.endswith(".__main__"):  # that one runs the command line
            importlib.import_module(module.name)
import jieba
jieba.setLogLevel(60)
jieba.initialize()
print("ok")
"""


def _run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


def test_the_lock_alone_installs_a_consistent_set_that_runs_every_module(tmp_path):
    venv = tmp_path / "image"
    assert _run(sys.executable, "-m", "venv", str(venv)).returncode == 0
    python = str(venv / "bin" / "python")
    installed = _run(python, "-m", "pip", "install", "-q", "--no-deps", "-r", str(ROOT / "requirements.lock"))
    assert installed.returncode == 0, installed.stderr[-2000:]
    checked = _run(python, "-m", "pip", "check")
    assert checked.returncode == 0, f"requirements.lock is not closed under dependencies:\n{checked.stdout}"
    imported = _run(python, "-c", IMPORT_ALL, cwd=ROOT)
    assert imported.returncode == 0 and imported.stdout.strip().endswith("ok"), imported.stderr[-2000:]
    helped = _run(python, "-m", "bot", "--help", cwd=ROOT)
    assert helped.returncode == 0 and "督办" in helped.stdout, helped.stderr[-2000:]
