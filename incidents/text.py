"""Text hygiene: the characters a record's text may not carry, and ids made from names.

Record text reaches terminals, CSV files and editors. Control, escape and bidi-override
characters can rewrite a screen or reorder a line, so the reader refuses them in records and
every output strips them from anything it did not write itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_UNSAFE = {
    code
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    if code not in (0x09, 0x0A)
}
UNSAFE_CLASS = "[" + "".join(re.escape(chr(code)) for code in sorted(_UNSAFE)) + "]"
"""A regular-expression class of the unsafe characters (also used by the JSON Schema)."""
_UNSAFE_RE = re.compile(UNSAFE_CLASS)


def unsafe_characters(text: str) -> list[str]:
    """Control, escape and bidi-override characters: they can rewrite a terminal or a line's order."""
    if text.isprintable():  # the usual case, decided in C; a newline or tab still goes the long way
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in _UNSAFE_RE.findall(text)})


def strip_unsafe(text: str) -> str:
    """The text with every character `unsafe_characters` names removed."""
    return _UNSAFE_RE.sub("", text)


def slug(text: str, fold: Callable[[str], str] | None = None) -> str:
    """A lower-case ASCII slug for ids; `fold` transliterates letters NFKD cannot (Azerbaijani ə)."""
    text = fold(text) if fold else text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
