"""One name normaliser (bot/names.py) for unit names, titles and task keys (issue 11 item 6)."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given, strategies as st

from bot.names import fold, name_key, normalise
from bot.store import identity
from bot.units import directory


def test_names_fold_full_width_forms_and_whitespace():
    assert fold("ＡＢＣ１２３（试行）") == "ABC123(试行)"
    assert name_key(" 福州市（马尾区） 知识产权局\u3000") == "福州市(马尾区)知识产权局"
    assert name_key("保护处、") == "保护处、"  # punctuation kept: a units cell's separators
    assert normalise("《福建省 2024年知识产权工作要点》（修订稿）") == "福建省2024年知识产权工作要点修订稿"
    assert normalise("Ｍ8_Task") == "m8task"


def test_the_store_and_the_directory_use_the_one_normaliser():
    assert identity.normalise is normalise and directory.name_key is name_key


@given(st.text(max_size=40))
def test_stored_keys_are_what_they_were_before_the_merge(text):
    """Existing databases hold keys made by the store's former normaliser: they must not move."""
    former = re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text)).lower()
    assert normalise(text) == former
    assert name_key(text) == "".join(unicodedata.normalize("NFKC", text).split())
