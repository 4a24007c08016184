"""Reading a responsible-units cell into directory entries, repairing what OCR broke.

The order of work, each step only where it is unambiguous:
1. split on 、，,；; and spaces ("|" separates cells the OCR split one column into);
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
_DELIMITERS = re.compile(r"[、，,；;|｜/／]+")
_ROLE_MARKS = re.compile(r"[（(]\s*(?:牵头|配合|协办|负责|主责)\s*[)）]|[*＊]|等$")  # "运用处（牵头）", "保护处等"
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


def _tokens(raw: str) -> list[list[str]]:
    """Runs of space-separated tokens; runs are separated by explicit delimiters."""
    parts = (_ROLE_MARKS.sub("", part.strip()) for part in _DELIMITERS.split(raw))
    return [part.split() for part in parts if part.split()]


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
    pos = 0
    for run in _tokens(raw):
        for text, written in _join_broken(run, directory):
            pos += 1
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
