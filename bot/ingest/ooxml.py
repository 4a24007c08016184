"""Word and Excel files are zip packages: refuse a hostile one before any part is unpacked.

The 10 MB limit looks only at the file on disk; a few megabytes can unpack to gigabytes
(redteam F05: a 6 MB .docx with a 2 GiB document.xml took 6 GB of memory). The sizes in
the zip directory are checked first, so a zip bomb costs milliseconds; then the XML
elements are counted, since a few MB of empty paragraphs take minutes and gigabytes to parse. A member that
declares a small size and inflates to more is cut off by zipfile itself (it checks the
declared size while reading).
"""
from __future__ import annotations

import zipfile
from io import BytesIO

from bot.errors import DubanError

MAX_XML_BYTES = 32 * 1024 * 1024  # all XML parts together, unpacked: a long real list needs a few MB
MAX_PART_BYTES = 64 * 1024 * 1024  # any other part (images): more than the 10 MB file could honestly hold
MAX_XML_TAGS = 600_000  # elements in all XML parts: a 200-page Word file has about 300 000; each costs parsing


def open_package(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The package, after checking what its parts unpack to; `kind` is "Word" or "Excel"."""
    try:
        package = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise DubanError(f"{name}: {kind} 文件已损坏（压缩包无法打开）。请用 {kind} 或 WPS 打开后重新另存") from None
    xml = 0
    for info in package.infolist():
        if info.filename.endswith((".xml", ".rels")):
            xml += info.file_size
        elif info.file_size > MAX_PART_BYTES:
            raise _too_big(name, kind, f"其中的「{info.filename}」解压后有 {_mb(info.file_size)}")
    if xml > MAX_XML_BYTES:
        raise _too_big(name, kind, f"文字内容解压后有 {_mb(xml)}（上限 {_mb(MAX_XML_BYTES)}）")
    tags = sum(read_part(package, i.filename, name, kind).count(b"<") for i in package.infolist()
               if i.filename.endswith((".xml", ".rels")))
    if tags > MAX_XML_TAGS:  # millions of tiny elements fit in a few MB and take minutes to parse
        raise _too_big(name, kind, f"含有 {tags} 个 XML 元素（上限 {MAX_XML_TAGS}）")
    return package


def read_part(package: zipfile.ZipFile, part: str, name: str, kind: str) -> bytes:
    """One part's bytes; a part that inflates past its declared size is refused, not read."""
    try:
        return package.read(part)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DubanError(f"{name}: {kind} 文件已损坏（{part}：{type(exc).__name__}）。请用 {kind} 或 WPS 打开后重新另存") from None


def _too_big(name: str, kind: str, what: str) -> DubanError:
    return DubanError(
        f"{name}: {kind} 文件内容异常庞大，{what}，不像任务清单（可能是损坏或恶意构造的文件），已拒绝读取。"
        f"请用 {kind} 或 WPS 打开，确认内容后另存为新文件再导入"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"
