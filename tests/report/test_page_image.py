"""A picture of a generated 通报 page for docs/report.md, where LibreOffice is installed.

Without LibreOffice the docs show the console's report preview instead (tests/e2e/test_report_page.py
takes that screenshot); with it, the seed's report as Word is printed to PDF by LibreOffice and its
first page drawn to PNG (pypdfium2, which pdfplumber already brings) under build/report-page/.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest

from bot.report.render_docx import render_docx
from tests.report.test_build import AS_OF, report_at

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
OUT = Path(__file__).resolve().parents[2] / "build" / "report-page"


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed: docs/report.md uses the console preview's screenshot")
def test_the_seeds_report_renders_to_a_page_image(answered, tmp_path):
    source = tmp_path / "督办通报.docx"
    source.write_bytes(render_docx(report_at(AS_OF)))
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = pypdfium2.PdfDocument(tmp_path / "督办通报.pdf")
    assert len(pdf) >= 2  # the report, then the landscape appendix
    text = pdf[0].get_textpage().get_text_range()
    assert "督办通报" in text and "总体情况" in text
    OUT.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(OUT / "01-通报首页.png")
