"""Table layouts offices issue: each header word, person and progress columns, two-row
headers, key–value tables, 序号 in every form, unnumbered tables; and F01 (a data row is
never a header), in Markdown, Word and Excel."""
import pytest

from bot.ingest.assemble import assemble
from bot.ingest.blocks import Row
from bot.ingest.headers import EXAMPLES, header_role
from bot.ingest.tables import SEQ_EXAMPLES, TableReader, seq_number
from bot.pipeline import extract_document
from bot.units.cell import read_units_cell
from bot.units.directory import Directory
from tests.reading.render import build


@pytest.mark.parametrize("cell, role", EXAMPLES)
def test_header_words(cell, role):
    assert header_role(cell) == role


@pytest.mark.parametrize("cell, number", SEQ_EXAMPLES)
def test_sequence_numbers(cell, number):
    assert seq_number(cell) == number


def read(*rows):
    return assemble([Row(tuple(r), 1) for r in rows])


# The reproduction of redteam F01: row 2's title says 工作 and its unit cell 部门.
F01 = """# 2024年XX工作任务清单

| 序号 | 重点任务 | 具体措施 | 责任单位 |
|---|---|---|---|
| 1 | 推进规划实施 | 6月底前完成规划评估。 | 保护处 |
| 2 | 加强宣传工作 | 9月底前完成宣传周活动。 | 各地知识产权管理部门 |
| 3 | 加强协调 | 年底前完成年度总结。 | 保护处 |
| 4 | 强化督查 | 11月底前完成督查。 | 商标处 |
"""


@pytest.mark.parametrize("suffix", [".md", ".docx.md", ".xlsx.md"])
def test_a_data_row_whose_cells_contain_header_words_stays_a_task(tmp_path, suffix):
    source = tmp_path / f"f01{suffix}"
    source.write_text(F01, encoding="utf-8")
    result = extract_document(build(source, tmp_path), year=2024, directory=Directory([]))
    tasks = result.document.tasks
    assert [(t.no, t.title, t.units) for t in tasks] == [
        (1, "推进规划实施", ["保护处"]), (2, "加强宣传工作", ["各地知识产权管理部门"]),
        (3, "加强协调", ["保护处"]), (4, "强化督查", ["商标处"])]
    assert [m.due.isoformat() for m in result.milestones] == ["2024-06-30", "2024-09-30", "2024-12-31", "2024-11-30"]
    assert not [w for w in result.warnings if w.code in ("row-review", "table-review")]  # no merged rows


def test_a_header_that_repeats_mid_table_is_skipped_quietly_and_a_different_one_is_said():
    header = ("序号", "重点任务", "具体措施", "责任单位")
    doc = read(header, ("1", "甲", "措施。", "相关处室"), header, ("2", "乙", "措施。", "局属各单位"))
    assert [t.no for t in doc.tasks] == [1, 2] and not [f for f in doc.flags if f.code == "table-review"]
    doc = read(header, ("1", "甲", "措施。", "办公室"), ("序号", "工作事项", "责任科室", "完成时限"), ("2", "乙", "规划科", "6月底前"))
    assert [(t.no, t.raw_units, t.deadline_text) for t in doc.tasks] == [(1, "办公室", ""), (2, "规划科", "6月底前")]
    assert any("新的表头" in f.message for f in doc.flags)


def test_lead_and_co_unit_columns_give_units_lead_first_and_a_person_column_is_the_contact():
    doc = read(("序号", "工作任务", "牵头市领导", "牵头单位", "责任单位", "配合单位", "完成时限"),
               ("1", "新建幼儿园15所", "李副市长", "市教育局", "各区人民政府", "市财政局", "2021年8月底前"))
    (task,) = doc.tasks
    assert task.raw_units == "牵头单位：市教育局；配合单位：各区人民政府、市财政局"  # the lead kept apart
    reading = read_units_cell(task.raw_units, Directory([]))
    assert reading.units == ["市教育局", "各区人民政府", "市财政局"]
    assert (task.contact, task.units_source, task.deadline_text) == ("李副市长", "column", "2021年8月底前")
    assert task.measures == "新建幼儿园15所"  # no measures column: the task's words are read for dates


def test_progress_remark_investment_and_done_columns_are_never_units_or_deadlines():
    doc = read(("序号", "项目名称", "建设内容", "总投资（亿元）", "责任单位", "责任人", "推进情况", "是否完成", "备注"),
               ("1", "污水厂扩建", "新增处理能力。", "2.6", "县住建局", "李建国", "4月8日已开工", "否", "需水利局配合"))
    (task,) = doc.tasks
    assert (task.raw_units, task.contact, task.deadline_text) == ("县住建局", "李建国", "")
    assert "4月8日" not in task.measures + task.title


