"""Where prose names its responsible units: a parenthetical, a unit line, or the subject.

    …完成评估。（省发展改革委牵头，省财政厅、省统计局配合）
    …〔责任单位：市工信局〕  【责任单位：…】  [责任单位：…]
    …（责任单位：市人社局，完成时限：2024年6月底）    → the 完成时限 goes to deadline_text
    牵头单位：县商务局；参与单位：县供销社               → a line of its own
    市应急管理局要于6月底前……                          → the sentence's subject (read from prose)

The unit text is kept as written (role words and labels included): bot.units.cell reads it,
the same way it reads a table's units cell, so a role word is removed in one place only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.ingest.cleanup import HAN, join_spaces
from bot.units.cell import ROLE_WORDS, UNIT_LABEL, bracket_spans, split_names

_LABEL = re.compile(rf"(?:{UNIT_LABEL})\s*[：:]")
_DEADLINE_LABEL = re.compile(r"(?:完成时限|完成时间|时间节点|时限要求|完成期限|时间要求)\s*[：:]")
_CONTACT_LABEL = re.compile(r"(?:责任人|联系人|牵头领导|责任领导|分管领导|负责人)\s*[：:]")
_ANY_LABEL = re.compile(f"{_LABEL.pattern}|{_DEADLINE_LABEL.pattern}|{_CONTACT_LABEL.pattern}")
_ROLE_END = re.compile(rf"(?:{'|'.join(ROLE_WORDS)})\s*$")
_MAX_UNITS_TEXT = 160


@dataclass
class UnitsFound:
    """What one task's prose says about its units, deadline and contact."""

    units: list[str] = field(default_factory=list)  # unit statements as written, in reading order
    deadlines: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    source: str = ""  # where the first units were read: "bracket" or "line" (Task.units_source)

    def add(self, statement: str, source: str) -> None:
        """A labelled or role-worded statement, split into its unit, deadline and contact parts."""
        cuts = [m.start() for m in _ANY_LABEL.finditer(statement)]
        parts = [statement[a:b] for a, b in zip([0, *cuts], [*cuts, len(statement)])]
        for part in (p.strip(" ，,；;。") for p in parts):
            if not part:
                continue
            if _DEADLINE_LABEL.match(part):
                self.deadlines.append(_DEADLINE_LABEL.sub("", part, count=1).strip())
            elif _CONTACT_LABEL.match(part):
                self.contacts.append(_CONTACT_LABEL.sub("", part, count=1).strip())
            else:
                self.units.append(part)
                self.source = self.source or source


def is_units_statement(text: str) -> bool:
    """"省财政厅牵头，省统计局配合", "责任单位：市工信局": a bracket's content that names units."""
    text = text.strip(" 。；;")
    if not text or len(text) > _MAX_UNITS_TEXT or "。" in text or "简称" in text:
        return False
    return bool(_LABEL.match(text) or _ROLE_END.search(text) and re.match(f"[{HAN}]", text))


def take_parentheticals(text: str, found: UnitsFound) -> str:
    """`text` without its unit parentheticals, which are added to `found`."""
    out, last = [], 0
    for start, end in bracket_spans(text):
        inner = text[start + 1 : end - 1]
        if is_units_statement(inner):
            found.add(join_spaces(inner), "bracket")
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return re.sub(r"\s*([。；;，,])\s*\1", r"\1", "".join(out)).strip()


_UNITS_LINE = re.compile(rf"^\s*(?:{UNIT_LABEL})\s*[：:]")
_DEADLINE_LINE = re.compile(rf"^\s*(?:{_DEADLINE_LABEL.pattern})")
_CONTACT_LINE = re.compile(rf"^\s*(?:{_CONTACT_LABEL.pattern})")


def take_line(line: str, found: UnitsFound) -> bool:
    """True (and `found` filled) for a line that is only units, a deadline or a contact."""
    if not (_UNITS_LINE.match(line) or _DEADLINE_LINE.match(line) or _CONTACT_LINE.match(line)):
        return False
    found.add(join_spaces(line), "line")
    return True


_UNIT_END = ("局|委|办|厅|部|院|署|中心|政府|单位|部门|乡镇|街道|企业|公司|集团|学校|医院|处|科|室|站|所|队|会|社|馆|行|团县委"
             "|分局|支队|大队|管委会|办事处|委员会|领导小组")
_NAME = rf"(?:各[{HAN}（）()、]{{1,14}}?|[{HAN}（）()]{{1,18}}?(?:{_UNIT_END}))"
_VERB = r"(?:要|须|需|必须|应|应当|负责|牵头|做好|抓好|于|在(?=\d|[一二三四五六七八九十]+月)|将|按|会同|配合|\d{1,2}月)"
_SUBJECT = re.compile(rf"(?:^|(?<=[。；;，,：:]))\s*(?:请)?(?P<names>{_NAME}(?:、{_NAME})*){_VERB}")
_NOT_A_UNIT = re.compile(r"^(?:各项|各类|各种|各级|各个)")


def subject_units(text: str) -> list[str]:
    """Units that are the subject of a sentence ("县应急管理局要于6月20日前…"), in order."""
    found: dict[str, None] = {}
    for match in _SUBJECT.finditer(text):
        for name in split_names(match.group("names")):
            if len(name) >= 2 and not _NOT_A_UNIT.match(name):
                found.setdefault(name, None)
    return list(found)
