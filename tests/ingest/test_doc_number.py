"""The 发文字号 is a document fact: read from the head, never from a number quoted in the prose."""
import pytest

from bot.ingest.facts import find_doc_number


@pytest.mark.parametrize("lines, number", [
    (["福建省知识产权局文件", "闽知发[2024]9号"], "闽知发〔2024〕9号"),
    (["国办发〔2023〕12号"], "国办发〔2023〕12号"),
    (["某政办（2024）15 号"], "某政办〔2024〕15号"),
    (["国知发保字〔2024〕 3 号  签发人：张三"], "国知发保字〔2024〕3号"),
    (["根据国办发〔2023〕1号文件精神，现通知如下"], ""),
    (["2024年工作要点"], ""),
])
def test_it_reads_the_number_of_the_document_itself(lines, number):
    assert find_doc_number(lines) == number