def test_a_two_row_header_splits_the_units_column_into_lead_and_co_units():
    doc = read(("序号", "目标任务", "工作措施", "责任单位", "", "时间节点"),
               ("", "", "", "牵头单位", "配合单位", ""),
               ("1", "建设数据体系", "编制目录。", "省数据局", "省直有关部门", "2024年9月底前"))
    (task,) = doc.tasks
    assert (task.no, task.raw_units, task.deadline_text) == (1, "牵头单位：省数据局；配合单位：省直有关部门", "2024年9月底前")


def test_chinese_numerals_in_the_number_column_number_tasks_and_a_row_without_units_is_a_section():
    doc = read(("序号", "工作任务", "具体要求", "责任部门", "时限要求"),
               ("一", "强化源头治理", "", "", ""),
               ("（一）", "开展专项整治", "制定方案。", "县应急管理局", "5月底前"),
               ("②", "排查隐患", "全覆盖排查。", "县应急管理局", "7月底前"))
    assert [(t.no, t.title, t.section) for t in doc.tasks] == [
        (1, "开展专项整治", "一、强化源头治理"), (2, "排查隐患", "一、强化源头治理")]


def test_an_unnumbered_table_reads_each_titled_row_as_a_task_and_joins_a_row_without_title():
    doc = read(("任务名称", "主要措施", "责任主体", "完成时间"),
               ("创建示范区", "报送材料。", "资源开发科", "8月底前"),
               ("", "组织验收。", "", ""),
               ("举办文化节", "制定方案。", "艺术科", "10月15日前"))
    assert [(t.no, t.title, t.measures) for t in doc.tasks] == [
        (None, "创建示范区", "报送材料。\n组织验收。"), (None, "举办文化节", "制定方案。")]
    assert not any("序号" in note for t in doc.tasks for note in t.review)


def test_a_two_column_key_value_table_is_one_task_per_block():
    rows = []
    for no, title, lead, support, due in ((1, "健全监测机制", "省乡村振兴局", "省民政厅", "6月30日前"),
                                         (2, "稳定播种面积", "省农业农村厅", "省财政厅、省粮食和物资储备局", "10月底前")):
        rows += [("序号", str(no)), ("重点工作", title), ("具体措施", "开展排查。"), ("牵头单位", lead),
                 ("配合单位", support), ("完成时限", due), ("备注", "按月报送")]
    doc = read(*rows)
    assert [(t.no, t.title, t.raw_units, t.deadline_text, t.units_source) for t in doc.tasks] == [
        (1, "健全监测机制", "牵头单位：省乡村振兴局；配合单位：省民政厅", "6月30日前", "column"),
        (2, "稳定播种面积", "牵头单位：省农业农村厅；配合单位：省财政厅、省粮食和物资储备局", "10月底前", "column")]


def test_key_value_cells_in_a_one_column_table():
    doc = read(("工作任务：完善防洪工程体系",), ("具体要求：推进除险加固。",), ("责任单位：规划计划司、建设司",),
               ("时间节点：2026年5月31日前",), ("工作任务：强化监测预报",), ("责任单位：水文司",))
    assert [(t.title, t.measures, t.raw_units, t.deadline_text) for t in doc.tasks] == [
        ("完善防洪工程体系", "推进除险加固。", "规划计划司、建设司", "2026年5月31日前"),
        ("强化监测预报", "强化监测预报", "水文司", "")]


def test_a_row_note_from_the_format_reader_reaches_the_task_and_replaces_the_ocr_guess():
    reader = TableReader()
    reader.feed(["序号", "重点任务", "具体措施", "责任单位"])
    reader.feed(["1", "推进", "", "办公室"], ("单元格 C2 是公式，文件中没有保存计算结果",))
    (task,) = reader.tasks
    assert "单元格 C2 是公式，文件中没有保存计算结果" in task.review
    assert not any("OCR" in note for note in task.review)


def test_a_short_unknown_header_is_tolerated_and_a_category_column_gives_the_section():
    doc = read(("类别", "序号", "工作任务", "考核标准", "牵头单位", "完成时限"),
               ("教育均衡", "1", "推进均衡发展", "达到省定标准", "基础教育科", "9月底前"),
               ("", "2", "扩大学前资源", "新增学位", "学前教育科", "8月底前"))
    assert [(t.no, t.section, t.raw_units, t.measures) for t in doc.tasks] == [
        (1, "教育均衡", "基础教育科", "推进均衡发展"), (2, "教育均衡", "学前教育科", "扩大学前资源")]


def test_after_data_rows_a_row_of_short_cells_with_generic_header_words_is_data():
    doc = read(("工作任务", "工作措施", "责任部门"), ("开展检查", "组织检查。", "办公室"), ("推进任务", "落实措施", "相关部门"))
    assert [(t.title, t.raw_units) for t in doc.tasks] == [("开展检查", "办公室"), ("推进任务", "相关部门")]


