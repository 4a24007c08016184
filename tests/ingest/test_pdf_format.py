"""Text-layer PDFs built in the test with reportlab: paragraphs, tables, page breaks, running text, bad files."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import DubanError
from bot.ingest import read_bytes_document, read_document
from bot.ingest.layout import is_page_number
from bot.ingest.pdf_format import MAX_PAGES
from tests.ingest.conftest import markdown_list, text_list
from tests.reading.render_pdf import render_text_pdf

ROOT = Path(__file__).resolve().parents[2]
UNITS = "（省发展改革委牵头，省财政厅、省自然资源厅、各设区市人民政府、平潭综合实验区管委会按职责分工负责）"


def tasks_of(document):
    return [(t.no, t.section, t.title, t.measures, t.raw_units) for t in document.tasks]


def pdf(tmp_path, markdown: str, **kwargs) -> Path:
    path = tmp_path / "list.pdf"
    render_text_pdf(markdown, path, **kwargs)
    return path


def test_a_pdf_table_reads_like_the_same_table_in_markdown(tmp_path):
    document = read_document(pdf(tmp_path, markdown_list()))
    expected = read_bytes_document(markdown_list().encode(), "list.md")
    assert tasks_of(document) == tasks_of(expected)
    assert (document.title, document.doc_date, document.issuer) == (expected.title, expected.doc_date, expected.issuer)


def test_pdf_paragraphs_read_like_the_same_text(tmp_path):
    markdown = text_list().replace("\r\n", "\n")
    document = read_document(pdf(tmp_path, markdown))
    assert tasks_of(document) == tasks_of(read_bytes_document(markdown.encode(), "list.txt"))


def long_list(count: int) -> str:
    lines = ["2025年某省重点工作任务分工方案", "一、稳定经济增长"]
    for no in range(1, count + 1):
        lines.append(f"{no}. 推进第{no}项重点工作。{no % 12 + 1}月底前，制定年度工作计划，明确时间表和路线图，"
                     f"统筹推进项目建设、要素保障和督促检查，确保各项工作按期完成并取得实效{UNITS}。")
    return "\n".join(lines)


def lines_of(path: Path) -> list[str]:
    from bot.ingest.blocks import Line
    from bot.ingest.pdf_format import pdf_blocks

    blocks, flags = pdf_blocks(path.read_bytes(), path.name)
    assert flags == []
    return [b.text for b in blocks if isinstance(b, Line)]


def test_paragraphs_and_parentheticals_wrapped_over_lines_and_pages_are_one_paragraph(tmp_path):
    import pdfplumber

    markdown = long_list(30)
    path = pdf(tmp_path, markdown)
    with pdfplumber.open(path) as opened:
        assert len(opened.pages) >= 3  # so some paragraphs do cross a page break
    assert lines_of(path) == markdown.split("\n")


@pytest.mark.parametrize("footer", ["- {page} -", "第{page}页 共9页", "— {page} —", "{page}"])
def test_running_headers_footers_and_page_numbers_are_removed(tmp_path, footer):
    markdown = long_list(30)
    assert lines_of(pdf(tmp_path, markdown, footer=footer)) == markdown.split("\n")


@pytest.mark.parametrize("text, page_number", [
    ("- 3 -", True), ("— 12 —", True), ("第3页 共20页", True), ("共20页 第3页", True), ("3/20", True), ("7", True),
    ("3月底前", False), ("第三季度", False), ("2024年", False),
])
def test_what_counts_as_a_page_number(text, page_number):
    assert is_page_number(text) is page_number


def test_a_table_that_runs_over_pages_repeating_its_header_is_one_table(tmp_path):
    rows = "\n".join(f"| {no} | 完成第{no}项数据共享平台建设任务 | 市大数据局 | {no % 12 + 1}月底前 |" for no in range(1, 61))
    document = read_document(pdf(tmp_path, f"2024年某市数字政府建设任务清单\n| 序号 | 工作任务 | 责任单位 | 完成时限 |\n|---|---|---|---|\n{rows}"))
    assert [t.no for t in document.tasks] == list(range(1, 61))
    assert all(t.raw_units == "市大数据局" and t.deadline_text == f"{t.no % 12 + 1}月底前" for t in document.tasks)
    assert not any(f.code in ("missing-tasks", "task-order") for f in document.flags)


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "extract", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **kwargs)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("错误: ") and "Traceback" not in result.stderr
    assert all(w in result.stderr for w in words), result.stderr
    assert result.stdout == ""


def test_an_encrypted_pdf_is_refused_with_a_chinese_message(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    page = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(100, 700, "1. task")
    page.save()
    assert_refused(cli(str(path), "--year", "2024"), str(path), "已加密", "不加密的 PDF")


def test_a_500_page_pdf_is_refused_by_its_page_count_before_it_is_parsed(tmp_path):
    import pypdfium2 as pdfium

    path = tmp_path / "book.pdf"
    document = pdfium.PdfDocument.new()
    for _ in range(500):
        document.new_page(595, 842)
    document.save(str(path))
    assert_refused(cli(str(path), "--year", "2024"), "共 500 页", f"上限 {MAX_PAGES} 页", "另存为单独的 PDF")


def test_a_damaged_pdf_is_refused(tmp_path):
    path = pdf(tmp_path, markdown_list())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DubanError, match="PDF") as error:
        read_document(path)
    assert error.value.exit_code == 2 and "重新导出" in error.value.message


def test_a_pdf_extract_runs_end_to_end_with_milestones(tmp_path):
    import json

    result = cli(str(pdf(tmp_path, markdown_list())), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [t["title"] for t in data["tasks"]] == ["推进规划实施", "加强协调", "盘活存量专利", "建设人才队伍"]
    assert "2024-06-30" in [m["due"] for m in data["milestones"]]


def test_a_page_packed_with_characters_is_refused_before_pdfplumber_builds_an_object_for_each(tmp_path):
    from reportlab.pdfgen import canvas

    from bot.ingest.pdf_format import MAX_PAGE_CHARS

    path = tmp_path / "dense.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("Helvetica", 2)
    for line in range(MAX_PAGE_CHARS // 200 + 10):
        page.drawString(5, 5 + line * 1.5, "6" * 200)
    page.save()
    with pytest.raises(DubanError, match=f"第 1 页有 .* 个字符，超过每页上限 {MAX_PAGE_CHARS}") as error:
        read_document(path)
    assert error.value.exit_code == 2


def bomb_pdf(path: Path, unpacked_mb: int) -> Path:
    """One page whose content stream inflates to `unpacked_mb` MB of no-op operators."""
    import zlib

    stream = zlib.compress(b"q Q " * (unpacked_mb << 18), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    path.write_bytes(out + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return path


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    from bot.ingest import pdf_format

    monkeypatch.setattr(pdf_format, "MAX_UNPACKED", 8 * 1024 * 1024)
    path = bomb_pdf(tmp_path / "bomb.pdf", 16)
    assert path.stat().st_size < 100_000
    with pytest.raises(DubanError, match="解压后超过 8 MB") as error:
        read_document(path)
    assert error.value.exit_code == 2
    small = bomb_pdf(tmp_path / "small.pdf", 4)  # under the limit: read, and found empty
    with pytest.raises(DubanError, match="没有找到可识别的任务"):
        read_document(small)


def test_paragraphs_indented_with_full_width_spaces_are_kept_apart(tmp_path):
    """WPS indents a paragraph with "　　" from the left margin: that is a new paragraph, not a wrapped line."""
    from reportlab.pdfgen import canvas

    from tests.reading.render_pdf import FONT, _styles

    _styles()  # registers the CID font
    path = tmp_path / "wps.pdf"
    page = canvas.Canvas(str(path))
    page.setFont(FONT, 14)
    lines = ["\u3000\u3000各地各部门要提高政治站位，切实把各项任务落到实处，确保取得",
             "实效，形成工作合力，推动各项任务落地见效，现将有关事项通知如下。",
             "\u3000\u3000各单位要明确专人负责，建立工作台账，加强跟踪问效，按时报送",
             "工作进展。"]
    for n, line in enumerate(lines):
        page.drawString(60, 780 - 24 * n, line)
    page.save()
    assert lines_of(path) == [lines[0].lstrip() + lines[1], lines[2].lstrip() + lines[3]]


def test_a_large_picture_beside_the_text_is_flagged_not_silently_skipped(tmp_path):
    from PIL import Image
    from reportlab.pdfgen import canvas

    picture = tmp_path / "table.png"
    Image.new("L", (800, 600), 200).save(picture)
    path = pdf(tmp_path, markdown_list())
    mixed = tmp_path / "mixed.pdf"
    page = canvas.Canvas(str(mixed))
    page.drawImage(str(picture), 50, 100, 480, 360)
    page.setFont("Helvetica", 12)
    for n in range(3):
        page.drawString(50, 700 + 15 * n, "Annex 1 of the 2024 work plan, pages 1-2, see the table below")
    page.save()
    from bot.ingest.pdf_format import pdf_blocks

    _, flags = pdf_blocks(mixed.read_bytes(), "mixed.pdf")
    assert [(f.code, "第 1 页" in f.message) for f in flags] == [("pdf-picture", True)]
    assert lines_of(path)  # a text PDF without pictures gets no such flag (asserted inside lines_of)


def test_a_table_continued_under_a_header_printed_from_page_two_is_one_table(tmp_path):
    """Word's "different first page": the running header is on one page of two, found by its small print."""
    measures = "；".join(f"{m}月底前完成第{m}阶段的调查摸底和整改落实工作" for m in range(1, 9))
    rows = "\n".join(f"| {n} | 推进第{n}项重点任务 | {measures} | 市发展改革委 | 12月底前 |" for n in range(1, 9))
    path = pdf(tmp_path, f"2024年某市重点任务分解表\n| 序号 | 重点任务 | 具体措施 | 责任单位 | 完成时限 |\n|---|---|---|---|---|\n{rows}")
    from bot.ingest.blocks import Row
    from bot.ingest.pdf_format import pdf_blocks

    blocks, _ = pdf_blocks(path.read_bytes(), path.name)
    assert len(blocks) == 1 + 1 + 8 + 1  # title, header, eight rows, the header repeated on page 2
    assert {b.table for b in blocks if isinstance(b, Row)} == {1}


