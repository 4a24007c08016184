"""Reading a responsible-units cell into directory entries, repairing what OCR broke.

The order of work, each step only where it is unambiguous:
1. split on 、，,；; and spaces ("|" separates cells the OCR split one column into), never
   inside brackets ("各县（市、区）市场监管局" is one unit); labels and role words go, and
   give each name its role, lead units first ("牵头单位：A；配合单位：B", "A牵头，B、C配合");
2. join neighbours the OCR broke by a space ("保 护中心", "各地知识产权管理 部门");
3. rebuild a name from the ends of two fragments ("福州市知识产权管" + "福理部门"'s
   "理部门"; a leftover first character such as "福" is an OCR echo and is dropped);
4. complete a long, clearly truncated name ("各地知识产权管理" → 各地知识产权管理部门);
5. keep anything else exactly as written, resolved as "unknown" — never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.units.directory import Directory, Entry, name_key

REPAIRED, UNKNOWN = "repaired", "unknown"
_ROLE_MARKS = re.compile(r"[（(]\s*(?:牵头|配合|协办|负责|主责)\s*[)）]|[*＊]|等$")  # "运用处（牵头）", "保护处等"
UNIT_LABEL = (r"(?:牵头|配合|责任|主责|协办|参与|协同|指导|承办|实施)(?:单位|部门|处室|科室|主体|处（室）)?"
              r"|责任单位（部门）|责任单位\(部门\)")
# A role phrase closing a clause: "牵头", "配合", "按职责分工负责", "等部门按职责分别负责", "抓好落实".
ROLE_AT_END = re.compile(r"(?:等(?:部门|单位)?)?(?:按照?(?:职责|职能)(?:分工)?|分工|分别|共同|具体|积极|牵头|负责){0,2}"
                         r"(?:负责落实|抓好落实|牵头负责|负责|落实|牵头|配合|指导|参与|协办|协助|承办|统筹|主责|主办)\s*$")
LEAD, CO, GUIDE = 0, 1, 2  # the order units are listed in: lead units first, guiding units last
_ROLE_OF = (("配合", CO), ("协办", CO), ("参与", CO), ("协同", CO), ("协助", CO), ("指导", GUIDE))
_LABEL_AT = re.compile(rf"^\s*(?:{UNIT_LABEL})\s*[：:]\s*")
_CLAUSE_SEPARATORS = "；;，,|｜"
# A bracket that is a note about the list, not part of a name: "（列第一位的为牵头单位，下同）".
_NOTE_BRACKET = re.compile(r"[（(][^（()）]*(?:下同|以下|简称|除[^（()）]*外|列第一位|列首位|“)[^（()）]*[)）]")
_NAME_SEPARATORS = "、/／"
_WITH = re.compile(r"会同")  # "A会同B负责": B works with the lead
_AND = re.compile(r"(?<=\S{2})及(?=\S{2})")  # "市级各有关部门及各县市区政府"
_OPENING, _CLOSING = "（([〔【", "）)]〕】"
_SHARED_NOUN = re.compile(r"^[省市县区乡镇].*(?:政府|局|委|部门)$")  # "市、县政府": 市 shares 县政府's noun
_LOOSE_PREFIX = 2  # "各市、县（区）人民政府": a piece this short before a bracketed one belongs to it
_MAX_JOIN = 4  # tokens a single OCR-broken name may have been cut into
_MIN_REPAIR_LEN = 4  # names rebuilt from fragments are at least this long …
_MIN_TAIL = 2  # … and the second fragment carries at least two characters
_MIN_PREFIX = 4  # a truncated name must keep this many characters …
_MIN_PREFIX_SHARE = 0.6  # … and this share of the full name


@dataclass(frozen=True)
class Resolution:
    """How one written name resolved: `names` are canonical (a group is expanded)."""

    written: str
    how: str  # canonical / alias / group / repaired / unknown
    names: tuple[str, ...]
    entry: Entry | None = None
    note: str = ""


@dataclass
class CellReading:
    resolutions: list[Resolution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # repairs and guesses, in Chinese

    @property
    def units(self) -> list[str]:
        """Canonical units, lead first, groups expanded, each once."""
        seen: dict[str, None] = {}
        for r in self.resolutions:
            for name in r.names:
                seen.setdefault(name, None)
        return list(seen)


@dataclass
class _Piece:
    text: str
    origin: str
    pos: float


# (units text as written, units read against an empty directory, lead first): the rule's tests.
ROLE_EXAMPLES = (
    ("省大数据局牵头，省财政厅、省通信管理局配合", ["省大数据局", "省财政厅", "省通信管理局"]),
    ("配合单位：市财政局、市数据局；牵头单位：市税务局", ["市税务局", "市财政局", "市数据局"]),
    ("市政府办公室牵头，有关部门按职责分工负责", ["市政府办公室", "有关部门"]),
    ("市政府办公室、市行政审批改革领导小组办公室牵头，市级各有关部门及各县市区政府按职责分工负责",
     ["市政府办公室", "市行政审批改革领导小组办公室", "市级各有关部门", "各县市区政府"]),
    ("市市场监管局会同市公安局负责", ["市市场监管局", "市公安局"]),
    ("县人社局指导；责任单位：县职业技术学校；协办单位：县妇联、团县委", ["县职业技术学校", "县妇联", "团县委", "县人社局"]),
    ("责任单位：市市场监管局，各县（市、区）市场监督管理局", ["市市场监管局", "各县（市、区）市场监督管理局"]),
    ("各市、县（区）人民政府负责", ["各市、县（区）人民政府"]),
    ("各行署、市、县政府负责", ["各行署", "市、县政府"]),
    ("市司法局、市政府办公室、县人民政府", ["市司法局", "市政府办公室", "县人民政府"]),
    ("区国投公司、各街道办事处等部门配合", ["区国投公司", "各街道办事处"]),
    ("市委组织部、市人社局按职责分别负责", ["市委组织部", "市人社局"]),
    ("市发改委负责牵头，市统计局配合", ["市发改委", "市统计局"]),
    ("市政府办公室统筹，各区政府落实", ["市政府办公室", "各区政府"]),
    ("运用处（牵头）、保护处(配合)、商标处等", ["运用处", "保护处", "商标处"]),
    ("市发改委、市卫健委(除标注“分别牵头”外,列第一位为牵头或汇总单位,下同)", ["市发改委", "市卫健委"]),
    ("区商务局（列首位的为牵头单位，下同）、区财政局", ["区商务局", "区财政局"]),
)


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost bracketed span; a bracket never closed spans nothing
    (OCR drops brackets, and one lost bracket must not swallow the rest of a cell)."""
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in _OPENING:
            stack.append(i)
        elif ch in _CLOSING and stack:
            start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
    return spans


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """`text` cut at each separator outside brackets: "各县（市、区）市场监管局、市公安局" is two names."""
    protected = {i for start, end in bracket_spans(text) for i in range(start, end)}
    pieces, start = [], 0
    for i, ch in enumerate(text):
        if ch in separators and i not in protected:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def split_names(text: str) -> list[str]:
    """Names listed with 、: brackets are judged, not a list of names, so "各市、县（区）人民政府"
    (a short piece before a bracketed one) stays one unit, and so does "市、县政府" (a lone
    level word shares the next name's noun)."""
    pieces = [p.strip() for p in split_outside_brackets(text, _NAME_SEPARATORS)]
    out: list[str] = []
    for piece in pieces:
        level_word = len(out[-1]) == 1 and _SHARED_NOUN.search(piece) if out else False
        if level_word or out and len(out[-1]) <= _LOOSE_PREFIX and bracket_spans(piece):
            out[-1] = f"{out[-1]}、{piece}"
        else:
            out.append(piece)
    return [p for p in out if p]


