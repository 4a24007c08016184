"""Lines of prose → a tree of numbered items (一、 / （一） / 1. / （1） / ①, 第一阶段).

Each item keeps its own text, with its unit parentheticals and unit lines taken out into
`found`; which items are tasks is decided on the tree (bot.ingest.paragraphs), because it
depends on where the units are.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.ingest.cleanup import join_spaces
from bot.ingest.markers import Marker, item_marker, split_inline, stage_heading
from bot.ingest.prose_units import (UnitsFound, split_trailing_units, take_line, take_parentheticals,
                                     take_trailing_labels, unbracket_labels)
from bot.model import Flag

# Lines that end the numbered text: signature, date, 抄送, attachments.
END_OF_ITEMS = re.compile(
    r"^(抄送|附件|附表|主送|联系人|联系电话|[（(]此件)|^[^：:，,；;。、\s]{2,20}(局|厅|委|委员会|办公室|办公厅|政府|中心)$"
    r"|^[0-9〇○零一二三四五六七八九十]{4}\s*年.{1,3}月.{1,3}日\s*(印发)?$"
)
_TITLE_END = re.compile(r"[。：:；;]")
_CLAUSE_END = re.compile(r"[，,]")
_TITLE_MAX = 40
HEADING_MAX = 26  # a 公文 line holds 28 characters: a wrapped line is full and punctuated
_STAGE_RANK = 1.5


_TITLE_LABEL = re.compile(r"^(?:重点任务|重点工作|工作任务|任务名称|工作内容|目标任务|主要任务|工作事项)\s*[：:]\s*")


def split_title(text: str) -> str:
    """The item's headline: its first sentence, else its first clause, else its opening words."""
    text = _TITLE_LABEL.sub("", text)
    for pattern in (_TITLE_END, _CLAUSE_END):
        match = pattern.search(text)
        if match and match.start() <= _TITLE_MAX:
            return text[: match.start()]
    return text[:_TITLE_MAX]


def is_heading(line: str) -> bool:
    """A short line with no sentence punctuation ("组织保障"), not a line wrapped mid-sentence."""
    line = line.strip()
    return 0 < len(line) <= HEADING_MAX and not re.search(r"[。：:；;，,、]", line)


@dataclass
class Node:
    marker: Marker | None
    line: int  # index of the line it starts on
    parts: list[str] = field(default_factory=list)  # its own text as written, line by line
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    found: UnitsFound = field(default_factory=UnitsFound)
    text: str = ""  # own text, unit statements taken out
    head: str = ""  # a heading line standing over the item's text, if it has one

    def finish(self) -> None:
        body = [p for p in map(unbracket_labels, self.parts) if not take_line(p, self.found)]
        if body and is_heading(body[0]) and len(body) > 1:  # "三、组织保障" over a paragraph of its own
            self.head = take_parentheticals(join_spaces(body.pop(0)), self.found)
        self.text = take_trailing_labels(take_parentheticals(join_spaces(" ".join(body)), self.found), self.found)
        if self.head:
            self.text = f"{self.head}\n{self.text}" if self.text else self.head

    @property
    def title(self) -> str:
        title = self.head or split_title(self.text)
        if self.marker and self.marker.kind == "stage" and self.marker.text:
            return f"{self.marker.text.rstrip('：:，,、.．')}：{title}"
        return title

    @property
    def heading(self) -> str:
        """How the item names its part of the document: "一、全面强化统筹"."""
        return f"{self.marker.text}{self.title}" if self.marker else ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


_SENTENCE_END = "。；;：:！？!?）)】〕]"
_MIN_WRAP = 14  # lines shorter than this never tell a wrapping width …
_WRAP_SHARE = 0.25  # … and a width is the length of at least this share of the longer lines
_WRAP_SLACK = 2  # digits and Latin letters make a full line a little shorter


def paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph: a line cut mid-sentence (a PDF's or a text file's
    wrapping) continues on the next unless that one starts an item, a unit line or the end.
    A short unpunctuated line is a heading, not a cut line, unless it fills the page's width."""
    width = _wrap_width(lines)
    out: list[tuple[int, str]] = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        if out and _continues(out[-1][1], line, width):
            out[-1] = (out[-1][0], out[-1][1] + line)
        else:
            out.append((index, line))
    return out


def _wrap_width(lines: list[str]) -> int | None:
    """The length most lines are cut at, where a wrapped text shows one."""
    lengths = Counter(len(line.strip()) for line in lines if len(line.strip()) >= _MIN_WRAP)
    if not lengths:
        return None
    width, count = lengths.most_common(1)[0]
    return width if count >= max(3, _WRAP_SHARE * sum(lengths.values())) else None


