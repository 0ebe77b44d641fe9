"""Phrases of a translation that differ by one word where the original says the same.

The renderings a terminologist wants flagged most often on pages nobody tuned on are
lowercase domain terms whose translators chose another word for one of their words:
'compatriots living abroad' / 'compatriots residing abroad', 'notarial acts' / 'notarial
actions', 'brise-glaces atomiques' / 'brise-glaces nucléaires'. They are found here from
the translation's side, without first finding the original's term: two phrases of two or
three content words, each used in two rows at least, that differ in one content word, where

* the original's rows of each phrase share words (the term, as the original writes it),
* each of the two differing words goes best, among the original's words common to its
  own rows, with one same word the rows of both phrases share: «проживающих» for 'living'
  and for 'residing'. A word the rows of one phrase alone have ('the Russian side', 'the
  Chinese side': «российская», «китайская») explains the difference, and nothing is
  flagged;
* the phrase's other words each go best with another word of the term, one to one, and
  the term's words are nouns, adjectives or participles, a noun among them: a noun
  phrase («особое внимание»), not a verb ('we hope' / 'we trust' for «надеемся»).

Two forms of one word ('receta', 'recetas'), a compound and its head ('Ministerrat',
'Rat': a short form), and in German a noun and an adjective ('Registrierung',
'registriert') are not two renderings; a German phrase ends on its noun.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from collections.abc import Sequence

from alignments.terms.lang import Token, german_heads, russian_part_of_speech, spelling_key
from alignments.terms.rendering import PENALTY
from alignments.terms.span import TERM_PARTS, Corpus, Span

MIN_ROWS = 2  # rows each phrase is used in
LONGEST = 3  # content words a phrase may have
RENDERS = 0.25  # how well each differing word must go with the word of the term it renders
# (its rows are split between the two phrases, so it goes with it less than a rendering's
# words do): 0.25 and 0.3 give the same on the corpora developed on, 0.2 flags 'banque de
# développement dans / doit'
Key = tuple[str, ...]


def one_word_apart(corpus: Corpus, lang: str, pivot: str
                   ) -> list[tuple[list[list[Span]], str]]:
    """Pairs of phrases of ``lang`` that render one term of ``pivot`` with one word
    changed: each as its two groups of occurrences and the original's words for it."""
    if lang == pivot or pivot != "ru" or pivot not in corpus.present:
        return []  # the original's words are read by Russian morphology
    spans_of: dict[Key, list[Span]] = defaultdict(list)
    for row, tokens in enumerate(corpus.tokens[lang]):
        if row not in corpus.present[pivot]:
            continue
        for span, key in _phrases(tokens, row, lang):
            spans_of[key].append(span)
    rows_of = {k: frozenset(s.row for s in spans) for k, spans in spans_of.items()}
    used = {k for k, rows in rows_of.items() if len(rows) >= MIN_ROWS}
    # phrases that differ at one content word meet under one pattern with it left open
    patterns: dict[tuple[int, Key, Key], list[Key]] = defaultdict(list)
    for key in sorted(used):  # (a set's order varies from run to run)
        for n, word in enumerate(key):
            if not word.startswith("_"):
                patterns[(n, key[:n], key[n + 1 :])].append(key)
    found = []
    seen: set[frozenset[Key]] = set()
    for (n, _, _), keys in patterns.items():
        for x, a in enumerate(keys):
            for b in keys[x + 1 :]:
                pair = frozenset((a, b))
                if pair in seen or _forms_of_one_word(a[n], b[n]):
                    continue
                seen.add(pair)
                # read from either phrase's side (each has its own rows and words)
                label = (_same_term(corpus, lang, pivot, a, b, n, rows_of)
                         or _same_term(corpus, lang, pivot, b, a, n, rows_of))
                if label is not None:
                    found.append(([spans_of[a], spans_of[b]], label))
    if lang == "de":
        found += _compound_or_phrase(corpus, pivot, spans_of, rows_of)
    return _longest(found)


