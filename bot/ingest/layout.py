"""Positioned text (PDF lines, OCR boxes, OFD text objects) → Line and Row blocks.

Page formats know where each piece of text sits but not what it is, so this module turns
geometry into the document: running headers, footers and page numbers are dropped;
a line that runs to the right margin continues on the next line (or page) unless that
one starts a new item, so a sentence or a "（X牵头，Y配合）" wrapped in print reads
as one paragraph; boxes in columns separated by white stripes are rebuilt into table rows
(OCR returns boxes out of reading order).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from bot.ingest.blocks import Block, Line, Row
from bot.ingest.cleanup import join_spaces


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def text_box(x0: float, top: float, x1: float, bottom: float, text: str) -> Box:
    """A printed line whose leading spaces (WPS indents with "　　") move its left edge, as they look.

    >>> text_box(63, 0, 500, 14, "\u3000\u3000为深入贯彻").x0
    91.0
    """
    body = text.lstrip()
    indent = sum(1.0 if ch == "\u3000" else 0.5 for ch in text[: len(text) - len(body)])
    return Box(x0 + indent * (bottom - top), top, x1, bottom, body.rstrip())


@dataclass
class Table:
    top: float
    rows: list[list[str]]


@dataclass
class Page:
    height: float
    items: list[Box | Table] = field(default_factory=list)  # in reading order


_MARGIN = 0.1  # share of the page height at top and bottom where running text lives
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^共\s*\d+\s*页\s*第\s*\d+\s*页$"
    r"|^\d{1,4}\s*/\s*\d{1,4}$|^[Pp]age\s*\d+(\s*of\s*\d+)?$"
)
# A numbered line starts an item of its own: never the continuation of the line before it.
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十百\d]+\s*[)）]|\d{1,3}\s*[.．、，,﹒]"
    r"|[①-⑳⑴-⒇]|第[一二三四五六七八九十\d]{1,3}(?:阶段|部分|条|章|节)|附件|附表)"
)
# A label line ("责任单位：…") is a line of its own too, unless it sits inside an open bracket.
_LABEL = re.compile(r"^\s*(?:(?:责任|牵头|配合|协办|参与|指导)(?:单位|部门|处室|科室)|完成时限|时间节点|完成时间)\s*[：:]")
_OPEN, _CLOSE = "（(【〔[", "）)】〕]"


def is_page_number(text: str) -> bool:
    """"- 3 -", "第3页 共20页", "3/20" and the like.

    >>> [is_page_number(t) for t in ("- 3 -", "第3页 共20页", "— 12 —", "3月底前")]
    [True, True, True, False]
    """
    return bool(_PAGE_NUMBER.match(text.strip()))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def strip_running(pages: list[Page]) -> None:
    """Drop what sits in the top or bottom margin and is a page number, repeated on most pages,
    or in small print (a header printed from page 2 on is on one page of a two-page list)."""
    def marginal(page: Page, box: Box) -> bool:
        return box.bottom <= page.height * _MARGIN or box.top >= page.height * (1 - _MARGIN)

    heights = [b.height for page in pages for b in page.items if isinstance(b, Box)]
    small = 0.8 * median(heights) if heights else 0

    counts: dict[str, int] = {}
    for page in pages:
        for shape in {_shape(b.text) for b in page.items if isinstance(b, Box) and marginal(page, b)}:
            counts[shape] = counts.get(shape, 0) + 1
    repeated = {s for s, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2)}
    for page in pages:
        page.items = [
            item for item in page.items
            if not (isinstance(item, Box) and marginal(page, item)
                    and (is_page_number(item.text) or _shape(item.text) in repeated or item.height < small))
        ]


def _unclosed(text: str) -> bool:
    return sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE)


@dataclass(frozen=True)
class _Frame:
    """Where body text runs: its left edge, right edge and character size."""

    left: float
    right: float
    size: float

    @classmethod
    def of(cls, lines: list[Box]) -> _Frame:
        right = sorted(b.x1 for b in lines)[int(len(lines) * 0.9)] if lines else 0
        return cls(min((b.x0 for b in lines), default=0), right, median(b.height for b in lines) if lines else 0)

    def continues(self, previous: Box, box: Box, paragraph: str) -> bool:
        if _NUMBERED.match(box.text):
            return False
        if _unclosed(paragraph):
            return True
        full = previous.x1 >= self.right - 1.5 * self.size
        return full and box.x0 < self.left + self.size and not _LABEL.match(box.text)


def _joined(lines: list[Box], frame: _Frame) -> list[str]:
    """Wrapped lines back into paragraphs: a full line goes on in the next unindented one."""
    out: list[str] = []
    previous: Box | None = None
    for box in lines:
        text = box.text.strip()
        if previous is not None and out and frame.continues(previous, box, out[-1]):
            out[-1] = join_spaces(out[-1] + " " + text)
        else:
            out.append(text)
        previous = box
    return out


def page_blocks(pages: list[Page]) -> list[Block]:
    """The pages' items as blocks: paragraphs joined across lines and pages, tables as rows.

    A table that goes on at the top of the next page keeps its table number.
    """
    strip_running(pages)
    frame = _Frame.of([b for page in pages for b in page.items if isinstance(b, Box)])
    blocks: list[Block] = []
    pending: list[Box] = []
    table_no, last_was_table = 0, False
    for index, page in enumerate(pages):
        for position, item in enumerate(page.items):
            if isinstance(item, Box):
                pending.append(item)
                last_was_table = False
                continue
            blocks += [Line(t) for t in _joined(pending, frame)]
            pending = []
            rows = [tuple(row) for row in item.rows if any(c.strip() for c in row)]
            if last_was_table and position == 0 and index > 0:
                _glue_split_row(blocks, rows)
            else:
                table_no += 1
            blocks += [Row(row, table_no) for row in rows]
            last_was_table = True
    blocks += [Line(t) for t in _joined(pending, frame)]
    return [b for b in blocks if not isinstance(b, Line) or b.text]


_CUT = re.compile(r"[^。；;！？!?）)]$")  # a cell that stops mid-sentence
_PROSE = 10  # shorter cells (a unit name, a date) end without punctuation anyway


def _glue_split_row(blocks: list[Block], rows: list[tuple[str, ...]]) -> None:
    """A row that Word split over a page break, glued back: the first row under the repeated
    header whose every filled cell goes on from a cell the last row left mid-sentence.

    It is only glued when certain (same width, first cell empty, each piece continuing a cell
    of prose cut mid-sentence); otherwise the table reader sees it as written.
    """
    last = next((i for i in range(len(blocks) - 1, -1, -1) if isinstance(blocks[i], Row)), None)
    if last is None:
        return
    header = next(b.cells for b in blocks if isinstance(b, Row) and b.table == blocks[last].table)
    at = next((i for i, row in enumerate(rows) if row != header), None)
    if at is None:
        return
    previous, piece = blocks[last].cells, rows[at]
    filled = [i for i, text in enumerate(piece) if text.strip()]
    if len(piece) != len(previous) or piece[0].strip() or not filled \
            or not all(len(previous[i]) >= _PROSE and _CUT.search(previous[i]) for i in filled):
        return
    glued = tuple(cell_text(a + b) if i in filled else a for i, (a, b) in enumerate(zip(previous, piece)))
    blocks[last] = Row(glued, blocks[last].table, blocks[last].notes)
    del rows[at]


def cell_text(text: str | None) -> str:
    """A cell's wrapped lines as one string."""
    return join_spaces(" ".join((text or "").split()))


