"""Term discovery over aligned rows: candidates, their renderings, variant flags.

Given the N-way rows of an aligned corpus (a text per language per row) this finds where
one term is written several ways, which termbase checkers (Xbench, memoQ QA, Verifika)
cannot see without a termbase someone already wrote:

- rendering flags: a term of the pivot language (usually ru) whose renderings in another
  language differ from row to row ("CSTO Ministerial Council" / "CSTO Foreign Ministers
  Council" for «Совет министров иностранных дел ОДКБ»). Renderings are found through the
  aligned rows: each target word is scored by its association with the pivot term's words
  (Dice over rows, plus a transliteration cue) and the best-scoring term-like span of the
  target row is taken (sub-sentence alignment);
- acronym flags across languages: two acronyms of one language rendering one acronym of
  the original ('SOZ' and 'SCO' in a German text for «ШОС»); an acronym spelled out where
  the original has the acronym (OTSC / Organisation du traité de sécurité collective for
  «ОДКБ»), and an acronym where the original spells the name out (NDB / New Development
  Bank for «Новый банк развития»);
- monolingual flags: spelling (Organisation / Organization), transliteration (Sergey /
  Sergei), word order and number (Foreign Ministers Council / Council of Foreign
  Ministers), and an acronym used undefined beside its expansion.

The organisation's acronym left out ("Council of Foreign Ministers" for "CSTO Council of
Foreign Ministers") is a variant of the rendering where the original names the
organisation at that place («СМИД ОДКБ») and the translation names none beside it: one of
the body's inconsistent names, as terminologists list them. Where the original leaves the
organisation out too, or the translation names it beside the span, it is an ellipsis and
not reported.

Every flag carries its variants, their counts and every occurrence (set, row, language,
character span in the row text). Pure: no I/O, frozen dataclasses out.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from alignments.terms.lang import (
    Token,
    base_lang,
    dictionary_form,
    headword,
    known_word,
    light_stem,
    name_root,
    spelling_key,
)
from alignments.terms.mono import (
    acronym_flags,
    clipped_flags,
    clipped_term_flags,
    spelling_flags,
    title_case,
    translit_flags,
    word_order_flags,
)
from alignments.terms.phrases import one_word_apart
from alignments.terms.rendering import goes_best_with, render
from alignments.terms.span import (
    Concept,
    Corpus,
    Span,
    abbreviates,
    is_post,
    noun_phrase,
    pivot_concepts,
)

__all__ = ["AlignedRow", "Flag", "Occurrence", "discover", "flag_key"]


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One aligned row: its text in each language (keys are base codes: 'ru', 'en')."""

    set_id: int | str
    row_id: int
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a variant occurs: the span ``[start, end)`` of the row's text in ``lang``."""

    set_id: int | str
    row_id: int
    lang: str
    start: int
    end: int
    text: str
    variant: int  # index into the flag's variants

    def as_json(self) -> dict[str, object]:
        return {
            "set": self.set_id,
            "row": self.row_id,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "variant": self.variant,
        }


@dataclass(frozen=True, slots=True)
class Flag:
    """One term written several ways in one language, with the evidence to check it."""

    kind: str  # rendering | spelling | transliteration | word-order | acronym
    lang: str
    variants: tuple[str, ...]
    counts: tuple[int, ...]
    occurrences: tuple[Occurrence, ...]
    source_lang: str | None = None
    source_term: str | None = None
    reason: str = ""

    @property
    def key(self) -> str:
        """A stable identifier: the same variants of the same term give the same key."""
        return flag_key(self.kind, self.lang, self.variants, self.source_lang)

    @property
    def impact(self) -> int:
        """Occurrences times variants: what a terminologist should settle first."""
        return len(self.occurrences) * len(self.variants)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "key": self.key,
            "kind": self.kind,
            "lang": self.lang,
            "variants": list(self.variants),
            "counts": list(self.counts),
            "impact": self.impact,
            "reason": self.reason,
            "occurrences": [o.as_json() for o in self.occurrences],
        }
        if self.source_lang is not None:
            data["source_lang"] = self.source_lang
            data["source_term"] = self.source_term
        return data


MIN_RENDERINGS = 3  # two renderings seen once each is too little to tell misalignment