def _compound_or_phrase(corpus: Corpus, pivot: str, spans_of: dict[Key, list[Span]],
                        rows_of: dict[Key, frozenset[int]]
                        ) -> list[tuple[list[list[Span]], str]]:
    """German compounds beside an adjective and the compound's head, for one term of the
    original: 'Flüssigerdgas' / 'verflüssigtes Erdgas' («сжиженный природный газ»), where
    the compound goes best with words of it (two or more, a noun phrase) and the adjective
    with one of those."""
    compounds: dict[str, list[Span]] = defaultdict(list)
    for row, tokens in enumerate(corpus.tokens["de"]):
        if row not in corpus.present[pivot]:
            continue
        for n, token in enumerate(tokens):
            if token.content and token.capital and not token.acronym and not token.initial:
                compounds[token.lemma].append(Span(row, "de", n, n))
    found = []
    for compound, spans in sorted(compounds.items()):
        rows = frozenset(s.row for s in spans)
        heads = german_heads(compound)
        if len(rows) < MIN_ROWS or not heads:
            continue
        for key in sorted(k for k in spans_of if len(k) == 2 and len(rows_of[k]) >= MIN_ROWS
                          and k[1].rstrip("^") in heads and not k[0].endswith("^")
                          and not k[0].startswith("_")):
            only_c, only_p = rows - rows_of[key], rows_of[key] - rows
            if not only_c or not only_p:
                continue
            common_c, common_p = _common(corpus, pivot, only_c), _common(corpus, pivot, only_p)
            shared = common_c & common_p & _nominal(corpus, pivot, min(only_p))
            whole = _best(corpus, "de", pivot, compound, common_c) & shared
            modifier = _best(corpus, "de", pivot, key[0], shared)
            if not whole & modifier:
                continue
            words = whole | modifier
            # the noun the adjectives go with, where the compound goes best with them
            # alone (a noun as common as «газ» goes with every word for gas)
            tokens = corpus.tokens[pivot][min(only_p)]
            marks = [k for k, t in enumerate(tokens) if t.lemma in words]
            after = tokens[marks[-1] + 1] if marks and marks[-1] + 1 < len(tokens) else None
            if after is not None and after.lemma in shared:
                words = words | {after.lemma}
            label = _term_of(corpus, pivot, words, min(only_p))
            if label is not None:
                found.append(([spans, spans_of[key]], label))
    return found


def _longest(found: list[tuple[list[list[Span]], str]]) -> list[tuple[list[list[Span]], str]]:
    """The pairs no longer pair holds ('compatriots living' inside 'compatriots living
    abroad')."""
    kept: list[tuple[list[list[Span]], str]] = []
    covered: set[tuple[int, int]] = set()
    def longer(item: tuple[list[list[Span]], str]) -> tuple[int, int, list[tuple[int, int]]]:
        spans = [s for g in item[0] for s in g]
        # the longer phrases first, then the more used; ties in the order of the text (the
        # phrases come in an order that varies from run to run)
        return (-max(s.j - s.i for s in spans), -sum(s.j - s.i for s in spans),
                sorted((s.row, s.i) for s in spans))

    for groups, label in sorted(found, key=longer):
        spans = [s for g in groups for s in g]
        if all((s.row, k) in covered for s in spans for k in range(s.i, s.j + 1)):
            continue
        kept.append((groups, label))
        covered.update((s.row, k) for s in spans for k in range(s.i, s.j + 1))
    return kept


def _forms_of_one_word(a: str, b: str) -> bool:
    """Whether two words are not two renderings of one: two spellings or two forms of one
    word ('receta', 'recetas'; 'sensörü', 'sensörün': all but two letters of the longer
    one in common from the start, where 'notariés' and 'notariaux', 'Legalisation' and
    'Legalisierung' are two words), a compound and its head, a German noun and another
    word."""
    if a.endswith("^") != b.endswith("^"):
        return True  # a German noun and another word ('Registrierung', 'registriert')
    a, b = a.rstrip("^"), b.rstrip("^")
    if a.endswith(b) or b.endswith(a):
        return True  # a compound and its head: a short form ('Rat', 'Ministerrat')
    if spelling_key(a) == spelling_key(b):
        return True
    return len(os.path.commonprefix([a, b])) >= max(len(a), len(b)) - 2