# --- boxes without structure (OCR, OFD) ---------------------------------------------------------

def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into visual lines (vertical overlap), each left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.middle, b.x0)):
        line = lines[-1] if lines else None
        if line and abs(box.middle - median(b.middle for b in line)) < 0.5 * min(box.height, line[0].height):
            line.append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _merged(line: list[Box], gap: float) -> list[Box]:
    """Neighbouring boxes closer than `gap` as one box (words of one cell or sentence)."""
    out = [line[0]]
    for box in line[1:]:
        last = out[-1]
        if box.x0 - last.x1 < gap:
            space = " " if box.x0 - last.x1 > gap / 4 else ""  # glyph by glyph (OFD) is one word
            out[-1] = Box(last.x0, min(last.top, box.top), max(last.x1, box.x1), max(last.bottom, box.bottom),
                          join_spaces(last.text + space + box.text))
        else:
            out.append(box)
    return out


def _columns(lines: list[list[Box]], gap: float) -> list[float]:
    """x positions of the white stripes that separate a table's columns."""
    spans = sorted((b.x0, b.x1) for line in lines for b in line)
    cuts, reach = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= gap:
            cuts.append((reach + x0) / 2)
        reach = max(reach, x1)
    return cuts


def _table(lines: list[list[Box]]) -> Table:
    """Rows start where the gap to the line above is wider than a cell's line spacing; in a cell,
    a line that stops short of the column's text edge ends a paragraph (units one to a line)."""
    size = median(b.height for line in lines for b in line)
    cuts = _columns(lines, 0.5 * size)
    rows: list[list[list[Box]]] = []  # row → column → one box per printed line of the cell
    previous_bottom = None
    for line in lines:
        top = min(b.top for b in line)
        if previous_bottom is None or top - previous_bottom > 0.5 * size:
            rows.append([[] for _ in range(len(cuts) + 1)])
        for column in range(len(cuts) + 1):
            parts = [b for b in line if sum(b.x0 > c for c in cuts) == column]
            if parts:
                rows[-1][column].append(_line_box(parts))
        previous_bottom = max(previous_bottom or 0, max(b.bottom for b in line))
    edges = [max((b.x1 for row in rows for b in row[i]), default=0) for i in range(len(cuts) + 1)]

    def text(cell: list[Box], edge: float) -> str:
        paragraphs: list[str] = []
        for index, box in enumerate(cell):
            if index and cell[index - 1].x1 >= edge - 1.5 * size:
                paragraphs[-1] = cell_text(paragraphs[-1] + " " + box.text)
            else:
                paragraphs.append(cell_text(box.text))
        return "\n".join(paragraphs)

    return Table(min(b.top for b in lines[0]), [[text(cell, edge) for cell, edge in zip(row, edges)] for row in rows])