def _continues(previous: str, line: str, width: int | None) -> bool:
    if previous[-1] in _SENTENCE_END or END_OF_ITEMS.match(previous):
        return False
    marker = item_marker(previous)
    full = width is not None and len(previous) >= width - _WRAP_SLACK
    if not full and (is_heading(marker.rest if marker else previous) or take_line(previous, UnitsFound())):
        return False  # a heading, or a unit line that simply ends
    # After a full line cut mid-sentence, "通运输局" ends a name, not the document (a signature).
    return not (item_marker(line) or (not full and END_OF_ITEMS.match(line)) or take_line(line, UnitsFound()))


def build_tree(lines: list[str]) -> Node:
    """The root's parts are the lines before (or between) numbered items; a signature,
    date or 附件 line closes every open item, so an attachment's "1.…" starts afresh."""
    root = Node(None, -1)
    stack, current = [root], None
    last: dict[str, int] = {}
    for index, line in paragraphs(lines):
        if END_OF_ITEMS.match(line):
            stack, current = [root], None
            continue
        for piece in _own_units_first(split_inline(line, last)):
            marker = item_marker(piece) or _unnumbered_stage(piece, stack)
            if marker is not None and marker.loose and marker.number not in (1, last.get(marker.kind, 0) + 1):
                marker = None  # "…共计\n20 个" wrapped by a PDF, not item 20
            if marker is None:
                (current or root).parts.append(piece)
                continue
            while stack[-1].marker is not None and stack[-1].marker.rank >= marker.rank:
                stack.pop()
            current = Node(marker, index, [marker.rest] if marker.rest else [], parent=stack[-1])
            stack[-1].children.append(current)
            stack.append(current)
            last[marker.kind] = marker.number
    for node in root.walk():
        node.finish()
    for node in root.walk():
        _lift_closing_units(node)
    return root


def _lift_closing_units(parent: Node) -> None:
    """"（一）加强执法\n（1）6月底前开展检查；\n（2）年底前完成整改。（A负责）" or "…\n牵头单位：A": the units
    closing the last of an item's measures (leaves with no headline, the others naming no units)
    are the item's."""
    if parent.marker is None or parent.found.units or len(parent.children) < 2:
        return
    *others, last = parent.children
    if not last.found.units or any(c.found.units for c in others) or not all(map(_is_measure, parent.children)):
        return
    parent.found, last.found = last.found, UnitsFound()


def _is_measure(node: Node) -> bool:
    """A leaf that is one clause, not a headline and its text: "（1）6月底前，完成建设；"."""
    return not node.children and (node.marker.rank >= 3 or node.title == node.text.rstrip("。；;"))


def _own_units_first(pieces: list[str]) -> list[str]:
    """"（一）加强保护。1.做好A；2.做好B。（县林业局负责）": the units closing the paragraph are
    its own item's, not its last inline sub-item's."""
    head = item_marker(pieces[0]) if len(pieces) > 1 else None
    if head is None or not all((m := item_marker(p)) and m.rank > head.rank for p in pieces[1:]):
        return pieces
    last, units = split_trailing_units(pieces[-1])
    return [pieces[0] + units, *pieces[1:-1], last] if units else pieces


def _unnumbered_stage(line: str, stack: list[Node]) -> Marker | None:
    """A stage written without 第X阶段, numbered by its place among the part's stages."""
    part = next((n for n in reversed(stack) if n.marker is None or n.marker.rank < _STAGE_RANK), stack[0])
    if not stage_heading(line, part.parts[0] if part.marker else None):
        return None
    number = 1 + sum(1 for c in part.children if c.marker.kind == "stage")
    return Marker("stage", _STAGE_RANK, number, "", line.strip())


def _numbers(missing: list[int], kind: str) -> str:
    from bot.numerals import chinese_numeral

    shown = [chinese_numeral(n) if kind in ("cn", "pcn", "stage") else str(n) for n in missing]
    return "、".join(shown)


def numbering_flags(root: Node, tasks: set[int]) -> list[Flag]:
    """Numbers missing among an item's children (一、二、四; 1, 2, 4), where OCR or a lost page
    dropped items. Numbering may continue across parts ((一)…(三) | (四)…), or restart at 1.
    Only items around tasks (`tasks`: their lines) are checked: an attachment list is not."""
    flags, last = [], {}
    for parent in root.walk():
        kinds = {c.marker.kind for c in parent.children if any(n.line in tasks for n in c.walk())}
        previous: dict[str, int] = {}
        for child in (c for c in parent.children if c.marker.kind in kinds):
            kind, no = child.marker.kind, child.marker.number
            expected = previous.get(kind)
            if expected is None:
                start = last.get(kind, 0) + 1
                expected = no if no == 1 else start
            else:
                expected += 1
            if no > expected:
                where = f"「{parent.heading}」下" if parent.marker else ""
                code = "missing-sections" if kind == "cn" else "missing-tasks"
                flags.append(Flag(code, f"编号不连续：{where}缺少第 {_numbers(list(range(expected, no)), kind)} 项"
                                        "，可能是 OCR 漏识或原件缺页，请对照原件补录", text=child.heading))
            previous[kind] = no
            last[kind] = no
    return flags
