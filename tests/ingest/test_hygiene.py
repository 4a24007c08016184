"""Every format's text is cleaned once: no control, bidi or zero-width characters; 繁体 read as simplified."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.ingest import read_bytes_document, read_document
from bot.ingest.hygiene import clean_text
from tests.ingest.conftest import docx_list, markdown_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dirty, clean", [
    ("\x1b[2J\x1b]0;PWNED\x07推进\x1b[31m实施\x1b[0m", "推进实施"),  # terminal escape sequences (F18)
    ("推进\x1b\x07实施\x1b[", "推进实施["),  # stray ESC and BEL
    ("\x1b]标题没有结束符，正文照常保留", "]标题没有结束符，正文照常保留"),  # an unterminated OSC eats nothing
    ("保护处\u202etxt.exe", "保护处txt.exe"),  # RLO
    ("\u2066运用处\u2069\u202a\u202c", "运用处"),  # isolates, embeddings
    ("加强\u200b协调\u200c\u200d\ufeff\u2060", "加强协调"),  # zero-width, BOM, word joiner
    ("6月底前\x00完成", "6月底前完成"),  # NUL (F13)
    ("\x85\x9b31m红", "红"),  # C1 controls (NEL, CSI)
    ("第一列\t第二列\n下一行", "第一列\t第二列\n下一行"),  # tab and newline stay
])
def test_control_bidi_and_zero_width_characters_are_dropped(dirty, clean):
    assert clean_text(dirty) == clean


HOSTILE = "\x1b[31m推进\u202e规划\u200b实施\x07"


def test_hostile_characters_never_reach_a_task_from_markdown():
    text = markdown_list().replace("推进规划实施", HOSTILE).replace("保护处、运用处", "保护处\u200b、运\u202e用处")
    task = read_bytes_document(text.encode(), "list.md").tasks[0]
    assert task.title == "推进规划实施"
    assert task.raw_units.startswith("保护处、运用处")


def test_a_nul_after_the_first_8_kb_never_reaches_a_task():
    """F13: PostgreSQL refuses NUL in text; a NUL early in a file marks it binary, a late one is dropped."""
    preface = "\n".join(f"说明第{n}行。" for n in range(600))
    text = preface + "\n" + markdown_list().replace("保护处", "保护\x00处")
    assert text.encode().index(b"\x00") > 8192
    document = read_bytes_document(text.encode(), "list.md")
    assert document.tasks[0].raw_units.startswith("保护处")
    assert not any("\x00" in t.title + t.measures + t.raw_units for t in document.tasks)


def test_hostile_characters_never_reach_a_task_from_word(tmp_path):
    import docx

    path = tmp_path / "list.docx"
    docx_list(path)
    document = docx.Document(path)
    document.tables[0].rows[2].cells[0].paragraphs[0].runs[0].text = "1. \u202e推进\u200b规划实施"
    document.save(path)
    assert read_document(path).tasks[0].title == "推进规划实施"


TRADITIONAL = """2024年某市優化營商環境工作任務清單
| 重點任務 | 具體措施 | 責任單位 |
|---|---|---|
| 一、強化統籌 | | |
| 1. 推進規劃實施 | 6月底前，制定推進計劃；年底前，完成年度評估。 | 市發展改革委、市財政局 |
| 2. 加強協調 | 每季度末報送工作進展。 | 市政務服務數據管理局 |
"""
SIMPLIFIED = """2024年某市优化营商环境工作任务清单
| 重点任务 | 具体措施 | 责任单位 |
|---|---|---|
| 一、强化统筹 | | |
| 1. 推进规划实施 | 6月底前，制定推进计划；年底前，完成年度评估。 | 市发展改革委、市财政局 |
| 2. 加强协调 | 每季度末报送工作进展。 | 市政务服务数据管理局 |
"""


def test_a_traditional_list_reads_like_its_simplified_original_and_says_so():
    traditional = read_bytes_document(TRADITIONAL.encode("big5"), "list.md")
    simplified = read_bytes_document(SIMPLIFIED.encode(), "list.md")
    assert [(t.section, t.title, t.measures, t.raw_units) for t in traditional.tasks] == \
        [(t.section, t.title, t.measures, t.raw_units) for t in simplified.tasks]
    assert traditional.title == simplified.title == "2024年某市优化营商环境工作任务清单"
    assert [f.code for f in traditional.flags if f.code == "traditional"] == ["traditional"]
    assert not [f for f in simplified.flags if f.code == "traditional"]


def test_the_seed_is_not_changed_by_the_simplified_conversion(seed_path):
    from bot.ingest.hygiene import simplified

    text = seed_path.read_text(encoding="utf-8")
    assert simplified(text.split("\n")) == (text.split("\n"), 0)


def test_text_on_stdin_is_cleaned_too():
    result = subprocess.run([sys.executable, "-m", "bot", "extract", "-", "--year", "2024"], cwd=ROOT, timeout=60,
                            input="6月底前\x1b[2J完成\u202e盘点".encode(), capture_output=True)
    assert result.returncode == 0, result.stderr
    assert b"\x1b" not in result.stdout and "\u202e".encode() not in result.stdout