def flag_key(kind: str, lang: str, variants: Iterable[str], source_lang: str | None) -> str:
    """The key of a flag from what identifies it (kind, language, variants)."""
    parts = [kind, lang, source_lang or "", *sorted(v.casefold() for v in variants)]
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def discover(
    rows: Sequence[AlignedRow],
    pivot: str | None = None,
    langs: Sequence[str] | None = None,
) -> list[Flag]:
    """The variant flags of the corpus, highest impact first.

    ``pivot`` names the language whose terms are followed into the others (default: ru
    when present, else the first language seen).
    """
    rows = [
        AlignedRow(r.set_id, r.row_id, {base_lang(k): v for k, v in r.texts.items()})
        for r in rows
    ]
    seen = langs or sorted({lang for r in rows for lang in r.texts})
    langs = [base_lang(lang) for lang in seen]
    if not rows or not langs:
        return []
    pivot = base_lang(pivot) if pivot else ("ru" if "ru" in langs else langs[0])
    corpus = Corpus([r.texts for r in rows], langs, [r.set_id for r in rows])
    found: list[tuple[str, str, list[list[Span]], str | None, str | None, str]] = []
    for lang in langs:
        for kind, groups, reason in (
            *spelling_flags(corpus, lang),
            *translit_flags(corpus, lang),
            *word_order_flags(corpus, lang),
            *clipped_flags(corpus, lang),
            *clipped_term_flags(corpus, lang),
            # The original's own: below
            *(acronym_flags(corpus, lang) if lang != pivot else []),
        ):
            if kind == "acronym" and pivot in langs and _mirrors(corpus, groups, pivot):
                continue
            found.append((kind, lang, groups, None, None, reason))
    # The original's abbreviations are its author's usage, which translations follow
    # (ОДКБ / CSTO): its acronym beside its expansion is a variant only where the
    # translations spell the name out at both (ОМС, «обязательное медицинское
    # страхование»: 'compulsory medical insurance' throughout).
    if pivot in langs:
        found += [(kind, pivot, groups, None, None, reason)
                  for kind, groups, reason in acronym_flags(corpus, pivot)
                  if _spelled_out(corpus, groups, [x for x in langs if x != pivot])
                  or _abbreviated(corpus, groups, [x for x in langs if x != pivot], pivot)]
    # Terms of the pivot followed into every other language; the pivot's own renderings
    # checked through the next language of each set (the original can vary a name too).
    directions = [(pivot, lang) for lang in langs if lang != pivot and pivot in langs]
    directions += [(lang, pivot) for lang in _back_languages(rows, langs, pivot)]
    concepts = {source: pivot_concepts(corpus, source) for source, _ in directions}
    # how each language splits a lowercase term's rows among its renderings
    splits: dict[int, dict[str, frozenset[frozenset[int]]]] = defaultdict(dict)
    plain_found: dict[int, list[int]] = defaultdict(list)  # concept -> indexes in found
    for source, lang in directions:
        for concept in concepts[source]:
            pairs = render(corpus, concept, lang)
            if lang == pivot and _single_name(corpus, concept):
                # back into the original: one name for one name (Kyrgyzstan: Киргизия,
                # Кыргызстан)
                pairs = [(a, b) for a, b in pairs if b.i == b.j]
            elif lang == pivot:
                # a term back into the original: Russian noun phrases only (not «что ОБСЕ»)
                pairs = [(a, b) for a, b in pairs
                         if noun_phrase(corpus.span_tokens(b))] if lang == "ru" else []
            else:
                pairs += _acronyms_of_renderings(corpus, concept, pairs, lang)
                named = _named_where_abbreviated_not(corpus, concept, pairs, lang)
                pairs += named
            groups = _rendering_groups(pairs, corpus, lang,
                                       {span for _, span in named} if lang != pivot else set(),
                                       plain=concept.plain)
            if lang != pivot and len(groups) < 2:
                capitals = _capital_groups(pairs, corpus, lang)
                if len(capitals) >= 2:
                    label = _display(corpus, concept.occurrences)
                    found.append(("spelling", lang, capitals, source, label,
                                  f"«{label}» ({source}) is written with and without "
                                  "capitals"))
            if concept.plain:
                groups = _plain_groups(groups, corpus)
                if len(groups) >= 2 and not _shortened(groups, corpus):
                    splits[id(concept)][lang] = frozenset(
                        frozenset(s.row for s in g) for g in groups)
                    plain_found[id(concept)].append(len(found))
            if len(groups) >= 2 and sum(map(len, groups)) >= MIN_RENDERINGS:
                label = _display(corpus, concept.occurrences)
                found.append(("rendering", lang, groups, source, label,
                              f"«{label}» ({source}) is rendered {len(groups)} ways"))
    # Lowercase terms found from the translation's side: phrases one word apart where the
    # original says the same (a pair a flag above shows too is left to the dedupe below),
    # unless the translations part the same rows the same way, three of them or all there
    # are: two senses of the original, as above (two translators varying one term in the
    # same rows is a coincidence that one translator writing two versions makes less rare)
    apart = [(lang, groups, label) for lang in langs
             for groups, label in one_word_apart(corpus, lang, pivot)]
    parted = Counter(frozenset(frozenset(s.row for s in g) for g in groups)
                     for _, groups, _ in apart)
    senses = max(2, min(3, len(langs) - 1))
    for lang, groups, label in apart:
        if parted[frozenset(frozenset(s.row for s in g) for g in groups)] < senses:
            found.append(("rendering", lang, groups, pivot, label,
                          f"«{label}» ({pivot}) is rendered {len(groups)} ways, one word "
                          "apart"))
    for source, lang in directions:
        if lang != pivot:
            for acronym, groups in acronym_renderings(corpus, source, lang):
                found.append(("rendering", lang, groups, source, acronym,
                              f"«{acronym}» ({source}) is rendered {len(groups)} ways"))
    # A lowercase term that two translations split the same way, row for row, has two
    # senses in the original («очередное заседание»: the next meeting, a regular one); a
    # translator's inconsistency is one translation's own.
    dropped = {n for concept, split in splits.items()
               if len(split) > len(set(split.values())) for n in plain_found[concept]}
    flags = [_flag(rows, corpus, *item) for n, item in enumerate(found) if n not in dropped]
    return sorted(_dedupe(flags), key=lambda f: (-f.impact, f.lang, f.variants))