def _role(word: str, default: int = LEAD) -> int:
    return next((role for key, role in _ROLE_OF if key in word), default)


def _tokens(raw: str) -> list[tuple[int, list[str]]]:
    """(role, run of space-separated tokens) per name; runs are separated by explicit delimiters.

    "牵头单位：A；配合单位：B、C", "A牵头，B、C配合", "A会同B负责": the label or role word of a
    clause gives its names their role; 会同 makes what follows it a co-unit.
    """
    out = []
    for clause in split_outside_brackets(_NOTE_BRACKET.sub("", raw), _CLAUSE_SEPARATORS):
        role = LEAD
        if label := _LABEL_AT.match(clause):
            role, clause = _role(label.group()), clause[label.end():]
        if word := ROLE_AT_END.search(clause):
            role, clause = (role if label else _role(word.group())), clause[: word.start()]
        for n, group in enumerate(_WITH.split(clause)):
            for name in (name for part in _AND.split(group) for name in split_names(part)):
                tokens = _ROLE_MARKS.sub("", name).split()
                if tokens:
                    out.append((max(role, CO) if n else role, tokens))
    return out


def _join_broken(run: list[str], directory: Directory) -> list[tuple[str, str]]:
    """(text, written) pairs: longest space-joined neighbours that name an entry."""
    out, i = [], 0
    while i < len(run):
        for n in range(min(_MAX_JOIN, len(run) - i), 0, -1):
            joined = "".join(run[i : i + n])
            if n == 1 or directory.lookup(joined):
                out.append((joined, " ".join(run[i : i + n])))
                i += n
                break
    return out


