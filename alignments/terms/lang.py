"""Language knowledge for term discovery: tokens with spans, function words, light stemming,
and the folds that make spelling and transliteration variants compare equal.

Every word is counted by its dictionary form (lemma): pymorphy3 with its Russian dictionary,
simplemma for German, French, Spanish and English (both carry their dictionaries inside their
wheels, loaded on first use). A word no dictionary knows (most names) falls back to light
suffix stripping. Spelling variants keep a light stem of their own, since a dictionary may
fold them (defence -> defense). Pure functions; no I/O beyond the packaged dictionaries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
# A Roman numeral of a century, an article or a volume, with its ordinal ending if any
# (XIVe, XIX., 21st is a number already): a number, never a name. I, V and X only, so that
# acronyms (CD, DC, MLC) stay acronyms; a lone I or V is a pronoun or a letter.
ROMAN = re.compile(r"^(?=[IVX]{2}|[IVX]+[^IVX])X{0,3}(?:IX|IV|V?I{0,3})"
                   r"(?:e|er|re|ème|th|st|nd|rd|º|ª|-?[а-я]{1,3})?$")
# Languages that join a name's suffixes to it with an apostrophe: Cazals'ı, Ankara'da.
APOSTROPHE_SUFFIXES = frozenset({"tr", "az"})


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a row's text: its span, its stem and how it is written."""

    text: str
    start: int
    end: int
    stem: str  # a light stem, a prefix of the word: suffixes stripped, spelling untouched
    lemma: str  # the dictionary form, lower case: what terms are counted by
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


