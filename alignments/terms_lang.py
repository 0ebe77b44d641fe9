"""Language knowledge for term discovery: tokens with spans, function words, light stemming,
and the folds that make spelling and transliteration variants compare equal.

Light on purpose: suffix stripping (Russian, German), plural stripping (English, French,
Spanish); no dictionaries, no models. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split(" "))


FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words("of the a an and for on in to at by with under from"),
    "fr": _words("de des du la le les l' d' et pour à au aux en sur un une"),
    "es": _words("de del la el los las y para en sobre a al un una unos unas"),
    "de": _words("der die das des dem den und für von vom zur zum über in im mit auf "
                 "ein eine einen einem einer eines"),
    "ru": _words("и по о об в во на с со для при к"),
}
# Languages whose names of bodies keep lowercase words inside ("Conseil des ministres des
# Affaires étrangères", «Совет министров иностранных дел»): spans may run over them.
LOWERCASE_INSIDE_TERMS = frozenset({"ru", "fr", "es", "de"})

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
ELISION = re.compile(r"^((?:jusqu|lorsqu|puisqu|qu|[cdjlmnst])['’])(.+)$", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s$")
BREAK = re.compile(r"[^\s\-–]")  # anything but spaces and dashes between words ends a term
SENTENCE_END = re.compile(r"[.!?:…]\W*$")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a row's text: its span, its stem and how it is written."""

    text: str
    start: int
    end: int
    stem: str
    capital: bool  # starts with an uppercase letter
    acronym: bool  # two or more letters, all uppercase: CSTO, ОДКБ, OTSC
    function: bool  # an article, preposition or conjunction of the language
    number: bool
    initial: bool  # first word of a sentence (its capital says nothing)
    brk: bool  # punctuation stands between this token and the previous one

    @property
    def content(self) -> bool:
        """Whether the word can carry a term (not a function word, not a number)."""
        return not self.function and not self.number

    @property
    def lower(self) -> str:
        return self.text.lower()


def base_lang(lang: str) -> str:
    """The language subtag: 'ru-RU' -> 'ru'."""
    return lang.replace("_", "-").split("-")[0].lower()


def tokenize(text: str, lang: str) -> list[Token]:
    """The words of ``text`` with character spans; elisions (l'OTSC) and possessives split."""
    lang = base_lang(lang)
    words = FUNCTION_WORDS.get(lang, frozenset())
    tokens: list[Token] = []
    previous_end = 0
    for match in WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        gap = text[previous_end:start]
        brk = bool(BREAK.search(gap)) or not tokens
        initial = not tokens or bool(SENTENCE_END.search(text[:start].rstrip()))
        pieces: list[tuple[int, int]] = [(start, end)]
        elided = ELISION.match(word) if lang in ("fr", "it") else None
        if elided:
            split = start + len(elided.group(1))
            pieces = [(start, split), (split, end)]
        elif POSSESSIVE.search(word) and lang == "en":
            pieces = [(start, end - 2)]
        for n, (a, b) in enumerate(pieces):
            piece = text[a:b]
            lower = piece.lower().replace("’", "'")
            letters = [c for c in piece if c.isalpha()]
            tokens.append(
                Token(
                    text=piece,
                    start=a,
                    end=b,
                    stem=stem(piece, lang),
                    capital=piece[:1].isupper(),
                    acronym=len(letters) >= 2 and all(c.isupper() for c in letters),
                    function=lower in words,
                    number=not letters,
                    initial=initial and n == 0,
                    brk=brk and n == 0,
                )
            )
        previous_end = end
    return tokens


RU_ENDINGS = sorted(
    _words("иями ями ами иях ях ах ией ей ой ий ый ая яя ое ее ые ие ого его ому ему ым им ых "
           "их ую юю ом ем ов ев ью а я о е ы и у ю й ь"),
    key=lambda e: (-len(e), e),
)
DE_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")
RU_VOWELS = "аеиоуыэюяь"


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """A light stem: 'Совета' -> 'совет', 'Ministers' -> 'minister', 'Rates' -> 'rat'."""
    lang = base_lang(lang)
    lower = word.lower().replace("ё", "е").replace("’", "'")
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return lower  # acronyms do not inflect (their case endings are hyphenated, rare)
    if lang == "ru":
        return _stem_ru(lower, capital=word[:1].isupper())
    if lang == "de":
        for _ in range(2):
            for ending in DE_ENDINGS:
                if lower.endswith(ending) and len(lower) - len(ending) >= 3:
                    lower = lower[: -len(ending)]
                    break
        return lower
    if lang == "en":
        if lower.endswith("ies") and len(lower) > 4:
            return lower[:-3] + "y"
        if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
            return lower[:-1]
        return lower
    if lang in ("fr", "es") and lower[-1:] in ("s", "x") and len(lower) > 3:
        return lower[:-1]
    return lower


