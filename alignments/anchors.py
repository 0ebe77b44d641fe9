"""Exact anchors that sentence embeddings blur: numbers, dates, names across scripts, '?'.

A sentence's anchors are a set of strings: ``num:1000.5`` for a number in any locale's
notation ("1 000,5" in ru/fr, "1.000,5" in de, "1,000.5" in en; the Roman "IV" is ``num:4``),
``month:5`` for a month name (from CLDR via babel, every form: "May", "мая", "Mai", "mai",
"mayo"), ``name:lavr`` for a capitalised word transliterated to Latin (``anyascii``) and cut
to a loose stem, and ``?`` for a question. Two spans agree as much as their anchors overlap
(a weighted Jaccard); the DP in :mod:`alignments.align` compares spans through bit masks built here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from anyascii import anyascii

__all__ = [
    "AnchorFeatures", "anchor_features", "anchor_similarity", "normalise_number", "span_masks",
]

AnchorFeatures = frozenset[str]

KEPT_SENTENCES = 1 << 15  # sentences whose anchors are kept (a few hundred bytes each)

# kinds of anchor and their weight in the agreement of two spans
WEIGHTS = {"num": 1.0, "month": 1.0, "name": 0.5, "?": 0.5}

_SPACES = "\u0020\u00a0\u202f\u2009"
_NUMBER = re.compile(
    rf"(?<![\w.,])\d{{1,3}}(?:[{_SPACES}.,'’]\d{{3}})+(?![\d])(?:[.,]\d+)?"
    r"|(?<![\w.,])\d+(?:[.,]\d+)?(?![\d])"
)
_WORD = re.compile(r"[^\W\d_][\w-]*")  # apostrophes split: l'Everest
# a Roman numeral of two or more letters, 2..39 ("camp IV", "XIX век"): "I" alone is a
# pronoun in English, and the rarer letters (L, C, D, M) spell too many abbreviations
_ROMAN = re.compile(r"(X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                 "IX": 9}
_LOCALES = {"en": "en", "ru": "ru", "de": "de", "fr": "fr", "es": "es"}

# Scripts written without spaces (Han, kana, Hangul) and their punctuation: a digit right
# beside one of these starts or ends a number ("2023年5月16日", "共16个"), where a digit
# beside a Latin or Cyrillic letter is part of a code ("G20", "СНВ3")
_UNSPACED = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
             "\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
             "\ufe30-\ufe4f\uff01-\uff0b\uff0d\uff1a-\uff20\uff5b-\uff65")
_DIGIT = "0-9\uff10-\uff19"
_UNSPACED_EDGE = re.compile(
    rf"(?<=[{_UNSPACED}])(?=[{_DIGIT}])|(?<=[{_DIGIT}])(?=[{_UNSPACED}])"
    # "，16": a full-width comma, then a number
    rf"|(?<![{_DIGIT}][\uff0c\uff0e])(?<=[\uff0c\uff0e])(?=[{_DIGIT}])")
_UNSPACED_MONTH = re.compile(r"(?<![\d.,])(1[0-2]|0?[1-9]) ?[月월]")
_QUESTION_MARKS = "?¿؟"  # after NFKC, "？" is "?"


def normalise_text(sentence: str) -> str:
    """The sentence as the anchors read it: compatibility forms folded (NFKC: "？" -> "?",
    "２０２３" -> "2023", "ﬁ" -> "fi"), and a space between a number and the unspaced script
    around it ("2023年5月" -> "2023 年 5 月")."""
    if sentence and max(sentence) >= "\u2e80":  # past the spaced scripts: the slow road
        sentence = _UNSPACED_EDGE.sub(" ", sentence)
    if unicodedata.is_normalized("NFKC", sentence):
        return sentence
    return unicodedata.normalize("NFKC", sentence)


def _lang(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


@functools.cache
def _separators(lang: str) -> tuple[str, str]:
    """(decimal, group) symbols of a language, from CLDR (babel); English's by default."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = _LOCALES.get(lang, "en")
    return get_decimal_symbol(locale), get_group_symbol(locale)