def _pair_repair(pieces: list[_Piece], directory: Directory) -> tuple[str, int, int, int, int] | None:
    """The longest name = end of one fragment + end of another; None if none or ambiguous."""
    found = []
    for key in directory.keys():
        if len(key) < _MIN_REPAIR_LEN or (found and len(key) < len(found[0][0])):
            continue
        for cut in range(1, len(key) - _MIN_TAIL + 1):
            head, tail = key[:cut], key[cut:]
            for i, a in enumerate(pieces):
                if not a.text.endswith(head):
                    continue
                for j, b in enumerate(pieces):
                    if i != j and b.text.endswith(tail):
                        found.append((key, i, j, len(head), len(tail)))
    if not found:
        return None
    entries = {directory.lookup(f[0]).entry for f in found}
    return found[0] if len(entries) == 1 else None


def _truncated(text: str, directory: Directory) -> tuple[str, int] | None:
    """(full name, chars used) when the end of `text` is the start of exactly one long name."""
    for start in range(len(text) - _MIN_PREFIX + 1):
        tail = text[start:]
        hits = {directory.lookup(k).entry: k for k in directory.keys() if k.startswith(tail) and k != tail}
        if len(hits) == 1:
            key = next(iter(hits.values()))
            if len(tail) >= _MIN_PREFIX_SHARE * len(key):
                return key, len(tail)
    return None


def _echo_owner(text: str, found: list[tuple[float, Resolution]], directory: Directory) -> int | None:
    """Index of the found entry whose spelling starts with the single character `text`."""
    if len(text) != 1:
        return None
    for index, (_, res) in enumerate(found):
        if res.entry and any(s.startswith(text) for s in directory.spellings(res.entry)):
            return index
    return None


def read_units_cell(raw: str, directory: Directory) -> CellReading:
    reading = CellReading()
    found: list[tuple[float, Resolution]] = []
    pieces: list[_Piece] = []
    seq = 0
    for role, run in _tokens(raw):
        for text, written in _join_broken(run, directory):
            seq += 1
            pos = role * 10_000 + seq  # lead units first, then co-units, then guiding units
            match = directory.lookup(text)
            if match is None:
                pieces.append(_Piece(name_key(text), written, pos))
            elif written != text:
                note = f"责任单位「{written}」被 OCR 断开，已拼接为「{match.entry.name}」"
                found.append((pos, Resolution(written, REPAIRED, directory.expand(match.entry), match.entry, note)))
            else:
                found.append((pos, Resolution(written, match.how, directory.expand(match.entry), match.entry)))

    while (hit := _pair_repair(pieces, directory)) is not None:
        key, i, j, head, tail = hit
        a, b = pieces[i], pieces[j]
        entry = directory.lookup(key).entry
        written = f"{a.origin}＋{b.origin}"
        note = f"责任单位由 OCR 碎片「{a.origin}」「{b.origin}」拼合为「{entry.name}」，请核对"
        found.append((min(a.pos, b.pos), Resolution(written, REPAIRED, directory.expand(entry), entry, note)))
        a.text, b.text = a.text[:-head], b.text[:-tail]
        pieces = [p for p in pieces if p.text]

    for piece in list(pieces):
        hit = _truncated(piece.text, directory)
        if hit:
            key, used = hit
            entry = directory.lookup(key).entry
            note = f"责任单位「{piece.origin}」不完整，已按目录补全为「{entry.name}」，请核对"
            found.append((piece.pos, Resolution(piece.origin, REPAIRED, directory.expand(entry), entry, note)))
            piece.text = piece.text[:-used]
    pieces = [p for p in pieces if p.text]

    for piece in pieces:
        echo_of = _echo_owner(piece.text, found, directory)
        if echo_of is not None:
            # The OCR repeats the first character of a wrapped name where the name began.
            found[echo_of] = (min(found[echo_of][0], piece.pos), found[echo_of][1])
            where = "" if piece.origin == piece.text else f"「{piece.origin}」中"
            reading.notes.append(f"{where}多出的 OCR 残字「{piece.text}」（所属单位已识别）已忽略")
            continue
        if piece.text == name_key(piece.origin):
            piece.text = "".join(piece.origin.split())  # as written: full-width brackets stay
        note = f"责任单位「{piece.text}」不在单位目录中，已原样保留；请核对原件或在 config/units.yaml 中补充"
        maybe = sorted({directory.lookup(k).entry.name for k in directory.keys() if k.startswith(piece.text)})
        if maybe:
            note += f"（以「{piece.text}」开头的有：{'、'.join(maybe)}）"
        found.append((piece.pos, Resolution(piece.text, UNKNOWN, (piece.text,), None, note)))

    repeats: dict[object, list[str]] = {}
    for _, res in sorted(found, key=lambda f: f[0]):
        ident = res.entry or res.written
        if ident in repeats:
            repeats[ident].append(res.written)
            continue
        repeats[ident] = [res.written]
        reading.resolutions.append(res)
        if res.note and res.how != UNKNOWN:
            reading.notes.append(res.note)
    for written in repeats.values():
        if len(written) > 1:
            reading.notes.append(f"责任单位「{written[0]}」重复出现 {len(written)} 次，已去重")
    return reading
