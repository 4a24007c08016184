"""Scans: pages rendered in the test (Pillow, Noto CJK), saved image-only, read by rapidocr for real."""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ingest import OCR_REVIEW, read_bytes_document, read_document
from bot.ingest.blocks import Line, Row
from bot.ingest.layout import Box, box_page, page_blocks
from bot.ingest.ocr import CONFUSIONS, INSTALL, repaired
from tests.ingest.conftest import markdown_list
from tests.reading.render_scan import FONT, render_scan_pages, render_scan_pdf

ROOT = Path(__file__).resolve().parents[2]
needs_font = pytest.mark.skipif(not FONT.exists(), reason=f"{FONT} missing: apt-get install fonts-noto-cjk (.ci/run does)")
needs_ocr = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import rapidocr, onnxruntime"], capture_output=True).returncode != 0,
    reason=f"the OCR extra is not installed ({INSTALL}; make test installs it)",
)
NOTICE = (
    "关于做好2024年安全生产督办工作的通知\n"
    "1. 开展隐患排查。6月30日前完成重点企业隐患排查整治（市应急管理局牵头，市消防救援支队配合）。\n"
    "2. 报送工作进展。每季度末报送工作进展（责任单位：各县区人民政府）。"
)


@needs_font
@needs_ocr
def test_a_scanned_pdf_reads_like_the_markdown_it_was_rendered_from(tmp_path):
    path = tmp_path / "scan.pdf"
    render_scan_pdf(markdown_list(), path)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].chars == []  # no text layer: everything below comes from OCR
    document = read_document(path)
    expected = read_bytes_document(markdown_list().encode(), "list.md")
    assert [(t.no, t.section, t.title, t.measures, t.raw_units) for t in document.tasks] == \
        [(t.no, t.section, t.title, t.measures, t.raw_units) for t in expected.tasks]
    assert all(OCR_REVIEW in t.review for t in document.tasks)
    assert [f.code for f in document.flags][:1] == ["ocr"] and "第 1 页" in document.flags[0].message


@needs_font
@needs_ocr
def test_a_png_scan_of_a_notice_is_read_and_every_task_marked_for_review(tmp_path):
    page = render_scan_pages(NOTICE)[0]
    path = tmp_path / "notice.png"
    page.crop((0, 0, page.width, 700)).save(path)
    document = read_document(path)
    assert [t.no for t in document.tasks] == [1, 2]
    assert "6月30日前" in document.tasks[0].measures and "每季度末" in document.tasks[1].measures
    assert all(OCR_REVIEW in t.review for t in document.tasks)
    assert document.flags[0].code == "ocr"


@pytest.mark.parametrize("confusion", CONFUSIONS, ids=lambda c: f"{c.wrong}->{c.right}")
def test_every_ocr_confusion_rule_repairs_its_examples_and_flags_them(confusion):
    for wrong, right in confusion.examples:
        text, flags = repaired(wrong)
        assert text == right
        assert [f.code for f in flags] == ["ocr-confusion"] and confusion.wrong in flags[0].message


@pytest.mark.parametrize("text", ["3月未完成的任务要说明原因", "尚未落实", "2024年", "11月底前", "说曰", "ROI", "Office"])
def test_text_without_a_date_confusion_is_left_alone_and_not_flagged(text):
    assert repaired(text) == (text, [])


def test_boxes_out_of_reading_order_are_rebuilt_into_rows_by_their_coordinates():
    """As rapidocr returns a table: cells in any order, a wrapped cell as two boxes."""
    size = 30
    cells = [  # (column x, row top, text) on a 3-column grid; row 2's measure wraps
        (100, 100, "重点任务"), (500, 100, "具体措施"), (1000, 100, "责任单位"),
        (100, 200, "1. 推进规划实施"), (500, 180, "6月底前，制定推进计划；年底前，"), (500, 220, "完成年度评估。"), (1000, 200, "保护处、运用处"),
        (100, 300, "2. 加强协调"), (500, 300, "每季度末报送工作进展。"), (1000, 290, "运用处"), (1000, 325, "发展保护中心"),
    ]
    boxes = [Box(x, top, x + len(text) * size, top + size, text) for x, top, text in cells]
    boxes.append(Box(100, 20, 700, 50, "2024年某省知识产权工作任务清单"))
    boxes.append(Box(800, 1500, 860, 1530, "- 1 -"))
    random.Random(4).shuffle(boxes)
    assert page_blocks([box_page(boxes, 1600)]) == [
        Line("2024年某省知识产权工作任务清单"),
        Row(("重点任务", "具体措施", "责任单位"), 1),
        Row(("1. 推进规划实施", "6月底前，制定推进计划；年底前，完成年度评估。", "保护处、运用处"), 1),
        Row(("2. 加强协调", "每季度末报送工作进展。", "运用处\n发展保护中心"), 1),  # one unit to a line
    ]


