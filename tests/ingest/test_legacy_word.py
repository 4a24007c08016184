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


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed: the .doc conversion path is not exercised here")
def test_a_doc_is_read_through_libreoffice(tmp_path):
    source = tmp_path / "list.docx"
    docx_list(source)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    document = read_document(tmp_path / "list.doc")
    assert [t.title for t in document.tasks] == ["推进规划实施", "加强协调", "盘活存量专利", "建设人才队伍"]
