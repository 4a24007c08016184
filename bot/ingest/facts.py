"""Document facts from the prose around the tasks: title, issue date, issuer, 发文字号."""
from __future__ import annotations

import re
from datetime import date

from bot.ingest.cleanup import fold, join_spaces
from bot.numerals import parse_numeral

_TITLE_WORDS = re.compile(r"清单|要点|方案|计划|分解表|台账|任务表|工作安排")
_NOTICE = re.compile(r"关于印发\s*《?(.+?)》?\s*的通知")
_NUM = r"[0-9〇○零一二三四五六七八九十]"
_DATE = re.compile(rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日")
# 发文字号: an issuer abbreviation, the year in 〔〕 (OCR gives [] or （）), a serial and 号.
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔［\[【（(]\s*((?:19|20)\d{2})\s*[〕］\]】）)]\s*(\d{1,4})\s*号")
_ISSUER_ENDINGS = re.compile(r"(局|厅|委|委员会|办公室|办公厅|政府|中心|部|院|署)$")


def _date(match: re.Match) -> date | None:
    try:
        return date(*(parse_numeral(g) for g in match.groups()))
    except (TypeError, ValueError):
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


def find_doc_number(lines: list[str]) -> str:
    """The 发文字号 ("闽知发〔2024〕9号") in the document's head, normalised to 〔〕.

    Only a line that is the number alone (or followed by its 签发人) counts: a 字号 quoted in
    the prose ("根据国办发〔2023〕1号文件") names another document.
    """
    for raw in lines[:40]:
        line = fold(raw).strip()
        match = _DOC_NUMBER.match(line)
        rest = line[match.end():].strip() if match else ""
        if match and (not rest or rest.startswith("签发人")):
            return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}号"
    return ""