def _phrases(tokens: Sequence[Token], row: int, lang: str) -> list[tuple[Span, Key]]:
    """The row's phrases of two to three content words in lowercase (German nouns aside),
    without punctuation, numbers, acronyms or names inside, starting and ending on a
    content word; keyed by their words' dictionary forms (function words as written,
    marked with '_')."""
    found = []
    for i, first in enumerate(tokens):
        if not _plain(first, lang):
            continue
        content = 0
        for j in range(i, len(tokens)):
            token = tokens[j]
            if j > i and (token.brk or not (token.function or _plain(token, lang))):
                break
            content += token.content
            if content > LONGEST:
                break
            # a German term ends on its noun ('Rückkehrbescheinigung', not '…ausgestellt')
            if token.content and content >= 2 and (lang != "de" or token.capital):
                key = tuple(_word(t, lang) for t in tokens[i : j + 1])
                # a word of two letters is no term's ('we', 'be', 'ha')
                if all(len(w) > 2 for w in key if not w.startswith("_")):
                    found.append((Span(row, lang, i, j), key))
    return found


def _word(token: Token, lang: str) -> str:
    """A phrase's word in its key: the dictionary form; a German noun marked '^' (a noun
    and an adjective or participle are two words: 'Registrierung', 'registriert');
    function words as written, marked '_'."""
    if not token.content:
        return "_" + token.lower
    return token.lemma + ("^" if lang == "de" and token.capital and not token.initial else "")


def _plain(token: Token, lang: str) -> bool:
    """A content word a lowercase term can have: not a number, an acronym or a name."""
    if not token.content or token.acronym:
        return False
    return not token.capital or token.initial or lang == "de"


def _same_term(corpus: Corpus, lang: str, pivot: str, a: Key, b: Key, n: int,
               rows_of: dict[Key, frozenset[int]]) -> str | None:
    """The original's words for two phrases, when the differing words ``a[n]`` and
    ``b[n]`` render one same word of it; None when they do not."""
    only_a, only_b = rows_of[a] - rows_of[b], rows_of[b] - rows_of[a]
    if not only_a or not only_b:
        return None
    common_a, common_b = _common(corpus, pivot, only_a), _common(corpus, pivot, only_b)
    acronym = _one_acronym(corpus, lang, pivot, a, b, n, only_a, only_b)
    if acronym is not None:
        return acronym
    # the words a term can have (nouns, adjectives, participles: not «за», «надеемся»)
    nominal_a = common_a & _nominal(corpus, pivot, min(only_a))
    nominal_b = common_b & _nominal(corpus, pivot, min(only_b))
    # the term's words: those the rows of both phrases share
    shared = nominal_a & common_b
    if not shared:
        return None
    # both differing words go best with one word the rows share, among the words a term
    # can have (not a verb both rows of one phrase happen to have: «обеспечить» beside
    # «атомные ледоколы», 'brise-glaces atomiques') ...
    if not (_best(corpus, lang, pivot, a[n], nominal_a)
            & _best(corpus, lang, pivot, b[n], nominal_b) & shared):
        return None
    # ... and each renders a word of the term it goes with well enough to join a rendering,
    # if not the best: its rows are split between the two phrases ('acts', 'actions' go
    # best with «нотариальные», which 'notarial' renders, then with «действия»); not 'dans'
    # / 'doit' after 'banque de développement', which go with no word of it
    same = {w for w in shared
            if min(corpus.association(lang, x.rstrip("^"), pivot, w) for x in (a[n], b[n]))
            >= RENDERS}
    # ... and the other words of the phrase each with another word of the term, one to one
    # («особое внимание»: 'special', 'attention'; not 'be' and 'signed' both for
    # «соглашение»)
    options = [sorted(same)] + [sorted(_best(corpus, lang, pivot, w, shared))
                                for k, w in enumerate(a) if k != n and not w.startswith("_")]
    choice = next((c for c in itertools.product(*options) if len(set(c)) == len(c)), None)
    if choice is None:
        return None
    return _term_of(corpus, pivot, set(choice), min(only_a))


