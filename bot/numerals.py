"""Chinese numerals, read once for the whole project: dates, section numbers, counts.

Documents spell numbers three ways: positionally ("三十一", "一百零五", "廿三"), digit by
digit for years ("二〇二四", OCR'd as "二○二四"), or in Arabic digits, full-width
included ("１２"). Every reader (the extractor's dates, the document reader's section
headings and issue dates) goes through `parse_numeral`, so they cannot disagree.
A malformed numeral ("十二十", "一百五") is None: the caller says it could not read it,
rather than guessing.
"""
from __future__ import annotations

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
# 廿 and 卅 are 二十 and 三十 in one character (dates in older or handwritten lists).
_CONTRACTED = str.maketrans({"廿": "二十", "卅": "三十"})
_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})
# Every character a Chinese numeral may contain, for regex classes: f"[{NUMERAL_CHARS}]+".
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "廿卅"

EXAMPLES = (
    ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("两", 2),
    ("二十九", 29), ("一百", 100), ("一百零五", 105), ("一百二十", 120), ("百", 100),
    ("一千零二十四", 1024), ("廿三", 23), ("卅", 30),
    ("二〇二四", 2024), ("二○二五", 2025), ("二零二六", 2026), ("〇五", 5),
    ("2024", 2024), ("１２", 12), (" 十二 ", 12),
    ("十二十", None), ("一百五", None), ("二二十", None), ("十十", None), ("零", 0),
    ("", None), ("十a", None), ("第三", None),
)


def _positional(text: str) -> int | None:
    """"三十一", "一百零五": digits each followed by a falling unit, 零 marking a gap."""
    total, digit, last_unit, gap = 0, None, 10_000, False
    for c in text:
        if c in DIGITS:
            value = DIGITS[c]
            if value == 0:
                if digit is not None or last_unit == 10_000:
                    return None
                gap = True
                continue
            if digit is not None:
                return None
            digit = value
            continue
        unit = UNITS[c]
        if unit >= last_unit or (gap and digit is None):
            return None
        total += (1 if digit is None else digit) * unit
        digit, last_unit, gap = None, unit, False
    if digit is not None:
        # A final digit is units only after 十 or after 零 ("一百五" is 150 colloquially: refuse).
        if last_unit > 10 and not gap:
            return None
        total += digit
    return total


def parse_numeral(text: str) -> int | None:
    """The value of a numeral in any of the spellings above, or None if it is not one."""
    word = text.strip().translate(_FULL_WIDTH).translate(_CONTRACTED)
    if not word:
        return None
    if word.isascii() and word.isdigit():
        return int(word)
    if any(c not in DIGITS and c not in UNITS for c in word):
        return None
    if not any(c in UNITS for c in word):
        return int("".join(str(DIGITS[c]) for c in word))
    return _positional(word)


def chinese_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 105 → 一百零五: how a list numbers its sections."""
    if not 0 < n < 10_000:
        raise ValueError(f"section numbers run from 1 to 9999, not {n}")
    names = "〇一二三四五六七八九"
    out, pending_zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            if pending_zero:
                out.append("零")
            out.append(("" if unit == 10 and digit == 1 and not out else names[digit]) + name)
            pending_zero = False
        elif out:
            pending_zero = True
    return "".join(out)
