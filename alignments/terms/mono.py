"""Monolingual variant detectors: one language's text writes one term several ways.

Each detector gives ``(kind, groups, reason)`` where each group holds the spans of one
variant; a group list of two or more is a flag.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from alignments.terms.lang import (
    FUNCTION_WORDS,
    Token,
    calendar_words,
    known_word,
    light_stem,
    russian_part_of_speech,
    sound_key,
    spelling_key,
    stem,
)
from alignments.terms.span import (
    MAX_CONTENT,
    TERM_PARTS,
    Corpus,
    Span,
    abbreviates,
    noun_phrase,
)

CONJUNCTIONS = frozenset({"and", "und", "et", "y", "и"})
GERMAN_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den"})
INDEFINITE: dict[str, frozenset[str]] = {
    "en": frozenset({"a", "an"}),
    "de": frozenset({"ein", "eine", "einen", "einem", "einer", "eines"}),
    "fr": frozenset({"un", "une"}),
    "es": frozenset({"un", "una", "unos", "unas"}),
}
# the accents typesetters leave off a capital (acute, grave, circumflex); not the umlaut
DROPPED_ON_CAPITALS = "\u0300\u0301\u0302"
UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
NAME_LIKENESS = 70  # rapidfuzz ratio of two languages' spellings of one name, by sound
Found = tuple[str, list[list[Span]], str]
Groups = dict[str, dict[str, list[Span]]]  # group key -> variant id -> spans


def _flags(kind: str, groups: Groups, corpus: Corpus, what: str) -> Iterator[Found]:
    for variants in groups.values():
        if len(variants) >= 2:
            spans = sorted(variants.values(), key=len, reverse=True)
            shown = " / ".join(corpus.surface(s[0]) for s in spans)
            yield kind, spans, f"{what}: {shown}"


def spelling_flags(corpus: Corpus, lang: str) -> list[Found]:
    """Words spelled two ways: Organisation / Organization, defence / defense,
    Secretary-General / Secretary General, co-operation / cooperation."""
    groups: Groups = defaultdict(lambda: defaultdict(list))
    # 'SecretaryGeneral' for 'Secretary-General', by whether the part after the hyphen is
    # capitalised
    hyphenated: dict[bool, dict[str, str]] = {True: {}, False: {}}
    # ... and in lowercase before the same word: 'long-term contract', 'long term contract'
    # (not 'in the long term', nor a verb 'follow up' for 'follow-up')
    modifying: dict[tuple[str, str], str] = {}
    written = {t.lower for tokens in corpus.tokens[lang] for t in tokens} if lang == "ru" else set()
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            if token.content and not token.acronym and len(token.text) >= 4:
                key = spelling_key(_bare_capital(token.stem) if token.capital else token.stem)
                # A name with ё and without it (Тромсё / Тромсе, Журавлёв / Журавлев): the
                # stems fold ё, the variants keep it apart.
                # So is a term's longer word in lowercase («перекрёстных годов», «почётный
                # консул»): a noun, adjective or participle of six letters or more (not
                # «всё» / «все», two words), the same form written without ё elsewhere
                # (not «вёдра» beside «ведро»: one word's forms).
                yo = "ё" if "ё" in token.lower and (
                    (token.capital and not token.initial) or _termlike_yo(token, written)
                ) else ""
                head, _, tail = token.text.partition("-")
                # A name's particle with and without its capital (Аль-Мансури, аль-Мансури;
                # al-Sisi, Al-Sisi); a sentence's first word says nothing of it.
                particle = ""
                if tail[:1].isupper() and len(head) <= 3:
                    if token.initial:
                        continue
                    particle = "^" if token.capital else ""
                groups[key][token.stem + yo + particle].append(Span(row, lang, n, n))
                if tail and "-" not in tail:
                    hyphenated[tail[:1].isupper()][head + tail] = key
                    following = next((t for t in tokens[n + 1 : n + 2] if t.content), None)
                    if (not token.capital or lang == "en") and following is not None:
                        modifying[(head + tail, following.lemma)] = key
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n in range(len(tokens) - 1):
            a, b = tokens[n], tokens[n + 1]
            if b.brk or not (a.content and b.content):
                continue
            # the hyphened form with the same word after it ('long-term contract')
            before_same = (n + 2 < len(tokens) and not tokens[n + 2].brk
                           and (a.text + b.text, tokens[n + 2].lemma) in modifying)
            # Same letters, same capitals: 'Secretary General' for 'Secretary-General',
            # 'États membres' for 'États-membres', but not 'counter terrorism' (a verb)
            # for 'Counter-Terrorism'. In English a capitalised word and a lowercase one
            # hyphened make an adjective ('Russian-language media' beside 'the Russian
            # language'): before the same word only, as in lowercase.
            if (a.capital and (a.text + b.text) in hyphenated[b.capital]
                    and (lang != "en" or b.capital or before_same)):
                key = hyphenated[b.capital][a.text + b.text]
                groups[key][f"{a.stem} {b.stem}"].append(Span(row, lang, n, n + 1))
            elif not a.capital and before_same:
                key = modifying[(a.text + b.text, tokens[n + 2].lemma)]
                groups[key][f"{a.stem} {b.stem}"].append(Span(row, lang, n, n + 1))
    if lang == "de":
        _join_linking_s(groups, corpus, lang)
    _capitals(groups, corpus, lang)
    return list(_flags("spelling", groups, corpus, "spelled differently"))


def _termlike_yo(token: Token, written: set[str]) -> bool:
    return ((not token.capital or token.initial) and len(token.text) >= 6
            and token.lower.replace("ё", "е") in written
            and russian_part_of_speech(token.text) in TERM_PARTS)


TITLE_CASE = 0.8  # of a row's longer content words capitalised: a heading in title case


def title_case(tokens: Sequence[Token]) -> bool:
    """A heading in title case ('Press Release on the Meeting'): most longer words
    capitalised; its capitals say nothing of how the body writes a term."""
    long = [t for t in tokens if t.content and len(t.text) >= 4 and not t.acronym]
    return len(long) >= 3 and sum(t.capital for t in long) >= TITLE_CASE * len(long)


def _capitals(groups: Groups, corpus: Corpus, lang: str) -> None:
    """Two words of a term, over the function words between them, each time the same but
    for a capital (one of them capitalised at least): Secrétaire général / Secrétaire
    Général, ministère / Ministère de la Santé. Neither word starts its sentence. Rows in
    title case ('Press Release on the Meeting') say nothing of how the body writes a term,
    and are left out, as are the words of a longer name (Comunidad de Estados Independientes
    beside Estados independientes) and, in Russian, a name the capital tells from another
    (Совет Безопасности ООН, Совет безопасности России). The two words with no capital at
    all are a variant too where the text capitalises the second one only, a name after a
    common noun, and writes it in lower case nowhere else (портал госуслуг, портал
    Госуслуг; not принимающая сторона, a common word); not in German, whose capital marks
    a noun (neu bauen, neuen Bau). So are they where the text writes both words with
    capitals elsewhere, each way twice (Diálogo Estratégico, diálogo estratégico), unless
    the capitals stand in quotation marks, a thing's name."""
    lowercase: Groups = defaultdict(lambda: defaultdict(list))
    named: set[str] = set()  # written with capitals in quotation marks: a thing's name
    for row, tokens in enumerate(corpus.tokens[lang]):
        if title_case(tokens):
            continue
        for n, a in enumerate(tokens):
            if a.initial or not a.content or a.acronym or not a.text[1:].islower():
                continue
            m = n + 1
            while m < len(tokens) and tokens[m].function and not tokens[m].brk:
                m += 1
            if m >= len(tokens) or m - n > 3:
                continue
            b = tokens[m]
            if (b.brk or not b.content or b.acronym or not b.text[1:].islower()
                    or max(len(a.text), len(b.text)) < 4):
                continue
            if _inside_name(tokens, n, m if b.capital else None, acronyms=lang == "ru"):
                continue
            if _quoted_title(corpus.texts[row][lang], tokens, n, m):
                continue
            between = " ".join(t.lower for t in tokens[n + 1 : m])
            # stemmed in lower case: Russian stems a capitalised word as a name
            first, second = light_stem(a.lower, lang), light_stem(b.lower, lang)
            key = f"{spelling_key(first)} {between} {spelling_key(second)} (capitals)"
            variant = f"{a.text[:1]}{first[1:]} {between} {b.text[:1]}{second[1:]}"
            if a.capital or b.capital:
                groups[key][variant].append(Span(row, lang, n, m))
                if _quoted(corpus.texts[row][lang], tokens, n, m) is not None:
                    named.add(key)
            elif lang in FUNCTION_WORDS and lang != "de" and (
                    lang != "ru" or noun_phrase([a, b])):
                lowercase[key][variant].append(Span(row, lang, n, m))
    if not lowercase:
        return
    # how often each word is written in lower case: a name the text lowercases only in
    # this term (госуслуг) is the name; a common word (министров, système) is not
    written = Counter(light_stem(t.lower, lang) for tokens in corpus.tokens[lang]
                      for t in tokens if t.content and not t.capital)
    for key, variants in lowercase.items():
        # a name in title case written in small letters too, each way twice at least:
        # 'Diálogo Estratégico' / 'diálogo estratégico' (not in Russian, whose names
        # capitalise their first word only, nor a name in quotation marks: the system
        # "Capital Investments" and capital investments)
        if (key in groups and lang != "ru" and key not in named
                and all(v[:1].isupper() and v.split()[-1][:1].isupper() for v in groups[key])
                and min(map(len, [*variants.values(), *groups[key].values()])) >= 2):
            groups[key].update(variants)
            continue
        # where the text capitalises the second word only: a name after a common noun
        if key not in groups or not all(v[:1].islower() for v in groups[key]):
            continue
        spans = [span for found in variants.values() for span in found]
        second = light_stem(corpus.tokens[lang][spans[0].row][spans[0].j].lower, lang)
        if written[second] == len(spans):
            groups[key].update(variants)


