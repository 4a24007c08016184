"""Split a long message into numbered parts that fit a byte limit (UTF-8, 1 汉字 = 3 bytes).

Cuts prefer entry boundaries (blank lines), then line ends, and only inside an
over-long line fall back to characters, so a character is never cut in half.
"""
from __future__ import annotations

SEPARATORS = ("\n\n", "\n")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_utf8(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` bytes on a character boundary, marked with `ellipsis`."""
    if utf8_len(text) <= limit:
        return text
    room = limit - utf8_len(ellipsis)
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + ellipsis


def _chunks(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if utf8_len(text) <= limit:
        return [text]
    if not separators:
        return _by_characters(text, limit)
    sep, rest = separators[0], separators[1:]
    out: list[str] = []
    current = ""
    for piece in text.split(sep):
        candidate = piece if not current else current + sep + piece
        if utf8_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        if utf8_len(piece) <= limit:
            current = piece
        else:
            *full, current = _chunks(piece, limit, rest)
            out.extend(full)
    if current:
        out.append(current)
    return out


def _by_characters(text: str, limit: int) -> list[str]:
    out, current, used = [], [], 0
    for ch in text:
        size = utf8_len(ch)
        if used + size > limit:
            out.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    if current:
        out.append("".join(current))
    return out


def part_label(index: int, total: int) -> str:
    return f"（{index}/{total}）\n"


def split_message(text: str, limit: int) -> list[str]:
    """Parts of `text`, each at most `limit` bytes including its "（i/n）" label.

    A text that fits is returned unchanged and unlabelled.
    """
    if utf8_len(text) <= limit:
        return [text]
    total_guess = 9
    while True:
        budget = limit - utf8_len(part_label(total_guess, total_guess))
        chunks = [c.strip("\n") for c in _chunks(text, budget, SEPARATORS)]
        chunks = [c for c in chunks if c]
        if len(chunks) <= total_guess:
            return [part_label(i, len(chunks)) + c for i, c in enumerate(chunks, 1)]
        total_guess = total_guess * 10 + 9
