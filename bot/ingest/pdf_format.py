"""PDF: the text layer (ruled tables → rows, text → lines); pages without one through OCR.

pypdfium2 (C, fast) opens the file first: it answers "encrypted?", "how many pages?" and
"how many characters?" in milliseconds, so a locked, 500-page or packed file is refused
before anything is parsed; it reads the text of pages that draw no lines and renders the
scanned pages for OCR. pdfplumber, ten times slower, reads only pages with rulings, for
their tables. (PyMuPDF is avoided: its AGPL licence is not one an office can accept.)
"""
from __future__ import annotations

import bisect
import re
import zlib
from io import BytesIO

from bot.errors import DubanError
from bot.ingest.blocks import Block
from bot.ingest.layout import Box, Page, Table, box_page, cell_text, page_blocks, text_box
from bot.ingest.ocr import INSTALL, ocr_available
from bot.model import Flag

MAX_PAGES = 200  # task lists run to a few dozen pages; more is a report or a book
MAX_OCR_PAGES = 20  # about 10 s a page on two cores
MAX_UNPACKED = 200 * 1024 * 1024  # all compressed streams together: twenty scanned pages fit, a zip bomb does not
MAX_PAGE_CHARS = 20_000  # a dense A4 page holds about 2,000; pdfplumber keeps an object per character
_NO_LINE_START = re.compile(r"[，。、；：？！）》」』”’,.;:?!)]")
_ERR_PASSWORD = 4  # FPDF_ERR_PASSWORD
_READABLE = re.compile(r"[\u3400-\u9fff0-9A-Za-z]")
_GARBLED = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0e-\x1f]")


_STREAM = re.compile(rb">>\s*stream\r?\n")


def check_unpacked(data: bytes, name: str) -> None:
    """Refuse a PDF whose Flate streams inflate past MAX_UNPACKED (a 400 KB file can hold 400 MB of
    page operators), measured by inflating at most that much, before pdfium or pdfminer parse them."""
    budget, view = MAX_UNPACKED, memoryview(data)
    for match in _STREAM.finditer(data):
        if b"FlateDecode" not in data[max(0, match.start() - 400): match.start()]:
            continue
        inflater, pending = zlib.decompressobj(), view[match.end():]
        try:
            while budget >= 0 and not inflater.eof:
                inflated = len(inflater.decompress(pending, 1 << 22))  # 4 MB at a time, then dropped
                budget -= inflated
                pending = inflater.unconsumed_tail
                if not inflated:
                    break
        except zlib.error:
            continue  # a damaged stream: the parsers report it
        if budget < 0:
            raise DubanError(f"{name}: PDF 解压后超过 {MAX_UNPACKED // 1024 // 1024} MB，不像正常的任务清单（可能是压缩炸弹）。"
                             "请用 PDF 阅读器打开后重新导出，或只导出任务清单所在的页")


