"""Normalisation on its own: one canonical spelling, and a way back to the original text."""
from __future__ import annotations

import pytest

from bot.extract.normalize import drop_noise_spaces, normalize


@pytest.mark.parametrize("original, normalised", [
    ("六月底前", "6月底前"),
    ("十一月底", "11月底"),
    ("十二月中旬", "12月中旬"),
    ("二〇二四年十二月底前", "2024年12月底前"),
    ("三十一日", "31日"),
    ("三季度末", "3季度末"),
    ("３个工作日内", "3个工作日内"),
    ("６月底前，组织", "6月底前,组织"),
    ("2024 年 6 月 30 日前", "2024年6月30日前"),
    ("年 底前", "年底前"),
    ("（2024—2025年）", "(2024-2025年)"),
    ("GB/T 29490-2023", "GB/T29490-2023"),
    ("第六届", "第六届"),
    ("十四五", "十四五"),
    ("每周一", "每周一"),
    ("一批高校", "一批高校"),
    ("push back", "push back"),
    ("二○二四年十二月底", "2024年12月底"),
    ("廿三日前", "23日前"),
    ("一百个工作日内", "100个工作日内"),
    ("十二十月", "十二十月"),
    ("6月30曰前", "6月30日前"),
    ("6月未前", "6月末前"),
    ("2O24年", "2024年"),
    ("2〇24年", "2024年"),
])
def test_it_writes_one_canonical_spelling(original, normalised):
    assert normalize(original).text == normalised


@pytest.mark.parametrize("original, norm_span, original_span", [
    ("6 月底前完成", (0, 4), (0, 5)),
    ("请于 十一月底前完成", (2, 7), (3, 8)),
    ("二〇二四年十二月底前", (0, 10), (0, 10)),
    ("截至 三十一日", (2, 5), (3, 7)),
])
def test_it_maps_a_normalised_span_back_to_whole_original_characters(original, norm_span, original_span):
    assert normalize(original).orig_span(*norm_span) == original_span


def test_it_drops_ocr_spaces_between_chinese_but_keeps_them_between_latin_words():
    assert drop_noise_spaces(" 组织省内 高校 完成 ISO 9001 认证 ") == "组织省内高校完成ISO9001认证"
    assert drop_noise_spaces("Duban bot 上线") == "Duban bot上线"


def test_it_records_where_it_repaired_an_ocr_confusion():
    assert normalize("请于2O24年6月30曰前").repairs == (3, 11)
    assert normalize("6月底前").repairs == ()