def is_acronym(word: str) -> bool:
    """Two letters or more, all uppercase: CSTO, ОДКБ, OTSC."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _apostrophe(word: str) -> int:
    """Where a suffix joined by an apostrophe starts ('Cazals'lı' -> 6), else -1."""
    return max(word.find("'"), word.find("’"))


@lru_cache(maxsize=64)
def calendar_words(lang: str) -> frozenset[str]:
    """The names of the months and the days of the week in ``lang``, lower case, every form
    CLDR has (wide and abbreviated, in a date and standing alone: Russian «марта» and
    «март»): capitalised in many languages, yet never a name to transliterate."""
    from babel import Locale, UnknownLocaleError, dates

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    words: set[str] = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for names in (dates.get_month_names(width, context, lang),
                          dates.get_day_names(width, context, lang)):
                words.update(name.lower().strip(".") for name in names.values())
    return frozenset(words)


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
        # The punctuation that ends a sentence lies between the two words: only the gap is
        # searched (the whole text before the word made a long text quadratic).
        # A person's initial's full stop ends no sentence: «П.С.Ерёмин», 'S. Lavrov'.
        initial = not tokens or (bool(SENTENCE_END.search(gap.rstrip()))
                                 and not (gap.strip() == "." and is_initial_letter(tokens[-1])))
        pieces: list[tuple[int, int]] = [(start, end)]
        elided = ELISION.match(word) if lang in ("fr", "it") else None
        hyphens = word.split("-")
        if elided:
            split = start + len(elided.group(1))
            pieces = [(start, split), (split, end)]
        elif len(hyphens) == 2 and is_acronym(hyphens[0]) != is_acronym(hyphens[1]):
            # An acronym hyphened to a word is two words ('SOZ-Außenministerrat',
            # 'CSTO-led'): the organisation and what it qualifies.
            split = start + len(hyphens[0])
            pieces = [(start, split), (split + 1, end)]
        elif POSSESSIVE.search(word) and lang == "en":
            pieces = [(start, end - 2)]
        elif lang in APOSTROPHE_SUFFIXES and (cut := _apostrophe(word)) > 0:
            pieces = [(start, start + cut)]  # the name without its case ending
        for n, (a, b) in enumerate(pieces):
            piece = text[a:b]
            lower = piece.lower().replace("’", "'")
            letters = [c for c in piece if c.isalpha()]
            tokens.append(
                Token(
                    text=piece,
                    start=a,
                    end=b,
                    stem=light_stem(piece, lang),
                    lemma=stem(piece, lang),
                    capital=piece[:1].isupper(),
                    acronym=len(letters) >= 2 and all(c.isupper() for c in letters),
                    function=lower in words,
                    number=not letters or bool(ROMAN.match(piece)),
                    initial=initial and n == 0,
                    brk=brk and n == 0,
                )
            )
        previous_end = end
    return tokens


def is_initial_letter(token: Token) -> bool:
    """Whether the word is a person's initial: one capital letter («П» of «П.С.Ерёмин»)."""
    return len(token.text) == 1 and token.text.isupper()


RU_ENDINGS = sorted(
    _words("иями ями ами иях ях ах ией ей ой ий ый ая яя ое ее ые ие ого его ому ему ым им ых "
           "их ую юю ом ем ов ев ью а я о е ы и у ю й ь"),
    key=lambda e: (-len(e), e),
)
DE_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")
RU_VOWELS = "аеиоуыэюяь"


LEMMATIZED = frozenset({"de", "en", "es", "fr"})


@lru_cache(maxsize=1)
def _russian() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def load_dictionaries() -> None:
    """Load every morphology dictionary now (about 10 s on a busy machine), so that the first
    look at the terminology flags does not wait for them: a server calls it at start-up."""
    import simplemma

    _russian()
    for lang in sorted(LEMMATIZED):
        simplemma.is_known("the", lang)


@lru_cache(maxsize=131072)
def stem(word: str, lang: str) -> str:
    """The dictionary form, lower case: 'Совета' -> 'совет', 'Ministers' -> 'minister',
    'Rates' -> 'rat'; acronyms as they are, unknown words by their light stem."""
    lang = base_lang(lang)
    lower = word.lower().replace("ё", "е").replace("’", "'")
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or all(c.isupper() for c in letters):
        return lower
    if lang == "ru" and all("а" <= c <= "я" or c == "-" for c in lower):
        return _russian_lemma(lower)
    if lang in LEMMATIZED and "-" not in lower:
        import simplemma

        # The known form nearest the word: itself, else with an ending taken off
        # (Außenministers -> Außenminister); a word no dictionary has keeps its light stem.
        # Tried as written and in lower case, the shorter lemma kept: 'Rat' is a noun
        # (not 'raten'), 'Regionalen' an adjective ('regional', not 'Regionale').
        for form in _strippings(lower, lang):
            cased = word[:1] + form[1:]
            lemmas = [str(simplemma.lemmatize(f, lang)).lower()
                      for f in dict.fromkeys((cased, form)) if simplemma.is_known(f, lang)]
            if lemmas:
                return min(lemmas, key=len)
    return light_stem(word, lang)


NOMINAL = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "NUMR", "NPRO"})


def _russian_lemma(lower: str) -> str:
    """The dictionary form of a Russian word, a noun's or an adjective's where pymorphy3
    finds one nearly as likely as its best guess: terms are names of things, and an
    unknown word's guess may be a verb ('генсекретарь': the imperative of
    'генсекретарить', as likely as the noun)."""
    parses = _russian().parse(lower)
    best = parses[0]
    nominal = [p for p in parses if p.tag.POS in NOMINAL and p.score >= 0.5 * best.score]
    return str((nominal[0] if nominal else best).normal_form).replace("ё", "е")


@lru_cache(maxsize=65536)
def russian_part_of_speech(word: str) -> str:
    """pymorphy3's likeliest part of speech of a Russian word ('NOUN', 'ADJF', 'VERB' ...;
    '' where it has none)."""
    return str(_russian().parse(word.lower())[0].tag.POS or "")


OBLIQUE = frozenset({"gent", "gen2", "datv", "ablt"})


@lru_cache(maxsize=65536)
def russian_oblique_noun(word: str) -> bool:
    """Whether a Russian word can be a noun in a case that hangs on another noun (genitive,
    dative, instrumental: «охрана окружающей среды», «управление водными ресурсами») by one
    of pymorphy3's likelier parses; a nominative after a noun starts a phrase of its own
    («в учебном году квота»)."""
    parses = _russian().parse(word.lower())
    best = parses[0].score
    return any(p.tag.POS == "NOUN" and p.tag.case in OBLIQUE and p.score >= 0.2 * best
               for p in parses)