def normalise_number(text: str, lang: str) -> str:
    """A number written in ``lang``'s notation, as a plain decimal: '1 000,5' -> '1000.5'.

    Two kinds of separator: the last one is the decimal mark. One kind, several times: a
    group separator. One kind once: the language decides ("1,000" is a thousand in English
    and one in German; "1.000" the reverse), except that a separator not followed by
    exactly three digits is always decimal.
    """
    body = re.sub(rf"[{_SPACES}]", " ", text.strip())
    marks = [c for c in body if c in ".,'’ "]
    if not marks:
        return str(int(body))
    if len(set(marks)) > 1 and marks[-1] in ".,":
        decimal = marks[-1]  # "1 000,5", "1.000,5", "1,000.5": the last mark differs
    elif len(marks) > 1 or marks[0] in "'’ ":
        decimal = ""
    else:
        mark = marks[0]
        after = len(body) - body.index(mark) - 1
        decimal_symbol, _ = _separators(_lang(lang))
        decimal = mark if after != 3 or mark == decimal_symbol else ""
    whole, _, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    digits = re.sub(r"\D", "", whole)
    fraction = re.sub(r"\D", "", fraction).rstrip("0")
    value = str(int(digits)) if digits else "0"
    return f"{value}.{fraction}" if fraction else value