BLOCK_OCR = """
import importlib.abc, sys
class _NoOcr(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rapidocr", "onnxruntime"):
            raise ImportError(f"No module named {name!r}")
sys.meta_path.insert(0, _NoOcr())
"""


def without_ocr(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`extract` in a child process where the extra cannot be imported (sitecustomize), as on a machine without it."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCK_OCR)
    return subprocess.run([sys.executable, "-m", "bot", "extract", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(site)})


@needs_font
@pytest.mark.parametrize("name", ["scan.pdf", "scan.png"])
def test_without_the_ocr_extra_a_scan_gets_the_install_command_and_exit_2(tmp_path, name):
    path = tmp_path / name
    page = render_scan_pages(NOTICE)[0]
    page.save(path, "PDF" if name.endswith(".pdf") else "PNG", resolution=200)
    result = without_ocr(tmp_path, str(path), "--year", "2024")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"错误: {path}: ") and "Traceback" not in result.stderr
    assert INSTALL in result.stderr and "扫描件" in result.stderr and result.stdout == ""


def test_prose_between_two_tables_and_a_lone_gapped_line_stay_prose():
    size = 30

    def row(top, *cells):
        return [Box(x, top, x + len(text) * size, top + size, text) for x, text in zip((100, 500, 1000), cells)]

    prose = [Box(100, 300 + n * 50, 1400, 330 + n * 50, f"这是第{n}行正文，说明有关要求。") for n in range(3)]
    boxes = [*row(100, "序号", "工作任务", "责任单位"), *row(150, "1", "完成排查", "市应急局"), *prose,
             *row(500, "序号", "工作任务", "责任单位"), *row(550, "2", "完成验收", "市住建局"),
             Box(100, 700, 400, 730, "某市人民政府办公室"), Box(900, 700, 1200, 730, "2024年3月1日")]
    blocks = page_blocks([box_page(boxes, 2000)])
    assert [type(b).__name__ for b in blocks] == ["Row", "Row", "Line", "Row", "Row", "Line"]
    assert blocks[-1] == Line("某市人民政府办公室2024年3月1日")


@needs_font
@needs_ocr
def test_a_two_page_tiff_is_read_page_after_page(tmp_path):
    page = render_scan_pages(NOTICE)[0]
    first, second = page.crop((0, 0, page.width, 405)), page.crop((0, 405, page.width, 700))
    path = tmp_path / "notice.tif"
    first.save(path, save_all=True, append_images=[second], compression="tiff_lzw")
    document = read_document(path)
    assert [t.no for t in document.tasks] == [1, 2]
    assert "各县区人民政府" in document.tasks[1].raw_units


@needs_font
@needs_ocr
def test_a_scan_one_degree_askew_still_reads_its_table_rows(tmp_path):
    """The rows are rebuilt after turning the boxes back by the page's skew."""
    page = render_scan_pages(markdown_list())[0]
    page = page.crop((0, 0, page.width, 1150)).rotate(1.2, fillcolor=255, resample=3)
    path = tmp_path / "askew.jpg"
    page.save(path, quality=70)
    document = read_document(path)
    expected = read_bytes_document(markdown_list().encode(), "list.md")
    # The structure, not every character: JPEG noise may cost a character (门 read as 内).
    assert [(t.no, t.section, t.title, t.raw_units.count("、")) for t in document.tasks] == \
        [(t.no, t.section, t.title, t.raw_units.count("、")) for t in expected.tasks]


@needs_font
def test_without_the_ocr_extra_the_text_pages_are_read_and_the_scanned_ones_named(tmp_path):
    import json

    import pypdfium2 as pdfium

    from tests.reading.render_pdf import render_text_pdf

    render_text_pdf(markdown_list(), tmp_path / "text.pdf")
    render_scan_pages("附件：现场检查照片说明\n" + NOTICE)[0].save(tmp_path / "scan.pdf", "PDF", resolution=200)
    mixed = pdfium.PdfDocument(str(tmp_path / "text.pdf"))
    mixed.import_pages(pdfium.PdfDocument(str(tmp_path / "scan.pdf")))
    mixed.save(str(tmp_path / "mixed.pdf"))
    result = without_ocr(tmp_path, str(tmp_path / "mixed.pdf"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [t["title"] for t in data["tasks"]] == ["推进规划实施", "加强协调", "盘活存量专利", "建设人才队伍"]
    missing = [w["message"] for w in data["warnings"] if w["code"] == "ocr-missing"]
    assert len(missing) == 1 and "第 2 页" in missing[0] and INSTALL in missing[0]
