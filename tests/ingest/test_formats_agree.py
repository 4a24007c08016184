"""The same list as Markdown, GBK text, Word and Excel gives the same tasks, milestones and units."""
import pytest

from bot.ingest import read_document
from bot.pipeline import extract_document

from tests.ingest.conftest import TASKS, TITLE


def milestone_view(path):
    result = extract_document(path)
    return [(m.task, m.due.isoformat(), m.kind, m.units) for m in result.milestones]


@pytest.fixture
def reference(task_list_files):
    return milestone_view(task_list_files["md"])


def test_the_markdown_version_gives_the_expected_milestones(reference):
    dues = {(task, due) for task, due, _, _ in reference}
    assert {(1, "2024-06-30"), (1, "2024-12-31"), (3, "2024-09-30"), (4, "2024-12-31")} <= dues
    assert [kind for task, _, kind, _ in reference if task == 4] == ["implicit"]
    assert [kind for task, _, kind, _ in reference if task == 2] == ["recurring"]
    first = next(units for task, _, _, units in reference if task == 1)
    assert first[:2] == ("知识产权保护处", "知识产权运用促进处") and len(first) == 12
    assert next(units for task, _, _, units in reference if task == 3)[-1] == "福州市知识产权管理部门"


@pytest.mark.parametrize("fmt", ["gbk-txt", "docx", "xlsx", "xlsx-merged"])
def test_every_format_gives_the_same_milestones_and_units_as_markdown(task_list_files, reference, fmt):
    assert milestone_view(task_list_files[fmt]) == reference


@pytest.mark.parametrize("fmt", ["md", "gbk-txt", "docx", "xlsx", "xlsx-merged"])
def test_every_format_gives_the_same_tasks_sections_and_facts(task_list_files, fmt):
    document = read_document(task_list_files[fmt])
    assert document.title == TITLE
    assert document.doc_date.isoformat() == "2024-05-22"
    assert document.issuer == "某省知识产权局"
    assert [(t.section, t.no, t.title) for t in document.tasks] == [(s, n, t) for s, n, t, _, _ in TASKS]
    assert not [f for f in document.flags if f.code == "missing-tasks"]


def test_a_word_task_cell_merged_over_several_measure_rows_is_one_task(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ("重点任务", "具体措施", "责任单位")):
        cell.text = text
    table.rows[1].cells[0].text = "1. 推进实施"
    (table.rows[1].cells[1].text, table.rows[1].cells[2].text) = ("6月底前完成盘点", "保护处")
    (table.rows[2].cells[1].text, table.rows[2].cells[2].text) = ("9月底前完成评估", "运用处")
    table.rows[1].cells[0].merge(table.rows[2].cells[0])
    path = tmp_path / "merged.docx"
    document.save(path)
    result = extract_document(path)
    (task,) = result.document.tasks
    assert task.units == ["知识产权保护处", "知识产权运用促进处"]
    assert [m.due.isoformat() for m in result.milestones] == ["2024-06-30", "2024-09-30"]
