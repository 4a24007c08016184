"""Old Word binaries (.doc / .wps): converted by LibreOffice or antiword when present, else a message naming the fix."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ingest import read_document
from tests.ingest.conftest import docx_list

ROOT = Path(__file__).resolve().parents[2]
# The OLE header and a directory entry naming the WordDocument stream, as every .doc and .wps has.
WORD97 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(200)


@pytest.mark.parametrize("name", ["old.doc", "old.wps"])
def test_without_a_converter_the_message_names_both_fixes(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(WORD97)
    # No soffice, libreoffice or antiword on an empty PATH: the machine of an office without them.
    result = subprocess.run([sys.executable, "-m", "bot", "extract", str(path), "--year", "2024"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, env={**os.environ, "PATH": ""})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"错误: {path}: 这是旧版 Word 格式")
    assert all(w in result.stderr for w in ("另存为 .docx", "LibreOffice", "antiword"))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ANTIWORD = shutil.which("antiword")


@pytest.fixture(scope="module")
def doc_file(tmp_path_factory):
    """The shared four-task list saved as Word 97 by LibreOffice (the only way to make one here)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed: no .doc can be made, the conversion paths are not exercised here")
    folder = tmp_path_factory.mktemp("doc")
    docx_list(folder / "list.docx")
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "doc",
                    "--outdir", str(folder), str(folder / "list.docx")], check=True, capture_output=True, timeout=180)
    return folder / "list.doc"


TITLES = ["推进规划实施", "加强协调", "盘活存量专利", "建设人才队伍"]


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_doc_or_wps_is_read_through_libreoffice(doc_file, tmp_path, suffix):
    path = tmp_path / f"list{suffix}"
    path.write_bytes(doc_file.read_bytes())
    document = read_document(path)
    assert [t.title for t in document.tasks] == TITLES
    assert document.tasks[0].raw_units == "保护处、运用处、各地知识产权管理部门"


@pytest.mark.skipif(ANTIWORD is None, reason="antiword is not installed: its conversion path is not exercised here")
def test_without_libreoffice_a_doc_is_read_through_antiword(doc_file, tmp_path, monkeypatch):
    only = tmp_path / "bin"
    only.mkdir()
    (only / "antiword").symlink_to(ANTIWORD)
    monkeypatch.setenv("PATH", str(only))  # LibreOffice out of reach, as on a server with antiword only
    document = read_document(doc_file)
    assert [t.title for t in document.tasks] == TITLES
    assert [t.raw_units for t in document.tasks][1] == "运用处、发展保护中心"
