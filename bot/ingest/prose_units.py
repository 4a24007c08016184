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
from bot.units.cell import ROLE_AT_END, UNIT_LABEL, bracket_spans, split_names, split_outside_brackets

_LABEL = re.compile(rf"(?:{UNIT_LABEL})\s*[：:]")
_DEADLINE_WORDS = "完成时限|完成时间|时间节点|时限要求|完成期限|时间要求"
_CONTACT_WORDS = "责任人|联系人|牵头领导|责任领导|分管领导|负责人"
_DEADLINE_LABEL = re.compile(rf"(?:{_DEADLINE_WORDS})\s*[：:]")
_CONTACT_LABEL = re.compile(rf"(?:{_CONTACT_WORDS})\s*[：:]")
_BRACKETED_LABEL = re.compile(rf"[【\[〔]\s*({UNIT_LABEL}|{_DEADLINE_WORDS}|{_CONTACT_WORDS})\s*[】\]〕]\s*[：:]?")


def unbracket_labels(text: str) -> str:
    """"【牵头单位】市发改委【配合单位】市财政局" → "牵头单位：市发改委；配合单位：市财政局"."""
    def label(match: re.Match) -> str:
        after_words = match.start() and text[match.start() - 1] not in "。；;，,：: \u3000"
        return ("；" if after_words else "") + match.group(1) + "："

    return _BRACKETED_LABEL.sub(label, text)
_ANY_LABEL = re.compile(f"{_LABEL.pattern}|{_DEADLINE_LABEL.pattern}|{_CONTACT_LABEL.pattern}")
_MAX_UNITS_TEXT = 160
_NOT_NAMES = re.compile("简称|试行|暂行|修订|草案")  # "办法（试行）" closes a sentence with no unit in it
_UNIT_END = ("局|委|办|厅|部|院|署|中心|政府|单位|部门|乡镇|街道|企业|公司|集团|学校|医院|处|科|室|站|所|队|会|社|馆|行|团县委"
             "|分局|支队|大队|管委会|办事处|委员会|领导小组|机构|机关")
_BARE_NAME = re.compile(rf"^(?:各[{HAN}（）()、]{{2,14}}|[{HAN}（）()、]{{2,29}}(?:{_UNIT_END}))$")  # 、 only inside a name's brackets here


