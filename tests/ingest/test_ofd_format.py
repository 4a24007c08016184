"""OFD files built in the test (a zip of OFD.xml, Document.xml and page Content.xml), good and broken."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.errors import DubanError
from bot.ingest import read_bytes_document, read_document
from tests.ingest.conftest import TASKS, TITLE, markdown_list

ROOT = Path(__file__).resolve().parents[2]
NS = "http://www.ofdspec.org/2016"
SIZE = 3.5  # mm, about 10 pt


def text_object(x: float, y: float, text: str, ident: int, per_glyph: bool = False) -> str:
    """A TextObject at (x, y) mm; per_glyph writes one TextCode per character, as some generators do."""
    if per_glyph:
        codes = "".join(f'<ofd:TextCode X="{i * SIZE}" Y="{SIZE}">{ch}</ofd:TextCode>' for i, ch in enumerate(text))
    else:
        codes = f'<ofd:TextCode X="0" Y="{SIZE}" DeltaX="g {len(text) - 1} {SIZE}">{text}</ofd:TextCode>'
    return (f'<ofd:TextObject ID="{ident}" Boundary="{x} {y} {len(text) * SIZE + 1} {SIZE * 1.5}" Font="1" Size="{SIZE}">'
            f"{codes}</ofd:TextObject>")


def page_xml(objects: list[str]) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="1">'
            + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>")


def write_ofd(path: Path, pages: list[list[str]], *, drop: str | None = None, replace: dict[str, str] | None = None) -> Path:
    parts = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
                   "<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                              "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
                              "<ofd:Pages>" + "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
                                                      for i in range(len(pages))) + "</ofd:Pages></ofd:Document>",
    }
    for i, objects in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = page_xml(objects)
    parts.update(replace or {})
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            if name != drop:
                z.writestr(name, text)
    return path


def table_page(per_glyph: bool = False) -> list[str]:
    """The shared four-task list as an OFD page: title, a three-column table, signature."""
    objects, y, ident = [text_object(25, 20, TITLE, 1, per_glyph)], 35.0, 2
    columns = (20, 60, 145)
    rows = [("重点任务", "具体措施", "责任单位")]
    section = None
    for sec, no, title, measures, units in TASKS:
        if sec != section:
            rows.append((sec, "", ""))
            section = sec
        rows.append((f"{no}. {title}", measures, units))
    for row in rows:
        for x, text in zip(columns, row):
            if text:
                objects.append(text_object(x, y, text, ident, per_glyph))
                ident += 1
        y += SIZE * 2.5
    objects.append(text_object(25, y + 10, "某省知识产权局", ident))
    objects.append(text_object(25, y + 18, "2024年5月22日印发", ident + 1))
    objects.append(text_object(100, 285, "- 1 -", ident + 2))
    return objects


def tasks_of(document):
    return [(t.no, t.section, t.title, t.measures, t.raw_units) for t in document.tasks]


@pytest.mark.parametrize("per_glyph", [False, True], ids=["runs", "one-code-per-glyph"])
def test_an_ofd_table_reads_like_the_same_table_in_markdown(tmp_path, per_glyph):
    document = read_document(write_ofd(tmp_path / "list.ofd", [table_page(per_glyph)]))
    expected = read_bytes_document(markdown_list().encode(), "list.md")
    assert tasks_of(document) == tasks_of(expected)
    assert (document.title, document.doc_date) == (expected.title, expected.doc_date)


def test_ofd_paragraphs_over_two_pages_are_read_in_page_order(tmp_path):
    first = [text_object(25, 20, "2024年某县优化营商环境工作要点", 1),
             text_object(25, 35, "1. 推进一网通办。6月底前实现高频事项全程网办（县政务服务中心牵头，县大数据中心配合）。", 2)]
    second = [text_object(25, 20, "2. 开展营商环境评价。11月底前完成年度评价（责任单位：县发展改革局）。", 1)]
    document = read_document(write_ofd(tmp_path / "notice.ofd", [first, second]))
    assert [(t.no, t.title) for t in document.tasks] == [(1, "推进一网通办"), (2, "开展营商环境评价")]
    assert "县发展改革局" in document.tasks[1].raw_units


@pytest.mark.parametrize("damage, problem", [
    ({"drop": "Doc_0/Document.xml"}, "缺少 Doc_0/Document.xml"),
    ({"replace": {"Doc_0/Pages/Page_0/Content.xml": "<ofd:Page"}}, "无法解析"),
    ({"replace": {"OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"/>'}}, "DocRoot"),
    ({"replace": {"Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"/>'}}, "没有页面"),
])
def test_a_damaged_ofd_is_refused_saying_what_is_wrong(tmp_path, damage, problem):
    path = write_ofd(tmp_path / "bad.ofd", [table_page()], **damage)
    with pytest.raises(DubanError) as error:
        read_document(path)
    assert error.value.exit_code == 2
    assert error.value.message.startswith(f"{path}: OFD 文件已损坏") and problem in error.value.message
    assert "重新导出" in error.value.message


def test_an_ofd_entity_is_never_expanded(tmp_path):
    """XML entities (XXE, billion laughs) are not resolved: the text stays as written or the part is refused."""
    evil = (f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer>'
            f'<ofd:TextObject Boundary="25 20 100 5" Size="3.5"><ofd:TextCode X="0" Y="3.5">1. 读取&x;。6月底前完成</ofd:TextCode>'
            "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>")
    path = write_ofd(tmp_path / "evil.ofd", [[]], replace={"Doc_0/Pages/Page_0/Content.xml": evil})
    try:
        document = read_document(path)
    except DubanError as error:
        assert "root:" not in error.value.message
    else:
        assert all("root:" not in t.measures + t.title for t in document.tasks)


def test_a_corrupt_ofd_exits_2_from_the_command_line_without_a_traceback(tmp_path):
    path = tmp_path / "broken.ofd"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    result = subprocess.run([sys.executable, "-m", "bot", "extract", str(path), "--year", "2024"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"错误: {path}: OFD 文件已损坏") and result.stdout == ""


def test_text_objects_placed_through_a_ctm_are_read_where_they_print(tmp_path):
    """Some generators write glyph positions in a unit scaled by the object's CTM (here 1/10 mm)."""
    def scaled(y: float, text: str, ident: int) -> str:
        return (f'<ofd:TextObject ID="{ident}" Boundary="25 {y} 160 6" Font="1" Size="35" CTM="0.1 0 0 0.1 0 0">'
                f'<ofd:TextCode X="0" Y="35" DeltaX="g {len(text) - 1} 35">{text}</ofd:TextCode></ofd:TextObject>')

    lines = ["2024年某区市场监管工作要点",
             "1. 开展食品安全专项检查。6月底前完成学校食堂全覆盖检查（区市场监管局牵头，区教育局配合）。",
             "2. 推进信用监管。11月30日前完成年度信用风险分类（责任单位：区市场监管局）。"]
    document = read_document(write_ofd(tmp_path / "ctm.ofd", [[scaled(20 + 12 * n, t, n + 1) for n, t in enumerate(lines)]]))
    assert [(t.no, t.title) for t in document.tasks] == [(1, "开展食品安全专项检查"), (2, "推进信用监管")]
    assert "区教育局" in document.tasks[0].raw_units
