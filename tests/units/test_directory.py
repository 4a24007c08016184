"""The unit directory: the shipped config resolves the seed's names; bad configs are refused."""
import pytest

from bot.errors import DubanError
from bot.units import ALIAS, CANONICAL, GROUP, load_directory, parse_directory

LOCAL_CITIES = ["福州", "厦门", "漳州", "泉州", "三明", "莆田", "南平", "龙岩", "宁德"]


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.mark.parametrize("written, canonical", [
    ("保护中心", "福建省知识产权保护中心"),
    ("省知识产权保护中心", "福建省知识产权保护中心"),
    ("发展保护中心", "福建省知识产权发展保护中心"),
    ("省知识产权发展保护中心", "福建省知识产权发展保护中心"),
    ("运用处", "知识产权运用促进处"),
    ("保护处", "知识产权保护处"),
    ("商标处", "商标监督管理处"),
    ("法规处", "政策法规处"),
    ("应急宣传处", "应急管理和宣传处"),
])
def test_it_maps_the_seeds_abbreviations_to_canonical_names(directory, written, canonical):
    match = directory.lookup(written)
    assert match.entry.name == canonical
    assert match.how == ALIAS


def test_it_ignores_spaces_and_full_width_forms_when_looking_up(directory):
    assert directory.lookup(" 保 护 处 ").entry.name == "知识产权保护处"
    assert directory.lookup("知识产权保护处").how == CANONICAL


def test_it_expands_each_local_group_to_the_nine_cities_plus_pingtan(directory):
    match = directory.lookup("各地知识产权管理部门")
    members = directory.expand(match.entry)
    assert match.how == GROUP
    assert [m[:2] for m in members[:9]] == LOCAL_CITIES
    assert members[9] == "平潭综合实验区市场监管局"
    assert len(directory.expand(directory.lookup("各设区市知识产权局").entry)) == 9


def test_it_keeps_a_group_the_admin_must_choose_as_its_own_name(directory):
    entry = directory.lookup("有关地市知识产权管理部门").entry
    assert entry.choose
    assert directory.expand(entry) == ("有关地市知识产权管理部门",)


def test_it_does_not_know_the_ocr_misspelling_of_a_unit(directory):
    assert directory.lookup("人数处") is None


def test_it_accepts_per_unit_contacts_in_the_schema():
    d = parse_directory("units:\n  - name: 甲处\n    contacts: [{wecom: x}]\n")
    assert d.lookup("甲处").entry.name == "甲处"


@pytest.mark.parametrize("text, fragment", [
    ("units:\n  - name: 甲处\n    aliases: [甲]\n  - name: 乙处\n    aliases: [甲]\n", "同时属于"),
    ("units:\n  - name: 甲处\ngroups:\n  - name: 各处\n    members: [丙处]\n", "不在 units 列表中"),
    ("units:\n  - name: 甲处\n    phone: 1\n", "不认识的字段"),
    ("units:\n  - aliases: [甲]\n", "缺少 name"),
    ("units: [\n", "不是有效的 YAML"),
    ("groups:\n  - name: 各处\n", "没有 members"),
])
def test_it_refuses_a_directory_that_would_make_lookups_guess(text, fragment):
    with pytest.raises(DubanError) as error:
        parse_directory(text, "units-test.yaml")
    assert fragment in error.value.message
    assert "units-test.yaml" in error.value.message


def test_it_names_a_missing_directory_file(tmp_path):
    with pytest.raises(DubanError, match="找不到单位目录"):
        load_directory(tmp_path / "nope.yaml")
