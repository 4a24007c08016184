"""The real OCR'd sample, read exactly as it is: what Duban must get right and must flag."""
import pytest

from bot.pipeline import extract_document

PROTECT = "知识产权保护处"
PROTECT_CENTER = "福建省知识产权保护中心"
DEV_CENTER = "福建省知识产权发展保护中心"
FUZHOU = "福州市知识产权管理部门"


@pytest.fixture(scope="module")
def seed(seed_path):
    return extract_document(seed_path)


def task(seed, no):
    return next(t for t in seed.document.tasks if t.no == no)


def test_it_reads_every_task_row_the_ocr_kept(seed):
    assert [t.no for t in seed.document.tasks] == [*range(1, 13), *range(17, 21)]


def test_it_says_that_tasks_13_to_16_are_missing(seed):
    missing = [w for w in seed.warnings if w.code == "missing-tasks"]
    assert len(missing) == 1 and missing[0].text == "13–16"
    assert "13–16" in missing[0].message


def test_it_reads_the_documents_facts(seed):
    doc = seed.document
    assert doc.title == "2024年福建省推动知识产权高质量发展任务清单"
    assert (doc.year, doc.doc_date.isoformat(), doc.issuer) == (2024, "2024-05-22", "福建省知识产权局")


def test_it_keeps_each_tasks_section(seed):
    assert task(seed, 4).section == "二、全面加强知识产权法治保障"
    assert task(seed, 19).section == "七、全面夯实知识产权事业发展基础"


def test_task_12_goes_to_the_protection_division_and_fuzhou(seed):
    assert task(seed, 12).units == [PROTECT, FUZHOU]


def test_task_17_lists_the_protection_center_once(seed):
    units = task(seed, 17).units
    assert units.count(PROTECT_CENTER) == 1
    assert units[:5] == [PROTECT, "商标监督管理处", "知识产权运用促进处", DEV_CENTER, PROTECT_CENTER]


def test_task_8s_garbage_cell_is_flagged_with_what_could_be_recovered(seed):
    eight = task(seed, 8)
    assert any("乱码" in note for note in eight.review)
    assert eight.units[0] == DEV_CENTER and FUZHOU in eight.units
    assert "保" in eight.units  # the fragment is kept and flagged, not guessed
    assert any(w.code == "unknown-unit" and w.task == 8 and w.text == "保" for w in seed.warnings)


def test_task_8_has_its_two_dated_milestones(seed):
    dues = [(m.due.isoformat(), m.kind) for m in seed.milestones if m.task == 8]
    assert dues == [("2024-06-30", "once"), ("2024-12-31", "once")]


def test_every_undated_task_gets_one_implicit_year_end_milestone(seed):
    for t in seed.document.tasks:
        mine = [m for m in seed.milestones if m.task == t.no]
        if t.no != 8:
            assert [(m.kind, m.due.isoformat()) for m in mine] == [("implicit", "2024-12-31")], t.no


def test_every_milestone_carries_its_tasks_units_lead_first(seed):
    for m in seed.milestones:
        assert list(m.units) == task(seed, m.task).units
        assert m.units


def test_the_ocr_misspelled_unit_is_kept_and_flagged(seed):
    assert "人数处" in task(seed, 19).units
    assert "人事处" not in task(seed, 19).units
    assert any(w.code == "unknown-unit" and w.task == 19 for w in seed.warnings)


def test_the_split_units_column_of_tasks_9_to_11_is_rebuilt(seed):
    for no in (9, 10, 11):
        units = task(seed, no).units
        assert units[:3] == ["知识产权运用促进处", DEV_CENTER, PROTECT_CENTER]
        assert len(units) == 13


def test_text_bled_from_the_units_column_is_removed_and_noted(seed):
    four = task(seed, 4)
    assert "地方综合性法规体系" in four.measures and "探索建立数据" in four.measures
    assert any("法规" in note and "护中" in note for note in four.review)


def test_the_empty_measures_cell_and_the_groups_to_choose_are_flagged(seed):
    assert task(seed, 5).measures == "" and task(seed, 5).review
    choose = {w.task for w in seed.warnings if w.code == "unit-needs-choice"}
    assert choose == {5, 18}


def test_it_takes_the_implicit_due_date_from_settings(seed_path, tmp_path, monkeypatch):
    from datetime import date

    from bot.pipeline import extract_document
    from tests.conftest import write_office_config

    write_office_config(tmp_path)
    (tmp_path / "settings.yaml").write_text('implicit_due: "11-30"\n', encoding="utf-8")
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path))
    result = extract_document(seed_path)
    implicit = [m for m in result.milestones if m.kind == "implicit"]
    assert implicit and all(m.due == date(2024, 11, 30) for m in implicit)
