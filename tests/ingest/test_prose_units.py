"""Units in prose: every parenthetical and line form, and the sentence subject (examples are the rule's)."""
import pytest

from bot.ingest.markers import EXAMPLES as MARKER_EXAMPLES
from bot.ingest.markers import STAGE_EXAMPLES, item_marker, split_inline, stage_heading
from bot.ingest.prose_units import (PARENTHETICAL_EXAMPLES, SUBJECT_EXAMPLES, UnitsFound, subject_units, take_line,
                                     take_parentheticals)


@pytest.mark.parametrize("line, expected", MARKER_EXAMPLES, ids=[e[0] for e in MARKER_EXAMPLES])
def test_item_numbers_in_every_character(line, expected):
    marker = item_marker(line)
    assert (marker and (marker.kind, marker.number, marker.rest)) == expected


@pytest.mark.parametrize("line, part, expected", STAGE_EXAMPLES, ids=[e[0] for e in STAGE_EXAMPLES])
def test_an_unnumbered_stage_needs_a_date_range_and_a_part_about_steps(line, part, expected):
    assert stage_heading(line, part) is expected


def test_a_paragraph_is_cut_only_where_the_next_number_follows():
    text = "现通知如下：一、全面排查。各区要于4月底前完成。二、限期整改。三个月内完成。四、加强督导。"
    assert split_inline(text, {}) == ["现通知如下：", "一、全面排查。各区要于4月底前完成。", "二、限期整改。三个月内完成。四、加强督导。"]
    assert split_inline("推进实施。2.5万人次完成培训。", {"num": 1}) == ["推进实施。2.5万人次完成培训。"]


@pytest.mark.parametrize("text, left, units, deadlines", PARENTHETICAL_EXAMPLES,
                         ids=[e[0][:12] for e in PARENTHETICAL_EXAMPLES])
def test_unit_parentheticals_in_every_bracket_and_wording(text, left, units, deadlines):
    found = UnitsFound()
    assert take_parentheticals(text, found) == left
    assert (found.units, found.deadlines) == (units, deadlines)
    assert found.source == ("bracket" if units else "")


@pytest.mark.parametrize("line, units, deadlines, contacts", [
    ("牵头单位：县商务局；参与单位：县供销社、各乡镇人民政府", ["牵头单位：县商务局", "参与单位：县供销社、各乡镇人民政府"], [], []),
    ("责任单位：县人社局  参与部门：县林业局", ["责任单位：县人社局", "参与部门：县林业局"], [], []),
    ("指导单位：市商务局", ["指导单位：市商务局"], [], []),
    ("完成时限：2019年8月31日", [], ["2019年8月31日"], []),
    ("责任单位：市住建局；责任人：王某", ["责任单位：市住建局"], [], ["王某"]),
])
def test_unit_deadline_and_contact_lines(line, units, deadlines, contacts):
    found = UnitsFound()
    assert take_line(line, found)
    assert (found.units, found.deadlines, found.contacts) == (units, deadlines, contacts)


def test_a_sentence_is_not_a_unit_line():
    assert not take_line("牵头抓好各项工作的落实。", UnitsFound())


@pytest.mark.parametrize("text, expected", SUBJECT_EXAMPLES, ids=[e[0][:12] for e in SUBJECT_EXAMPLES])
def test_units_that_are_the_subject_of_the_sentence(text, expected):
    assert subject_units(text) == expected


def test_labels_in_brackets_read_like_labels_with_a_colon():
    from bot.ingest.prose_units import unbracket_labels

    assert unbracket_labels("【牵头单位】市发改委【配合单位】市财政局") == "牵头单位：市发改委；配合单位：市财政局"
    assert unbracket_labels("年底前完成。【完成时限】2024年11月底") == "年底前完成。完成时限：2024年11月底"
    assert unbracket_labels("【责任单位：市教育局】") == "【责任单位：市教育局】"
