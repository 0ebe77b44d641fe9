"""What the memory compares units and rows by: language codes in one spelling
(``normal_lang``) and a unit's languages and texts as one number (``fingerprint``).

The imports (``workbench.memory.store``) and the sets' rows (``workbench.memory.rows``) both
use them; migrations 0013 and 0018 keep copies of ``fingerprint``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=256)  # a file has a handful of codes, repeated on every unit
def normal_lang(code: str) -> str:
    """A language code in BCP 47's usual case: ``EN-us`` -> ``en-US``, ``zh_hant`` ->
    ``zh-Hant``."""
    language, *subtags = code.strip().replace("_", "-").split("-")
    parts = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            parts.append(subtag.title())  # script
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            parts.append(subtag.upper())  # region
        else:
            parts.append(subtag.lower())
    return "-".join(parts)[:20]


def fingerprint(variants: Iterable[tuple[str, str]]) -> int:
    """A unit's languages and texts (``(lang, text)``, the languages normalised) as a
    64-bit number, the same whatever the order of its variants; variants without text
    count for nothing. Migration 0013 keeps a copy."""
    joined = "\x1f".join(sorted(f"{lang}\x1e{text}" for lang, text in variants
                                if text.strip()))
    return int.from_bytes(hashlib.blake2b(joined.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)