@pytest.mark.parametrize("lines, ruled", [(1, False), (2, False), (5, True)])
def test_only_pages_that_draw_a_grid_go_to_the_table_reader(tmp_path, lines, ruled):
    """A header rule or the double red line under a 版头 is no table; a few ruled cells are."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    from bot.ingest.pdf_format import _ruled

    path = tmp_path / "rules.pdf"
    page = canvas.Canvas(str(path))
    for n in range(lines):
        page.rect(50, 700 - 30 * n, 400, 30) if lines > 2 else page.line(50, 760 - 4 * n, 545, 760 - 4 * n)
    page.save()
    assert _ruled(pdfium.PdfDocument(str(path))[0]) is ruled


def test_units_one_to_a_line_in_a_cell_stay_apart_and_a_wrapped_name_stays_whole(tmp_path):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from tests.reading.render_pdf import _styles

    body, cell = _styles()
    rows = [["序号", "重点任务", "具体措施", "责任单位"],
            ["1", "推进一网通办", "6月底前，实现高频政务服务事项全程网办，年底前网办率达到90%以上，并建立好差评制度。",
             "市政务服务管理局<br/>市大数据局<br/>各县（市、区）人民政府"]]
    path = tmp_path / "units.pdf"
    table = Table([[Paragraph(text, cell) for text in row] for row in rows], colWidths=[40, 90, 220, 95])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph("2024年某市政务服务工作任务清单", body), table])
    from bot.ingest.blocks import Row
    from bot.ingest.pdf_format import pdf_blocks

    blocks, _ = pdf_blocks(path.read_bytes(), path.name)
    task = [b for b in blocks if isinstance(b, Row)][1]
    assert task.cells[2] == rows[1][2]  # wrapped over three lines in print, one paragraph here
    assert task.cells[3] == "市政务服务管理局\n市大数据局\n各县（市、区）人民政府"


@pytest.mark.parametrize("picture, text, kind", [
    (None, "", "empty"),
    (None, "2024年工作任务清单 1. 推进实施", "text"),
    ((0.9, 0.9), "", "scan"),
    ((0.9, 0.9), "Scanned by CamScanner 2024", "scan"),  # a scanner app's watermark over the page image
    ((0.9, 0.9), "1. Work item, finished by the end of June 2024. " * 5, "text"),  # a searchable scan
    ((0.6, 0.6), "1. Work item, finished by the end of June 2024. " * 5, "pictured"),
    ((0.1, 0.1), "1. Work item, finished by the end of June 2024. " * 5, "text"),  # a logo or emblem
])
def test_how_each_kind_of_page_is_read(tmp_path, picture, text, kind):
    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.pdfgen import canvas

    from bot.ingest.pdf_format import _kind

    path = tmp_path / "page.pdf"
    page = canvas.Canvas(str(path))
    width, height = page._pagesize
    if picture:
        Image.new("L", (400, 400), 180).save(tmp_path / "p.png")
        page.drawImage(str(tmp_path / "p.png"), 10, 10, width * picture[0], height * picture[1])
    page.setFont("Helvetica", 6)
    page.drawString(20, height - 20, text)
    page.save()
    opened = pdfium.PdfDocument(str(path))[0]
    assert _kind(opened, opened.get_textpage()) == kind


def test_a_letter_spaced_title_above_a_table_is_read_without_invented_spaces(tmp_path):
    """Titles are often spread over the line (分散对齐); the date in them must stay "2024年"."""
    from reportlab.pdfgen import canvas

    from tests.reading.render_pdf import FONT, _styles

    _styles()
    path = tmp_path / "spaced.pdf"
    page = canvas.Canvas(str(path))
    title = page.beginText(60, 760)
    title.setFont(FONT, 16)
    title.setCharSpace(8)
    title.textLine("2024年工作任务清单")
    page.drawText(title)
    page.setFont(FONT, 10)
    for n, (x, y) in enumerate([(60, 700), (160, 700), (60, 680), (160, 680)]):
        page.rect(x, y, 100, 20)
        page.drawString(x + 4, y + 6, ["重点任务", "责任单位", "1. 推进实施", "保护处"][n])
    page.save()
    from bot.ingest.blocks import Line, Row
    from bot.ingest.pdf_format import pdf_blocks

    blocks, _ = pdf_blocks(path.read_bytes(), path.name)
    assert blocks == [Line("2024年工作任务清单"), Row(("重点任务", "责任单位"), 1), Row(("1. 推进实施", "保护处"), 1)]


def test_a_borderless_table_is_rebuilt_from_its_columns(tmp_path):
    """Word's default table style has no borders: the columns are found by the white space between them."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from bot.ingest.pdf_format import pdf_blocks
    from tests.reading.render import blocks as markdown_blocks
    from tests.reading.render_pdf import _styles

    body, cell = _styles()
    flow = []
    for block in markdown_blocks(markdown_list()):
        if isinstance(block, str):
            flow.append(Paragraph(block, body))
        else:
            flow.append(Table([[Paragraph(text, cell) for text in row] for row in block], colWidths=[120, 200, 160]))
    path = tmp_path / "borderless.pdf"
    SimpleDocTemplate(str(path)).build(flow)
    assert pdf_blocks(path.read_bytes(), path.name)[0] == pdf_blocks(pdf(tmp_path, markdown_list()).read_bytes(), "x")[0]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed: no Word-exported PDF can be made here")
