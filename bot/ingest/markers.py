"""Item numbers in every character offices number with, and the level each one marks.

    一、 十二、          → "cn"      (rank 0: the document's parts)
    （一） (三)           → "pcn"     (rank 1)
    第一阶段： 第2步      → "stage"   (rank 1.5: the steps of a 实施步骤 part)
    1.  1、 1． 1﹒ 1     → "num"     (rank 2)
    （1） (2) ⑴          → "pnum"    (rank 3)
    ① ②                  → "circ"    (rank 4)

A rank, not the order of first appearance, places an item in the tree: a list whose
attachment names ("附件：1.…") come before its 一、 must still read 一、 as the top.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.ingest.cleanup import HAN
from bot.numerals import NUMERAL_CHARS, parse_numeral

_CN = rf"[{NUMERAL_CHARS}]{{1,4}}"
_MEASURE_WORD = "[个项家人万亿元次年月日天条所座户名台件处批类种期]"
_PATTERNS = (  # (kind, rank, pattern); the number is group "n"
    ("pcn", 1.0, rf"[（(]\s*(?P<n>{_CN})\s*[）)]\s*[、.．]?"),
    ("pnum", 3.0, r"[（(]\s*(?P<n>\d{1,3})\s*[）)]\s*[、.．]?|(?P<n2>\d{1,3})\s*[）)]"),
    ("stage", 1.5, rf"第\s*(?P<n>{_CN}|\d{{1,2}})\s*(?:阶段|步)\s*[：:，,、.．]?"),
    ("cn", 0.0, rf"(?P<n>{_CN})\s*[、.．，,]"),
    ("num", 2.0, r"(?P<n>\d{1,3})\s*[.．、﹒](?!\d)"),
    ("num", 2.0, rf"(?P<n>\d{{1,3}})\s+(?=[{HAN}])(?!{_MEASURE_WORD})"),  # "19 扎实推进" (OCR lost the dot)
)
_LOOSE = re.compile(r"\d+\s+$")  # the form above: a number and a space, accepted only in sequence
_COMPILED = [(kind, rank, re.compile(p)) for kind, rank, p in _PATTERNS]
_PAREN_DIGITS = {chr(0x2474 + i): i + 1 for i in range(20)}  # ⑴ … ⒇
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)} | {chr(0x3251 + i): 21 + i for i in range(15)}  # ① … ⑳ ㉑ … ㉟
# Item kinds an inline split may start (a paragraph holding 一、…。二、…); （1）① stay inside their item.
INLINE_KINDS = ("cn", "pcn", "stage", "num")

EXAMPLES = (
    ("一、全面强化统筹", ("cn", 1, "全面强化统筹")), ("十二、其他", ("cn", 12, "其他")),
    ("二十一、深化改革", ("cn", 21, "深化改革")), ("（三十二）优化服务", ("pcn", 32, "优化服务")), ("一百零五、附则", ("cn", 105, "附则")),
    ("（三）集中整治阶段", ("pcn", 3, "集中整治阶段")), ("(二) 强化保障", ("pcn", 2, "强化保障")),
    ("第一阶段：动员部署", ("stage", 1, "动员部署")), ("1. 推进实施", ("num", 1, "推进实施")),
    ("1、推进", ("num", 1, "推进")), ("2．加快", ("num", 2, "加快")), ("3﹒强化", ("num", 3, "强化")),
    ("１２．全角", ("num", 12, "全角")), ("（1）6月底前", ("pnum", 1, "6月底前")), ("⑵加强", ("pnum", 2, "加强")),
    ("3）细化", ("pnum", 3, "细化")),
    ("①开展", ("circ", 1, "开展")), ("1.5万人", None), ("2024年6月底前", None), ("一季度末前完成", None),
    ("3个工作日内", None),
    ("19 扎实推进", ("num", 19, "扎实推进")), ("20 个项目", None), ("一、二、三级联动", None),
)


@dataclass(frozen=True)
class Marker:
    kind: str
    rank: float
    number: int
    text: str  # the marker as written ("（一）")
    rest: str  # what follows it

    @property
    def loose(self) -> bool:
        """A bare number and a space: an item only where the numbering expects it."""
        return bool(_LOOSE.fullmatch(self.text + " "))


def item_marker(line: str) -> Marker | None:
    """The item number that starts `line`, or None."""
    stripped = line.lstrip()
    if not stripped:
        return None
    first = stripped[0]
    for table, kind, rank in ((_PAREN_DIGITS, "pnum", 3.0), (_CIRCLED, "circ", 4.0)):
        if first in table:
            return Marker(kind, rank, table[first], first, stripped[1:].lstrip())
    folded = unicodedata.normalize("NFKC", stripped[:12])  # full-width digits; one char folds to one here
    for kind, rank, pattern in _COMPILED:
        match = pattern.match(folded if kind in ("num", "pnum") else stripped)
        if match:
            number = parse_numeral(next(v for v in match.groupdict().values() if v))
            rest = stripped[match.end():].lstrip()
            if number is None or number == 0 or kind == "cn" and re.match(rf"{_CN}[、，,]", rest):
                return None  # "一、二、三级" is a list of numerals, not item 一
            if not rest and (stripped[match.end():].strip() or kind == "num" and not re.search(r"[.．、﹒]$", stripped)):
                return None
            return Marker(kind, rank, number, stripped[: match.end()].strip(), rest)
    return None


_INLINE_START = re.compile(r"(?<=[。；;：:])\s*(?=\S)")


def split_inline(line: str, last: dict[str, int]) -> list[str]:
    """A paragraph holding several items ("…如下：一、…。二、…") cut before each item.

    A cut is made only where the next number of its kind follows (1, or one more than the last
    seen, recorded in `last`), so "。3个工作日内" or a stray "二、" never cuts a sentence.
    """
    pieces, start = [], 0
    expected = dict(last)
    for gap in _INLINE_START.finditer(line):
        marker = item_marker(line[gap.end():])
        if marker is None or marker.kind not in INLINE_KINDS or not marker.rest:
            continue
        if marker.number not in (1, expected.get(marker.kind, 0) + 1):
            continue
        pieces.append(line[start:gap.end()])
        start = gap.end()
        expected[marker.kind] = marker.number
    pieces.append(line[start:])
    return [p for p in pieces if p.strip()]


_STAGE = re.compile(rf"^(?P<name>[{HAN}]{{2,12}}?)\s*[（(][^（）()]*\d[^（）()]*(?:至|到|—|－|-|–|~|～)[^（）()]*[）)]")
_STAGE_PARTS = re.compile(r"步骤|安排|阶段|进度|时间")
STAGE_EXAMPLES = (
    ("集中整治阶段（6月—8月）", None, True), ("持续推进（2025年10月底—2025年12月底）", "四、实施步骤", True),
    ("持续推进（2025年10月底—2025年12月底）", "四、保障措施", False),
    ("某某规划（2021—2025年）", "", False), ("6月底前（含）完成", "实施步骤", False),
)


def stage_heading(line: str, part: str | None) -> bool:
    """An unnumbered stage: a short name and its date range ("持续推进（2025年10月底—12月底）"),
    named …阶段 or standing in a part about steps or timing (`part`, its heading)."""
    match = _STAGE.match(line.strip())
    if not match:
        return False
    return match.group("name").endswith("阶段") or bool(part and _STAGE_PARTS.search(part))
