"""Scanned pages and images → pages of boxes, with rapidocr (the optional `ocr` extra).

The models ship inside the rapidocr wheel, so OCR works offline. What OCR misreads in a
way that moves a deadline (末/未, 日/曰, 〇/O) is repaired where the reading is certain and
always flagged, and the caller marks every task of an OCR'd document for review.
"""
from __future__ import annotations

import math
import re
from io import BytesIO
from dataclasses import dataclass
from functools import cache

from bot.errors import DubanError
from bot.ingest.layout import Box, Page, box_page
from bot.model import Flag

ENGINE_MODULE = "rapidocr"
INSTALL = "pip install 'duban[ocr]'"
MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan; more is not a page
MAX_FRAMES = 20
MAX_SIDE = 1600  # pixels (A4 at about 140 dpi): detection time falls with the square, body text stays legible


def missing_extra(name: str) -> DubanError:
    return DubanError(
        f"{name}: 这是扫描件或图片，没有文字层，需要 OCR 组件识别，但本机未安装。"
        f"请在 Duban 的虚拟环境中运行 {INSTALL}（约 200 MB，模型随安装包提供，无需联网）后重试；"
        "或先用 WPS 等工具识别成文字，另存为 .docx / .txt 后再导入"
    )


@cache
def _engine():
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False})


def ocr_available() -> bool:
    """Whether the OCR extra can be imported (without loading its models)."""
    from importlib.util import find_spec

    try:
        return all(find_spec(module) is not None for module in (ENGINE_MODULE, "onnxruntime"))
    except (ImportError, ValueError):
        return False


def engine(name: str):
    """The OCR engine, or a clear Chinese error saying how to install it."""
    try:
        return _engine()
    except ImportError:
        raise missing_extra(name) from None


def image_page(image, name: str) -> tuple[Page, list[Flag]]:
    """One page image (PIL) as a page of repaired text boxes (image pixels), and the repairs' flags."""
    scale = min(1.0, MAX_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    result = engine(name)(image.convert("RGB"))
    quads = [[(float(x), float(y)) for x, y in quad] for quad in (result.boxes if result.boxes is not None else [])]
    quads = _deskewed(quads)
    boxes, flags = [], []
    for quad, text in zip(quads, result.txts or ()):
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        text, found = repaired(text)
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text))
        flags += found
    return box_page(boxes, image.height), flags


def _deskewed(quads: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """The boxes turned back by the page's skew (the median slope of the long boxes' top edges).

    A scan 1° askew lifts the right end of an A4 line by a third of a line, enough to put a
    table row's last cells on the next line; rapidocr's boxes keep that slope.

    >>> [[round(c) for p in q for c in p] for q in _deskewed([[(0, 0), (1000, 17.5), (1000, 47.5), (0, 30)]] * 3)][0]
    [0, 0, 1000, 0, 1001, 30, 1, 30]
    """
    slopes = sorted(math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) for q in quads
                    if q[1][0] - q[0][0] > 3 * abs(q[3][1] - q[0][1]))
    if not slopes:
        return quads
    angle = slopes[len(slopes) // 2]
    if abs(angle) < math.radians(0.1):
        return quads
    cos, sin = math.cos(-angle), math.sin(-angle)
    return [[(x * cos - y * sin, x * sin + y * cos) for x, y in quad] for quad in quads]


def image_file_pages(data: bytes, name: str) -> tuple[list[Page], list[Flag]]:
    """A PNG/JPEG/TIFF scan (every frame of a multi-page TIFF) read by OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    engine(name)
    try:
        image = Image.open(BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DubanError(f"{name}: 图片文件已损坏或格式不受支持。请重新扫描，另存为 PNG、JPG 或 PDF 后再导入") from None
    if image.width * image.height > MAX_PIXELS or getattr(image, "n_frames", 1) > MAX_FRAMES:
        raise DubanError(f"{name}: 图片过大（{image.width}×{image.height} 像素，{getattr(image, 'n_frames', 1)} 页）。"
                         f"请以 200–300 dpi 扫描，每个文件不超过 {MAX_FRAMES} 页")
    pages, flags = [], []
    try:
        for frame in ImageSequence.Iterator(image):
            page, found = image_page(frame, name)
            pages.append(page)
            flags += found
    except OSError:
        raise DubanError(f"{name}: 图片文件不完整，无法读取。请重新扫描或另存后再导入") from None
    return pages, flags


@dataclass(frozen=True)
class Confusion:
    """A character OCR mistakes for another where the mistake changes a date."""

    pattern: re.Pattern
    wrong: str
    right: str
    examples: tuple[tuple[str, str], ...]  # (as OCR read it, as Duban reads it)


_DIGITS_WITH_O = r"(?:\d[0-9Oo]|[Oo]\d)[0-9Oo]{0,2}"
CONFUSIONS = (
    Confusion(re.compile(r"(?<=月|季|度|年|旬)未(?=前|[，,。；;、）)\s]|$)|(?<=每月|每季|每年)未|(?<=每季度|每半年)未"), "未", "末",
              (("每季度未报送进展", "每季度末报送进展"), ("6月未前完成", "6月末前完成"), ("三季度未，", "三季度末，"))),
    Confusion(re.compile(r"(?<=[0-9一二三四五六七八九十])曰"), "曰", "日",
              (("6月30曰前", "6月30日前"), ("十五曰", "十五日"))),
    Confusion(re.compile(rf"{_DIGITS_WITH_O}(?=\s*[年月日号])"), "O", "0",
              (("2O24年", "2024年"), ("1O月", "10月"), ("3O日前", "30日前"))),
    Confusion(re.compile(r"(?<=[二〇○零])[Oo](?=[〇○零一二三四五六七八九Oo]{0,2}年)|[Oo](?=[〇○零一二三四五六七八九]{1,3}年)"), "O", "〇",
              (("二O二四年", "二〇二四年"),)),
)


def repaired(text: str) -> tuple[str, list[Flag]]:
    """`text` with date-changing OCR confusions repaired, and a flag for each repair.

    >>> repaired("每季度未报送")[0], repaired("已于6月30曰前完成")[0], repaired("2O24年")[0]
    ('每季度末报送', '已于6月30日前完成', '2024年')
    >>> repaired("3月未完成的任务")[0]
    '3月未完成的任务'
    """
    flags = []
    for confusion in CONFUSIONS:
        def fix(match: re.Match, c: Confusion = confusion) -> str:
            fixed = match.group().replace(c.wrong, c.right).replace(c.wrong.lower(), c.right)
            if fixed == match.group():
                return fixed
            context = text[max(0, match.start() - 6): match.end() + 6]
            flags.append(Flag("ocr-confusion", f"OCR 识别为「{context}」，其中「{c.wrong}」按「{c.right}」读取"
                                               f"（{c.right}/{c.wrong} 易混，会改变日期），请对照原件核对", text=context))
            return fixed

        text = confusion.pattern.sub(fix, text)
    return text, flags