def _back_languages(rows: Sequence[AlignedRow], langs: Sequence[str], pivot: str
                    ) -> list[str]:
    """The languages the original's renderings are checked through: for each set with the
    original and a translation, its first translation (in ``langs`` order). Chosen set by
    set, so that a set in other languages (ar, en, ja beside a ru, de, en corpus) adds its
    own and takes nothing away: the first language of the whole corpus would move to
    Arabic, and the German sets' «Киргизия» / «Кыргызстан» go unflagged."""
    have: dict[int | str, set[str]] = defaultdict(set)
    for row in rows:
        have[row.set_id].update(row.texts)
    found: list[str] = []
    for present in have.values():
        if pivot in present:
            first = next((lang for lang in langs if lang != pivot and lang in present), None)
            if first is not None and first not in found:
                found.append(first)
    return sorted(found, key=list(langs).index)


ACRONYM_SHARE = 0.8  # of a target acronym's rows that hold the source acronym it renders


def acronym_renderings(
    corpus: Corpus, pivot: str, lang: str
) -> list[tuple[str, list[list[Span]]]]:
    """Acronyms of one language that render one same acronym of the original: 'SOZ' and
    'SCO' in a German text for «ШОС». Each target acronym goes with the original's acronym
    it is likeliest to render (Dice over rows, competitive linking) when nearly all its
    rows hold that acronym; two or more going with one acronym, and rarely in one row
    together, are one organisation named two ways. Gives (source acronym, groups)."""
    spans: dict[str, list[Span]] = defaultdict(list)
    alone: Counter[str] = Counter()  # uses as a name, not hyphened to a word (US-Truppen)
    for row, tokens in enumerate(corpus.tokens[lang]):
        text = corpus.texts[row].get(lang, "")
        for n, token in enumerate(tokens):
            if token.acronym and len(token.text) >= 2:
                spans[token.text].append(Span(row, lang, n, n))
                alone[token.text] += text[token.end : token.end + 1] != "-"
    sources = {t.lemma: t.text for tokens in corpus.tokens[pivot] for t in tokens if t.acronym}
    linked: dict[str, list[str]] = defaultdict(list)
    for acronym, uses in spans.items():
        rows = {s.row for s in uses}
        if len(rows) < 2 or alone[acronym] < 1 or acronym.lower() in sources:
            continue  # an acronym both texts write alike (ASEAN) renders itself
        best = max(sources, default=None,
                   key=lambda p: (corpus.association(lang, acronym.lower(), pivot, p), p))
        if best is None:
            continue
        share = len(rows & corpus.rows_of[pivot][best]) / len(rows)
        if share >= ACRONYM_SHARE:
            linked[best].append(acronym)
    found = []
    for source, acronyms in sorted(linked.items()):
        at = {a: {s.row for s in spans[a]} for a in acronyms}
        # Two acronyms often side by side name two things; two of different lengths
        # abbreviate different names (the SCO and its RATS), unless one extends the other
        # (UN, UNO) or leaves out a letter of it (EEU, EAEU).
        apart = [a for a in acronyms
                 if not any(b != a and 2 * len(at[a] & at[b]) > min(len(at[a]), len(at[b]))
                            for b in acronyms)]
        top = max(apart, key=lambda a: (len(spans[a]), a), default="")
        alike = [a for a in apart if len(a) == len(top) or _extends(a, top)]
        if len(alike) >= 2:
            found.append((sources[source], [spans[a] for a in alike]))
    return found


def _extends(a: str, b: str) -> bool:
    """Whether one acronym is the other with letters added: UN, UNO; EEU, EAEU (same first
    letter, the shorter one's letters in order in the longer); CEMN, OCEMN (one letter
    more, anywhere: the 'Organisation' of the name left out)."""
    short, long = sorted((a, b), key=len)
    if short[:1] != long[:1] and len(long) - len(short) != 1:
        return False
    letters = iter(long)
    return all(c in letters for c in short)


def _acronyms_of_renderings(corpus: Corpus, concept: Concept,
                            pairs: list[tuple[Span, Span]], lang: str
                            ) -> list[tuple[Span, Span]]:
    """Occurrences of the pivot term that nothing rendered, where the row has the acronym
    of a rendering found elsewhere ('NDB' where «Новый банк развития» is 'New Development
    Bank' in other rows): an acronym goes with few rows, too few to associate, but its
    letters say what it stands for."""
    rendered = {occurrence for occurrence, _ in pairs}
    expansions = {tuple(t.text for t in corpus.span_tokens(span)) for _, span in pairs}
    acronyms = _written_acronyms(corpus, pairs)
    expansions = {words for words in expansions if sum(w[:1].isupper() for w in words) >= 2}
    found: list[tuple[Span, Span]] = []
    # ... and the other way: the name spelled out where a rendering found elsewhere is its
    # acronym («СНГ»: 'CEI' in most rows, 'Communauté des États indépendants' in two)
    for occurrence in concept.occurrences if acronyms else []:
        if occurrence in rendered:
            continue
        spans = corpus.candidate_spans(lang, occurrence.row, extend=True)
        spelled = [s for s in spans if s.j > s.i and any(
            abbreviates([a], [t.text for t in corpus.span_tokens(s)], lang) for a in acronyms)]
        if spelled:
            found.append((occurrence, max(spelled, key=lambda s: (s.j - s.i, -s.i))))
    if not expansions:
        return found
    for occurrence in concept.occurrences:
        if occurrence in rendered:
            continue
        for n, token in enumerate(corpus.tokens[lang][occurrence.row]):
            if token.acronym and len(token.text) >= 2 and any(
                    abbreviates([token.text], list(words), lang) for words in expansions):
                found.append((occurrence, Span(occurrence.row, lang, n, n)))
                break
    return found


