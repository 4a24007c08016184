"""The directory names one unit for what an admin types, or says why it cannot (F06), and is
never silently the shipped one."""
from __future__ import annotations

import pytest

from bot.errors import DubanError
from bot.units.directory import load_directory
from tests.conftest import FUJIAN_UNITS


@pytest.fixture(scope="module")
def directory():
    return load_directory(FUJIAN_UNITS)


@pytest.mark.parametrize("typed, unit", [("保护处", "知识产权保护处"), ("知识产权保护处", "知识产权保护处"),
                                         ("保 护 处", "知识产权保护处"), ("福州市知识产权局", "福州市知识产权管理部门"),
                                         ("保护处.", None), ("人数处", None)])
def test_a_name_or_alias_is_one_unit_and_a_junk_spelling_is_none(directory, typed, unit):
    assert directory.unit_named(typed) == unit


def test_a_group_is_not_one_unit(directory):
    with pytest.raises(DubanError, match="是一组单位（福州市知识产权管理部门、"):
        directory.unit_named("各地知识产权管理部门")


def test_a_config_folder_without_units_yaml_is_an_error_not_the_shipped_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_CONFIG_DIR", str(tmp_path))
    with pytest.raises(DubanError, match=f"找不到单位目录 {tmp_path / 'units.yaml'}：请把 units.yaml 放回"):
        load_directory()
