"""The one way Duban compares names (units, document titles, tasks): a leaf every layer may use.

Full-width letters, digits and brackets fold to their ASCII forms (NFKC), so 福州市（马尾区）
and 福州市(马尾区) are one name. `name_key` keeps punctuation — it tells 处 from 处、 in a
units cell; `normalise` also drops punctuation and case, for keys that must survive a
retyped title and for near-miss hints.
"""
from __future__ import annotations

import re
import unicodedata

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Full-width forms as ASCII (ＡＢＣ１２３ → ABC123), nothing else changed."""
    return unicodedata.normalize("NFKC", text or "")


def name_key(text: str) -> str:
    """The form unit names are compared in: folded, without whitespace."""
    return "".join(fold(text).split())


def normalise(text: str) -> str:
    """Folded, without whitespace, punctuation or case: the key of a title or a text."""
    return _NOISE.sub("", name_key(text)).lower()
