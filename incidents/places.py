"""Place names: folding spellings to one key, and the gazetteer that knows both sides' names.

Azerbaijani ə, ı and ş have no ASCII decomposition, so stripping accents alone leaves Daşkəsən
unmatched with Dashkasan; the explicit table below writes each letter as the English-language
press does. Romanisations of Armenian add apostrophes (Sot'k') and doubled letters (Sissian).
"""

from __future__ import annotations

import re
import unicodedata

# How the English-language press writes letters that NFKD cannot take apart.
_LETTERS = str.maketrans({"ə": "a", "Ə": "a", "ı": "i", "İ": "i", "ş": "sh", "Ş": "sh", "ç": "ch", "Ç": "ch",
                          "ğ": "gh", "Ğ": "gh", "x": "kh", "X": "kh", "ʼ": "", "’": "", "'": "", "‘": ""})  # fmt: skip
_DIGRAPHS = (("dzh", "j"), ("dj", "j"))


def ascii_fold(text: str) -> str:
    """Lower-case ASCII with Azerbaijani letters written as the press writes them (for ids)."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).translate(_LETTERS))
    # Accents go; other non-ASCII letters (Armenian, Cyrillic) go; dashes and spaces stay breaks.
    kept = (ch if ord(ch) < 128 else "" if unicodedata.category(ch)[0] in "LM" else " " for ch in text)
    return "".join(kept).casefold()


def fold(text: str) -> str:
    """The key two spellings share when they are one name: case, diacritics, ə/a, apostrophes,
    spacing and doubled letters do not count (Daşkəsən = Dashkasan, Sot'k' = Sotk)."""
    key = ascii_fold(text)
    for digraph, single in _DIGRAPHS:
        key = key.replace(digraph, single)
    key = re.sub(r"[^a-z0-9]+", "", key)
    return re.sub(r"(.)\1+", r"\1", key)