@functools.cache
def _months(lang: str) -> dict[str, int]:
    """Month names (every width, context and case babel has) -> month number."""
    from babel.dates import get_month_names

    locale = _LOCALES.get(lang)
    if locale is None:
        return {}
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                key = name.lower().rstrip(".")
                if len(key) >= 3:
                    names[key] = number
    return names


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A loose Latin key for a name: 'Лаврова' and 'Lavrov' both give 'lavr' (kept: a
    document names its people and places again and again)."""
    latin = anyascii(word).lower()
    for a, b in (("sch", "s"), ("sh", "s"), ("ch", "s"), ("kh", "h"), ("ck", "k"),
                 ("ou", "u"), ("y", "i"), ("j", "i"), ("w", "v"), ("ph", "f")):
        latin = latin.replace(a, b)
    latin = re.sub(r"[^a-z]", "", latin)
    return latin[:4]


@functools.lru_cache(maxsize=KEPT_SENTENCES)
def anchor_features(sentence: str, lang: str) -> AnchorFeatures:
    """The anchors of one sentence: numbers, months, names, a question mark (the last
    KEPT_SENTENCES kept: a set's pivot is read against every other version)."""
    code = _lang(lang)
    features = set()
    sentence = normalise_text(sentence)
    if "月" in sentence or "월" in sentence:
        # a month in a script without spaces is a number with 月 / 월 after it ("5 月")
        for match in _UNSPACED_MONTH.finditer(sentence):
            features.add(f"month:{int(match.group(1))}")
        sentence = _UNSPACED_MONTH.sub(" ", sentence)
    for match in _NUMBER.finditer(sentence):
        features.add("num:" + normalise_number(match.group(), code))
    months = _months(code)
    words = _WORD.findall(sentence)
    for index, word in enumerate(words):
        if len(word) >= 2 and word[0] in "IVX" and (roman := _ROMAN.fullmatch(word)):
            tens, units = roman.groups()
            features.add(f"num:{10 * len(tens) + _ROMAN_VALUES.get(units, 0)}")
        elif (lower := word.lower().rstrip(".")) in months:
            features.add(f"month:{months[lower]}")
        elif index and word[0].isupper() and len(word) >= 4 and not word.isupper():
            # a capitalised word inside the sentence; German nouns too, which the
            # overlap measure tolerates (they find no partner and weigh little)
            stem = _stem(word)
            if len(stem) == 4:
                features.add("name:" + stem)
    if any(mark in sentence for mark in _QUESTION_MARKS):
        features.add("?")
    return frozenset(features)


def _weight(feature: str) -> float:
    return WEIGHTS.get(feature.split(":", 1)[0], 0.5)


def anchor_similarity(source: Sequence[AnchorFeatures], target: Sequence[AnchorFeatures]
                      ) -> float:
    """How far two spans' anchors agree, in [0, 1]: the weighted Jaccard of their unions
    (0 when neither side has any)."""
    a: set[str] = set().union(*source) if source else set()
    b: set[str] = set().union(*target) if target else set()
    union = sum(_weight(f) for f in a | b)
    return sum(_weight(f) for f in a & b) / union if union else 0.0


def span_masks(features: Sequence[AnchorFeatures], max_run: int
               ) -> dict[str, np.ndarray]:
    """Bit masks of the anchors of every run of sentences, per kind of anchor.

    Gives, for each kind in :data:`WEIGHTS`, an array (max_run + 1, n + 1) uint64 whose
    ``[k, i]`` has one bit (of 64, by hash) set per anchor of sentences ``i-k .. i-1``.
    """
    n = len(features)
    masks = {kind: np.zeros((max_run + 1, n + 1), dtype=np.uint64) for kind in WEIGHTS}
    found: dict[str, tuple[list[int], list[int]]] = {kind: ([], []) for kind in WEIGHTS}
    for i, feats in enumerate(features):
        for feature in feats:
            kind, bit = _kind_bit(feature)
            found[kind][0].append(i + 1)
            found[kind][1].append(bit)
    for kind, (at, bits) in found.items():
        np.bitwise_or.at(masks[kind][1], np.array(at, dtype=np.int64),
                         np.left_shift(np.uint64(1), np.array(bits, dtype=np.uint64)))
    for mask in masks.values():
        for k in range(2, max_run + 1):
            mask[k, k:] = mask[k - 1, k - 1:-1] | mask[1, k:]
    return masks


@functools.lru_cache(maxsize=1 << 16)
def _kind_bit(feature: str) -> tuple[str, int]:
    """A feature's kind and its bit (:func:`_bit`), kept: a document repeats its anchors."""
    return feature.split(":", 1)[0], _bit(feature)


def _bit(feature: str) -> int:
    """A stable bit position (0..63) for a feature (not Python's salted hash)."""
    value = 0
    for char in feature:
        value = (value * 131 + ord(char)) % 1_000_003
    return value % 64


def mask_similarity(src: dict[str, np.ndarray], tgt: dict[str, np.ndarray], a: int, i: int,
                    b: int, j: np.ndarray) -> np.ndarray:
    """The weighted Jaccard of the run ``a`` ending at ``i`` against runs ``b`` ending at
    each ``j`` (array (len(j),)), from :func:`span_masks`."""
    shared = np.zeros(len(j))
    union = np.zeros(len(j))
    for kind, weight in WEIGHTS.items():
        x = src[kind][a, i]
        y = tgt[kind][b, j]
        shared += weight * np.bitwise_count(x & y)
        union += weight * np.bitwise_count(x | y)
    return np.divide(shared, union, out=np.zeros(len(j)), where=union > 0)


def mask_mismatch(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The share of anchors found on one side only, from two runs' bit masks (0 when
    neither side has any): ``x`` a scalar or an array broadcasting against ``y``."""
    union = np.bitwise_count(x | y).astype(float)
    alone = union - np.bitwise_count(x & y)
    return np.divide(alone, union, out=np.zeros(np.shape(union)), where=union > 0)


def iter_numbers(sentence: str, lang: str) -> Iterable[str]:
    """The numbers of a sentence, normalised (for tests and diagnostics)."""
    for match in _NUMBER.finditer(normalise_text(sentence)):
        yield normalise_number(match.group(), _lang(lang))