OPENING_QUOTES = "\"«„“‹"
CLOSING_QUOTES = "\"»“”›"


def _quoted_title(text: str, tokens: Sequence[Token], n: int, m: int) -> bool:
    """Whether tokens ``n``..``m`` stand inside a title in quotation marks written in title
    case (a conference's motto, "The Russian Language: Our Common Heritage"): its capitals
    are the title's, not how the text writes the words."""
    inside = _quoted(text, tokens, n, m)
    return inside is not None and title_case(inside)


def _quoted(text: str, tokens: Sequence[Token], n: int, m: int) -> list[Token] | None:
    """The words in the quotation marks around tokens ``n``..``m``; None outside any."""
    before = text[: tokens[n].start]
    opening = max(before.rfind(q) for q in OPENING_QUOTES)
    if opening < 0 or any(q in before[opening + 1 :] for q in CLOSING_QUOTES if q != '"'):
        return None
    rest = text[tokens[m].end :]
    closing = min((k for k in (rest.find(q) for q in CLOSING_QUOTES) if k >= 0),
                  default=-1)
    if closing < 0:
        return None
    end = tokens[m].end + closing
    return [t for t in tokens if opening < t.start and t.end <= end]


def _bare_capital(stem: str) -> str:
    """The stem with its first letter's accent dropped, as typesetters drop it on a capital
    (Etats membres for États membres, Education for Éducation)."""
    first = unicodedata.normalize("NFD", stem[:1])
    return first[:1] + first[1:].strip(DROPPED_ON_CAPITALS) + stem[1:]