def _opened(data: bytes, name: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD:
            raise DubanError(f"{name}: PDF 已加密（需要密码才能打开）。请用 PDF 阅读器输入密码后“另存为”不加密的 PDF，"
                             "或请发文单位提供未加密的文件") from None
        raise DubanError(f"{name}: PDF 文件已损坏，无法打开。请用 PDF 阅读器或 WPS 打开后重新导出 PDF") from None


_WATERMARK_CHARS = 100  # a scanner app's stamp or a typed caption, not the page's text


def _picture_share(page) -> float | None:
    """The share of the page the largest picture covers (None: no picture at all)."""
    import pypdfium2.raw as raw

    area, share = page.get_width() * page.get_height(), None
    for image in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = image.get_bounds()
        share = max(share or 0.0, (right - left) * (top - bottom) / area)
    return share


def _kind(page, textpage) -> str:
    """How to read a page: "scan" (OCR the rendered page), "text", "pictured" (text beside a large
    picture whose words are not read), or "empty".

    OCR: a picture without a text layer, or with only a caption or a scanner app's watermark, and
    a layer without a ToUnicode map (private-use or replacement code points). A picture covering
    the page under plenty of text is a searchable scan: its text layer is read.
    """
    text = textpage.get_text_range()
    readable = len(_READABLE.findall(text))
    if len(_GARBLED.findall(text)) > readable:
        return "scan"
    share = _picture_share(page)
    if readable < 10:
        return "scan" if share is not None else ("text" if readable else "empty")
    if share is not None and share >= 0.25:
        if readable < _WATERMARK_CHARS:
            return "scan"
        return "text" if share >= 0.8 else "pictured"
    return "text"


_TABLE_SEGMENTS = 8  # two ruled cells; a header rule or the double red line under a 版头 has 2–4


def _ruled(page) -> bool:
    """Whether the page draws enough lines to hold a ruled table (only then is pdfplumber needed)."""
    import pypdfium2.raw as raw

    segments = 0
    for path in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        segments += max(0, raw.FPDFPath_CountSegments(path.raw))
        if segments >= _TABLE_SEGMENTS:
            return True
    return False


def _runs(page, textpage) -> list[Box]:
    """pdfium's text runs (one or more per printed line), top-down like pdfplumber's coordinates.

    pdfium (C, fast) also reads letter-spaced titles ("关 于 印 发") without inventing spaces.
    """
    import pypdfium2.raw as raw

    height = page.get_height()
    runs = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        # The run's font size, not its glyphs' tight box ("- 1 -" is shorter than "关"): sizes
        # tell running headers in small print and paragraph lines apart.
        char = raw.FPDFText_GetCharIndexAtPos(textpage.raw, (left + right) / 2, (top + bottom) / 2, right - left, top - bottom)
        size = raw.FPDFText_GetFontSize(textpage.raw, char) if char >= 0 else 0
        middle = height - (top + bottom) / 2
        half = max(size, top - bottom) / 2
        runs.append(text_box(left, middle - half, right, middle + half, text))
    return runs


def _inside(box: Box, areas: list[tuple[float, float, float, float]]) -> bool:
    x, y = (box.x0 + box.x1) / 2, box.middle
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in areas)


def _cell_lines(chars: list[dict]) -> list[tuple[str, float, float]]:
    """A cell's characters as printed lines: (text, right edge, character size)."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] < lines[-1][0]["top"] + 0.5 * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        out.append(("".join(c["text"] for c in line), line[-1]["x1"], max(c["size"] for c in line)))
    return out


def _cell_text(chars: list[dict], right: float) -> str:
    """A cell's text: a line that runs to the cell's edge wraps on, a shorter one ends its paragraph.

    Units are often written one to a line ("市发展改革委⏎市财政局"); joining every line would make one
    name of them, keeping every break would split wrapped names ("各县（市、区）人民⏎政府").
    """
    lines = _cell_lines(chars)
    if not lines:
        return ""
    size = max(line[2] for line in lines)
    widest = max(line[1] for line in lines)
    # Where the text wraps: its widest line, if that reaches the cell's edge (less its padding).
    # Line breaking may keep two characters off a full line when "；" and the like would
    # otherwise start the next one.
    edge = widest if widest >= right - 2 * size else right
    paragraphs = [cell_text(lines[0][0])]
    for (_, x1, _), (text, _, _) in zip(lines, lines[1:]):
        short = 2.2 if _NO_LINE_START.search(text[:2]) else 1.5  # characters a full line may lack
        if x1 >= edge - short * size:
            paragraphs[-1] = cell_text(paragraphs[-1] + " " + text)
        else:
            paragraphs.append(cell_text(text))
    return "\n".join(p for p in paragraphs if p)


def _cell_texts(chars: list[dict], table) -> list[list[str]]:
    """The table's rows of cell texts, each character given to the cell its centre falls in."""
    rows = [row for row in table.rows]
    tops = [row.bbox[1] for row in rows]
    found: dict[tuple, list[dict]] = {}
    x0, top, x1, bottom = table.bbox
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        row = rows[max(0, bisect.bisect_right(tops, cy) - 1)]
        cell = next((c for c in row.cells if c and c[0] <= cx <= c[2] and c[1] <= cy <= c[3]), None)
        if cell:
            found.setdefault(cell, []).append(char)
    return [[_cell_text(found.get(cell, []), cell[2]) if cell else "" for cell in row.cells] for row in rows]


def _plumber_page(page, runs: list[Box]) -> Page:
    """A page with rulings: pdfplumber's tables as rows, the text runs outside them as lines
    (or as a borderless table)."""
    tables = page.find_tables()
    areas = [t.bbox for t in tables]
    items: list[Box | Table] = box_page([r for r in runs if not _inside(r, areas)], page.height).items
    items += [Table(t.bbox[1], _cell_texts(page.chars, t)) for t in tables]
    page.close()
    return Page(page.height, sorted(items, key=lambda item: item.top))