@lru_cache(maxsize=65536)
def german_heads(word: str) -> frozenset[str]:
    """The nouns a German compound ends in, by the dictionary, in their dictionary form:
    'Studienquote' -> 'quote', 'Meeresschutzgebiete' -> 'schutzgebiet', 'gebiet' (five
    letters at least, after a first part of three)."""
    import simplemma

    lower = word.lower()
    if len(lower) < 8:
        return frozenset()
    return frozenset(
        str(simplemma.lemmatize(lower[cut:].title(), "de")).lower()
        for cut in range(3, len(lower) - 4) if simplemma.is_known(lower[cut:].title(), "de")
    )


def known_word(word: str, lang: str) -> bool:
    """Whether the language's dictionary has the word (Russian: pymorphy3's; the others:
    simplemma's), not only a guess from its ending."""
    lang = base_lang(lang)
    if lang == "ru":
        return bool(_russian().word_is_known(word.lower()))
    if lang in LEMMATIZED:
        import simplemma

        return bool(simplemma.is_known(word, lang) or simplemma.is_known(word.lower(), lang))
    return False


def _strippings(lower: str, lang: str) -> list[str]:
    forms = [lower]
    endings = DE_ENDINGS if lang == "de" else ("s", "es")
    forms += [lower[: -len(e)] for e in endings if lower.endswith(e) and len(lower) - len(e) >= 4]
    return forms


@lru_cache(maxsize=65536)
def light_stem(word: str, lang: str) -> str:
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


def headword(tokens: list[Token], lang: str) -> bool:
    """Whether a term is written in its dictionary form: its first content word is
    ('Rat der Außenminister', not 'Rates der Außenminister'); a Russian first word must be
    a nominative as well (not the genitive plural 'министров' of 'министр'). Leading
    acronyms do not count ('SOZ-Außenministerrates' is not); a German adjective before
    its noun must not end as the oblique cases do ('Regionale Antiterrorstruktur', not
    'Regionalen Antiterrorstruktur')."""
    words = [t for t in tokens if t.content and not t.acronym]
    if not words:
        return True
    first = words[0]
    if base_lang(lang) == "ru":
        return _russian_nominative(first.lower, first.lemma)
    if (base_lang(lang) == "de" and len(words) >= 2 and words[1].capital
            and tokens.index(words[1]) == tokens.index(first) + 1
            and first.lower != first.lemma and first.lower.endswith(("e", "er"))):
        return words[1].lower == words[1].lemma  # an adjective in the nominative, its noun
    return first.lower.replace("’", "'") == first.lemma


@lru_cache(maxsize=65536)
def _russian_nominative(word: str, lemma: str) -> bool:
    parse = _russian().parse(word)[0]
    return bool("nomn" in parse.tag and parse.normal_form.replace("ё", "е") == lemma)


def nominative(words: list[str]) -> str | None:
    """A Russian term in the nominative: its leading adjectives and first noun put in the
    nominative, what follows them (genitive attributes) as written: «Региональной
    антитеррористической структуры ШОС» -> «Региональная антитеррористическая структура
    ШОС». None when morphology cannot tell."""
    out: list[str] = []
    morph = _russian()
    for n, word in enumerate(words):
        # The likeliest reading that a name's word can have ('Генсекретаря' is a noun, not
        # a gerund of a verb morphology guessed).
        parse = next((p for p in morph.parse(word.lower())
                      if p.tag.POS in ("ADJF", "NOUN", "PRTF")), None)
        if parse is None:
            return None
        number = "plur" if "plur" in parse.tag else "sing"
        inflected = parse.inflect({"nomn", number})
        if inflected is None:
            return None
        form = str(inflected.word)
        out.append(_cased_as(form, word))
        if parse.tag.POS == "NOUN":
            rest = list(words[n + 1 :])
            # A person's name goes whole: «Сергея Лаврова» -> «Сергей Лавров».
            while rest and rest[0][:1].isupper() and ("Name" in parse.tag or "Surn" in parse.tag):
                name = next((p for p in morph.parse(rest[0].lower())
                             if {"Name", "Surn", "Patr"} & p.tag.grammemes
                             and p.tag.case == parse.tag.case), None)
                made = name.inflect({"nomn", number}) if name is not None else None
                if made is None:
                    break
                out.append(str(made.word).capitalize())
                rest.pop(0)
            return " ".join(out + rest)
    return None