def name_root(stem: str, lang: str) -> str:
    """A Russian place name and the adjective made from it share this root: Нюрнберге and
    Нюрнбергского (stems 'нюрнберг', 'нюрнбергск'), Минск and минского, Россия and
    российского. Other languages' stemmers already join the two (Nürnberg, Nürnberger)."""
    if base_lang(lang) != "ru" or not stem.endswith("ск") or len(stem) < 6:
        return stem
    root = stem[:-2]
    for link in ("ий", "и"):  # росс-ийск-
        if root.endswith(link) and len(root) - len(link) >= 4:
            return root[: -len(link)]
    return root


def _stem_ru(lower: str, *, capital: bool) -> str:
    # Surnames in -ов/-ев/-ин keep the suffix: Лавров, Лаврова, Лавровым share 'лавров'.
    endings = [e for e in RU_ENDINGS if not (capital and e in ("ов", "ев"))]
    for ending in endings:
        # Long endings need a longer stem: 'Китая' is 'кита-я', not 'кит-ая'.
        if lower.endswith(ending) and len(lower) - len(ending) >= 2 + min(len(ending), 2):
            lower = lower[: -len(ending)]
            break
    if len(lower) > 4 and lower[-1] in RU_VOWELS + "й":
        lower = lower[:-1]
    return lower


# Spelling alternations that are the same word (British / American, French and German
# variants); applied to both sides, so only forms the corpus really has can meet.
SPELLING_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"isation", "ization"),
        (r"is(e|es|ed|ing)$", r"iz\1"),
        (r"ys(e|es|ed|ing)$", r"yz\1"),
        (r"our(s|ed|ing)?$", r"or\1"),
        (r"ence$", "ense"),
        (r"([^aeiou])tre(s)?$", r"\1ter\2"),
        (r"ogue(s)?$", r"og\1"),
        (r"-", ""),
    )
)
# Transliterations of the same Cyrillic name into Latin script, folded together.
TRANSLIT_FOLDS: tuple[tuple[str, str], ...] = (
    ("kh", "h"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("gue", "ge"), ("gui", "gi"),
    ("ou", "u"), ("ph", "f"), ("ck", "k"), ("ey", "ei"), ("ej", "ei"), ("y", "i"), ("ii", "i"),
)


def strip_accents(text: str) -> str:
    """Latin letters without diacritics ('Sergueï' -> 'Serguei'); Cyrillic kept, ё -> е."""
    text = text.replace("ё", "е").replace("Ё", "Е")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def spelling_key(word: str) -> str:
    """The form that spelling variants share: 'Organisation' and 'Organization' alike."""
    key = word.lower().replace("’", "'").replace("ё", "е")
    for pattern, replacement in SPELLING_FOLDS:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=65536)
def translit_fold(word: str, lang: str = "") -> str:
    """The word in Latin letters with transliteration choices folded: Ayvazyan, Айвазян
    -> 'aivazian'; Sergueï, Sergey -> 'sergei'. Spanish writes Russian дж as y before a
    vowel as well as dzh (Tayikistán, Tadzhikistán): with ``lang`` 'es' both fold alike."""
    key = anyascii(word).lower().replace("'", "").replace("-", "")
    if lang == "es":
        key = re.sub(r"(?<=[aeiou])y(?=[aeiou])", "j", key)
    for old, new in TRANSLIT_FOLDS:
        key = key.replace(old, new)
    return key


def translit_key(word: str, lang: str = "") -> str:
    """The consonant skeleton of a name in Latin letters: Sergey, Sergei, Sergueï -> 'srg'."""
    key = translit_fold(word, lang)
    if not key:
        return key
    skeleton = key[0] + re.sub(r"[aeiouy]", "", key[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton)  # Belorussia / Belarus: doubled letters


def latin(word: str) -> str:
    """The word in Latin letters, lower case (for string cues across scripts)."""
    return anyascii(word).lower()
