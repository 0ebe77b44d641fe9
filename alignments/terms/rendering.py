"""How a translation renders a term of the original: sub-sentence alignment of a pivot
term to the span of each aligned row that renders it, by association over rows plus
string cues (competitive linking), with a post («заместитель Министра …») and a name's
edges handled apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import ratio

from alignments.terms.lang import (
    LOWERCASE_INSIDE_TERMS,
    Token,
    is_initial_letter,
    sound_key,
    translit_fold,
)
from alignments.terms.span import (
    CONJUNCTIONS,
    PLAIN_CONTENT,
    SMOOTHING,
    Concept,
    Corpus,
    Span,
    is_post,
)

POST_WORD = 0.5  # how well a post's own word must go with it to render it alone
PENALTY = 0.45  # what a target word must associate above to join a rendering
FUNCTION_COST = 0.05


def render(corpus: Corpus, concept: Concept, lang: str) -> list[tuple[Span, Span]]:
    """For each occurrence of the pivot concept, the span of the aligned row in ``lang``
    that renders it, as (pivot span, target span); none when nothing associates enough.

    Competitive linking: a target word joins a rendering only when it goes better with
    the term's words than with the other words of the pivot row.
    """
    pivot = concept.occurrences[0].lang
    extend = lang in LOWERCASE_INSIDE_TERMS
    by_row: dict[int, list[Span]] = defaultdict(list)
    for span in concept.occurrences:
        by_row[span.row].append(span)
    found: list[tuple[Span, Span]] = []
    # A term in lowercase words is rendered by words that go with the term as a whole too:
    # where a translation varies a word ('guías' / 'recomendaciones clínicas'), that word
    # goes with each of the term's words only half as often as the rest of the rendering.
    term_rows = frozenset(by_row) if concept.plain else frozenset()
    # ... weighed within the sets the term occurs in: a word the other sets use in another
    # sense (the mountain guías of a hiking text beside the guías clínicas of a health
    # one) says nothing of this term.
    term_sets = (corpus.set_rows(by_row) & corpus.present[pivot] if concept.plain
                 else frozenset())
    first = corpus.span_tokens(concept.occurrences[0])[0]
    title = is_post(corpus.variant_id(concept.occurrences[0]), pivot)
    for row, occurrences in sorted(by_row.items()):
        tokens = corpus.tokens[lang][row]
        if not tokens:
            continue
        inside_idx = {k for o in occurrences for k in range(o.i, o.j + 1)}
        pivot_tokens = corpus.tokens[pivot][row]
        inside = _Side([pivot_tokens[k] for k in inside_idx], pivot, concept.stems, term_rows,
                       term_sets)
        outside = _Side([t for k, t in enumerate(pivot_tokens)
                         if k not in inside_idx and t.content], pivot)
        joins = any(pivot_tokens[k].lower in CONJUNCTIONS for k in inside_idx)
        plain = corpus.plain_spans(lang, row, names=True) if concept.plain else []
        # A translation may take a word more ('atención médica de alta tecnología' for
        # «высокотехнологичная медицинская помощь»), where none of its words goes better
        # with another word of the original.
        shorter = set(plain)
        longer = [s for s in (corpus.plain_spans(lang, row, names=True,
                                                 longest=PLAIN_CONTENT + 1)
                              if concept.plain else []) if s not in shorter]
        extra = set(longer)
        # A post («заместитель Министра …») may be rendered with its lowercase word
        # before the office: 'stellvertretende Außenminister', 'viceministro de Asuntos
        # Exteriores'.
        posts = corpus.post_spans(lang, row, extend=extend) if title else []
        spans = [
            s for s in [*corpus.candidate_spans(lang, row, extend=extend),
                        *corpus.lowercase_spans(lang, row), *plain, *longer, *posts]
            if joins or not any(t.lower in CONJUNCTIONS for t in corpus.span_tokens(s))
        ]
        if title:
            # A post's rendering has a word of its own, one that goes best with the post's
            # word ('viceministro', 'Vizeaußenminister' with «заместитель»): 'ministro de
            # Asuntos Exteriores' renders the office, the minister's or a council's.
            deputy = {k for k, t in enumerate(tokens) if t.content and goes_best_with(
                corpus, lang, t, pivot, first.lemma, concept.stems)}
            spans = [s for s in spans if deputy.intersection(range(s.i, s.j + 1))]
            # or that word alone ('vicecanciller')
            spans += [Span(row, lang, k, k) for k in sorted(deputy)
                      if not corpus.is_capital(lang, tokens[k])
                      and Span(row, lang, k, k) not in spans]
        # Only the words a candidate span covers are scored (most of a row's are not).
        covered = {k for s in spans for k in range(s.i, s.j + 1)}
        scores = [_word_score(corpus, lang, t, pivot, inside, outside) if k in covered
                  else 0.0 for k, t in enumerate(tokens)]
        taken: list[Span] = []
        for occurrence in occurrences:
            if _shared(pivot_tokens, occurrence):
                continue
            best: tuple[float, Span] | None = None
            for span in spans:
                if any(s.i <= span.j and span.i <= s.j for s in taken):
                    continue
                words = scores[span.i : span.j + 1]
                if max(words) < (POST_WORD if title else 0.6) or words[0] < 0 or words[-1] < 0:
                    continue
                if min(words) <= RIVAL_COST and span in extra:
                    continue  # the word more must go with the term, none with another
                total = sum(w - PENALTY if w >= 0 else w for w in words)
                if total > 0 and (best is None or total > best[0]):
                    best = (total, span)
            if best is not None:
                span = _whole_name(corpus, best[1], occurrence, spans, taken, scores)
                if not concept.plain:
                    span = _name_to_its_end(corpus, span, taken, scores)
                taken.append(span)
                found.append((occurrence, span))
    return found


def _shared(tokens: Sequence[Token], span: Span) -> bool:
    """Whether the term's head is shared with another organisation after a conjunction
    («Генеральными секретарями ОБСЕ и ОЧЭС»): a translation must then put the head
    where the coordination wants it ('the Secretaries General of the OSCE and BSEC'), a
    word order that is no translator's choice."""
    return (span.j > span.i and tokens[span.j].acronym and span.j + 2 < len(tokens)
            and tokens[span.j + 1].lower in CONJUNCTIONS and tokens[span.j + 2].acronym)