def _line_box(line: list[Box]) -> Box:
    return Box(line[0].x0, min(b.top for b in line), line[-1].x1, max(b.bottom for b in line),
               join_spaces(" ".join(b.text for b in line)))


def box_page(boxes: list[Box], height: float) -> Page:
    """Unstructured boxes as a page of lines and tables.

    A visual line of two or more parts more than half a character apart is a table line; a
    table runs from its first such line to its last, with the narrow single-cell lines between
    (section rows, wrapped cells) and a wrapped last cell just below it. A lone table line
    is prose.
    """
    page = Page(height)
    boxes = [b for b in boxes if b.text.strip()]
    if not boxes:
        return page
    size = median(b.height for b in boxes)
    width = max(b.x1 for b in boxes) - min(b.x0 for b in boxes)
    lines = [_merged(line, 0.6 * size) for line in _lines(boxes)]  # cells stand at least half a character apart

    def gap(i: int) -> float:
        return min(b.top for b in lines[i]) - max(b.bottom for b in lines[i - 1])

    def narrow(i: int) -> bool:
        return len(lines[i]) == 1 and lines[i][0].x1 - lines[i][0].x0 < 0.6 * width

    index = 0
    while index < len(lines):
        end = index
        if len(lines[index]) >= 2:
            while True:  # through narrow single lines (section rows, wrapped cells) to the next table line
                j = end + 1
                while j < len(lines) and narrow(j) and gap(j) <= 2 * size:
                    j += 1
                if j < len(lines) and len(lines[j]) >= 2 and gap(j) <= 2 * size:
                    end = j
                else:
                    break
            while end + 1 < len(lines) and narrow(end + 1) and gap(end + 1) <= 0.5 * size:
                end += 1
        if end > index:
            page.items.append(_table(lines[index:end + 1]))
        else:  # one line alone (even in parts) is prose: a signature and its date on one line
            page.items.append(_line_box(lines[index]))
        index = end + 1
    return page
    size = median(b.height for b in boxes)
    width = max(b.x1 for b in boxes) - min(b.x0 for b in boxes)
    lines = [_merged(line, 0.6 * size) for line in _lines(boxes)]  # cells stand at least half a character apart
    multi = [i for i, line in enumerate(lines) if len(line) >= 2]
    index = 0
    while index < len(lines):
        if index not in multi:
            page.items.append(_line_box(lines[index]))
            index += 1
            continue
        end = index
        while end + 1 < len(lines) and (end + 1 in multi or any(m > end + 1 for m in multi)
                                        and min(b.top for b in lines[end + 1]) - max(b.bottom for b in lines[end]) <= 2 * size):
            end += 1
        while end + 1 < len(lines) and lines[end + 1][-1].x1 - lines[end + 1][0].x0 < 0.6 * width \
                and min(b.top for b in lines[end + 1]) - max(b.bottom for b in lines[end]) <= 0.5 * size:
            end += 1
        page.items.append(_table(lines[index:end + 1]))
        index = end + 1
    return page
