"""Reading a document needs no set-up: with no office configured, names are kept as written."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SEED


def _extract(cwd, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    return subprocess.run([sys.executable, "-m", "bot", "extract", str(SEED), "--format", "json", *args],
                          cwd=cwd, env={**clean, "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True)


def test_extract_without_any_office_reads_units_as_written_and_says_so(tmp_path):
    done = _extract(tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert any(w["code"] == "no-directory" for w in result["warnings"])
    assert "保护处" in result["tasks"][0]["units"], "no directory: the short name stays as written"


def test_a_named_office_folder_without_units_yaml_is_still_an_error(tmp_path):
    (tmp_path / "office").mkdir()
    done = _extract(tmp_path, DUBAN_CONFIG_DIR=str(tmp_path / "office"))
    assert done.returncode == 2 and "units.yaml" in done.stderr and "Traceback" not in done.stderr
