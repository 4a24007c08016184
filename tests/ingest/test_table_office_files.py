"""Hostile and unusual Office files (redteam F05, F14, F19): bounded reads and truthful notes.

The bombs are real but small: a few KB on disk that unpack (or merge) far past what a task
list holds; limits are lowered where a real-size attack would only make the test slow.
"""
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.errors import DubanError
from bot.ingest import docx_format, ooxml, read_document, xlsx_format

HEADER = ("序号", "重点任务", "具体措施", "责任单位")
ROWS = [("1", "推进规划实施", "6月底前完成规划评估。", "保护处"), ("2", "加强协调", "9月底前完成。", "商标处")]


def write_xlsx(path, rows, merge=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年工作任务清单"])
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def rewrite_part(path, part, old: bytes, new: bytes):
    """Edit one part of a saved package (e.g. widen a merge openpyxl would refuse to build)."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    assert old in members[part]
    members[part] = members[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def write_docx(path, nested=None, media=0):
    document = docx.Document()
    document.add_paragraph("2024年工作任务清单")
    table = document.add_table(rows=0, cols=4)
    for row in [HEADER, *ROWS]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    if nested:
        measures = table.rows[1].cells[2]
        measures.text = ""
        inner = measures.add_table(rows=0, cols=2)
        for row in nested:
            cells = inner.add_row().cells
            cells[0].text, cells[1].text = row
    document.save(path)
    if media:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            with z.open("word/media/huge.bin", "w", force_zip64=True) as f:
                chunk = b"\0" * (1 << 20)
                for _ in range(media):
                    f.write(chunk)
    return path


def test_a_table_nested_in_a_word_cell_is_read_into_that_cell(tmp_path):
    path = write_docx(tmp_path / "nested.docx", nested=[("子措施", "时限"), ("完成年度评估", "9月底前")])
    first = read_document(path).tasks[0]
    assert first.measures == "子措施，时限；完成年度评估，9月底前"
    assert any("嵌套表格" in note for note in first.review)
    assert not any("OCR" in note for note in first.review)


def test_a_formula_saved_without_its_value_is_named_as_such_not_blamed_on_ocr(tmp_path):
    path = write_xlsx(tmp_path / "formula.xlsx", [HEADER, ("1", "推进规划实施", '=CONCAT("6月底前","完成")', "保护处")])
    (task,) = read_document(path).tasks
    assert any("C3 是公式" in note and "没有保存计算结果" in note for note in task.review)
    assert not any("OCR" in note for note in task.review)


def test_a_merge_over_a_million_rows_and_every_column_is_applied_only_to_rows_with_text(tmp_path):
    path = write_xlsx(tmp_path / "merge.xlsx", [HEADER, *ROWS], merge="A10:B11")
    rewrite_part(path, "xl/worksheets/sheet1.xml", b'ref="A10:B11"', b'ref="A10:XFD1048576"')
    assert [(t.no, t.title) for t in read_document(path).tasks] == [(1, "推进规划实施"), (2, "加强协调")]


def test_vertical_merges_fill_each_row_and_the_merge_work_is_capped(tmp_path, monkeypatch):
    rows = [HEADER, ("1", "推进规划实施", "6月底前完成。", "保护处"), ("", "", "年底前完成。", "")]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merge="A3:B4")
    (task,) = read_document(path).tasks
    assert task.measures == "6月底前完成。\n年底前完成。"
    monkeypatch.setattr(xlsx_format, "MAX_MERGE_CELLS", 3)
    with pytest.raises(DubanError, match="合并单元格"):
        read_document(path)


@pytest.mark.parametrize("limit, value, message", [
    ("MAX_ROWS", 2, "超过 2 行内容"), ("MAX_SHEET_ROWS", 2, "超过 2 行"),
    ("MAX_SHARED_STRINGS", 2, "不同的文字串"), ("MAX_MERGES", 0, "合并单元格"),
])
def test_excel_caps_refuse_with_a_chinese_error(tmp_path, monkeypatch, limit, value, message):
    path = write_xlsx(tmp_path / "list.xlsx", [HEADER, *ROWS], merge="A5:B5")
    with zipfile.ZipFile(path, "a") as z:  # openpyxl writes strings inline; Excel shares them
        z.writestr("xl/sharedStrings.xml", "<sst><si><t>甲</t></si><si><t>乙</t></si><si><t>丙</t></si></sst>")
    monkeypatch.setattr(xlsx_format, limit, value)
    with pytest.raises(DubanError, match=message):
        read_document(path)


def test_unpacked_sizes_are_checked_before_parsing(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "ok.docx")
    monkeypatch.setattr(ooxml, "MAX_XML_BYTES", 1000)
    with pytest.raises(DubanError, match="Word 文件内容异常庞大"):
        read_document(path)
    with pytest.raises(DubanError, match="Excel 文件内容异常庞大"):
        read_document(write_xlsx(tmp_path / "ok.xlsx", [HEADER, *ROWS]))


def test_elements_are_counted_before_parsing_and_word_paragraphs_and_rows_are_capped(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "ok.docx")
    monkeypatch.setattr(ooxml, "MAX_XML_TAGS", 50)
    with pytest.raises(DubanError, match="个 XML 元素"):
        read_document(path)
    monkeypatch.setattr(ooxml, "MAX_XML_TAGS", 10**6)
    monkeypatch.setattr(docx_format, "MAX_BLOCKS", 2)
    with pytest.raises(DubanError, match="超过 2 段文字和表格行"):
        read_document(path)


def test_a_zip_bomb_part_is_refused_from_the_zip_directory_with_exit_2(tmp_path):
    path = write_docx(tmp_path / "bomb.docx", media=65)  # 65 MB of zeros in about 64 KB
    assert path.stat().st_size < 200_000
    result = CliRunner().invoke(cli, ["extract", str(path), "--year", "2024"])
    assert result.exit_code == 2
    assert "word/media/huge.bin" in result.output and "已拒绝读取" in result.output


def test_a_word_row_merged_across_the_table_is_a_line_and_a_two_row_header_lines_up(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=5, cols=5)
    rows = table.rows
    rows[0].cells[0].merge(rows[0].cells[4]).text = "2024年任务分解表"
    rows[1].cells[2].merge(rows[1].cells[3])
    rows[3].cells[0].merge(rows[3].cells[4]).text = "一、强化统筹"
    for r, texts in ((1, ("序号", "重点任务", "责任单位", None, "完成时限")), (2, ("", "", "牵头单位", "配合单位", "")),
                     (4, ("1", "推进规划实施", "规划处", "办公室", "6月底前"))):
        for c, text in enumerate(texts):
            if text is not None:
                rows[r].cells[c].text = text
    document.save(tmp_path / "merged.docx")
    doc = read_document(tmp_path / "merged.docx")
    (task,) = doc.tasks
    assert (task.no, task.title, task.section, task.raw_units, task.deadline_text) == (
        1, "推进规划实施", "一、强化统筹", "牵头单位：规划处；配合单位：办公室", "6月底前")
    assert doc.title == "2024年任务分解表" and not doc.flags


def test_word_cells_merged_down_the_rows_of_one_task_give_one_task_with_each_measure(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=5)
    rows = [("序号", "重点任务", "具体措施", "责任单位", "完成时限"), ("1", "推进规划实施", "制定推进计划。", "规划处", "6月底前"),
            ("", "", "完成年度评估。", "", "年底前")]
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    for c in (0, 1, 3):
        table.cell(1, c).merge(table.cell(2, c)).text = rows[1][c]
    document.save(tmp_path / "vmerge.docx")
    (task,) = read_document(tmp_path / "vmerge.docx").tasks
    assert (task.no, task.measures, task.raw_units, task.deadline_text, task.review) == (
        1, "制定推进计划。\n完成年度评估。", "规划处", "6月底前；年底前", [])


def test_tables_nested_too_deep_are_said_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_format, "_MAX_NESTING", 1)
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for row, texts in zip(table.rows, [HEADER, ("1", "推进规划实施", "", "保护处")]):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    inner = table.cell(1, 2).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "第一层"
    inner.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "9月底前完成"
    document.save(tmp_path / "deep.docx")
    (task,) = read_document(tmp_path / "deep.docx").tasks
    assert task.measures == "第一层"
    assert any("嵌套超过 1 层" in note for note in task.review)


def test_key_value_rows_in_one_excel_column_are_one_task_per_block_and_other_lines_stay_lines(tmp_path):
    rows = [("工作任务：完善防洪工程体系",), ("责任单位：规划计划司",), ("时间节点：2026年5月31日前",),
            ("工作任务：强化监测预报",), ("责任单位：水文司",), ("水利部办公厅",), ("联系人：王明",)]
    doc = read_document(write_xlsx(tmp_path / "kv.xlsx", rows))
    assert [(t.title, t.raw_units, t.deadline_text) for t in doc.tasks] == [
        ("完善防洪工程体系", "规划计划司", "2026年5月31日前"), ("强化监测预报", "水文司", "")]
    assert doc.title == "2024年工作任务清单"
