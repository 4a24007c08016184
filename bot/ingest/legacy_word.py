"""Old Word binaries (.doc, and .wps from WPS, which uses the same format): through LibreOffice or antiword.

No maintained pure-Python reader exists, so Duban uses a converter that is already
installed: LibreOffice (`soffice --headless --convert-to docx`, tables kept) first, else
antiword (plain text; tables come out as text lines). Without either, the message names
both fixes: save as .docx, or install one of them.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.errors import DubanError
from bot.ingest.blocks import Block

TIMEOUT_S = 120  # a cold LibreOffice start takes 5–20 s


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _failed(name: str, tool: str, detail: str) -> DubanError:
    return DubanError(f"{name}: 旧版 Word 文件用 {tool} 转换失败（{detail}）。请用 Word 或 WPS 打开，另存为 .docx 后再导入")


def _via_libreoffice(soffice: str, data: bytes, name: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="duban-doc-") as work:
        source = Path(work) / "input.doc"
        source.write_bytes(data)
        try:
            # A private profile: a user's running LibreOffice would otherwise swallow the conversion.
            subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                            "--convert-to", "docx", "--outdir", work, str(source)],
                           capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise _failed(name, "LibreOffice", f"超过 {TIMEOUT_S} 秒") from None
        target = Path(work) / "input.docx"
        if not target.exists():
            raise _failed(name, "LibreOffice", "没有生成 .docx")
        return target.read_bytes()


def _via_antiword(antiword: str, data: bytes, name: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".doc") as source:
        source.write(data)
        source.flush()
        try:
            done = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", source.name],
                                  capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise _failed(name, "antiword", f"超过 {TIMEOUT_S} 秒") from None
    if done.returncode != 0 or not done.stdout.strip():
        raise _failed(name, "antiword", done.stderr.decode("utf-8", "replace").strip()[:80] or "没有输出文字")
    return done.stdout.decode("utf-8", "replace")


def word97_blocks(data: bytes, name: str) -> list[Block]:
    soffice = _soffice()
    if soffice:
        from bot.ingest.docx_format import docx_blocks

        return docx_blocks(_via_libreoffice(soffice, data, name), name)
    antiword = shutil.which("antiword")
    if antiword:
        from bot.ingest.text_format import text_blocks

        return text_blocks("\n".join(_via_antiword(antiword, data, name).splitlines()))
    raise DubanError(
        f"{name}: 这是旧版 Word 格式（.doc / .wps），本机没有可用的转换工具。"
        "请用 Word 或 WPS 打开，另存为 .docx 后再导入；或在本机安装 LibreOffice（apt-get install libreoffice-writer）"
        "或 antiword（apt-get install antiword）后重试"
    )