# (text, text left, unit statements, deadlines): the examples are the tests.
PARENTHETICAL_EXAMPLES = (
    ("推进整合。6月底前完成。（省大数据局牵头，省财政厅、省通信管理局配合）", "推进整合。6月底前完成。",
     ["省大数据局牵头，省财政厅、省通信管理局配合"], []),
    ("培育产业。〔责任单位：市工业和信息化局、高新区管委会〕", "培育产业。", ["责任单位：市工业和信息化局、高新区管委会"], []),
    ("深化改革。【责任单位：市行政审批局、市司法局】", "深化改革。", ["责任单位：市行政审批局、市司法局"], []),
    ("规范检查。[责任单位：市市场监管局，各县（市、区）市场监督管理局]", "规范检查。",
     ["责任单位：市市场监管局，各县（市、区）市场监督管理局"], []),
    ("稳定就业。（责任单位：市人社局，完成时限：2024年12月底）", "稳定就业。", ["责任单位：市人社局"], ["2024年12月底"]),
    ("优化服务。（牵头单位：市税务局；配合单位：市财政局）", "优化服务。", ["牵头单位：市税务局", "配合单位：市财政局"], []),
    ("办好实事。（市政府办公室牵头，有关部门按职责分工负责）", "办好实事。", ["市政府办公室牵头，有关部门按职责分工负责"], []),
    ("完成培训1000人次（县人社局指导），合格率达到90%。", "完成培训1000人次，合格率达到90%。", ["县人社局指导"], []),
    ("完成评估。（市发展改革委、市财政局）", "完成评估。", ["市发展改革委、市财政局"], []),
    ("落实纲要（2021—2035年）要求（以下简称“纲要”）。", "落实纲要（2021—2035年）要求（以下简称“纲要”）。", [], []),
    ("由市政府办公室（市长信箱）受理。", "由市政府办公室（市长信箱）受理。", [], []),
    ("6月底前完成（含整改）。", "6月底前完成（含整改）。", [], []),
    ("印发管理办法（试行）。", "印发管理办法（试行）。", [], []),
    ("开展联合检查。（各设区市、平潭综合实验区管委会）", "开展联合检查。", ["各设区市、平潭综合实验区管委会"], []),
    ("6月底前完成。（责任人：王某）", "6月底前完成。", [], []),
)
SUBJECT_EXAMPLES = (
    ("县应急管理局要于6月20日前组织演练，各企业要在6月底前开展演练。", ["县应急管理局", "各企业"]),
    ("请各单位于7月5日前报送总结。", ["各单位"]),
    ("各乡镇、各村要集中整治，县农业农村局7月15日前通报进展。", ["各乡镇", "各村", "县农业农村局"]),
    ("各县（市、区）市场监督管理局要结合实际制定方案。", ["各县（市、区）市场监督管理局"]),
    ("各市、县（区）人民政府要于9月底前完成排查。", ["各市、县（区）人民政府"]),
    ("市住房和城乡建设局要于6月底前组织督导。", ["市住房和城乡建设局"]),
    ("各区县政府、市政府各部门每月10日前要将工作情况报送市政府研究室。", ["各区县政府", "市政府各部门"]),
    ("各县区政府及市直各部门要于3月底前报送。", ["各县区政府", "市直各部门"]),
    ("市发展改革委、市财政局：6月底前完成项目储备。", ["市发展改革委", "市财政局"]),
    ("由市市场监管局牵头，9月底前完成整治。", ["市市场监管局"]),
    ("一是市发改委要于6月底前报送清单；二是各县区要于9月底前完成。", ["市发改委", "各县区"]),
    ("各牵头单位的推进方案务于3月10日前报送。", []),
    ("各设区市政府组织对辖区市场逐一排查，省专项整治办公室组织抽查验收。", ["各设区市政府", "省专项整治办公室"]),
    ("各设区市政府对排查出的问题逐项整改。", ["各设区市政府"]),
    ("各主要责任单位要对照目标任务制订方案。", ["各主要责任单位"]),
    ("区绩效考评机构要将目标任务纳入考核。", ["区绩效考评机构"]),
    ("各责任单位主要负责人切实履行第一责任人职责。", ["各责任单位"]),
    ("重点项目进展情况，由各项目牵头单位每月10日前报送。", ["各项目牵头单位"]),
    ("区领导批示件由区政府办公室按要求办理。", ["区政府办公室"]),
    ("各牵头单位和汇总单位要及时报告，市住房和城乡建设局要于6月底前报送。", ["各牵头单位", "汇总单位", "市住房和城乡建设局"]),
    ("各级各部门要提高站位，各级要于9月底前完成。", ["各级各部门"]),
    ("各相关单位也要完善督导机制，各县区还要于9月底前报送。", ["各相关单位", "各县区"]),
    ("加强与市场监管局对接，9月底前完成。", []),
    ("责任单位：市教育局", []),
    ("全面开展监督检查，5月31日前完成全覆盖检查。", []),
    ("各项任务要于年底前完成。", []),
    ("重点检查无证经营、销售过期食品等问题。", []),
)


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
    if _ANY_LABEL.match(text):
        return bool(_LABEL.search(text))  # "牵头领导：…；责任单位：…" names units; "联系人：…" alone does not
    return bool(ROLE_AT_END.search(text) and re.match(f"[{HAN}]", text))


def is_bare_units(text: str) -> bool:
    """"市发展改革委、市财政局": nothing but unit names (a bracket closing a sentence)."""
    names = split_outside_brackets(text.strip(), "、，,；;")
    return all(_BARE_NAME.match(n.strip()) and not _NOT_NAMES.search(n) for n in names)


def split_trailing_units(text: str) -> tuple[str, str]:
    """(text, its closing unit parenthetical) — ("…年底前完成。", "（县林业局负责）") — or (text, "")."""
    body = text.rstrip(" 。；;")
    spans = bracket_spans(body)
    if spans and spans[-1][1] == len(body) and is_units_statement(body[spans[-1][0] + 1 : -1]):
        start, end = spans[-1]
        return text[:start] + text[end:], text[start:end]
    return text, ""