def goes_best_with(corpus: Corpus, lang: str, token: Token, pivot: str, word: str,
                   words: Collection[str]) -> bool:
    """Whether a target word goes with the pivot ``word`` better than with the others."""
    scores = corpus.associations(lang, token.lemma, pivot)
    own = scores.get(word, 0.0)
    return own > 0 and all(scores.get(w, 0.0) < own for w in words if w != word)


def _name_to_its_end(corpus: Corpus, span: Span, taken: Sequence[Span],
                     scores: Sequence[float]) -> Span:
    """``span`` grown rightwards over the capitalised words of the name it stops inside
    ('Cumbre de Asia' of 'Cumbre de Asia Oriental', 'Cumbre de Asia del Este': 'Este' is
    the demonstrative 'este' too, and goes with nothing): function words and a capitalised
    word at a time, no punctuation between, none that goes better with another word of
    the original. Not in German, where every noun is capitalised."""
    tokens = corpus.tokens[span.lang][span.row]
    if span.lang == "de":
        return span
    j = span.j
    while True:
        k = j + 1
        while (k < len(tokens) and tokens[k].function and not tokens[k].brk
               and tokens[k].lower not in CONJUNCTIONS):
            k += 1
        if (k >= len(tokens) or tokens[k].brk or not tokens[k].content
                or not tokens[k].capital or tokens[k].acronym or scores[k] <= RIVAL_COST
                or is_initial_letter(tokens[k])
                or any(t.i <= k and j < t.j for t in taken)):
            break
        j = k
    return span if j == span.j else Span(span.row, span.lang, span.i, j)


