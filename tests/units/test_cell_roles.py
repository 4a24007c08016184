"""Units cells and parentheticals: labels and role words removed, lead units first, brackets judged."""
import pytest

from bot.units import Directory, read_units_cell
from bot.units.cell import ROLE_EXAMPLES, split_names


@pytest.mark.parametrize("raw, expected", ROLE_EXAMPLES, ids=[e[0][:14] for e in ROLE_EXAMPLES])
def test_role_words_and_labels_never_reach_a_unit_name(raw, expected):
    assert read_units_cell(raw, Directory([])).units == expected


@pytest.mark.parametrize("text, expected", [
    ("各县（市、区）市场监督管理局、市公安局", ["各县（市、区）市场监督管理局", "市公安局"]),
    ("各市、县（区）人民政府", ["各市、县（区）人民政府"]),
    ("省、市、县三级", ["省", "市", "县三级"]),
    ("市政府办公室、市司法局", ["市政府办公室", "市司法局"]),
    ("各县（市、区", ["各县（市", "区"]),  # a bracket never closed protects nothing
])
def test_names_are_split_outside_brackets_only(text, expected):
    assert split_names(text) == expected


def test_an_unknown_name_is_kept_as_written_with_its_full_width_brackets():
    reading = read_units_cell("各县（市、区）市场监督管理局", Directory([]))
    assert reading.units == ["各县（市、区）市场监督管理局"]
    assert "不在单位目录中" in reading.resolutions[0].note