def _written_acronyms(corpus: Corpus, pairs: list[tuple[Span, Span]]) -> set[str]:
    """The renderings among ``pairs`` that are one acronym, as written."""
    return {corpus.surface(span) for _, span in pairs
            if span.i == span.j and corpus.span_tokens(span)[0].acronym}


def _named_where_abbreviated_not(corpus: Corpus, concept: Concept,
                                 pairs: list[tuple[Span, Span]], lang: str
                                 ) -> list[tuple[Span, Span]]:
    """Occurrences of the original's acronym that nothing rendered, where a translation that
    writes an acronym for it elsewhere names it in words not made of that acronym's letters
    ('Foro de Cooperación Económica Asia-Pacífico' beside APEC for «АТЭС»: the acronym is
    another language's): a name of two capitalised words or more, in two such rows at
    least and half of them, and hardly anywhere else (one row more at most); every content
    word capitalised."""
    written = _written_acronyms(corpus, pairs)
    if not written or concept.occurrences[0].i != concept.occurrences[0].j:
        return []
    if any(span.j > span.i and any(abbreviates([a], [t.text for t in corpus.span_tokens(span)],
                                               lang) for a in written) for _, span in pairs):
        return []  # it is spelled out by its letters somewhere: that rule's, above
    rendered = {occurrence for occurrence, _ in pairs}
    # a row whose translation has the acronym as often as the original has the term
    # renders it there, whatever the association said
    here = Counter(o.row for o in concept.occurrences)
    rest = [o for o in concept.occurrences if o not in rendered and sum(
        t.text in written for t in corpus.tokens[lang][o.row]) < here[o.row]]
    rest_rows = {o.row for o in rest}
    if len(rest_rows) < 2:
        return []
    names: dict[tuple[str, ...], dict[int, Span]] = defaultdict(dict)
    for row in sorted(rest_rows):
        for span in corpus.candidate_spans(lang, row, extend=True):
            tokens = corpus.span_tokens(span)
            if (sum(t.content for t in tokens) >= 2 and not any(t.acronym for t in tokens)
                    and all(t.capital for t in tokens if t.content)):
                names[tuple(t.lemma for t in tokens)].setdefault(row, span)
    best: tuple[int, int, tuple[str, ...]] | None = None
    for key, at in names.items():
        words = [w for w, t in zip(key, corpus.span_tokens(next(iter(at.values()))),
                                   strict=True) if t.content]
        everywhere = set.intersection(*(corpus.rows_of[lang].get(w, set()) for w in words))
        if (len(at) >= 2 and 2 * len(at) >= len(rest_rows)
                and len(everywhere) <= len(at) + 1
                and (best is None or (len(at), len(key)) > best[:2])):
            best = (len(at), len(key), key)
    if best is None:
        return []
    at = names[best[2]]
    return [(o, at[o.row]) for o in rest if o.row in at]


def _mirrors(corpus: Corpus, groups: list[list[Span]], pivot: str) -> bool:
    """Whether the original alternates acronym and expansion in the same rows (КНР /
    Китайская Народная Республика, so PRC / People's Republic of China follows it).

    It does when an acronym of the original stands in every row of the short form and in
    no more than half the rows of the expansion: where the original has its acronym, a
    translation spelling it out is the translator's own choice (OTSC / Organisation du
    traité de sécurité collective for «ОДКБ» throughout)."""
    short_rows = {s.row for s in groups[0]}
    long_rows = {s.row for s in groups[1]}
    for row in short_rows:
        pivot_tokens = corpus.tokens[pivot][row]
        acronyms = {t.text for t in pivot_tokens if t.acronym}
        for acronym in acronyms:
            rows = corpus.rows_of[pivot].get(acronym.lower(), set())
            if short_rows <= rows and 2 * len(long_rows & rows) <= len(long_rows):
                return True
    return False


def _spelled_out(corpus: Corpus, groups: list[list[Span]], langs: Sequence[str]) -> bool:
    """Whether the translations write the original's acronym (``groups[0]``) as they write
    its expansion (``groups[1]``), most of those that tell. A translation tells where the
    content words every row of the expansion has in it are as many as the expansion's
    (a word for each: 'compulsory medical insurance'; a compound, Pflichtkranken-
    versicherung, does not tell); it spells the acronym out where they stand in every row
    of the acronym too. A translation that abbreviates as the original does (CSTO for
    «ОДКБ») does not."""
    expansion = sum(t.content for t in corpus.span_tokens(groups[1][0]))
    votes = []
    for lang, shorts, longs in _rows_in(corpus, groups, langs):
        words = set.intersection(*({t.lemma for t in corpus.tokens[lang][r] if t.content}
                                   for r in longs))
        if len(words) >= max(2, expansion):
            votes.append(all(words <= {t.lemma for t in corpus.tokens[lang][r]}
                             for r in shorts))
    return 2 * sum(votes) > len(votes)


