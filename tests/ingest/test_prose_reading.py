"""Prose task lists: hierarchy, notices, stages, the body beside an attached table, the fallback."""
from bot.ingest.assemble import assemble
from bot.ingest.blocks import Line, Row
from bot.ingest.paragraphs import FALLBACK_ITEMS, FALLBACK_PARAGRAPHS, PROSE_REVIEW, read_prose
from bot.ingest.text_format import text_blocks
from bot.model import Context
from bot.pipeline import extract_document
from bot.units import Directory

HIERARCHY = """一、夯实基础支撑
（一）完善基础设施
1. 推进政务云整合。6月底前，完成迁移上云。（省大数据局牵头，省财政厅配合）
2. 提升外网能力。9月底前完成扩容改造。（省大数据局负责）
（二）强化数据共享
1. 健全数据目录。4月30日前完成目录更新。（省大数据局牵头，省直有关部门按职责分工负责）
二、提升服务效能
1. 提升基层服务能力。（省政务服务中心负责）
（1）8月底前，完成便民服务中心标准化建设；
（2）11月底前，站点覆盖率达到95%以上。
三、保障措施
（一）加强组织领导。各地各部门要高度重视，省大数据局要加强统筹协调。"""


def read(text, **kwargs):
    return read_prose(text.splitlines(), **kwargs)


def test_the_task_is_the_item_that_carries_units_and_restarted_numbers_get_their_own_keys():
    tasks = read(HIERARCHY).tasks
    assert [(t.key, t.title) for t in tasks] == [
        ("1-1-1", "推进政务云整合"), ("1-1-2", "提升外网能力"), ("1-2-1", "健全数据目录"), ("2-1", "提升基层服务能力")]
    assert tasks[0].section == "一、夯实基础支撑 / （一）完善基础设施"
    assert tasks[2].raw_units == "省大数据局牵头，省直有关部门按职责分工负责"
    assert {t.units_source for t in tasks} == {"bracket"}


def test_children_without_units_are_measures_of_the_task_above():
    task = read(HIERARCHY).tasks[-1]
    assert task.measures.splitlines()[1:] == ["8月底前，完成便民服务中心标准化建设；", "11月底前，站点覆盖率达到95%以上。"]


