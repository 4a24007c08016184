"""Reading units cells: split, join, dedupe, repair only when unambiguous, never guess."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.units import REPAIRED, UNKNOWN, load_directory, read_units_cell

D = load_directory()
PROTECT_CENTER = "福建省知识产权保护中心"
DEV_CENTER = "福建省知识产权发展保护中心"
FUZHOU = "福州市知识产权管理部门"


def units(raw):
    return read_units_cell(raw, D).units


def hows(raw):
    return [(r.written, r.how) for r in read_units_cell(raw, D).resolutions]


@pytest.mark.parametrize("raw", ["保护处、运用处", "保护处，运用处", "保护处,运用处", "保护处 运用处", "保护处；运用处"])
def test_it_splits_on_every_delimiter_the_lists_use(raw):
    assert units(raw) == ["知识产权保护处", "知识产权运用促进处"]


def test_it_joins_names_the_ocr_broke_with_a_space():
    reading = read_units_cell("发展保护中心、保 护中心、各地知识产权管理 部门", D)
    assert [r.how for r in reading.resolutions] == ["alias", REPAIRED, REPAIRED]
    assert reading.units[:2] == [DEV_CENTER, PROTECT_CENTER]
    assert len(reading.units) == 12
    assert any("保 护中心" in n for n in reading.notes)


def test_it_keeps_a_repeated_unit_once_and_says_so():
    reading = read_units_cell("保护中心、保护中心、保护中心、商标处", D)
    assert reading.units == [PROTECT_CENTER, "商标监督管理处"]
    assert any("重复出现 3 次" in n for n in reading.notes)


def test_it_rebuilds_a_name_split_across_two_cells():
    reading = read_units_cell("保护处、福理部门 | 福州市知识产权管", D)
    assert reading.units == ["知识产权保护处", FUZHOU]
    assert reading.resolutions[1].how == REPAIRED
    assert any("福理部门" in n and "福州市知识产权管" in n for n in reading.notes)


def test_it_rebuilds_units_from_the_interleaved_halves_of_a_split_column():
    reading = read_units_cell("运用处、发 护中心、各 部门 | 发展保护中心、保各地知识产权管理", D)
    assert reading.units[:3] == ["知识产权运用促进处", DEV_CENTER, PROTECT_CENTER]
    assert reading.units[3:] == list(D.expand(D.lookup("各地知识产权管理部门").entry))
    assert not [r for r in reading.resolutions if r.how == UNKNOWN]


def test_it_completes_a_clearly_truncated_name_but_not_an_ambiguous_fragment():
    reading = read_units_cell("发展保护中心、保各地知识产权管理", D)
    assert [(r.how, r.names[0]) for r in reading.resolutions] == [
        ("alias", DEV_CENTER), (REPAIRED, FUZHOU), (UNKNOWN, "保")]
    unknown = reading.resolutions[-1]
    assert "知识产权保护处" in unknown.note and PROTECT_CENTER in unknown.note


def test_it_keeps_an_unknown_name_as_written_and_never_maps_it_to_a_lookalike():
    reading = read_units_cell("运用处、人数处、保护中心", D)
    assert reading.units == ["知识产权运用促进处", "人数处", PROTECT_CENTER]
    assert reading.resolutions[1].how == UNKNOWN
    assert "人事处" not in reading.units


def test_it_does_not_build_a_short_name_from_an_unknown_and_a_fragment():
    assert hows("人数处、运用") == [("人数处", UNKNOWN), ("运用", UNKNOWN)]


def test_it_ignores_lead_and_support_marks_beside_a_name():
    assert units("运用处（牵头）、保护处(配合)、商标处等") == ["知识产权运用促进处", "知识产权保护处", "商标监督管理处"]


def test_it_puts_the_lead_unit_first():
    assert units("商标处、保护处、各地知识产权管理部门")[0] == "商标监督管理处"


def test_it_records_how_each_name_resolved():
    assert hows("知识产权保护处、运用处、各地知识产权管理部门、人数处") == [
        ("知识产权保护处", "canonical"), ("运用处", "alias"), ("各地知识产权管理部门", "group"), ("人数处", UNKNOWN)]


def test_an_empty_cell_gives_no_units():
    assert units("") == []


ALIASES = ["保护处", "运用处", "商标处", "法规处", "发展保护中心", "保护中心", "各地知识产权管理部门", "福州市知识产权局"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ALIASES), min_size=1, max_size=6, unique=True), st.data())
def test_ocr_spaces_inside_known_names_never_change_the_units(names, data):
    broken = []
    for name in names:
        cut = data.draw(st.integers(0, len(name) - 1))
        broken.append(name if cut == 0 else f"{name[:cut]} {name[cut:]}")
    expected = read_units_cell("、".join(names), D).units
    assert read_units_cell("、".join(broken), D).units == expected
    assert expected[0] in D.expand(D.lookup(names[0]).entry)
