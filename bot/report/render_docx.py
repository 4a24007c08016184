"""The 督办通报 as a Word document, shaped like the 通报 an office circulates on paper.

Without a template: A4 with the margins of GB/T 9704 (上37 下35 左28 右26 mm), a red masthead
(督办通报, 期号, the issuing office and the date over a red rule), 黑体 section headings,
仿宋_GB2312 body text, and the item table as a landscape 附件. Chinese fonts are set as the
East Asian font (w:eastAsia) as well, or Word would fall back to its Latin font for Chinese.

With the office's own template (config/report-template.docx) the layout is theirs: docxtpl
fills the placeholders that `template_context` lists (docs/report.md has the table), in a
sandbox and with escaping, so a unit name with "&" or "<" cannot break the document.
"""
from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from dataclasses import asdict
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bot.errors import DubanError
from bot.ingest.hygiene import clean_text
from bot.report.model import Counts, Report
from bot.report.wording import (
    COUNT_COLUMNS,
    LIGHT_SHADES,
    NO_VALUE,
    cn_date,
    issue_label,
    item_state,
    laggard_items,
    laggard_sentence,
    percent,
    summary_sentence,
    task_text,
)

TEMPLATE_NAME = "report-template.docx"  # in the office's configuration folder

TITLE_FONT, BODY_FONT, HEADING_FONT, LATIN_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
XIAO_CHU, ER_HAO, SAN_HAO, SI_HAO, XIAO_SI, WU_HAO = Pt(36), Pt(22), Pt(16), Pt(14), Pt(12), Pt(10.5)
LINE = Pt(28)  # 公文 body: 22 lines a page at 三号

UNIT_HEADERS = ("单位", "亮灯", *(header for _, header in COUNT_COLUMNS), "按期办结率")
UNIT_WIDTHS = (40, 11, *(12,) * len(COUNT_COLUMNS), 21)  # mm, 156 in all
UNIT_CENTRED = frozenset(range(1, len(UNIT_HEADERS)))  # the light and the figures; names read from the left
ITEM_HEADERS = ("节点", "任务", "措施", "责任单位", "牵头/配合", "原定期限", "当前期限", "状态", "最新进展", "逾期天数")
ITEM_WIDTHS = (13, 40, 50, 28, 14, 21, 21, 17, 37, 12)  # mm, 253 in all (landscape)
ITEM_CENTRED = frozenset({0, 4, 5, 6, 7, 9})


def render_docx(report: Report, template_path: Path | None = None) -> bytes:
    """The report as .docx bytes: the office's template filled in when given, else Duban's layout."""
    if template_path is not None:
        return _from_template(report, Path(template_path))
    document = Document()
    _page(document.sections[0], landscape=False)
    styles = _styles(document)
    _masthead(document, report)
    _body(document, report, styles)
    _appendix(document, report, styles)
    _page_numbers(document.sections[0])
    document.core_properties.title = clean_text(f"{report.title}（{issue_label(report)}）")
    document.core_properties.author = clean_text(report.office)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the office's template ----------------------------------------------------------------


def _counts(counts: Counts) -> dict:
    return {**asdict(counts), "done": counts.done, "assessed": counts.assessed,
            "on_time_rate": percent(counts.on_time_rate), "done_rate": percent(counts.done_rate)}


def template_context(report: Report) -> dict:
    """Every placeholder a template may use, already worded (dates and rates as the 通报 prints them).

    No key is named like a dict method (items, keys, values): in a template `lag.items` would
    find the method, not the value.
    """
    return _cleaned({
        "office": report.office,
        "title": report.title,
        "year": report.year,
        "number": "" if report.number is None else report.number,
        "issue": issue_label(report),
        "date": cn_date(report.as_of),
        "period": report.period.label,
        "period_start": cn_date(report.period.start),
        "period_end": cn_date(report.period.end),
        "generated_at": report.generated_at.strftime("%Y-%m-%d %H:%M"),
        "documents": "、".join(report.documents),
        "summary": _counts(report.summary),
        "summary_text": summary_sentence(report),
        "units": [{"unit": row.unit, "light": row.light, **_counts(row.counts)} for row in report.units],
        "laggards": [{"unit": lag.unit, "overdue": laggard_items(lag), "count": len(lag.items),
                      "text": laggard_sentence(lag)} for lag in report.laggards],
        "items": [{"milestone": i.milestone, "task_no": "" if i.task_no is None else i.task_no,
                   "task": i.task, "measure": i.measure, "unit": i.unit, "role": i.role,
                   "original_due": i.original_due.isoformat(), "due": i.due.isoformat(),
                   "state": item_state(i), "timeliness": i.timeliness,
                   "latest_progress": i.latest_progress, "days_overdue": i.days_overdue}
                  for i in report.items],
    })


