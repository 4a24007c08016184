"""Document facts from the prose around the tasks: title, issue date, issuer."""
from __future__ import annotations

import re
from datetime import date

from bot.ingest.cleanup import fold, join_spaces

_TITLE_WORDS = re.compile(r"清单|要点|方案|计划|分解表|台账|任务表|工作安排")
_NOTICE = re.compile(r"关于印发\s*《?(.+?)》?\s*的通知")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_NUM = r"[0-9〇○零一二三四五六七八九十]"
_DATE = re.compile(rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日")
_ISSUER_ENDINGS = re.compile(r"(局|厅|委|委员会|办公室|办公厅|政府|中心|部|院|署)$")


def _number(text: str) -> int:
    """Arabic or Chinese numerals: 2024, 二〇二四, 五, 二十二."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(units, 0) if units else 0)
    return int("".join(str(_DIGITS.get(c, 0)) for c in text))


def _date(match: re.Match) -> date | None:
    try:
        return date(*(_number(g) for g in match.groups()))
    except ValueError:
        return None


def find_title(lines: list[str]) -> str:
    """A short standalone line naming a list beats the "关于印发《…》的通知" it came in."""
    notice = ""
    for raw in lines:
        line = join_spaces(raw)
        match = _NOTICE.search(line)
        if match:
            notice = notice or join_spaces(match.group(1))
        elif _TITLE_WORDS.search(line) and len(line) <= 60 and not re.search(r"[。：:]$|^[为根按]", line):
            return line
    return notice


def find_doc_date(lines: list[str]) -> date | None:
    """The 印发/成文 date, else a date standing alone on its line (the signature date)."""
    alone = None
    for raw in lines:
        line = fold(raw)
        for match in _DATE.finditer(line):
            rest = line[match.end():].strip()
            if rest.startswith("印发") or "成文" in line:
                return _date(match)
            if not line[: match.start()].strip() and not rest and alone is None:
                alone = _date(match)
    return alone


def find_issuer(lines: list[str]) -> str:
    for raw in lines:
        line = join_spaces(raw)
        if line.endswith("文件") and 4 < len(line) <= 30:
            return line[: -len("文件")]
    for previous, line in zip(lines, lines[1:]):
        if _DATE.fullmatch(fold(line).strip().removesuffix("印发").strip()) and _ISSUER_ENDINGS.search(previous.strip()):
            return previous.strip()
    for raw in lines:
        match = re.match(r"^(.{4,30}?)关于印发", join_spaces(raw))
        if match:
            return match.group(1)
    return ""