def _cased_as(form: str, word: str) -> str:
    """A made form with the written word's capitals, part by part across a hyphen
    («Азиатско-Тихоокеанском» -> «Азиатско-Тихоокеанский», not «Азиатско-тихоокеанский»)."""
    parts, written = form.split("-"), word.split("-")
    if len(parts) != len(written):
        return form.capitalize() if word[:1].isupper() else form
    return "-".join(p.capitalize() if w[:1].isupper() else p
                    for p, w in zip(parts, written, strict=True))


def dictionary_form(term: str, lang: str) -> str:
    """A term as a termbase holds it, in its dictionary form: «Совета министров иностранных
    дел ОДКБ» -> «Совет министров иностранных дел ОДКБ» (its leading adjectives and first
    noun in the nominative), 'Rates der Außenminister der OVKS' -> 'Rat der Außenminister der
    OVKS' (a German first noun by its lemma). What follows the head (attributes in the
    genitive, acronyms) and the term's own punctuation stay as written; a term already in
    its dictionary form, or one morphology cannot tell, comes back unchanged."""
    lang = base_lang(lang)
    named = tokenize(term, lang)
    # Leading acronyms ('OVKS-Außenministerrates', «ОДКБ») do not inflect: the head follows.
    tokens = named[next((n for n, t in enumerate(named) if not t.acronym), len(named)) :]
    if not tokens or headword(tokens, lang):
        return term
    if lang == "ru":
        lead = tokens[: next((n for n, t in enumerate(tokens) if n and t.brk), len(tokens))]
        made = nominative([t.text for t in lead])
        if made is None:
            return term
        words = made.split(" ")
        out, end = [], 0
        for token, word in zip(lead, words, strict=False):
            out.append(term[end : token.start] + word)
            end = token.end
        return "".join(out) + term[end:]
    first = next(t for t in tokens if t.content)
    if lang == "de" and first.capital and first is tokens[0] and first.lemma.isalpha():
        import simplemma

        if simplemma.lemmatize(first.text, "de")[:1].islower():
            return term  # an adjective opening a sentence ('Elektronische Rezepte'), no noun
        lemma = first.text[:1] + first.lemma[1:]
        # The dictionary's lemma, or a genitive -s taken off a word it does not know
        # ('Außenministerrates'); an unknown word's light stem ('Dushanb') is no lemma.
        genitive = first.text.endswith("s") and lemma in (first.text[:-1], first.text[:-2])
        if simplemma.is_known(lemma, "de") or genitive:
            return term[: first.start] + lemma + term[first.end :]
    return term


def term_key(text: str, lang: str) -> tuple[str, ...]:
    """What makes two writings one term: the dictionary forms of its content words, so
    that «Совета министров иностранных дел ОДКБ» and «Совет министров иностранных дел ОДКБ»
    (or 'Rates der Außenminister', 'Rat der Außenminister') are one."""
    return tuple(t.lemma for t in tokenize(text, lang) if t.content)


def name_root(stem: str, lang: str) -> str:
    """A Russian place name and the adjective made from it share this root: Нюрнберге and
    Нюрнбергского (stems 'нюрнберг', 'нюрнбергск'), Минск and минского, Россия and
    российского; so do an English country and its adjective in -(i)an: Russia and Russian,
    Ukraine and Ukrainian, Canada and Canadian (stems 'russ', 'ukrain', 'canad'). Other
    languages' stemmers already join the two (Nürnberg, Nürnberger)."""
    if base_lang(lang) == "en":
        return _name_root_en(stem)
    if base_lang(lang) != "ru":
        return stem
    stem = _stem_ru(stem, capital=False)  # the lemma's ending off: россия, российский
    if not stem.endswith("ск") or len(stem) < 6:
        return stem
    root = stem[:-2]
    for link in ("ий", "и"):  # росс-ийск-
        if root.endswith(link) and len(root) - len(link) >= 4:
            return root[: -len(link)]
    return root