def test_without_a_task_column_the_measures_are_the_tasks_words():
    doc = read(("序号", "工作措施", "责任单位", "完成时限"), ("1", "完成户厕摸排整改", "县农业农村局", "5月底前"))
    assert [(t.no, t.title, t.measures) for t in doc.tasks] == [(1, "完成户厕摸排整改", "完成户厕摸排整改")]


def test_sub_numbers_in_the_number_column_are_tasks_of_their_own_with_their_own_keys():
    doc = read(("序号", "重点任务", "工作目标", "具体措施", "责任单位"),
               ("1.1", "推进规划", "完成评估", "6月底前完成。", "规划处"),
               ("1.2", "加强协调", "建立机制", "9月底前建立。", "办公室"),
               ("2.1", "强化督查", "督查全覆盖", "年底前完成。", "督查室"))
    assert [(t.no, t.key, t.title, t.measures) for t in doc.tasks] == [
        (1, "1.1", "推进规划", "完成评估\n6月底前完成。"), (2, "1.2", "加强协调", "建立机制\n9月底前建立。"),
        (1, "2.1", "强化督查", "督查全覆盖\n年底前完成。")]
    assert not [f for f in doc.flags if f.code in ("task-order", "missing-tasks")]


def test_without_a_units_column_the_units_closing_the_measures_are_read_from_their_brackets():
    doc = read(("序号", "重点任务", "具体措施", "完成时限"),
               ("1", "建设创新平台", "新建创新中心2个。（牵头单位：省科技厅；配合单位：省农业农村厅）", "9月底前"),
               ("2", "推广技术", "培训农技人员。（责任单位：省农业农村厅；责任人：王强）", ""))
    assert [(t.measures, t.raw_units, t.units_source, t.contact) for t in doc.tasks] == [
        ("新建创新中心2个。", "牵头单位：省科技厅；配合单位：省农业农村厅", "bracket", ""),
        ("培训农技人员。", "责任单位：省农业农村厅", "bracket", "王强")]


def test_an_indicator_table_reads_the_measurement_unit_column_as_no_responsible_unit():
    doc = read(("序号", "指标名称", "单位", "2024年目标", "责任单位", "完成时限"),
               ("1", "地区生产总值增速", "%", "6左右", "市发展改革委", "年底前"))
    assert [(t.title, t.measures, t.raw_units, t.deadline_text) for t in doc.tasks] == [
        ("地区生产总值增速", "6左右", "市发展改革委", "年底前")]


def test_a_caption_row_before_the_header_is_no_task_and_is_said():
    doc = read(("附件：2024年重点任务清单", "", "", ""), ("序号", "重点任务", "具体措施", "责任单位"),
               ("1", "推进规划", "6月底前完成。", "规划处"))
    assert [t.title for t in doc.tasks] == ["推进规划"]
    assert [f.message for f in doc.flags if f.code == "table-review"] == [
        "表头之前的一行「附件：2024年重点任务清单」视为表名，不作为任务"]


def test_long_header_cells_are_read_before_data_but_after_data_such_cells_stay_data():
    doc = read(("序号", "主要工作任务及目标", "牵头单位及责任人", "完成时限"), ("1", "推进规划", "规划处", "6月底前"),
               ("", "推进重点任务落实", "牵头单位负责", ""))
    assert [(t.no, t.title, t.raw_units) for t in doc.tasks] == [(1, "推进规划推进重点任务落实", "规划处 | 牵头单位负责")]
    assert any("续行" in note for note in doc.tasks[0].review)


def test_rows_under_a_header_without_a_task_column_are_no_tasks_and_are_said():
    reader = TableReader()
    for cells in (["联系人", "联系电话"], ["张明", "0591-1234567"], ["李华", "0591-7654321"]):
        reader.feed(cells)
    assert reader.tasks == [] and reader.notes == ["表格「联系人 | 联系电话」没有任务栏，其下各行未读作任务"]


def test_a_total_row_of_a_project_table_is_no_task_and_joins_no_task():
    doc = read(("序号", "项目名称", "总投资（亿元）", "责任单位", "时间安排"),
               ("1", "污水厂扩建", "2.6", "县住建局", "9月底前"), ("合计", "", "2.6", "", ""))
    assert [(t.title, t.review) for t in doc.tasks] == [("污水厂扩建", [])]
    assert any("合计行" in f.message for f in doc.flags)


def test_a_task_numbered_in_chinese_numerals_without_units_or_deadline_columns_is_still_a_task():
    doc = read(("序号", "工作任务", "具体要求"), ("一", "开展专项整治", "制定方案。（县应急管理局负责）"))
    assert [(t.no, t.title, t.raw_units) for t in doc.tasks] == [(1, "开展专项整治", "县应急管理局负责")]