def test_two_task_ones_never_share_milestones_or_units(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("2024年某市工作要点\n" + HIERARCHY, encoding="utf-8")
    result = extract_document(path, directory=Directory([]))
    by_key = {}
    for m in result.milestones:
        by_key.setdefault(m.task_key, []).append((m.due.isoformat(), m.units[0]))
    assert by_key["1-1-1"] == [("2024-06-30", "省大数据局")]
    assert by_key["1-2-1"] == [("2024-04-30", "省大数据局")]
    assert [t.units for t in result.document.tasks][0] == ["省大数据局", "省财政厅"]


def test_a_parent_with_its_own_units_is_a_task_and_its_children_inherit_the_section():
    text = """一、提升政务服务
（一）深化改革。3月底前，制定清单。（市政务服务局牵头，市直有关部门配合）
1. 推进变更一件事。6月底前上线。（市市场监管局负责）
2. 梳理事项。9月底前完成梳理。"""
    tasks = read(text).tasks
    assert [(t.key, t.title, t.section) for t in tasks] == [
        ("1-1", "深化改革", "一、提升政务服务"), ("1-1-1", "推进变更一件事", "一、提升政务服务")]
    assert "9月底前完成梳理" in tasks[0].measures


def test_without_units_the_first_item_that_says_something_is_the_task():
    text = """一、加强公开
（一）加强政策解读。出台后3个工作日内发布解读。
（二）做好规划公开。6月底前集中公开。
二、加强平台建设
（三）优化网站。10月31日前完成改造。
三、组织保障
（四）加强领导。各单位要明确分管领导。
（五）强化考核。年底前开展评估。"""
    reading = read(text)
    assert [t.title for t in reading.tasks] == ["加强政策解读", "做好规划公开", "优化网站", "强化考核"]
    assert not [f for f in reading.flags if f.code.startswith("missing")]  # (一)…(五) run across parts


def test_units_on_a_heading_line_over_the_items_text():
    (task,) = read("（一）加强执法（市市场监管局负责）\n开展专项检查，9月底前完成。").tasks
    assert (task.title, task.raw_units) == ("加强执法", "市市场监管局负责")


def test_a_guarantee_paragraph_naming_units_is_not_a_task():
    text = ("一、开展培训。6月30日前完成培训。\n责任单位：县职校\n二、组织保障\n县委组织部、县扶贫办按职责做好保障。\n"
            "（一）加强领导。成立工作专班。（县委办牵头，县直各部门配合）\n（二）强化督查。县督查室要于11月底前开展督查。")
    assert [t.title for t in read(text).tasks] == ["开展培训", "强化督查"]


def test_a_notice_in_one_paragraph_with_units_as_the_subject():
    text = ("关于做好燃气安全排查的通知\n各区住房城乡建设局：\n为做好燃气安全工作，现通知如下：一、全面排查。各区住房城乡建设局要于4月30日前完成检查。"
            "二、限期整改。各燃气企业要在6月30日前完成整改。三、加强督导。市燃气管理处要于9月底前抽查。")
    tasks = read(text).tasks
    assert [(t.no, t.title, t.raw_units, t.units_source) for t in tasks] == [
        (1, "全面排查", "各区住房城乡建设局", "prose"), (2, "限期整改", "各燃气企业", "prose"), (3, "加强督导", "市燃气管理处", "prose")]
    assert all(PROSE_REVIEW in t.review for t in tasks)
    flags = assemble([Line(t) for t in text.splitlines()]).flags
    assert [f.code for f in flags] == ["units-from-prose"] * 3 and flags[0].message.startswith("第1项：")


def test_each_stage_is_a_task_whose_text_carries_its_range():
    text = """二、实施步骤
第一阶段：动员部署（5月15日至5月31日）。各乡镇要制定方案，5月25日前报县农业农村局。
（二）集中整治阶段（6月—8月）。全面开展整治。（县农业农村局负责）
三、时间安排
持续推进（2025年10月底—2025年12月底）。各地要巩固成果。"""
    tasks = read(text).tasks
    assert [t.title for t in tasks] == ["第一阶段：动员部署（5月15日至5月31日）", "集中整治阶段（6月—8月）", "持续推进（2025年10月底—2025年12月底）"]
    assert tasks[0].measures.startswith("动员部署（5月15日至5月31日）")
    from bot.extract import extract_task

    dues = [sorted(m.due.isoformat() for m in extract_task(t, Context(2025))[0]) for t in tasks]
    assert dues[0] == ["2025-05-25", "2025-05-31"] and dues[1] == ["2025-08-31"] and dues[2] == ["2025-12-31"]


def test_a_deadline_and_a_contact_inside_the_parenthetical_leave_the_units():
    (task,) = read("1. 稳定就业。新增就业2万人。（责任单位：市人社局，完成时限：2024年12月底；责任人：王某）").tasks
    assert (task.raw_units, task.deadline_text, task.contact) == ("责任单位：市人社局", "2024年12月底", "王某")
    (task,) = read("1. 开展检查。6月底前完成。（责任人：李某）").tasks
    assert (task.raw_units, task.contact, task.measures) == ("", "李某", "开展检查。6月底前完成。")


def test_a_parenthetical_wrapped_over_a_line_break_is_read_whole():
    (task,) = read("1. 整治低价游。5月底前，在全省开展专项\n整治。（省文化和旅游厅牵\n头，省公安厅配合）").tasks
    assert task.raw_units == "省文化和旅游厅牵头，省公安厅配合"
    assert task.measures == "整治低价游。5月底前，在全省开展专项整治。"


def test_a_number_gap_among_tasks_is_flagged_but_an_attachment_list_is_not():
    text = "1. 推进A。6月底前完成。\n2. 推进B。9月底前完成。\n4. 推进D。年底前完成。\n附件：\n2.回执"
    flags = read(text).flags
    assert [f.code for f in flags] == ["missing-tasks"] and "3" in flags[0].message


def test_numbered_headings_with_nothing_else_still_give_tasks_and_say_so():
    reading = read("一、统一思想\n二、压实责任\n三、强化督查")
    assert [t.title for t in reading.tasks] == ["统一思想", "压实责任", "强化督查"]
    assert [f.code for f in reading.flags] == ["prose-fallback"] and FALLBACK_ITEMS in reading.tasks[0].review


def test_dated_paragraphs_are_read_as_tasks_when_nothing_is_numbered():
    text = ("关于加快项目建设的督办通知\n各区人民政府：\n近期，部分项目进度滞后。\n"
            "各区人民政府要于6月15日前完成问题清单梳理。\n市财政局要加快资金拨付，确保9月30日前拨付到位。\n请各单位高度重视。")
    reading = read(text)
    assert [(t.key, t.raw_units) for t in reading.tasks] == [("p1", "各区人民政府"), ("p2", "市财政局")]
    assert FALLBACK_PARAGRAPHS in reading.tasks[0].review
    assert read(text, fallback=False).tasks == []


def test_text_with_no_number_and_no_date_has_no_tasks():
    assert read("只是一段说明。\n没有任何安排。").tasks == []


def test_a_body_with_an_attached_task_table_gives_both_in_document_order():
    body = ["2024年工作方案", "一、强化保护", "1. 开展专项整治。6月底前部署。（省局执法稽查局负责）", "2. 加强展会保护。（省局保护处负责）", "附件", "任务分解表"]
    table = [("序号", "重点任务", "具体措施", "责任单位", "完成时限"), ("1", "开展地理标志保护", "组织核查", "省局保护处", "2024年10月31日前")]
    document = assemble([Line(t) for t in body] + [Row(cells, 1) for cells in table])
    assert [(t.key, t.title, t.units_source) for t in document.tasks] == [
        ("1", "开展专项整治", "bracket"), ("2", "加强展会保护", "bracket"), ("a1", "开展地理标志保护", "column")]


def test_a_table_document_keeps_no_undated_unnumbered_prose():
    blocks = text_blocks("关于印发清单的通知\n请各单位认真落实。\n| 重点任务 | 落实举措 | 责任单位 |\n|---|---|---|\n| 1. 推进实施 | 6月底前完成 | 保护处 |")
    assert [t.title for t in assemble(blocks).tasks] == ["推进实施"]


def test_tasks_under_a_part_headed_by_a_unit_take_that_unit():
    text = "一、市发展改革委\n1. 推进项目建设。6月底前开工。\n二、市财政局\n1. 保障资金。9月底前拨付。（市财政局、市税务局负责）"
    tasks = read(text).tasks
    assert [(t.key, t.raw_units, t.units_source) for t in tasks] == [
        ("1-1", "市发展改革委", "line"), ("2-1", "市财政局、市税务局负责", "bracket")]


def test_a_unit_line_run_into_its_paragraph_and_a_leader_kept_as_contact():
    text = "（一）施工场地整治\n要求文明施工，9月底前完成围挡。牵头领导：王某副局长；责任部门：建工科、安全站"
    (task,) = read(text).tasks
    assert (task.raw_units, task.contact, task.units_source) == ("责任部门：建工科、安全站", "王某副局长", "line")
    assert task.measures == "施工场地整治\n要求文明施工，9月底前完成围挡。"


def test_units_closing_a_paragraph_belong_to_its_item_not_to_its_last_inline_measure():
    text = "（一）加强生态保护。1.做好河道保洁，6月底前完成；2.推进植树造林，年底前完成。（县林业局负责）\n（二）提升公共服务。3.建设服务站，9月底前建成。（县民政局负责）"
    tasks = read(text).tasks
    assert [(t.title, t.raw_units) for t in tasks] == [("加强生态保护", "县林业局负责"), ("提升公共服务", "县民政局负责")]
    assert "年底前完成" in tasks[0].measures


def test_messages_name_a_task_by_its_title_where_numbers_restart():
    document = assemble([Line(t) for t in HIERARCHY.splitlines()])
    assert document.tasks[0].key == "1-1-1"
    from bot.units.assign import task_label

    assert task_label(document.tasks[0]) == "「推进政务云整合」"
    assert task_label(read("1. 推进A。6月底前完成。\n2. 推进B。").tasks[0]) == "第1项"


def test_a_number_on_a_line_of_its_own_starts_the_item_below_it():
    tasks = read("1.\n推进数据共享。6月底前完成。（市数据局负责）\n2.\n加强队伍建设。9月底前完成。").tasks
    assert [(t.no, t.title, t.raw_units) for t in tasks] == [(1, "推进数据共享", "市数据局负责"), (2, "加强队伍建设", "")]


def test_unnumbered_paragraphs_with_units_and_their_unit_lines_are_read_as_tasks():
    text = "工作安排\n推进数据共享。6月底前完成。\n牵头单位：市数据局\n加强队伍建设。（市人社局负责）\n请各单位认真落实。"
    tasks = read(text).tasks
    assert [(t.title, t.raw_units, t.units_source) for t in tasks] == [
        ("推进数据共享", "牵头单位：市数据局", "line"), ("加强队伍建设", "市人社局负责", "bracket")]


def test_units_closing_an_items_last_measure_are_the_items():
    (task,) = read("（一）加强执法\n（1）6月底前开展检查；\n（2）年底前完成整改。（市市场监管局负责）").tasks
    assert (task.title, task.raw_units) == ("加强执法", "市市场监管局负责")
    text = ("（一）加强执法\n1. 6月底前开展检查；\n2. 年底前完成整改。\n牵头单位：市市场监管局\n"
            "（二）优化服务\n1. 推进A。9月底前完成。\n2. 推进B。10月底前完成。\n牵头单位：市财政局")
    tasks = read(text).tasks
    assert [(t.key, t.title, t.raw_units) for t in tasks] == [
        ("1", "加强执法", "牵头单位：市市场监管局"), ("2-1", "推进A", ""), ("2-2", "推进B", "牵头单位：市财政局")]


def test_a_table_with_no_task_header_beside_a_numbered_body_is_no_task_list():
    text = ("关于开展防汛检查的通知\n一、开展隐患排查。各乡镇要于5月31日前完成排查。\n附件\n"
            "| 1 | 县水利局 | 张三 | 1234567 |\n| 2 | 县农业农村局 | 李四 | 7654321 |")
    document = assemble(text_blocks(text))
    assert [t.title for t in document.tasks] == ["开展隐患排查"]
    assert "table-ignored" in [f.code for f in document.flags]


def test_lines_cut_at_the_page_width_are_joined_back_before_items_are_read():
    from bot.ingest.hierarchy import paragraphs

    text = ("现就有关事项通知如下：一、全面排查。各区住房城乡建设局要于4月30日前完成检查。二\n"
            "、限期整改。各燃气企业要在6月30日前完成整改，由市燃气管理处、县交\n"
            "通运输局督导。三、加强督导。市燃气管理处要于9月底前抽查各区工作。\n"
            "某某市住房和城乡建设局")
    lines = [line[i:i + 14] for line in text.splitlines() for i in range(0, len(line), 14)]
    tasks = read("\n".join(lines)).tasks
    assert [t.title for t in tasks] == ["全面排查", "限期整改", "加强督导"]
    assert "县交通运输局督导" in tasks[1].measures
    assert [text for _, text in paragraphs(["一、组织保障", "成立领导小组。", "牵头单位：市数据局", "加强队伍建设。"])] == [
        "一、组织保障", "成立领导小组。", "牵头单位：市数据局", "加强队伍建设。"]