def _term_of(corpus: Corpus, pivot: str, words: set[str], row: int) -> str | None:
    """The original's term in ``row`` made of ``words`` (two at least, close together, a
    noun phrase); None when they make none."""
    tokens = corpus.tokens[pivot][row]
    marks = [k for k, t in enumerate(tokens) if t.lemma in words]
    if len(words) < 2 or not marks or marks[-1] - marks[0] > 2 * len(words):
        return None
    # a term is a noun phrase in the original, participles included («соотечественники,
    # проживающие за рубежом»): not «надеемся» ('I hope', 'we hope')
    parts = {russian_part_of_speech(tokens[k].text) for k in marks}
    if "NOUN" not in parts or not parts <= TERM_PARTS:
        return None
    return corpus.surface(Span(row, pivot, marks[0], marks[-1]))


def _one_acronym(corpus: Corpus, lang: str, pivot: str, a: Key, b: Key, n: int,
                 only_a: frozenset[int], only_b: frozenset[int]) -> str | None:
    """The original's acronym that both phrases render whole, every content word of each
    going best with it among the original's words of their rows, the words they share
    well (as a word must to join a rendering: not 'dans le contexte' / 'dans le domaine'
    for an acronym in every row), «АЭС»: 'nuclear power plant', 'nuclear power station';
    None when there is none."""
    acronyms = set.intersection(*(
        {t.lemma for t in corpus.tokens[pivot][row] if t.acronym and len(t.text) >= 3}
        for row in (*only_a, *only_b)))
    shared = [w for k, w in enumerate(a) if k != n and not w.startswith("_")]
    sides = [(key, _common(corpus, pivot, rows, acronyms=True))
             for key, rows in ((a, only_a), (b, only_b))]
    for acronym in sorted(acronyms) if shared else []:
        if all(corpus.association(lang, w.rstrip("^"), pivot, acronym) >= PENALTY
               for w in shared) and all(
                _best(corpus, lang, pivot, w, common) == {acronym}
                for key, common in sides for w in key if not w.startswith("_")):
            return next(t.text for t in corpus.tokens[pivot][min(only_a)]
                        if t.lemma == acronym)
    return None


def _nominal(corpus: Corpus, pivot: str, row: int) -> set[str]:
    """The original's words in ``row`` that are nouns, adjectives or participles."""
    return {t.lemma for t in corpus.tokens[pivot][row]
            if t.content and russian_part_of_speech(t.text) in TERM_PARTS}


def _common(corpus: Corpus, pivot: str, rows: frozenset[int], *, acronyms: bool = False
            ) -> set[str]:
    """The original's content words in every one of ``rows`` (``acronyms``: those too)."""
    found: set[str] | None = None
    for row in rows:
        words = {t.lemma for t in corpus.tokens[pivot][row]
                 if t.content and (acronyms or not t.acronym)}
        found = words if found is None else found & words
    return found or set()


def _best(corpus: Corpus, lang: str, pivot: str, word: str, candidates: set[str]
          ) -> set[str]:
    """The words of the original among ``candidates`` that ``word`` goes best with (several
    where they go as well: a term's words that always come together); none when it goes
    with none."""
    scores = {p: corpus.association(lang, word.rstrip("^"), pivot, p) for p in candidates}
    best = max(scores.values(), default=0.0)
    return {p for p, s in scores.items() if s == best} if best > 0.0 else set()