def _inside_name(tokens: list[Token], i: int, j: int | None, *, acronyms: bool = False
                 ) -> bool:
    """Whether a capitalised word stands right before token ``i`` or (given ``j``) a
    capitalised word, not an acronym, right after token ``j``, over function words: the
    words are part of a longer name (Comunidad de Estados Independientes, Kessa Basin
    Water and Sanitation Programme, Declaración Conjunta de los Jefes de Estado)."""
    k = i - 1
    while k >= 0 and tokens[k].function and not tokens[k + 1].brk:
        k -= 1
    if k >= 0 and not tokens[k + 1].brk and tokens[k].capital and not tokens[k].initial:
        return True
    if j is None:
        return False
    k = j + 1
    while k < len(tokens) and tokens[k].function and not tokens[k].brk:
        k += 1
    return (k < len(tokens) and not tokens[k].brk and tokens[k].capital
            and (acronyms or not tokens[k].acronym))


def _join_linking_s(groups: Groups, corpus: Corpus, lang: str) -> None:
    """German compounds written with and without the linking s (Mitgliedstaaten,
    Mitgliedsstaaten) are one word spelled two ways: the key without the s takes the
    other's variants, where the part before the s is a word of the text."""
    for key in sorted(groups):
        if len(key) < 10 or key not in groups:
            continue
        for p in range(4, len(key) - 4):
            if key[p] != "s" or key[:p] + key[p + 1:] not in groups:
                continue
            if stem(key[:p].title(), lang) in corpus.rows_of[lang]:
                groups[key[:p] + key[p + 1:]].update(groups.pop(key))
                break