def _rows_in(corpus: Corpus, groups: list[list[Span]], langs: Sequence[str]
             ) -> Iterator[tuple[str, list[int], list[int]]]:
    """Each translation with the rows of the acronym (``groups[0]``) and of the expansion
    (``groups[1]``) it has, where it has some of both."""
    short_rows = {s.row for s in groups[0]}
    long_rows = {s.row for s in groups[1]}
    for lang in langs:
        longs = [r for r in long_rows if r in corpus.present[lang]]
        shorts = [r for r in short_rows if r in corpus.present[lang]]
        if longs and shorts:
            yield lang, shorts, longs


def _acronyms(corpus: Corpus, lang: str, row: int) -> int:
    return len({t.text.lower() for t in corpus.tokens[lang][row] if t.acronym})


def _abbreviated(corpus: Corpus, groups: list[list[Span]], langs: Sequence[str],
                 pivot: str) -> bool:
    """Whether the translations abbreviate the original's expansion (``groups[1]``) as
    they do its acronym (``groups[0]``), most of those present: an acronym of theirs in
    every row of the acronym and in most rows of the expansion (IAEA throughout, where the
    original writes «МАГАТЭ» and spells it out)."""
    votes = []
    for lang, shorts, longs in _rows_in(corpus, groups, langs):
        # rows of the expansion where the translation has an acronym more than the
        # original (CSTO in 'CSTO Council of Foreign Ministers' renders «ОДКБ» there)
        more = {r for r in longs if _acronyms(corpus, lang, r) > _acronyms(corpus, pivot, r)}
        votes.append(any(
            set(shorts) <= (rows := corpus.rows_of[lang].get(acronym, set()))
            and 2 * len(rows & more) > len(longs)
            for acronym in {t.text.lower() for r in shorts for t in corpus.tokens[lang][r]
                            if t.acronym}))
    return bool(votes) and 2 * sum(votes) > len(votes)


def _single_name(corpus: Corpus, concept: Concept) -> bool:
    return all(
        m.i == m.j and not corpus.span_tokens(m)[0].acronym for m in concept.members
    )


def _rendering_groups(
    pairs: list[tuple[Span, Span]], corpus: Corpus, lang: str, named: Collection[Span] = (),
    *, plain: bool = False,
) -> list[list[Span]]:
    """The renderings grouped by variant; unrelated renderings (misalignments) dropped.
    ``named``: renderings that name the acronym rendered elsewhere in words of their own
    (:func:`_named_where_abbreviated_not`), related to it whatever their letters."""
    pairs = _completed(pairs, corpus, lang)
    by_variant: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    # Whether the original names the organisation (its acronym) wherever this variant
    # renders it: a translation leaving the acronym out there is the translator's own.
    qualified: dict[tuple[str, ...], bool] = defaultdict(lambda: True)
    # Whether the original spells the name out wherever this variant renders it, and
    # whether it abbreviates it wherever this variant renders it.
    spelled_out: dict[tuple[str, ...], bool] = defaultdict(lambda: True)
    shortened: dict[tuple[str, ...], bool] = defaultdict(lambda: True)
    # Spellings of one rendering (Anti-Terror-Struktur, Antiterrorstruktur) are one
    # variant here: the spelling detector reports them, once.
    spelled: dict[str, tuple[str, ...]] = {}
    # Whether the original cuts a post short wherever this variant renders it
    # («заместитель Министра» after «заместитель Министра иностранных дел»).
    sources = {corpus.variant_id(source) for source, _ in pairs}
    post_cut: dict[tuple[str, ...], bool] = defaultdict(lambda: True)
    for source, span in pairs:
        key = _one_word_name(corpus.variant_id(span), lang)
        key = spelled.setdefault(
            "".join(spelling_key(_ending_off(w, corpus, lang)) for w in key), key)
        by_variant[key].append(span)
        abbreviated = any(t.acronym for t in corpus.span_tokens(source))
        qualified[key] &= abbreviated and not _acronym_beside(corpus, span)
        spelled_out[key] &= not abbreviated
        shortened[key] &= abbreviated
        said = corpus.variant_id(source)
        post_cut[key] &= is_post(said, source.lang) and any(
            len(w) > len(said) and w[:len(said)] == said for w in sources)
    if lang == "de":
        _drop_compounds(by_variant, heads=not plain)
    ids = list(by_variant)
    words = {v: [t.text for t in corpus.span_tokens(by_variant[v][0])] for v in ids}
    # Acronym beside expansion is not a rendering conflict where the pivot has both too;
    # where the original spells the name out every time the translation abbreviates it
    # ('NDB' for «Новый банк развития»), the acronym is the translator's own variant.
    # So is the name spelled out where the original abbreviates it every time ('Communauté
    # des États indépendants' for «СНГ», 'CEI' elsewhere).
    ids = [
        v for v in ids
        if spelled_out[v] or not any(w != v and abbreviates(words[v], words[w], lang)
                                     and not shortened[w] for w in ids)
    ]
    # A shorter rendering inside a longer one ('Hong' in 'Hong Kong', 'Republic of
    # Tajikistan') is an ellipsis, unless the pivot term names its organisation and only
    # that acronym is missing ('Council of Foreign Ministers' for «СМИД ОДКБ»).
    ids = [
        v for v in ids
        if not any(w != v and _elides(v, w, by_variant, corpus, qualified[v]) for w in ids)
    ]
    # ... and a translation that cuts it short there too, in fewer of the same words
    # ('Deputy Minister' beside 'Deputy Foreign Minister'), follows the original.
    ids = [
        v for v in ids
        if not (post_cut[v] and any(w != v and _fewer_words(corpus, by_variant[v][0],
                                                           by_variant[w][0]) for w in ids))
    ]
    if len(ids) < 2:
        return []
    kin = _posts(pairs, by_variant, ids, corpus)
    component = corpus.largest_related(ids, by_variant, named, kin)
    return [by_variant[v] for v in component] if len(component) >= 2 else []


