"""Table rows the OCR broke: each repair is made and named in a review note."""
from bot.ingest.assemble import assemble
from bot.ingest.blocks import Row
from bot.ingest.cleanup import remove_bleed
from bot.ingest.tables import header_mapping

HEADER = ("重点任务", "贯彻意见(落实举措)", "责任处室(单位)")


def read(*rows, table_of=None):
    blocks = [Row(tuple(r), (table_of or {}).get(i, 1)) for i, r in enumerate([HEADER, *rows])]
    return assemble(blocks)


def test_it_maps_header_columns_by_their_words():
    assert header_mapping(list(HEADER)) == {"title": 0, "measures": 1, "units": 2}
    assert header_mapping(["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]) == {
        "no": 0, "title": 1, "measures": 2, "lead": 3, "support": 4, "deadline": 5}
    assert header_mapping(["1. 推进", "6月底前", "保护处"]) is None


def test_it_reads_rows_of_a_table_split_into_blocks_with_the_first_blocks_header():
    doc = read(("1. 甲", "措施一", "保护处"), ("2. 乙", "措施二", "运用处"), table_of={2: 2})
    assert [(t.no, t.raw_units) for t in doc.tasks] == [(1, "保护处"), (2, "运用处")]


def test_it_skips_a_repeated_header_row():
    doc = read(("1. 甲", "措施一", "保护处"), HEADER, ("2. 乙", "措施二", "运用处"))
    assert [t.no for t in doc.tasks] == [1, 2]
    assert not any(t.review for t in doc.tasks)


def test_it_joins_a_row_the_ocr_split_over_two_rows_and_says_so():
    doc = read(("1. 扎实推进人才队", "开展培训。", "保护处、"), ("伍建设", "加强建设。", "运用处"))
    (task,) = doc.tasks
    assert task.title == "扎实推进人才队伍建设"
    assert task.measures == "开展培训。\n加强建设。"
    assert any("续行" in note for note in task.review)


def test_it_joins_a_task_number_split_from_its_title():
    (task,) = read(("19.", "扎实推进人才队 伍建设", "开展培训。", "保护处")).tasks
    assert (task.no, task.title, task.measures, task.raw_units) == (19, "扎实推进人才队伍建设", "开展培训。", "保护处")
    assert any("序号" in note for note in task.review)


def test_it_drops_a_garbage_cell_beside_the_units_and_keeps_the_rest():
    (task,) = read(("8. 盘活专利", "6月底前完成。", "送 ・ が が ・ が ・", "发展保护中心")).tasks
    assert task.raw_units == "发展保护中心"
    assert any("乱码" in note and "送 ・" in note for note in task.review)


def test_it_reads_units_split_over_two_columns_as_one_cell():
    (task,) = read(("12. 健全格局", "深入指导。", "保护处、福理部门", "福州市知识产权管")).tasks
    assert task.raw_units == "保护处、福理部门 | 福州市知识产权管"
    assert any("拆成 2 栏" in note for note in task.review)


def test_it_notes_an_empty_measures_cell():
    (task,) = read(("5. 加强协作", "", "保护处")).tasks
    assert any("落实举措栏为空" in note for note in task.review)


def test_it_reads_a_section_row_and_drops_the_repeated_heading_tail():
    doc = read(("二、全面加强知识产权法治保障", "去治保障", ""), ("4. 做好立法", "措施。", "法规处"))
    assert doc.tasks[0].section == "二、全面加强知识产权法治保障"
    assert not [f for f in doc.flags if f.code == "table-review"]


def test_it_joins_a_section_heading_split_over_two_cells_and_flags_it():
    doc = read(("一、全面强化知识产权", "宏观统筹", ""), ("1. 推进", "措施。", "保护处"))
    assert doc.tasks[0].section == "一、全面强化知识产权宏观统筹"
    assert any(f.code == "table-review" for f in doc.flags)


def test_it_removes_wrapped_units_text_that_bled_into_the_measures():
    units = "保护处、运用处、 法规处、发展保护中心、保 护中心、各地知识产权管理 部门"
    text, removed, _ = remove_bleed("完善地方综 法规 合性法规体系。探索建 护中立规则,保护, 部门进一步推动", units)
    assert removed == ["法规", "护中", "部门"]
    assert text.replace(" ", "") == "完善地方综合性法规体系。探索建立规则,保护,进一步推动"


def test_it_only_flags_a_suspicious_fragment_it_cannot_prove_and_leaves_normal_line_breaks():
    text, removed, suspicious = remove_bleed("杜绝非正 保污常申请。国家知识产 权保护示范区", "保护处、各地知识产权管理部门")
    assert removed == [] and suspicious == ["非正 保污常"]
    assert "保污" in text


def test_it_reports_missing_and_out_of_order_numbers():
    doc = read(*[(f"{n}. 任务", "措施。", "保护处") for n in (1, 2, 5, 4, 6)])
    codes = {(f.code, f.text or f.task) for f in doc.flags}
    assert ("missing-tasks", "3") in codes and ("task-order", 4) in codes


def test_numbering_that_restarts_per_section_is_not_a_gap():
    rows = [("一、甲", "", ""), ("1. 任务", "措施。", "保护处"), ("2. 任务", "措施。", "保护处"),
            ("二、乙", "", ""), ("1. 任务", "措施。", "保护处")]
    assert not [f for f in read(*rows).flags if f.code in ("missing-tasks", "task-order")]


def test_a_section_number_the_ocr_split_from_its_heading_is_still_a_section():
    doc = read(("二", "全面加强法治保障", ""), ("4. 做好立法", "措施。", "法规处"))
    assert [(t.no, t.section) for t in doc.tasks] == [(4, "二、全面加强法治保障")]