def translit_flags(corpus: Corpus, lang: str) -> list[Found]:
    """Names transliterated two ways: Sergey / Sergei, Muhriddin / Mukhriddin, Duschanbe /
    Dushanbe, Вэйдун / Вейдун. Names are compared by how they sound (``sound_key``, any
    script), within a small edit distance; two forms are one name only where the other
    languages of their rows write one same name for both."""
    spans_of: dict[str, list[Span]] = defaultdict(list)
    months_and_days = calendar_words(lang)
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            # Names only: a word the text also writes in lower case is no name, nor is a
            # month or a day of the week (March is no transliteration of Marrach).
            if (token.capital and token.content and not token.acronym
                    and token.lemma not in corpus.lower_stems[lang]
                    and token.lower not in months_and_days
                    and len(token.text) >= 4 and "-" not in token.text):
                spans_of[token.lemma].append(Span(row, lang, n, n))
    names = sorted(spans_of)
    forms = {v: light_stem(v, lang) for v in names}
    keys = {v: sound_key(forms[v], lang) for v in names}
    by_initial: dict[str, list[str]] = defaultdict(list)
    for v in names:
        if len(keys[v]) >= 4:
            by_initial[keys[v][:1]].append(v)
    witnesses: dict[str, set[str] | None] = {}
    parent = {v: v for v in names}

    def find(v: str) -> str:
        while parent[v] != v:
            v = parent[v]
        return v

    for group in by_initial.values():
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                if abs(len(keys[a]) - len(keys[b])) > 2 or not _sound_alike(keys[a], keys[b]):
                    continue
                if not _transliterations(forms[a], forms[b], lang):
                    continue
                # two German nouns (capitalised as names are) the dictionary knows are two
                # words, not one name heard two ways ('Bemerkung' / 'Bewertung', 'Staat' /
                # 'Stätte'; asked in every language, brics, osce and polar lost a group)
                if lang == "de" and known_word(a, lang) and known_word(b, lang):
                    continue
                for v in (a, b):
                    if v not in witnesses:
                        witnesses[v] = _witnesses(corpus, lang, keys[v], spans_of[v])
                wa, wb = witnesses[a], witnesses[b]
                if wa is None or wb is None or wa & wb:
                    parent[find(a)] = find(b)
    clusters: dict[str, dict[str, list[Span]]] = defaultdict(dict)
    for v in names:
        clusters[find(v)][v] = spans_of[v]
    return list(_flags("transliteration", dict(clusters), corpus, "transliterated differently"))


def _sound_alike(a: str, b: str) -> bool:
    """One edit apart (two in long names), or the same consonants (Belarus / Belorussia)."""
    allowed = 1 if min(len(a), len(b)) < 9 else 2
    if Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed:
        return True
    return _consonants(a) == _consonants(b) and ratio(a, b) >= 75


def _consonants(key: str) -> str:
    return key[0] + re.sub(r"[aeiou]", "", key[1:])


def _transliterations(a: str, b: str, lang: str) -> bool:
    """Whether two stems of names can be one name written two ways (not Armenia /
    Armenian, not two inflections that the dictionary did not know)."""
    if min(len(a), len(b)) < 4 or spelling_key(a) == spelling_key(b):
        return False
    folded_a, folded_b = _fold_umlauts(a), _fold_umlauts(b)
    short, long = sorted((folded_a, folded_b), key=len)
    if long.startswith(short) and not _added_consonant(long[len(short):], lang):
        return False  # Kraft / Kräfte, Flugplatz / Flugplätze: one noun, two numbers
    shared = len(os.path.commonprefix([a, b]))
    if shared >= min(len(a), len(b)) - 1 and abs(len(a) - len(b)) >= 2:
        return False  # Нюрнберге / Нюрнбергского: a noun and its adjective
    # A woman's surname beside her husband's or father's (Choubina / Choubine, Shubina /
    # Shubin, Ivanova / Ivanov): two people of one family, not one name two ways.
    if {a[shared:], b[shared:]} in ({"a", ""}, {"a", "e"}, {"а", ""}):
        return False
    tails = a[shared:] + b[shared:]
    return not (lang == "ru" and len(tails) <= 3 and all(c in "аеиоуыэюяйь" for c in tails))