def _posts(pairs: list[tuple[Span, Span]], by_variant: Mapping[tuple[str, ...], list[Span]],
           ids: list[tuple[str, ...]], corpus: Corpus) -> set[tuple[str, ...]]:
    """The renderings of a post that each have a word of the post's own, which go
    together whatever their other words: 'viceministro de Asuntos Exteriores' and
    'vicecanciller' for «заместитель Министра иностранных дел»."""
    sources = [source for source, _ in pairs]
    if not sources or not is_post(corpus.variant_id(sources[0]), sources[0].lang):
        return set()
    pivot, word = sources[0].lang, corpus.variant_id(sources[0])[0]
    stems = {t.lemma for s in sources for t in corpus.span_tokens(s) if t.content}
    return {v for v in ids if all(any(
        t.content and goes_best_with(corpus, s.lang, t, pivot, word, stems)
        for t in corpus.span_tokens(s)) for s in by_variant[v])}


def _fewer_words(corpus: Corpus, short: Span, long: Span) -> bool:
    """Whether ``short`` says fewer of ``long``'s words: 'Deputy Minister' of 'Deputy
    Foreign Minister', 'stellvertretende Minister' of 'stellvertretende Außenminister' (a
    German compound's head counts as its word)."""
    words = corpus.content_words(short)
    more = corpus.content_words(long)
    return words != more and words <= more | corpus.heads(long)


def _drop_compounds(by_variant: dict[tuple[str, ...], list[Span]], *, heads: bool) -> None:
    """A German one-word rendering that is another one-word rendering with a head after it
    ('Wostoksee' beside 'Wostok' for «Восток», 'Puschkin-Institut' beside 'Puschkin') names
    the head, which the original says in a word of its own («озеро Восток»): it renders a
    longer term, not this one another way, and is left out. With ``heads`` (a name's
    renderings), so is one that is another's head alone ('Außenminister' beside
    'Vizeaußenminister'): the compound cut short, as a shorter rendering inside a longer
    one is (:func:`_elides`). A lowercase term's head alone may render its phrase
    ('Bescheinigung' for «свидетельство на возвращение», beside 'Rückkehrbescheinigung')."""
    ones = [v for v in by_variant if len(v) == 1]
    for v in ones:
        if any(w != v and v[0].startswith(w[0]) and len(v[0][len(w[0]):].lstrip("-")) >= 3
               for w in ones) or heads and any(
                w != v and w[0].endswith(v[0]) and len(w[0][:-len(v[0])].rstrip("-")) >= 3
                for w in ones):
            del by_variant[v]


def _capital_groups(pairs: list[tuple[Span, Span]], corpus: Corpus, lang: str
                    ) -> list[list[Span]]:
    """One rendering of a term, word for word the same, written with a capital in some rows
    and without in others: 'Forum des îles du Pacifique' / 'Forum des Îles du Pacifique',
    'Proyecto Nacional' / 'proyecto nacional' for «национальный проект». The aligned
    original says it is one term, so a capital is a house-style choice made two ways.
    A sentence's first word and rows in title case (headings) say nothing of it; each
    way must be written twice. German capitalises every noun: not there."""
    if lang == "de":
        return []
    by_way: dict[tuple[tuple[str, ...], tuple[bool, ...]], dict[Span, None]] = defaultdict(dict)
    for _, span in pairs:
        tokens = corpus.span_tokens(span)
        if any(t.initial for t in tokens) or title_case(corpus.tokens[lang][span.row]):
            continue
        way = tuple(t.capital for t in tokens if t.content and not t.acronym)
        by_way[(corpus.variant_id(span), way)][span] = None
    words = Counter(key for key, _ in by_way)
    groups = [list(spans) for (key, _), spans in by_way.items()
              if words[key] >= 2 and len(spans) >= 2]
    return groups if len({corpus.variant_id(g[0]) for g in groups}) == 1 else []


