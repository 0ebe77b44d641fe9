"""Monolingual variant detectors: one language's text writes one term several ways.

Each detector gives ``(kind, groups, reason)`` where each group holds the spans of one
variant; a group list of two or more is a flag.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator

from rapidfuzz.fuzz import ratio

from alignments.terms_lang import latin, spelling_key, translit_key
from alignments.terms_span import Corpus, Span, abbreviates

CONJUNCTIONS = frozenset({"and", "und", "et", "y", "и"})
UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
NAME_LIKENESS = 75  # rapidfuzz ratio of two languages' spellings of one name, in Latin
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
    hyphenated: set[str] = set()  # 'SecretaryGeneral' for 'Secretary-General'
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            if token.content and not token.acronym and len(token.text) >= 4:
                groups[spelling_key(token.stem)][token.stem].append(Span(row, lang, n, n))
                if "-" in token.text:
                    hyphenated.add(token.text.replace("-", ""))
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n in range(len(tokens) - 1):
            a, b = tokens[n], tokens[n + 1]
            if b.brk or not (a.content and b.content):
                continue
            # Same letters, same capitals: 'Secretary General' for 'Secretary-General',
            # but not 'counter terrorism' (a verb) for 'Counter-Terrorism'.
            if a.capital and b.capital and a.text + b.text in hyphenated:
                key = spelling_key(a.stem + b.stem)
                groups[key][f"{a.stem} {b.stem}"].append(Span(row, lang, n, n + 1))
    return list(_flags("spelling", groups, corpus, "spelled differently"))


def translit_flags(corpus: Corpus, lang: str) -> list[Found]:
    """Names transliterated two ways: Sergey / Sergei, Muhriddin / Mukhriddin."""
    by_skeleton: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for row, tokens in enumerate(corpus.tokens[lang]):
        for n, token in enumerate(tokens):
            # Names only: a word the text also writes in lower case is no name.
            if (token.capital and token.content and not token.acronym
                    and token.stem not in corpus.lower_stems[lang]
                    and len(token.text) >= 4 and "-" not in token.text):
                skeleton = translit_key(token.stem, lang)
                by_skeleton[skeleton][token.stem].append(Span(row, lang, n, n))
    groups: Groups = {}
    for skeleton, variants in by_skeleton.items():
        names = sorted(v for v in variants if _named_elsewhere(corpus, lang, v, variants[v]))
        parent = {v: v for v in names}
        for x, a in enumerate(names):
            for b in names[x + 1 :]:
                if _transliterations(a, b, lang):
                    parent[parent[b]] = parent[a]
        clusters: dict[str, dict[str, list[Span]]] = defaultdict(dict)
        for v in names:
            root = v
            while parent[root] != root:
                root = parent[root]
            clusters[root][v] = variants[v]
        for root, cluster in clusters.items():
            groups[f"{skeleton}:{root}"] = cluster
    return list(_flags("transliteration", groups, corpus, "transliterated differently"))


def _transliterations(a: str, b: str, lang: str) -> bool:
    """Whether two stems of names read as one name written two ways (not Armenia /
    Armenian, not two inflections that the light stemmer left apart)."""
    if min(len(a), len(b)) < 5 or spelling_key(a) == spelling_key(b):
        return False
    folded_a, folded_b = _fold_umlauts(a), _fold_umlauts(b)
    if folded_a.startswith(folded_b) or folded_b.startswith(folded_a):
        return False  # Kraft / Kräfte, Flugplatz / Flugplätze: one noun, two numbers
    shared = len(os.path.commonprefix([a, b]))
    if shared >= min(len(a), len(b)) - 1 and abs(len(a) - len(b)) >= 2:
        return False  # Нюрнберге / Нюрнбергского: a noun and its adjective
    tails = a[shared:] + b[shared:]
    if lang == "ru" and len(tails) <= 3 and all(c in "аеиоуыэюяйь" for c in tails):
        return False  # two case forms the light stemmer left apart
    return ratio(latin(a), latin(b)) >= 80


def _fold_umlauts(word: str) -> str:
    return word.lower().translate(UMLAUTS)


def _named_elsewhere(corpus: Corpus, lang: str, name: str, spans: list[Span]) -> bool:
    """Whether another language's version of a row the word occurs in writes it too, in
    its own script: a name travels across languages (Sergei, Сергей, Serguéi), a common
    noun does not (Vorbereitung, Verbreitung; Cuando, Cuándo). Where the rows hold one
    language only there is nothing to check against, and the word counts as a name."""
    written = latin(name)
    compared = False
    for span in spans:
        for other in corpus.langs:
            if other == lang:
                continue
            for token in corpus.tokens[other][span.row]:
                compared = True
                if token.capital and ratio(written, latin(token.stem)) >= NAME_LIKENESS:
                    return True
    return not compared  # one language only: nothing to check the name against


def word_order_flags(corpus: Corpus, lang: str) -> list[Found]:
    """Multi-word names with the same words in another order or number: 'CSTO Council of
    Foreign Ministers' / 'CSTO Foreign Ministers Council' / 'CSTO Foreign Minister Council'."""
    groups: Groups = defaultdict(lambda: defaultdict(list))
    for row in range(len(corpus.texts)):
        for i, j in corpus.chunks(lang, row, extend=False):
            span = Span(row, lang, i, j)
            tokens = corpus.span_tokens(span)
            words = [t for t in tokens if t.content]
            if len(words) < 2 or any(t.lower in CONJUNCTIONS for t in tokens):
                continue  # 'Kyrgyzstan and Tajikistan' is two names, not one
            bag = " ".join(sorted(t.stem for t in words))
            groups[bag][" ".join(corpus.variant_id(span))].append(span)
    return list(_flags("word-order", groups, corpus, "same words, another order or number"))


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
        for span in corpus.candidate_spans(lang, row, extend=True)
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
    return nxt.brk or nxt.function or nxt.acronym or nxt.number


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
