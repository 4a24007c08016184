"""One pass over every reader's blocks: invisible characters out, traditional characters simplified.

Control characters (ESC, BEL, NUL …), bidi overrides and zero-width characters from a
document would otherwise reach terminals, robot messages and the database (redteam F18,
F13); 繁体 mirrors of mainland lists are read like the simplified original, since the
rules and the unit directory are written in simplified characters.

    >>> clean_text("\\x1b[2J标题\\u202e\\u200b\\x00\\x07")
    '标题'
    >>> simplified(["關於印發《工作要點》的通知"])
    (['关于印发《工作要点》的通知'], 4)
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from bot.ingest.blocks import Block, Line
from bot.model import Flag

# C0 except \t \n, DEL, C1, zero-width and joiners, bidi embeddings/overrides/isolates,
# word joiner and invisible operators, BOM, interlinear annotation marks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Whole terminal escape sequences (CSI "ESC [ … m", OSC "ESC ] … BEL"), so no "[2J" residue is left behind.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]{0,200}(?:\x07|\x1b\\)|\x9b[0-?]*[ -/]*[@-~]")
_MIN_TRADITIONAL = 3  # fewer converted characters is a stray variant, not a 繁体 document


def clean_text(text: str) -> str:
    """`text` without control, bidi-control and zero-width characters (\\t and \\n stay)."""
    return _INVISIBLE.sub("", _ESCAPE_SEQUENCE.sub("", text))


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(texts: list[str]) -> tuple[list[str], int]:
    """The texts in simplified characters, and how many characters changed."""
    convert = _converter().convert
    out = [convert(t) for t in texts]
    return out, sum(a != b for t, s in zip(texts, out) for a, b in zip(t, s))


def clean_blocks(blocks: list[Block]) -> tuple[list[Block], list[Flag]]:
    """The blocks cleaned and simplified; a flag when the document was in traditional characters."""
    texts = [clean_text(t) for b in blocks for t in ((b.text,) if isinstance(b, Line) else b.cells)]
    texts, changed = simplified(texts)
    it = iter(texts)
    out: list[Block] = [
        replace(b, text=next(it)) if isinstance(b, Line) else replace(b, cells=tuple(next(it) for _ in b.cells))
        for b in blocks
    ]
    flags = []
    if changed >= _MIN_TRADITIONAL:
        flags.append(Flag("traditional", f"文档为繁体字，已按简体读取（转换 {changed} 个字）；引用原文时请对照原件"))
    return out, flags