def _ocr_pages(pdf, numbers: list[int], name: str) -> tuple[dict[int, Page], list[Flag]]:
    from bot.ingest.ocr import MAX_SIDE, engine, image_page

    engine(name)  # the missing extra is reported before any page is rendered
    if len(numbers) > MAX_OCR_PAGES:
        raise DubanError(f"{name}: 有 {len(numbers)} 页是扫描图像，超过一次识别的上限 {MAX_OCR_PAGES} 页。"
                         "请把任务清单所在的页另存为单独的 PDF 后再导入")
    pages, flags = {}, []
    for number in numbers:
        page = pdf[number]
        scale = MAX_SIDE / max(page.get_size())  # rendered straight at OCR size, whatever the page claims to measure
        pages[number], found = image_page(page.render(scale=scale).to_pil(), name)
        flags += found
    return pages, flags


def _pages(numbers: list[int]) -> str:
    return "、".join(str(n + 1) for n in numbers)


class _Reading:
    """The pages read so far, the page numbers left for OCR, and those with pictures beside their text."""

    def __init__(self):
        self.pages: dict[int, Page] = {}
        self.scanned: list[int] = []
        self.pictured: list[int] = []


def _read_text_layer(pdf, data: bytes, name: str) -> _Reading:
    reading, plumber = _Reading(), None
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            if chars > MAX_PAGE_CHARS:
                raise DubanError(f"{name}: PDF 第 {number + 1} 页有 {chars} 个字符，超过每页上限 {MAX_PAGE_CHARS}，"
                                 "不像正常的公文页面。请用 PDF 阅读器打开后重新导出，或只导出任务清单所在的页")
            kind = _kind(page, textpage)
            if kind == "scan":
                reading.scanned.append(number)
                continue
            if kind == "empty":
                continue
            if kind == "pictured":
                reading.pictured.append(number)
            if _ruled(page):
                import pdfplumber

                plumber = plumber or pdfplumber.open(BytesIO(data))
                reading.pages[number] = _plumber_page(plumber.pages[number], _runs(page, textpage))
            else:
                reading.pages[number] = box_page(_runs(page, textpage), page.get_height())
    except DubanError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise DubanError(f"{name}: PDF 文字层无法读取（{type(exc).__name__}）。请用 PDF 阅读器或 WPS 打开后重新导出 PDF") from None
    finally:
        if plumber is not None:
            plumber.close()
    return reading


def pdf_blocks(data: bytes, name: str) -> tuple[list[Block], list[Flag]]:
    """The PDF's blocks and its reading flags (an "ocr" flag when any page was read by OCR)."""
    check_unpacked(data, name)
    pdf = _opened(data, name)
    try:
        if len(pdf) > MAX_PAGES:
            raise DubanError(f"{name}: PDF 共 {len(pdf)} 页，超过上限 {MAX_PAGES} 页，不像一份任务清单。"
                             "请把任务清单所在的页另存为单独的 PDF（如 WPS“PDF 拆分”）后再导入")
        reading = _read_text_layer(pdf, data, name)
        flags: list[Flag] = []
        if reading.pictured:
            flags.append(Flag("pdf-picture", f"第 {_pages(reading.pictured)} 页除文字外还有大幅图片（可能是粘贴的扫描件或表格截图），"
                                             "图片中的文字没有读取，请对照原件核对"))
        if reading.scanned and reading.pages and not ocr_available():
            # The text pages are still worth reading; the scanned ones are named, with the fix.
            flags.append(Flag("ocr-missing", f"第 {_pages(reading.scanned)} 页是扫描图像，本机未安装 OCR 组件，这些页没有读取。"
                                             f"请运行 {INSTALL} 后重新导入"))
        elif reading.scanned:
            ocr_pages, found = _ocr_pages(pdf, reading.scanned, name)
            reading.pages.update(ocr_pages)
            flags += [Flag("ocr", f"第 {_pages(reading.scanned)} 页没有文字层，已用 OCR 识别；识别结果可能有错字，请对照原件核对每项任务"),
                      *found]
    finally:
        pdf.close()
    return page_blocks([reading.pages[n] for n in sorted(reading.pages)]), flags