def _added_consonant(tail: str, lang: str) -> bool:
    """Whether what one stem adds to the other (both without their endings) is a consonant
    that no ending or suffix is made of: the 'х' of «Кришнамуртхи» beside «Кришнамурти», a
    name heard two ways; not the 'n' of Armenian beside Armenia, nor a plural's 's'."""
    endings = "вмнй" if lang == "ru" else "dlmnrst"
    vowels = "aeiouyäöüаеёиоуыэюяь"
    return len(tail) == 1 and tail.isalpha() and tail.lower() not in endings + vowels


def _fold_umlauts(word: str) -> str:
    return word.lower().translate(UMLAUTS)


def _witnesses(corpus: Corpus, lang: str, key: str, spans: list[Span]) -> set[str] | None:
    """How the other languages' versions of the rows a name occurs in write it (by sound,
    the likest name of each version): a name travels across languages (Sergei, Сергей,
    Serguéi), a common noun does not (Vorbereitung, Verbreitung). None where the rows hold
    no other language."""
    found: Counter[str] = Counter()
    compared = False
    for span in spans:
        for other in corpus.langs:
            if other == lang:
                continue
            best: tuple[float, str] | None = None
            for token in corpus.tokens[other][span.row]:
                compared = True
                if token.capital and not token.acronym and len(token.text) >= 4:
                    other_key = sound_key(light_stem(token.lemma, other), other)
                    score = ratio(key, other_key)
                    if score >= NAME_LIKENESS and (best is None or score > best[0]):
                        best = (score, other_key)
            if best is not None:
                found[best[1]] += 1
    if not compared:
        return None
    top = max(found.values(), default=0)
    return {k for k, n in found.items() if n == top}  # the way most versions write it


def word_order_flags(corpus: Corpus, lang: str) -> list[Found]:
    """Multi-word names with the same words in another order or number: 'CSTO Council of
    Foreign Ministers' / 'CSTO Foreign Ministers Council' / 'CSTO Foreign Minister Council'."""
    groups: Groups = defaultdict(lambda: defaultdict(list))
    months_and_days = calendar_words(lang)
    for row in range(len(corpus.texts)):
        for i, j in _names(corpus, lang, row):
            span = Span(row, lang, i, j)
            tokens = corpus.span_tokens(span)
            words = [t for t in tokens if t.content]
            # a month or a day beside a name is a date, not a word of it ('in June Moscow
            # hosts', 'Moscow in June')
            if len(words) < 2 or any(t.lower in months_and_days for t in words):
                continue
            # German chains a clause's nouns ('führte Sergej Lawrow Gespräche'): three or
            # more of them, a name among them, and no article joining them are no one name
            if (lang == "de" and len(words) > 2 and len(words) == len(tokens)
                    and any(not t.acronym and not known_word(t.text, lang) for t in words)):
                continue
            bag = " ".join(sorted(t.lemma for t in words))
            # German capitalises every noun: its capitalised words joined by another
            # preposition are another phrase, not a name written another way ('Führer des
            # Rongtals', 'Führer im Rongtal'); elsewhere they are ('Ministry of Foreign
            # Affairs', 'Ministry for Foreign Affairs')
            key = words if lang == "de" else tokens
            groups[bag][" ".join(t.lemma for t in key)].append(span)
    return list(_flags("word-order", groups, corpus, "same words, another order or number"))


def _names(corpus: Corpus, lang: str, row: int) -> Iterator[tuple[int, int]]:
    """The row's runs of capitalised words, cut where a conjunction or an indefinite article
    stands: 'Kyrgyzstan and Tajikistan' is two names, and a name has no indefinite article
    ('beim ASEAN-Regionalforum ein Seminar': the name ends before 'ein')."""
    tokens = corpus.tokens[lang][row]
    cuts = CONJUNCTIONS | INDEFINITE.get(lang, frozenset())
    for i, j in corpus.chunks(lang, row, extend=False):
        start = i
        for k in range(i, j + 2):
            if k <= j and tokens[k].lower not in cuts and not _preposition(tokens[k], lang):
                continue
            a, b = start, k - 1
            while a <= b and not tokens[a].content:
                a += 1
            while b >= a and not tokens[b].content:
                b -= 1
            if a <= b:
                yield a, b
            start = k + 1