def take_parentheticals(text: str, found: UnitsFound) -> str:
    """`text` without its unit parentheticals, which are added to `found`.

    A bracket of bare unit names counts only where it closes a sentence ("…完成评估。（市财政局）"),
    so "由市政府办公室（市长信箱）受理" keeps its bracket."""
    out, last = [], 0
    for start, end in bracket_spans(text):
        inner = text[start + 1 : end - 1]
        closing = not text[end:].strip() or text[end:].lstrip()[0] in "。；;\n"
        if is_units_statement(inner) or closing and is_bare_units(inner) or _CONTACT_LABEL.match(inner.strip()):
            found.add(join_spaces(inner), "bracket")
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return re.sub(r"\s*([。；;，,])\s*\1", r"\1", "".join(out)).strip()


_TRAILING_LABELS = re.compile(rf"(?<=[。；;])\s*(?={_ANY_LABEL.pattern})")


def take_trailing_labels(text: str, found: UnitsFound) -> str:
    """"…年底前完成。责任单位：市发改委；配合单位：市财政局" (a unit line run into its paragraph)."""
    match = _TRAILING_LABELS.search(text)
    if match is None or "。" in text[match.end():].rstrip("。") or not _LABEL.search(text, match.end()):
        return text
    found.add(join_spaces(text[match.end():]), "line")
    return text[: match.start()].rstrip()


_UNITS_LINE = re.compile(rf"^\s*(?:{UNIT_LABEL})\s*[：:]")
_DEADLINE_LINE = re.compile(rf"^\s*(?:{_DEADLINE_LABEL.pattern})")
_CONTACT_LINE = re.compile(rf"^\s*(?:{_CONTACT_LABEL.pattern})")


def take_line(line: str, found: UnitsFound) -> bool:
    """True (and `found` filled) for a line that is only units, a deadline or a contact."""
    if not (_UNITS_LINE.match(line) or _DEADLINE_LINE.match(line) or _CONTACT_LINE.match(line)):
        return False
    found.add(join_spaces(line), "line")
    return True


_NAME = rf"(?:各[{HAN}（）()、]{{1,14}}?|[{HAN}（）()]{{1,18}}?(?:{_UNIT_END}))"
_VERB = (r"(?:(?<![主重需只纲概摘])要|须|需|必须|应|应当|负责(?!人|同志)|(?=(?:主要)?负责(?:人|同志))|牵头(?!单位|部门)|做好|抓好"
         r"|组织|对(?![接于应照标外口象])|于|在(?=\d|[一二三四五六七八九十]+月)|将|按|会同|配合(?!单位|部门)|\d{1,2}月|每(?=[月周季年旬半两])|[：:])")  # 主要 is no 要; "X主要负责人" names X
_SUBJECT = re.compile(rf"(?:^|(?<=[。；;，,：:\n]))\s*(?:[一二三四五六七八九十]是)?(?:请|由)?"
                      rf"(?P<names>{_NAME}(?:[、及]{_NAME})*)(?:也|还|都)?{_VERB}")
# "各项任务", "各级" alone, a label; "各牵头单位的方案务于…": 的 names a thing the unit owns.
_NOT_A_UNIT = re.compile(rf"^(?:各项(?!目)|各类|各种|各个)|^各级(?!.*(?:{_UNIT_END})$)|^(?:{UNIT_LABEL})$|.*的")


_UNIT_AT_END = re.compile(f"(?:{_UNIT_END})$")


def _split_and(names: str) -> list[str]:
    """"各牵头单位和汇总单位" is two units, "市住房和城乡建设局" one: 和 joins two units only
    where the words before it already end as a unit name does."""
    parts = names.split("和")
    return parts if len(parts) == 2 and all(len(p) > 2 and _UNIT_AT_END.search(p) for p in parts) else [names]


def subject_units(text: str) -> list[str]:
    """Units that are the subject of a sentence ("县应急管理局要于6月20日前…"), in order."""
    found: dict[str, None] = {}
    for match in _SUBJECT.finditer(text):
        for name in (n for part in match.group("names").split("及") for p in _split_and(part) for n in split_names(p)):
            name = name.rsplit("由", 1)[-1]  # "批示件由承办单位按…": the unit follows 由
            if len(name) >= 2 and not _NOT_A_UNIT.match(name):
                found.setdefault(name, None)
    return list(found)
