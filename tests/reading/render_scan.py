"""An image-only PDF from corpus markdown: pages drawn with Pillow at 200 dpi, as a scanner saves them.

Paragraphs wrap character by character with a two-character indent; tables are ruled
grids whose cells wrap; every page carries a "- N -" footer. The font is Noto Sans CJK
(Debian package fonts-noto-cjk, installed by .ci/run).
"""
from __future__ import annotations

from pathlib import Path

from tests.reading.render import blocks

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
WIDTH, HEIGHT, DPI = 1654, 2339, 200  # A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 160, 200, 220
BODY, CELL, PAD = 38, 28, 16


def _font(size: int):
    from PIL import ImageFont

    if not FONT.exists():
        raise FileNotFoundError(f"{FONT} is missing: apt-get install fonts-noto-cjk")
    return ImageFont.truetype(str(FONT), size)


def _wrap(text: str, font, width: float, indent: float = 0) -> list[str]:
    lines, current, room = [], "", width - indent
    for ch in text:
        if current and font.getlength(current + ch) > room:
            lines.append(current)
            current, room = "", width
        current += ch
    return lines + [current] if current or not lines else lines


class _Pages:
    """Pages being drawn, with a cursor that starts a new page when the next thing will not fit."""

    def __init__(self):
        self.images, self.y = [], HEIGHT
        self.footer = _font(30)

    def room(self, height: float):
        from PIL import Image, ImageDraw

        if self.y + height > HEIGHT - MARGIN_BOTTOM:
            self.images.append(Image.new("L", (WIDTH, HEIGHT), 255))
            self.draw = ImageDraw.Draw(self.images[-1])
            text = f"- {len(self.images)} -"
            self.draw.text(((WIDTH - self.footer.getlength(text)) / 2, HEIGHT - 140), text, font=self.footer, fill=0)
            self.y = MARGIN_TOP
        return self.draw


def _paragraph(pages: _Pages, text: str, font) -> None:
    step = BODY * 1.7
    for index, line in enumerate(_wrap(text, font, WIDTH - 2 * MARGIN_X, indent=2 * BODY)):
        draw = pages.room(step)
        draw.text((MARGIN_X + (2 * BODY if index == 0 else 0), pages.y), line, font=font, fill=0)
        pages.y += step
    pages.y += BODY * 0.3


def _table(pages: _Pages, rows: list[list[str]], font) -> None:
    columns = max(len(r) for r in rows)
    weights = [max(2, max(len(r[i]) if i < len(r) else 0 for r in rows)) ** 0.5 for i in range(columns)]
    widths = [(WIDTH - 2 * MARGIN_X) * w / sum(weights) for w in weights]
    step = CELL * 1.4
    pages.y += BODY * 0.5
    for row in rows:
        wrapped = [_wrap(row[i] if i < len(row) else "", font, widths[i] - 2 * PAD) for i in range(columns)]
        height = max(len(w) for w in wrapped) * step + 2 * PAD
        draw = pages.room(height)
        x = MARGIN_X
        for width, lines in zip(widths, wrapped):
            draw.rectangle([x, pages.y, x + width, pages.y + height], outline=0, width=2)
            top = pages.y + (height - len(lines) * step) / 2  # cells centred vertically, as Word does
            for n, line in enumerate(lines):
                draw.text((x + PAD, top + n * step), line, font=font, fill=0)
            x += width
        pages.y += height
    pages.y += BODY * 0.5


def render_scan_pages(markdown_text: str) -> list:
    """The pages of `markdown_text` as greyscale PIL images."""
    body, cell = _font(BODY), _font(CELL)
    pages = _Pages()
    for block in blocks(markdown_text):
        if isinstance(block, str):
            _paragraph(pages, block, body)
        else:
            _table(pages, block, cell)
    return pages.images


def render_scan_pdf(markdown_text: str, path: Path) -> None:
    """Write `markdown_text` to `path` as an image-only PDF (no text layer), one image per A4 page."""
    first, *rest = render_scan_pages(markdown_text)
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)