def _preposition(token: Token, lang: str) -> bool:
    """German capitalises every noun, so its runs of capitalised words cross phrases: a name
    joins its nouns by a genitive article ('Regionalforum der ASEAN'), a preposition starts
    another phrase ('Sonderwirtschaftszone im Gebiet Kaliningrad', 'Kapelle mit Fresken')."""
    return lang == "de" and token.function and token.lower not in GERMAN_ARTICLES


def acronym_flags(corpus: Corpus, lang: str) -> list[Found]:
    """An acronym never defined in the text, used beside its expansion: 'CMAE' /
    'Conseil des ministres des Affaires étrangères'."""
    acronyms: dict[str, list[Span]] = defaultdict(list)
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            if token.acronym and len(token.text) >= 2:
                acronyms[token.text].append(Span(row, lang, n, n))
    candidates = [
        (span, [t.text for t in corpus.span_tokens(span)])
        for row in range(len(corpus.texts))
        # names, and terms in lowercase words ('ARVI' / 'acute respiratory viral infections')
        for span in [*corpus.candidate_spans(lang, row, extend=True),
                     *corpus.plain_spans(lang, row, longest=MAX_CONTENT)]
    ]
    found: list[Found] = []
    for acronym, uses in acronyms.items():
        expansions: list[Span] = []
        defined = False
        for span, words in candidates:
            if len(words) < 2 or words[0][:1].casefold() != acronym[:1].casefold():
                continue
            if not abbreviates([acronym], words, lang) or not _whole(corpus, span):
                continue
            expansions.append(span)
            if _defines(corpus, span, acronym):
                defined = True
        expansions = _distinct(expansions)
        # Bodies' names (three words or more), both forms in real use (a tenth at least).
        if (expansions and not defined and len(acronym) >= 3
                and min(len(uses), len(expansions)) >= 0.1 * (len(uses) + len(expansions))):
            shown = corpus.surface(expansions[0])
            found.append(("acronym", [uses, expansions],
                          f"acronym used undefined beside its expansion: {acronym} / {shown}"))
    return found


def _whole(corpus: Corpus, span: Span) -> bool:
    """Whether the span ends where the name ends (not 'Совета министров иностранных'
    cut before 'дел', which 'СМИ' would otherwise abbreviate)."""
    tokens = corpus.tokens[span.lang][span.row]
    if span.j + 1 >= len(tokens):
        return True
    nxt = tokens[span.j + 1]
    # A capitalised name ends before a lowercase word ('… Black Sea Economic Cooperation
    # was held'); a name in lowercase words goes on as long as content words follow.
    last = tokens[span.j]
    ends_name = last.capital and not nxt.capital and not nxt.acronym
    return nxt.brk or nxt.function or nxt.acronym or nxt.number or ends_name


def _defines(corpus: Corpus, span: Span, acronym: str) -> bool:
    """Whether the text around ``span`` reads 'Expansion (ACRONYM' or 'ACRONYM (Expansion'."""
    text = corpus.texts[span.row][span.lang]
    start, end = corpus.chars(span)
    # 'Intermediate-Range Nuclear Forces Treaty (INF Treaty)': a shared head may follow.
    after = re.match(r"\s*(?:[\w’'-]+\s+){0,2}\(\s*" + re.escape(acronym) + r"\b", text[end:])
    before = re.search(re.escape(acronym) + r"\s*\(\s*$", text[:start])
    return bool(after or before)