def test_a_pdf_exported_from_word_reads_like_the_word_file(tmp_path):
    from tests.ingest.conftest import docx_list

    docx_list(tmp_path / "list.docx")
    subprocess.run([shutil.which("soffice") or shutil.which("libreoffice"), f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "list.docx")],
                   check=True, capture_output=True, timeout=180)
    exported, original = read_document(tmp_path / "list.pdf"), read_document(tmp_path / "list.docx")
    assert [(t.section, t.title, t.measures, t.raw_units) for t in exported.tasks] == \
        [(t.section, t.title, t.measures, t.raw_units) for t in original.tasks]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed: no Word-exported PDF can be made here")
def test_rows_word_split_over_page_breaks_are_glued_back_whole(tmp_path):
    """Word (here LibreOffice) breaks a tall row at the page end and repeats the header row above the rest."""
    import docx
    from docx.oxml import OxmlElement

    from bot.ingest.blocks import Row
    from bot.ingest.pdf_format import pdf_blocks

    measures = "；".join(f"{m}月底前完成第{m}阶段的调查摸底和整改落实工作" for m in range(1, 13))
    document = docx.Document()
    document.add_paragraph("2024年某市重点任务分解表")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["序号", "重点任务", "具体措施", "责任单位"]):
        cell.text = text
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for no in range(1, 9):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = str(no), f"推进第{no}项重点任务", measures, "市发展改革委\n市财政局"
    document.save(tmp_path / "split.docx")
    subprocess.run([shutil.which("soffice") or shutil.which("libreoffice"), f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "split.docx")],
                   check=True, capture_output=True, timeout=180)
    import pdfplumber

    with pdfplumber.open(tmp_path / "split.pdf") as opened:
        assert len(opened.pages) >= 4  # so rows did break over pages
    rows = [b.cells for b in pdf_blocks((tmp_path / "split.pdf").read_bytes(), "split.pdf")[0] if isinstance(b, Row)]
    tasks = [r for r in rows if r[0] != "序号"]
    assert [r[0] for r in tasks] == [str(n) for n in range(1, 9)]
    assert all(r[2] == measures and r[3] == "市发展改革委\n市财政局" for r in tasks)