def _completed(pairs: list[tuple[Span, Span]], corpus: Corpus, lang: str
               ) -> list[tuple[Span, Span]]:
    """Renderings cut short at an edge, completed after a longer rendering of the same term:
    'Rechtsstatus des Kaspischen Meeres' where the row says 'Übereinkommen über den
    Rechtsstatus …' and another row 'Konvention über den Rechtsstatus …' (the rare word of
    a varied rendering goes with the term too seldom to be taken). The longer rendering's
    words beyond the shorter one are matched in the row word by word: its function words as
    they are, one content word by another (the varied word), nothing across punctuation."""
    longer = {tuple(t.lemma for t in corpus.span_tokens(b)): corpus.span_tokens(b)
              for _, b in pairs}
    out = []
    for a, b in pairs:
        tokens = corpus.tokens[lang][b.row]
        words = tuple(t.lemma for t in corpus.span_tokens(b))
        best = b
        # what the renderings share must be a term's words of its own, not a name or an
        # organisation's acronym that any title goes with ('Mitgliedstaat der OVKS')
        if sum(t.content and not t.acronym for t in corpus.span_tokens(b)) < 2:
            out.append((a, b))
            continue
        for other, model in longer.items():
            k = len(other) - len(words)
            if k <= 0 or k > 3:
                continue
            if (other[k:] == words and b.i >= k and not tokens[b.i].brk
                    and _same_shape(tokens[b.i - k : b.i], model[:k], corpus, lang)):
                span = Span(b.row, lang, b.i - k, b.j)
                best = span if span.j - span.i > best.j - best.i else best
            if (other[:len(words)] == words and b.j + k < len(tokens)
                    and _same_shape(tokens[b.j + 1 : b.j + 1 + k], model[len(words):],
                                    corpus, lang)):
                span = Span(b.row, lang, b.i, b.j + k)
                best = span if span.j - span.i > best.j - best.i else best
        out.append((a, best))
    return out


def _same_shape(found: Sequence[Token], model: Sequence[Token], corpus: Corpus, lang: str
                ) -> bool:
    """Whether words stand where a model rendering has its words: the same function words,
    one content word in place of another at most, no punctuation between them."""
    varied = 0
    for n, (t, m) in enumerate(zip(found, model, strict=True)):
        if (n and t.brk) or t.number or t.function != m.function:
            return False
        if t.lemma != m.lemma:
            if (t.function or t.acronym or m.acronym
                    or corpus.is_capital(lang, t) != corpus.is_capital(lang, m)):
                return False  # an acronym names another body: 'de l'ONU', 'de l'OTSC'
            varied += 1
    return varied <= 1


def _word_keys(tokens: Sequence[Token], lang: str) -> tuple[str, ...]:
    """A lowercase rendering's content words as it is told apart from another by: their
    light stems' first five letters ('declaración', 'declaraciones': one word)."""
    return tuple(light_stem(t.text, lang)[:5] for t in tokens if t.content)


def _plain_groups(groups: list[list[Span]], corpus: Corpus) -> list[list[Span]]:
    """The renderings of a term in lowercase words, regrouped by their content words' stems
    in order (declaración conjunta, declaraciones conjuntas: one; consentimiento informado
    voluntario, consentimiento voluntario informado: two), each used twice at least, none
    whose words another's hold (coopération au sein, coopération économique au sein: a
    span cut short, not a rendering)."""
    by_words: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    for group in groups:
        for span in group:
            by_words[_word_keys(corpus.span_tokens(span), span.lang)].append(span)
    kept = {w: spans for w, spans in by_words.items() if len(spans) >= 2}
    kept = {w: spans for w, spans in kept.items()
            if not any(set(w) < set(other) and _cut_short(spans, other, corpus)
                       for other in kept)}
    return list(kept.values()) if len(kept) >= 2 else []


def _shortened(groups: list[list[Span]], corpus: Corpus) -> bool:
    """Whether one rendering is another with a word left out ('intangible heritage',
    'intangible cultural heritage'): an ellipsis says nothing of two senses of the
    original, however many translations make it in the same rows."""
    words = [set(_word_keys(corpus.span_tokens(g[0]), g[0].lang)) for g in groups]
    return any(a < b for a in words for b in words)


def _cut_short(spans: list[Span], longer: tuple[str, ...], corpus: Corpus) -> bool:
    """Whether renderings whose words a longer one's hold were cut short from it: most of
    their rows have the longer one's words too ('coopération économique au sein' where
    'coopération au sein' was taken). Where their rows lack the word the longer one adds
    ('Caspian states' beside 'Caspian littoral states'), they are a rendering of their own."""
    cut = 0
    for span in spans:
        cut += set(longer) <= set(_word_keys(corpus.tokens[span.lang][span.row], span.lang))
    return 2 * cut >= len(spans)


def _acronym_beside(corpus: Corpus, span: Span) -> bool:
    """Whether an acronym stands right beside the span, over function words ('Rates der
    Staatsoberhäupter der SCO' rendered only up to 'Staatsoberhäupter'): the organisation
    is named there, if by another acronym."""
    tokens = corpus.tokens[span.lang][span.row]
    k = span.j + 1
    while k < len(tokens) and tokens[k].function and not tokens[k].brk:
        k += 1
    after = k < len(tokens) and tokens[k].acronym and not tokens[k].brk
    before = span.i > 0 and tokens[span.i - 1].acronym and not tokens[span.i].brk
    return bool(after or before)


def _ending_off(word: str, corpus: Corpus, lang: str) -> str:
    """A German word without the genitive -s or -es the dictionary left on it (Russlands:
    Russland), or the feminine -in of a title (Ministerin: Minister, one office held by a
    woman), where the text has the word without it."""
    if lang == "de" and len(word) >= 5:
        for ending in ("s", "es", "in"):
            if word.endswith(ending) and word[: -len(ending)] in corpus.rows_of[lang]:
                return word[: -len(ending)]
    return word


