"""Getting a document's bytes safely: size limit, format sniffing, text encodings.

Every refusal is a DubanError naming the file and saying how to fix it, raised before
anything is parsed, so a bad file costs milliseconds and writes nothing.
"""
from __future__ import annotations

import codecs
import zipfile
from io import BytesIO
from pathlib import Path

from bot.errors import DubanError

MAX_BYTES = 10 * 1024 * 1024
TEXT, DOCX, XLSX, PDF, IMAGE, OFD, WORD97 = "text", "docx", "xlsx", "pdf", "image", "ofd", "word97"
_CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF: what scanners save
_OTHER_IMAGE = (b"GIF8", b"BM")
_OLE_WORD = "WordDocument".encode("utf-16-le")  # the stream every .doc and .wps holds
_OLE_BOOK = "Book".encode("utf-16-le")  # "Workbook" (.xls 97+) and "Book" (.xls 5)


def _refuse(name: str, problem: str, fix: str) -> DubanError:
    return DubanError(f"{name}: {problem}。{fix}")


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        if Path(name).suffix.lower() == ".ofd":
            raise _refuse(name, "OFD 文件已损坏（压缩包无法打开）", "请用 OFD 阅读器（如数科阅读器、WPS）打开后重新导出 OFD 或 PDF") from None
        raise _refuse(name, "文件已损坏（压缩包无法打开）", "请用 Word / Excel / WPS 打开后重新另存") from None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "OFD.xml" in names:
        return OFD
    raise _refuse(name, "这是压缩包，不是 Word(.docx)、Excel(.xlsx) 或 OFD 文件", "请解压后导入其中的任务清单")


def sniff_format(data: bytes, name: str) -> str:
    """The reader a document needs, decided by its content (extensions lie)."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if _OLE_WORD in data:
            return WORD97
        if _OLE_BOOK in data:
            raise _refuse(name, "这是旧版 Excel 格式（.xls / .et）", "请用 Excel 或 WPS 打开，另存为 .xlsx 后再导入")
        raise _refuse(name, "这是旧版 Word/Excel 格式（.doc / .xls / .wps），但无法确定是哪一种",
                      "请用 Word 或 WPS 打开，另存为 .docx 或 .xlsx 后再导入")
    if data[:1024].lstrip().startswith(b"%PDF"):
        return PDF
    if data.startswith(_IMAGE_MAGIC):
        return IMAGE
    if data.startswith(_OTHER_IMAGE) or data[8:12] == b"WEBP":
        raise _refuse(name, "这种图片格式不能识别文字", "请把扫描件另存为 PNG、JPG、TIF 或 PDF 后再导入")
    if data.startswith(b"{\\rtf"):
        raise _refuse(name, "这是 RTF 格式", "请用 Word 或 WPS 另存为 .docx 后再导入")
    if suffix in (".docx", ".xlsx", ".doc", ".xls", ".wps", ".pdf", ".ofd"):
        raise _refuse(name, f"扩展名是 {suffix}，但内容不是该格式的文件", "请确认文件完整，或用 Word / Excel 重新另存")
    return TEXT


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, any line endings."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), name)
    if b"\x00" in data[:8192]:
        raise _refuse(name, "这是二进制文件，不是文字文档", "请导入 .md / .txt / .docx / .xlsx / .pdf / .ofd 格式的任务清单")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detected(data, name)
    return _checked(text, name)


def _detected(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CHINESE_ENCODINGS).best()
    if best is None:
        raise _refuse(name, "无法识别文字编码", "请用记事本或 WPS 另存为 UTF-8 编码后再导入")
    return str(best)


def _checked(text: str, name: str) -> str:
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise _refuse(name, "这是二进制文件，不是文字文档", "请导入 .md / .txt / .docx / .xlsx / .pdf / .ofd 格式的任务清单")
    return "\n".join(text.splitlines())


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, refusing what is missing, empty, unreadable or over MAX_BYTES before reading it."""
    path = Path(path)
    try:
        if not path.exists():
            raise _refuse(str(path), "文件不存在", "请检查路径和文件名")
        if not path.is_file():
            raise _refuse(str(path), "不是文件（可能是目录）", "请指定一个任务清单文件")
        check_size(path.stat().st_size, str(path))
        return path.read_bytes()
    except PermissionError:
        raise _refuse(str(path), "没有读取权限", "请检查文件及其所在目录的权限（如 chmod a+r），或复制到可读的位置后再导入") from None
    except OSError as exc:
        raise _refuse(str(path), f"无法读取（{exc.strerror or type(exc).__name__}）", "请确认文件完整、磁盘可用后重试") from None


def check_size(size: int, name: str) -> None:
    if size == 0:
        raise _refuse(name, "文件为空", "请确认导出或保存成功后再导入")
    if size > MAX_BYTES:
        raise _refuse(
            name,
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
            "任务清单通常只有几百 KB；请去掉其中的图片，或按章节拆分成多个文件分别导入",
        )