@pytest.mark.parametrize("last, piece, glued", [
    (("1", "推进实施", "6月底前完成摸底和整", "市发展改革委"), ("", "", "改工作。", ""), True),  # cut mid-word
    (("1", "推进实施", "6月底前完成摸底整改。", "市发展改革委"), ("", "", "9月底前验收。", ""), False),  # a sentence ended
    (("1", "推进实施", "6月底前完成摸底和整", "市发展改革委"), ("2", "", "改工作。", ""), False),  # a numbered row
    (("1", "推进实施", "6月底前完成摸底和整", "市发展改革委"), ("", "", "改工作。", "市财政局"), False),  # a filled unit cell
])
def test_a_row_is_glued_over_a_page_break_only_when_it_surely_goes_on(last, piece, glued):
    from bot.ingest.blocks import Row
    from bot.ingest.layout import Page, Table, page_blocks

    header = ["序号", "重点任务", "具体措施", "责任单位"]
    rows = [b for b in page_blocks([Page(800, [Table(50, [header, list(last)])]), Page(800, [Table(50, [header, list(piece)])])])
            if isinstance(b, Row)]
    if glued:
        assert rows == [Row(tuple(header), 1), Row(("1", "推进实施", "6月底前完成摸底和整改工作。", "市发展改革委"), 1), Row(tuple(header), 1)]
    else:
        assert rows[-1] == Row(piece, 1) and len(rows) == 4