def _one_word_name(key: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """A one-word rendering by its root, so that a place and its adjective (в Нюрнберге,
    Нюрнбергского процесса) are one way of rendering the name, not two."""
    return (name_root(key[0], lang),) if len(key) == 1 else key


def _elides(
    short: tuple[str, ...], long: tuple[str, ...],
    spans: Mapping[tuple[str, ...], list[Span]], corpus: Corpus, qualified: bool,
) -> bool:
    n = len(short)
    lang = spans[short][0].lang
    for k in range(len(long) - n + 1):
        # an English one-word rendering goes by its root ('Russian' for «Российская
        # Федерация», beside 'Russian Federation': the Russian Embassy); a Russian one
        # by its root would be read inside longer renderings it is no ellipsis of
        # ('МАГАТЭ' inside 'Совет управляющих МАГАТЭ': gulf's «СУ МАГАТЭ» flag lost)
        if long[k : k + n] == short or (lang == "en" and n == 1 < len(long)
                                         and name_root(long[k], lang) == short[0]):
            extra = corpus.span_tokens(spans[long][0])
            extra = extra[:k] + extra[k + n :]
            if qualified and all(t.acronym for t in extra if t.content):
                return False  # 'Council of Foreign Ministers' for «СМИД ОДКБ»: a variant
            return any(t.content for t in extra)
    # A person's name with its middle left out ('Khalid Al-Mansuri', 'Jalid Al Mansuri' for
    # 'Khalid bin Rashid Al-Mansuri'): the full name's first and last words, which no
    # dictionary knows.
    span = spans[short][0]
    named = [t for t in corpus.span_tokens(span) if t.content]
    if not named or any(known_word(t.text, span.lang) or not t.capital for t in named):
        return False
    return any(long[:k] == short[:k] and long[len(long) - n + k:] == short[k:]
               for k in range(1, n) if len(long) > n)


def _flag(
    rows: Sequence[AlignedRow],
    corpus: Corpus,
    kind: str,
    lang: str,
    groups: list[list[Span]],
    source_lang: str | None,
    source_term: str | None,
    reason: str,
) -> Flag:
    groups = sorted(groups, key=lambda g: (-len(g), corpus.surface(g[0])))
    variants = tuple(_display(corpus, g) for g in groups)
    occurrences = []
    for n, group in enumerate(groups):
        for span in sorted(group):
            start, end = corpus.chars(span)
            row = rows[span.row]
            text = row.texts[lang][start:end]
            occurrences.append(Occurrence(row.set_id, row.row_id, lang, start, end, text, n))
    return Flag(kind, lang, variants, tuple(len(g) for g in groups), tuple(occurrences),
                source_lang, source_term, reason)


def _display(corpus: Corpus, group: list[Span]) -> str:
    """The form a variant is shown in: its dictionary form (the nominative 'Rat der
    Außenminister der SOZ', «Совет министров иностранных дел ШОС») where the corpus writes
    it so anywhere or Russian morphology can make it, else its most frequent surface."""
    keys = Counter(corpus.variant_id(s) for s in group)
    key = max(keys, key=lambda k: (keys[k], k))  # a concept's most used form ('СМИД ОДКБ' aside)
    group = [s for s in group if corpus.variant_id(s) == key]
    span = group[0]
    lang = span.lang
    # Among the occurrences in dictionary form, else among the corpus's, else as
    # morphology makes it from the most frequent surface.
    surfaces = Counter(corpus.surface(s) for s in group
                       if headword(corpus.span_tokens(s), lang))
    if not surfaces:
        surfaces = Counter(corpus.dictionary_surfaces(lang).get(key, {}))
    if not surfaces:
        seen = Counter(corpus.surface(s) for s in group)
        written = max(seen, key=lambda s: (seen[s], not s[:1].islower(), s))
        made = dictionary_form(written, lang)
        # A one-word name morphology does not know is shown as the text writes it, unless
        # the text has the form morphology made somewhere (Тромсе, not a guessed «Тромс»).
        if (made != written and span.i == span.j and not known_word(written, lang)
                and made.lower() not in corpus.written(lang)):
            return written
        return made
    return max(surfaces, key=lambda s: (surfaces[s], not s[:1].islower(), s))


def _dedupe(flags: list[Flag]) -> list[Flag]:
    """Drop a flag whose every occurrence is already shown by a stronger flag."""
    kept: list[Flag] = []
    for flag in sorted(flags, key=lambda f: (-len(f.occurrences), -len(f.variants))):
        spans = {(o.set_id, o.row_id, o.start) for o in flag.occurrences}
        covered = False
        for other in kept:
            if other.lang != flag.lang:
                continue
            other_spans = [(o.set_id, o.row_id, o.start, o.end) for o in other.occurrences]
            if all(
                any(s == r and a <= start < b for r_s, r, a, b in other_spans if r_s == s_s)
                for s_s, s, start in spans
            ) and len(other.variants) >= len(flag.variants):
                covered = True
                break
        if not covered:
            kept.append(flag)
    return kept