def _name_root_en(stem: str) -> str:
    # the adjective's ending first: Kuwaiti, Iraqi (-i after a consonant), Chinese, Japanese
    if stem.endswith("i") and len(stem) >= 5 and stem[-2] not in "aeiouy" and stem.isalpha():
        stem = stem[:-1]
    for ending in ("ian", "ean", "ese", "an", "ia", "a", "e"):
        if stem.endswith(ending) and len(stem) - len(ending) >= 4 and stem.isalpha():
            return stem[: -len(ending)]
    return stem


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
        (r"([^aiou])tre(s)?$", r"\1ter\2"),  # centre, metre; not notre (noter)
        (r"ogue(s)?$", r"og\1"),
        (r"(?<=[a-z])(?:ae|oe)(?=[a-z])", "e"),  # paediatrician, oesophagus: inside a word
        (r"(?<=gra)mme(s)?$", r"m\1"),  # programme, program; kilogramme, kilogram
        # British l doubled after one vowel: labelling, counsellor, cancelled (not spelling,
        # installing, controlled)
        (r"([aeiou][^aeiou]{1,2}[aeio])ll(ed|ing|er|ers|or|ors)$", r"\1l\2"),
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


# Spellings of one sound across the five languages' transliteration habits, folded to one
# letter: ш is sh, sch, ch (French), s (Spanish); ч is ch, tsch, tch; ж is zh, j, sh; х is kh,
# h, ch; в is v, w; й is y, j, i; у is u, ou. Longest first.
SOUND_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "s"), ("tsch", "c"), ("dsch", "j"), ("dzh", "j"), ("tch", "c"), ("sch", "s"),
    ("zh", "j"), ("dj", "j"), ("sh", "s"), ("ch", "s"), ("kh", "h"), ("ph", "f"), ("ck", "k"),
    ("gue", "ge"), ("gui", "gi"), ("ou", "u"), ("w", "v"), ("ey", "ei"), ("ej", "ei"),
    ("y", "i"), ("ii", "i"),
)


@lru_cache(maxsize=65536)
def sound_key(word: str, lang: str = "") -> str:
    """A name as it sounds, whatever its script and transliteration: Sergey, Sergej,
    Sergueï, Сергей -> 'sergei'; Dushanbe, Duschanbe, Douchanbé -> 'dusanbe'; Yerofeyev,
    Jerofejew, Erofeev -> 'erofev'; Iekaterinbourg, Ekaterinbourg -> 'ekaterinburg'. Spanish
    writes дж as y between vowels too (Tayikistán, Tadzhikistán)."""
    key = re.sub(r"[^a-z]", "", anyascii(strip_accents(word)).lower())
    # Russian е at the start of a word or after a vowel: ye / je in one transliteration,
    # e in another (Yerofeyev, Jerofejew, Erofeev: Ерофеев); French writes it ie at the
    # start (Iekaterinbourg, Ekaterinbourg: Екатеринбург)
    key = re.sub(r"(?:^|(?<=[aeiou]))[yj]e|^ie", "e", key)
    # Russian ё after a consonant: yo, jo or io in one transliteration, e in another
    # (Zhuravlyov, Schurawljow, Zhuravliov, Zhuravlev: Журавлёв; Pjotr, Pyotr, Petr)
    # (not a Latin -ion, Federation, nor a final -io, Antonio)
    key = re.sub(r"(?<=[bcdfgklmnprstvwz])(?:[yj]o|io(?!n))(?=[a-z])", "e", key)
    if base_lang(lang) == "es":
        key = re.sub(r"(?<=[aeiou])y(?=[aeiou])", "dzh", key)
    if base_lang(lang) == "de":  # German writes х as ch (Chabarowsk), ш as sch, ч as tsch
        key = re.sub(r"(?<![st])ch", "kh", key)
    for old, new in SOUND_FOLDS:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)  # doubled letters: Nuriddinov, Belorussia


def latin(word: str) -> str:
    """The word in Latin letters, lower case (for string cues across scripts)."""
    return anyascii(word).lower()