def _distinct(spans: list[Span]) -> list[Span]:
    """Overlapping expansions of one place reduced to the shortest (the acronym's span)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.row, s.j - s.i, s.i)):
        if not any(k.row == span.row and k.i <= span.j and span.i <= k.j for k in kept):
            kept.append(span)
    return kept


def clipped_flags(corpus: Corpus, lang: str) -> list[Found]:
    """A clipped compound used beside the words it is clipped from, for one same
    organisation: Генсекретарь ШОС / Генеральный секретарь ШОС, Исполком СНГ /
    Исполнительный комитет СНГ (the first word cut short, the second cut or whole)."""
    words: dict[tuple[str, str], list[Span]] = defaultdict(list)
    pairs: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            if not token.content or token.acronym or "-" in token.text:
                continue
            after = [t for t in tokens[n + 1 : n + 3] if not t.brk]
            if len(token.lemma) >= 6 and after and after[0].acronym:
                words[(token.lemma, after[0].text)].append(Span(row, lang, n, n + 1))
            if (len(after) == 2 and after[0].content and not after[0].acronym
                    and after[1].acronym):
                key = (token.lemma, after[0].lemma, after[1].text)
                pairs[key].append(Span(row, lang, n, n + 2))
    by_start: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for pair in pairs:
        by_start[(pair[0][:3], pair[2])].append(pair)
    found: list[Found] = []
    for (word, organisation), uses in words.items():
        # where it clips several full forms (Генсек: «Генеральный секретарь», «Генеральный
        # секретариат»), the one the text uses most
        fits = [pair for pair in by_start.get((word[:3], organisation), [])
                if _clipped(word, pair[0], pair[1])]
        if fits:
            long = max((pairs[pair] for pair in sorted(fits)), key=len)
            shown = f"{corpus.surface(uses[0])} / {corpus.surface(long[0])}"
            found.append(("acronym", [long, uses], f"clipped beside its full form: {shown}"))
    return found


def clipped_term_flags(corpus: Corpus, lang: str) -> list[Found]:
    """A Russian clipped compound beside the noun phrase it is clipped from, with no
    organisation after it: «загранпаспорт» / «заграничный паспорт», «Севморпуть» /
    «Северный морской путь» (each word but the last cut to three letters or more, the
    last one whole, in any form)."""
    if lang != "ru":
        return []
    phrases: dict[str, dict[tuple[str, ...], list[Span]]] = defaultdict(lambda: defaultdict(list))
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n in range(len(tokens)):
            for k in (2, 3):
                run = tokens[n : n + k]
                if (len(run) == k and all(t.content and not t.acronym for t in run)
                        and not any(t.brk for t in run[1:]) and noun_phrase(run)):
                    key = tuple(t.lemma for t in run)
                    phrases[key[0][:3]][key].append(Span(row, lang, n, n + k - 1))
    uses: dict[tuple[str, tuple[str, ...]], list[Span]] = defaultdict(list)
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            word = token.lower
            if not token.content or token.acronym or "-" in word or len(word) < 7:
                continue
            for key in phrases.get(word[:3], {}):
                if ((_clipped_from(word, key) or _clipped_from(token.lemma, key))
                        and noun_phrase([token])):
                    uses[(token.lemma, key)].append(Span(row, lang, n, n))
    # «Минкультуры» clips «Министерство культуры» or «Министр культуры»: where several
    # phrases fit, the one it cuts most (a clipped compound shortens long words)
    chosen: dict[str, tuple[int, tuple[str, ...], list[Span]]] = {}
    for (lemma, key), spans in uses.items():
        cut = sum(map(len, key))
        if lemma not in chosen or cut > chosen[lemma][0]:
            chosen[lemma] = (cut, key, spans)
    found: list[Found] = []
    for _, key, spans in chosen.values():
        long = phrases[key[0][:3]][key]
        shown = f"{corpus.surface(spans[0])} / {corpus.surface(long[0])}"
        found.append(("acronym", [long, spans], f"clipped beside its full form: {shown}"))
    return found


def _clipped_from(word: str, lemmas: tuple[str, ...]) -> bool:
    """Whether ``word`` is ``lemmas`` clipped: 'загранпаспорт' from ('заграничный',
    'паспорт'), 'севморпуть' from ('северный', 'морской', 'путь'); a linking vowel may
    follow a cut: 'энергопереход' from ('энергетический', 'переход')."""
    if len(lemmas) == 1:
        last = lemmas[0]
        # whole, in any form, or cut short before a linking vowel ('энерго' of
        # 'энергетика': «Минэнерго»)
        return word == last or (len(last) >= 6 and len(word) >= len(last) - 2
                                and word[: len(last) - 2] == last[: len(last) - 2]) or (
            len(word) >= 6 and word[-1] == "о" and last.startswith(word[:-1]))
    first = lemmas[0]
    return any(word[:cut] == first[:cut] and (
        _clipped_from(word[cut:], lemmas[1:])
        or (word[cut] in "ое" and first[cut:cut + 1] != word[cut]
            and _clipped_from(word[cut + 1:], lemmas[1:])))
        for cut in range(3, min(len(first), len(word) - 3)))


def _clipped(word: str, first: str, second: str) -> bool:
    if len(first) < 5 or len(second) < 3 or word.startswith(first) or first.startswith(word):
        return False
    for cut in range(3, len(first) - 1):  # the first word cut short, three letters at least
        rest = word[cut:]
        if word[:cut] == first[:cut] and len(rest) >= 3 and second.startswith(rest):
            return True
    return False
