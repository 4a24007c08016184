"""The same list as Markdown, GBK text, Word and Excel gives the same tasks, milestones and units."""
import pytest

from bot.ingest import read_document
from bot.pipeline import extract_document

from conftest import TASKS, TITLE


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
