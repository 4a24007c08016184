"""A text-layer PDF from corpus markdown, laid out as offices print: A4, running header, "- N -" footer.

reportlab's built-in CID font STSong-Light needs no font file; paragraphs wrap as Chinese
text does (anywhere, not at spaces), so a sentence or a parenthetical runs over line and
page breaks the way it does in real exported PDFs.
"""
from __future__ import annotations

from pathlib import Path

from tests.reading.render import blocks

FONT = "STSong-Light"


def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=24, wordWrap="CJK", firstLineIndent=28)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return body, cell


def flowables(markdown: str) -> list:
    """Paragraphs and ruled tables (columns sized by their text) for `markdown`."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle
    from xml.sax.saxutils import escape

    body, cell = _styles()
    out = []
    width = 170 * mm
    for block in blocks(markdown):
        if isinstance(block, str):
            out.append(Paragraph(escape(block), body))
            continue
        columns = max(len(r) for r in block)
        weights = [max(2, max(len(r[i]) if i < len(r) else 0 for r in block)) ** 0.5 for i in range(columns)]
        widths = [width * w / sum(weights) for w in weights]
        rows = [[Paragraph(escape(r[i]) if i < len(r) else "", cell) for i in range(columns)] for r in block]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        out.append(table)
    return out


def render_text_pdf(markdown_text: str, path: Path, header: str = "内部资料 注意保存", footer: str = "- {page} -") -> None:
    """Write `markdown_text` to `path` as an A4 PDF with a text layer.

    Every page has the `footer` ("{page}" is its number); pages after the first also the
    running `header`, as Word's "different first page" prints them.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    def decorate(canvas, doc, first=False):
        canvas.saveState()
        if not first:
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 15 * mm, header)
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, footer.format(page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=25 * mm, bottomMargin=22 * mm)
    doc.build(flowables(markdown_text), onFirstPage=lambda c, d: decorate(c, d, first=True), onLaterPages=decorate)