def _cleaned(value):
    """Control characters out of every text: in a template they would make the XML unreadable."""
    if isinstance(value, dict):
        return {key: _cleaned(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return clean_text(value) if isinstance(value, str) else value


def _from_template(report: Report, path: Path) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    how = f"请对照 docs/report.md 的占位符表修改该模板，或删除它以使用默认版式。"
    try:
        template = DocxTemplate(path)
        template.render(template_context(report),
                        SandboxedEnvironment(autoescape=True, undefined=StrictUndefined), autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except FileNotFoundError:
        raise DubanError(f"通报模板 {path} 不存在。{how}") from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DubanError(f"通报模板 {path} 不是有效的 Word（.docx）文件（{exc}）。{how}") from None
    except TemplateError as exc:
        raise DubanError(f"通报模板 {path} 中的占位符有误：{exc}。{how}") from None
    return out.getvalue()


# --- Duban's own layout -------------------------------------------------------------------


def _east_asian(element, font: str) -> None:
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _style(document, name: str, style_id: str, font: str, size, *, bold: bool = False, exact: bool = False,
           centred: bool = False):
    """A paragraph style (no per-run formatting, so a long appendix stays small and fast); named in
    Chinese for the office that edits the document, with an ASCII id as Word writes its own."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = document.styles["Normal"]
    style.font.name, style.font.size, style.font.bold = LATIN_FONT, size, bold or None
    _east_asian(style.element, font)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if centred:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    else:
        fmt.line_spacing = 1.0
    return style


def _styles(document) -> dict:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, SAN_HAO
    _east_asian(normal.element, BODY_FONT)
    return {
        "body": _style(document, "通报正文", "DubanBody", BODY_FONT, SAN_HAO, exact=True),
        "heading": _style(document, "通报一级标题", "DubanHeading1", HEADING_FONT, SAN_HAO, exact=True),
        "cell": _style(document, "通报表格", "DubanCell", BODY_FONT, WU_HAO),
        "centred": _style(document, "通报表格居中", "DubanCellCentred", BODY_FONT, WU_HAO, centred=True),
        "head": _style(document, "通报表头", "DubanTableHead", HEADING_FONT, WU_HAO, centred=True),
    }


def _page(section, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(22)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _run(paragraph, text: str, font: str, size, *, bold: bool = False, colour: RGBColor | None = None):
    run = paragraph.add_run(clean_text(text))
    run.font.name, run.font.size, run.font.bold = LATIN_FONT, size, bold or None
    if colour is not None:
        run.font.color.rgb = colour
    _east_asian(run._r, font)
    return run


def _border(paragraph, edge: str, colour: str, size_eighths: int) -> None:
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{edge}")
    for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", "1"), ("color", colour)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def _masthead(document, report: Report) -> None:
    """红头: the title in red 小标宋, the 期号, then the office and date above a red rule."""
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _run(title, report.title, TITLE_FONT, XIAO_CHU, colour=RED)
    issue = document.add_paragraph()
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(issue, issue_label(report), BODY_FONT, SAN_HAO)
    line = document.add_paragraph()
    _border(line, "bottom", "FF0000", 18)  # first: python-docx then puts tabs and spacing after it, as Word requires
    line.paragraph_format.space_before = Pt(12)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{report.office}\t{cn_date(report.as_of)}", BODY_FONT, SAN_HAO)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = heading.paragraph_format.space_after = Pt(16)
    _run(heading, f"关于{report.period.label}督办事项办理情况的通报", TITLE_FONT, ER_HAO)


def _paragraph(document, text: str, style, *, indent: bool = True):
    paragraph = document.add_paragraph(clean_text(text), style)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters at 三号
    return paragraph


def _body(document, report: Report, styles: dict) -> None:
    _paragraph(document, "一、总体情况", styles["heading"])
    _paragraph(document, summary_sentence(report), styles["body"])
    _paragraph(document, "二、各单位情况", styles["heading"])
    if report.units:
        rows = [(row.unit, row.light, *(str(getattr(row.counts, key)) for key, _ in COUNT_COLUMNS),
                 percent(row.counts.on_time_rate)) for row in report.units]
        total = report.summary
        rows.append(("合计", NO_VALUE, *(str(getattr(total, key)) for key, _ in COUNT_COLUMNS),
                     percent(total.on_time_rate)))
        table = _table(document, UNIT_HEADERS, UNIT_WIDTHS, UNIT_CENTRED, rows, styles)
        for row, cells in zip(report.units, table.rows[1:]):
            _shade(cells.cells[1], LIGHT_SHADES.get(row.light))
    else:
        _paragraph(document, "本期没有纳入督办的单位。", styles["body"])
    _paragraph(document, "三、滞后单位", styles["heading"])
    if report.laggards:
        _paragraph(document, "以下单位有逾期未办结事项（节点编号见附件），请抓紧办理并及时报送进展：", styles["body"])
        for number, laggard in enumerate(report.laggards, 1):
            _paragraph(document, f"{number}. {laggard_sentence(laggard)}", styles["body"])
    else:
        _paragraph(document, "本期没有逾期未办结的事项。", styles["body"])
    if report.documents:
        _paragraph(document, f"本期通报涉及：{'、'.join(report.documents)}。", styles["body"])
    _paragraph(document, "附件：事项明细表", styles["body"])


def _appendix(document, report: Report, styles: dict) -> None:
    section = document.add_section()
    _page(section, landscape=True)
    _paragraph(document, "附件", styles["heading"], indent=False)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _run(title, "事项明细表", TITLE_FONT, ER_HAO)
    rows = [(i.milestone, task_text(i), i.measure or NO_VALUE, i.unit, i.role or NO_VALUE,
             i.original_due.isoformat(), i.due.isoformat(), item_state(i) or NO_VALUE,
             i.latest_progress or NO_VALUE, str(i.days_overdue) if i.days_overdue else NO_VALUE)
            for i in report.items]
    if rows:
        _table(document, ITEM_HEADERS, ITEM_WIDTHS, ITEM_CENTRED, rows, styles)
    else:
        _paragraph(document, "本期没有事项。", styles["body"], indent=False)


def _table(document, headers, widths, centred, rows, styles):
    """A grid table with a header row that repeats on every page and fixed column widths.

    The body rows are copies of one formatted row with only the text changed: python-docx's
    per-cell API takes milliseconds a cell, too slow for an appendix of thousands of items.
    """
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(header.cells, headers, widths):
        cell.width = Mm(width)  # rows added below take the grid's widths
        _fill(cell, text, styles["head"])
    if rows:
        pattern = table.add_row()._tr
        for column, cell in enumerate(table.rows[1].cells):
            _fill(cell, "-", styles["centred" if column in centred else "cell"])
        pattern.getparent().remove(pattern)
        for t in pattern.iter(qn("w:t")):
            t.set(qn("xml:space"), "preserve")
        tbl = table._tbl
        for values in rows:
            tr = deepcopy(pattern)
            for t, text in zip(list(tr.iter(qn("w:t"))), values):
                text = clean_text(text)
                if "\t" in text or "\n" in text:
                    t.getparent().text = text  # CT_R makes them Word's tab and line break
                else:
                    t.text = text
            tbl.append(tr)
    return table


def _fill(cell, text: str, style) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style.style_id  # python-docx's `paragraph.style =` scans all styles
    paragraph.add_run(clean_text(text))


def _shade(cell, fill: str | None) -> None:
    if fill:
        shade = OxmlElement("w:shd")
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
            shade.set(qn(f"w:{key}"), value)
        cell._tc.get_or_add_tcPr().append(shade)


def _page_numbers(section) -> None:
    """— 1 — centred at the foot of every page (the landscape 附件 shares the footer)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", "宋体", SI_HAO)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    shown = OxmlElement("w:r")  # what a viewer that does not compute fields shows
    shown.append(OxmlElement("w:t"))
    shown[0].text = "1"
    field.append(shown)
    paragraph._p.append(field)
    _run(paragraph, " —", "宋体", SI_HAO)
