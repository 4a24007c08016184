"""Build a corpus document in its real format from the markdown it is written in.

`NAME.docx.md` becomes a Word file, `NAME.xlsx.md` a workbook, `NAME.pdf.md` a PDF with a
text layer and `NAME.scan.md` an image-only PDF (read by OCR). Table blocks (`| a | b |`
lines) become tables, every other non-empty line a paragraph; a leading "# " is dropped.
"""
from __future__ import annotations

from pathlib import Path

FORMATS = (".docx", ".xlsx", ".pdf", ".scan")


def blocks(markdown: str) -> list[str | list[list[str]]]:
    """Paragraph strings and tables (lists of rows) in document order."""
    out: list[str | list[list[str]]] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the markdown separator row
            if not out or not isinstance(out[-1], list):
                out.append([])
            out[-1].append(cells)
        elif line:
            out.append(line.removeprefix("# "))
    return out


def _docx(markdown: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks(markdown):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=0, cols=max(len(r) for r in block))
        for row in block:
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
    document.save(path)


def _xlsx(markdown: str, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for block in blocks(markdown):
        for row in [[block]] if isinstance(block, str) else block:
            sheet.append(row)
    book.save(path)


def build(source: Path, out_dir: Path) -> Path:
    """The file Duban should read for `source`: itself, or the built document."""
    stem, fmt = Path(source.stem).stem, Path(source.stem).suffix
    if source.suffix != ".md" or fmt not in FORMATS:
        return source
    markdown = source.read_text(encoding="utf-8")
    target = out_dir / f"{stem}{'.pdf' if fmt == '.scan' else fmt}"
    if fmt == ".docx":
        _docx(markdown, target)
    elif fmt == ".xlsx":
        _xlsx(markdown, target)
    elif fmt == ".pdf":
        from tests.reading.render_pdf import render_text_pdf

        render_text_pdf(markdown, target)
    else:
        from tests.reading.render_scan import render_scan_pdf

        render_scan_pdf(markdown, target)
    return target
