"""Files a unit sends with 进展 or 办结: size-limited, of a few document and image types, kept
under the attachments folder by their SHA-256 (never inside the database rows).

Folder: DUBAN_ATTACHMENTS_DIR, else the setting `attachments: dir:`, else data/attachments;
size: the setting `attachments: limit_mb:` (default 10 MB).
The type is judged by the file's first bytes as well as its name, so a renamed page or
program is refused; the admin downloads a file as an attachment, never rendered inline.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.answers.flows import AnswerRefused
from bot.config.settings import ATTACHMENT_LIMIT_MB, Settings
from bot.store.answer_models import Attachment

FOLDER_ENV = "DUBAN_ATTACHMENTS_DIR"
DEFAULT_FOLDER = "data/attachments"
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    ".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (_ZIP,), ".xlsx": (_ZIP,), ".pptx": (_ZIP,), ".ofd": (_ZIP,), ".zip": (_ZIP,),
    ".doc": (_OLE,), ".xls": (_OLE,), ".txt": (),
}
ALLOWED = "、".join(SIGNATURES)


def folder(settings: Settings | None) -> Path:
    return Path(os.environ.get(FOLDER_ENV) or (settings.attachments_dir if settings else "") or DEFAULT_FOLDER)


def limit_bytes(settings: Settings | None) -> int:
    return (settings.attachment_limit_mb if settings else ATTACHMENT_LIMIT_MB) * 1024 * 1024


def _checked_type(name: str, data: bytes) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise AnswerRefused(f"不支持的附件类型「{suffix or '无扩展名'}」。可上传：{ALLOWED}。")
    starts = SIGNATURES[suffix]
    if starts and not data.startswith(starts):
        raise AnswerRefused(f"附件「{name}」的内容与扩展名 {suffix} 不符，请上传原始文件。")
    if not starts and (b"\x00" in data or _undecodable(data)):
        raise AnswerRefused(f"附件「{name}」不是纯文本文件，请改为 PDF 或 Word 文档。")


def _undecodable(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def store(session: Session, settings: Settings | None, name: str, data: bytes, at: datetime) -> Attachment:
    """Check and keep one uploaded file; refused with the reason when too large or of a wrong type."""
    limit = limit_bytes(settings)
    if len(data) > limit:
        raise AnswerRefused(f"附件过大（{len(data) / 1048576:.1f} MB），最大 {limit // 1048576} MB，请压缩或拆分后上传。")
    if not data:
        raise AnswerRefused("附件是空文件，请重新选择。")
    shown = Path(name.replace("\\", "/")).name[:200] or "附件"
    _checked_type(shown, data)
    digest = hashlib.sha256(data).hexdigest()
    path = path_of(settings, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    row = Attachment(sha256=digest, name=shown, size=len(data), at=at)
    session.add(row)
    session.flush()
    return row


def path_of(settings: Settings | None, digest: str) -> Path:
    return folder(settings) / digest[:2] / digest