def _whole_name(corpus: Corpus, span: Span, occurrence: Span, spans: Sequence[Span],
                taken: Sequence[Span], scores: Sequence[float]) -> Span:
    """``span`` grown leftwards to the whole name it ends, where it renders fewer words of
    a name of the original than the name has: 'Treaty' of «Договор о Шпицбергене» is
    'Svalbard Treaty' (a word rarer than the name's rendering associates too little to be
    taken in):
    one capitalised word more, inside the sentence, with function words between, that goes
    with the term a little (GROWN_NAME) and no better with another word of the row."""
    want = sum(t.content for t in corpus.span_tokens(occurrence))
    have = sum(t.content for t in corpus.span_tokens(span))
    # (not in German, where every noun is capitalised: 'Direktorium der Neuen
    # Entwicklungsbank' is no name of the bank)
    if (span.lang == "de" or not corpus.span_tokens(occurrence)[0].capital
            or want != have + 1):
        return span
    tokens = corpus.tokens[span.lang][span.row]
    grown = [s for s in spans if s.j == span.j and 0 < s.i < span.i
             and not any(t.i <= s.j and s.i <= t.j for t in taken)
             and tokens[s.i].capital and tokens[s.i].content and not tokens[s.i].acronym
             and scores[s.i] >= GROWN_NAME
             and all(t.function for t in tokens[s.i + 1 : span.i])]
    return min(grown, key=lambda s: s.i, default=span)


GROWN_NAME = 0.3  # how well a word taken into a name's rendering goes with the name


class _Side:
    """Pivot words on one side of the term's edge, with their Latin forms for cues.

    ``borrowed`` are the words of the concept's other forms (the expansion of 'СМИД
    ОДКБ'): they count, a little less than words really in the row.
    """

    def __init__(self, tokens: list[Token], lang: str,
                 borrowed: frozenset[str] = frozenset(),
                 rows: frozenset[int] = frozenset(),
                 sets: frozenset[int] = frozenset()) -> None:
        self.rows = rows  # where the term occurs, when a word may go with it as a whole
        self.sets = sets  # the rows of the sets it occurs in that hold the original
        self.stems = {t.lemma for t in tokens if t.content}
        self.borrowed = borrowed - self.stems
        self.cues = {translit_fold(t.lemma) for t in tokens if t.content and len(t.lemma) >= 4}
        self.names = {sound_key(t.lemma, lang) for t in tokens
                      if t.capital and t.content and not t.acronym and len(t.lemma) >= 5}


def _word_score(
    corpus: Corpus, lang: str, token: Token, pivot: str, inside: _Side, outside: _Side
) -> float:
    """A target word's association with the pivot term; negative when it is a function
    word or goes better with a pivot word outside the term."""
    if token.number:
        return -1.0
    if token.function:
        return -FUNCTION_COST
    here = _best(corpus, lang, token, pivot, inside)
    there = _best(corpus, lang, token, pivot, outside)
    if here == there == 1.0 and _likeness(token, outside) > _likeness(token, inside):
        # a word like two of the row ('Sekretariats' beside «секретаря» and
        # «секретариата») goes with the one it is most like
        return RIVAL_COST
    return here if here >= there else RIVAL_COST


def _likeness(token: Token, side: _Side) -> float:
    """How much the word looks like the side's words in Latin letters, at best."""
    folded = translit_fold(token.lemma)
    return max((ratio(folded, c) for c in side.cues), default=0.0)


NAME_LIKENESS = 0.88  # Jaro-Winkler of two languages' sound keys of one name
RIVAL_COST = -0.2  # a word that goes better with another word of the pivot row
BORROWED = 0.9


def _best(corpus: Corpus, lang: str, token: Token, pivot: str, side: _Side) -> float:
    if len(token.lemma) >= 4:
        folded = translit_fold(token.lemma)
        if any(ratio(folded, c) >= 80 for c in side.cues):
            return 1.0
    if token.capital and not token.acronym and len(token.lemma) >= 5 and side.names:
        # A name in two scripts sounds alike from its start on, whatever its ending or
        # suffix (Киргизия, Kirgisistan): the Jaro-Winkler likeness of the sound keys.
        sound = sound_key(token.lemma, lang)
        if any(JaroWinkler.similarity(sound, n) >= NAME_LIKENESS for n in side.names):
            return 1.0
    scores = corpus.associations(lang, token.lemma, pivot)
    own = max((scores.get(p, 0.0) for p in side.stems), default=0.0)
    if side.rows:
        rows = corpus.rows_of[lang].get(token.lemma, set()) & side.sets
        own = max(own, 2 * len(rows & side.rows) / (len(rows) + len(side.rows) + SMOOTHING))
    borrowed = max((scores.get(p, 0.0) for p in side.borrowed), default=0.0)
    return max(own, BORROWED * borrowed)


__all__ = ["PENALTY", "goes_best_with", "render"]
