"""One small task list written out in every format Duban reads, built inside the tests."""
from __future__ import annotations

import pytest

TITLE = "2024年某省知识产权工作任务清单"
ISSUED = "2024年5月22日印发"
HEADER = ("重点任务", "具体措施", "责任单位")
# (section, no, title, measures, units)
TASKS = [
    ("一、强化统筹", 1, "推进规划实施", "6月底前，制定推进计划；年底前，完成年度评估。", "保护处、运用处、各地知识产权管理部门"),
    ("一、强化统筹", 2, "加强协调", "每季度末报送工作进展。", "运用处、发展保护中心"),
    ("二、加强保护", 3, "盘活存量专利", "9月30日前完成盘点入库。", "发展保护中心、保护中心、福州市知识产权局"),
    ("二、加强保护", 4, "建设人才队伍", "开展专题培训，加强人才队伍建设。", "商标处、保护处"),
]


def markdown_list() -> str:
    lines = [TITLE, "", "| " + " | ".join(HEADER) + " |", "|---|---|---|"]
    section = None
    for sec, no, title, measures, units in TASKS:
        if sec != section:
            lines.append(f"| {sec} | | |")
            section = sec
        lines.append(f"| {no}. {title} | {measures} | {units} |")
    return "\n".join(lines + ["", "某省知识产权局", ISSUED]) + "\n"


def text_list() -> str:
    lines, section = [TITLE], None
    for sec, no, title, measures, units in TASKS:
        if sec != section:
            lines.append(sec)
            section = sec
        lead, *support = units.split("、")
        if no % 2:
            lines.append(f"{no}. {title}。{measures}（责任单位：{units}）")
        else:
            lines += [f"{no}. {title}。{measures}", f"牵头单位：{lead}；配合单位：{'、'.join(support)}"]
    return "\r\n".join(lines + ["某省知识产权局", ISSUED]) + "\r\n"


def docx_list(path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.text = text
    section = None
    for sec, no, title, measures, units in TASKS:
        if sec != section:
            row = table.add_row().cells
            row[0].merge(row[2]).text = sec
            section = sec
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = f"{no}. {title}", measures, units
    document.add_paragraph("某省知识产权局")
    document.add_paragraph(ISSUED)
    document.save(path)


def xlsx_list(path, *, split_measures: bool = False) -> None:
    """A 分解表 with 序号 and 完成时限 columns; split_measures puts each clause on its own row
    under a vertically merged 重点任务 cell, as offices often do."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "重点任务", "具体措施", "责任单位", "完成时限"])
    section = None
    for sec, no, title, measures, units in TASKS:
        if sec != section:
            sheet.append([sec])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=5)
            section = sec
        clauses = [c for c in measures.replace("；", "；\n").split("\n") if c] if split_measures else [measures]
        first = sheet.max_row + 1
        for clause in clauses:
            sheet.append([no, title, clause, units, ""])
        if len(clauses) > 1:
            for col in (1, 2, 4):
                sheet.merge_cells(start_row=first, start_column=col, end_row=sheet.max_row, end_column=col)
    sheet.append(["某省知识产权局"])
    sheet.append([ISSUED])
    book.save(path)


@pytest.fixture
def task_list_files(tmp_path):
    """{format: path} for the same list in .md, .txt (GBK, CRLF), .docx and .xlsx."""
    md = tmp_path / "list.md"
    md.write_text(markdown_list(), encoding="utf-8")
    txt = tmp_path / "list.txt"
    txt.write_bytes(text_list().encode("gbk"))
    docx_path, xlsx_path, split_path = tmp_path / "list.docx", tmp_path / "list.xlsx", tmp_path / "split.xlsx"
    docx_list(docx_path)
    xlsx_list(xlsx_path)
    xlsx_list(split_path, split_measures=True)
    return {"md": md, "gbk-txt": txt, "docx": docx_path, "xlsx": xlsx_path, "xlsx-merged": split_path}
