"""The corpus seen as tokens, term-like spans in it, the pivot language's terms grouped
into concepts, and how strongly a word of one language goes with a word of another
(association over rows). How a translation renders a term: :mod:`alignments.terms.rendering`."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from alignments.terms.lang import (
    LOWERCASE_INSIDE_TERMS,
    Token,
    german_heads,
    headword,
    is_acronym,
    is_initial_letter,
    russian_oblique_noun,
    russian_part_of_speech,
    stem,
    strip_accents,
    tokenize,
    translit_key,
)

MAX_CONTENT = 6  # content words a term may have
# lowercase words that make a post of the office after them (see Corpus.title_spans)
TITLE_WORDS = {"ru": frozenset({"заместитель", "замминистра", "статс-секретарь"})}
PLAIN_CONTENT = 3  # content words a term in lowercase words only may have
PLAIN_MIN = 3  # its occurrences, at least
SMOOTHING = 1.0
CONJUNCTIONS = frozenset({"and", "und", "et", "y", "и"})


Key = tuple[str, ...]  # what makes spans the same variant (see Corpus.variant_id)


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """Tokens ``i..j`` (inclusive) of row ``row`` in ``lang``."""

    row: int
    lang: str
    i: int
    j: int


@dataclass
class Concept:
    """A pivot term: the keys it is written with (inflections, acronym) and where it is."""

    members: list[Span]  # one representative span per key, most frequent first
    occurrences: list[Span]
    stems: frozenset[str]
    plain: bool = False  # a term in lowercase words only


class Corpus:
    """Tokens per language and row, with the row sets each stem occurs in.

    ``sets`` names the document set of each row (by default one set for all): what a
    term's evidence may be weighed within, so that a set of another subject added to the
    corpus does not dilute it."""

    def __init__(self, texts: Sequence[Mapping[str, str]], langs: Sequence[str],
                 sets: Sequence[Hashable] | None = None) -> None:
        self.texts = texts
        self.langs = list(langs)
        self.sets = list(sets) if sets is not None else [0] * len(texts)
        self._rows_of_set: dict[Hashable, set[int]] = defaultdict(set)
        for row, name in enumerate(self.sets):
            self._rows_of_set[name].add(row)
        self._set_rows: dict[frozenset[Hashable], frozenset[int]] = {}
        self.tokens: dict[str, list[list[Token]]] = {
            lang: [tokenize(t.get(lang, ""), lang) for t in texts] for lang in langs
        }
        self.lower_words: dict[str, set[str]] = {}
        self.lower_stems: dict[str, set[str]] = {}
        self.name_words: dict[str, set[str]] = {}
        self.rows_of: dict[str, dict[str, set[int]]] = {}
        # the rows with a text in each language: where two languages can be compared
        self.present: dict[str, set[int]] = {
            lang: {n for n, t in enumerate(texts) if t.get(lang)} for lang in langs}
        self._dice: dict[tuple[str, str, str, str], float] = {}
        self._associations: dict[tuple[str, str, str], dict[str, float]] = {}
        self._dictionary: dict[str, dict[Key, Counter[str]]] = {}
        self._sorted_lemmas: dict[str, list[str]] = {}
        self._written: dict[str, set[str]] = {}
        self._parts: dict[tuple[str, str], list[str]] = {}
        self._part_rows: dict[str, set[int]] | None = None  # German: rows of a compound's parts
        for lang in langs:
            lower: set[str] = set()
            names: set[str] = set()
            rows_of: dict[str, set[int]] = defaultdict(set)
            for n, tokens in enumerate(self.tokens[lang]):
                for token in tokens:
                    rows_of[token.lemma].add(n)
                    if not token.capital:
                        lower.add(token.lower)
                    elif not token.initial:
                        names.add(token.lemma)
            self.lower_words[lang] = lower
            self.lower_stems[lang] = {stem(w, lang) for w in lower}
            self.name_words[lang] = names
            self.rows_of[lang] = rows_of

    def set_rows(self, rows: Iterable[int]) -> frozenset[int]:
        """Every row of the sets these rows are in."""
        names = frozenset(self.sets[row] for row in rows)
        if names not in self._set_rows:
            self._set_rows[names] = frozenset().union(*(self._rows_of_set[n] for n in names))
        return self._set_rows[names]

    def written(self, lang: str) -> set[str]:
        """Every word the text in ``lang`` writes, in lower case."""
        words = self._written.get(lang)
        if words is None:
            words = self._written[lang] = {t.lower for ts in self.tokens[lang] for t in ts}
        return words

    # -- words ------------------------------------------------------------------------
    def is_capital(self, lang: str, token: Token) -> bool:
        """Capitalised as a name is: not merely as the first word of a sentence."""
        if token.acronym:
            return True
        if not token.capital or not token.content:
            return False
        if not token.initial:
            return True
        # A sentence's first word counts when the text capitalises it elsewhere too.
        return token.lemma in self.name_words[lang] and token.lower not in self.lower_words[lang]

    def span_tokens(self, span: Span) -> list[Token]:
        return self.tokens[span.lang][span.row][span.i : span.j + 1]

    def chars(self, span: Span) -> tuple[int, int]:
        tokens = self.tokens[span.lang][span.row]
        return tokens[span.i].start, tokens[span.j].end

    def surface(self, span: Span) -> str:
        start, end = self.chars(span)
        return self.texts[span.row][span.lang][start:end]

    def variant_id(self, span: Span) -> tuple[str, ...]:
        """What makes two spans the same variant: their words' dictionary forms, so that
        case and number never tell variants apart (spelling does: Organisation, Organization)."""
        return tuple(t.lemma for t in self.span_tokens(span))

    def parts(self, lang: str, word: str) -> list[str]:
        """A compound's known parts: 'außenministerrat' -> 'außenminist', 'rat'; the first
        one also where the corpus has it only with an ending ('arktisrat' -> 'arktisch',
        'rat': the text says 'Arktische Rat' and 'Arktisrat', never 'Arktis'). German
        only; [] for no compound. Looked up once per word."""
        found = self._parts.get((lang, word))
        if found is None:
            found = self._parts[(lang, word)] = self._find_parts(lang, word)
        return found

    def _find_parts(self, lang: str, word: str) -> list[str]:
        if lang != "de" or len(word) < 8:
            return []
        known = self.rows_of[lang]
        for cut in range(len(word) - 3, 3, -1):
            # German nouns are looked up capitalised ('Rat', not the verb 'raten').
            head, tail = stem(word[:cut].title(), lang), stem(word[cut:].title(), lang)
            if tail.startswith("s") and tail not in known and tail[1:] in known:
                tail = tail[1:]  # the linking s: 'Sicherheitsrat'
            if head in known and tail in known:
                return [head, tail]
        if lang not in self._sorted_lemmas:
            self._sorted_lemmas[lang] = sorted(known)
        lemmas = self._sorted_lemmas[lang]
        for cut in range(len(word) - 3, 4, -1):
            tail = stem(word[cut:].title(), lang)
            if tail not in known:
                continue
            head = word[:cut]
            k = bisect.bisect_left(lemmas, head)
            words = []
            while k < len(lemmas) and lemmas[k].startswith(head):
                words.append(lemmas[k])
                k += 1
            words = [w for w in words if w != word and len(w) <= cut + 3]
            if words:  # the shortest: the word itself with an ending, not another compound
                return [min(words, key=len), tail]
        return []

    def content_stems(self, span: Span) -> set[str]:
        return {t.lemma for t in self.span_tokens(span) if t.content and not t.acronym}

    def dictionary_surfaces(self, lang: str) -> dict[Key, Counter[str]]:
        """The surfaces of term-like spans in their dictionary form, by variant."""
        found = self._dictionary.get(lang)
        if found is None:
            found = defaultdict(Counter)
            for row in range(len(self.texts)):
                for span in self.candidate_spans(lang, row, extend=lang in LOWERCASE_INSIDE_TERMS):
                    if headword(self.span_tokens(span), lang):
                        found[self.variant_id(span)][self.surface(span)] += 1
            self._dictionary[lang] = found
        return found

    def content_words(self, span: Span) -> set[str]:
        """The content stems with a compound's parts ('außenministerrat': 'außenminister',
        'rat'), so that 'SOZ-Außenministerrat' and 'Rat der Außenminister' share words."""
        stems = self.content_stems(span)
        # and the word after a clipped prefix ('E-Rezept' and 'elektronische Rezepte', 'e-visa'
        # and 'electronic visa' share one)
        pieces = {tail for head, _, tail in (w.rpartition("-") for w in stems)
                  if 0 < len(head) <= 2 and tail}
        return stems.union(pieces, *(self.parts(span.lang, w) for w in stems))

    def heads(self, span: Span) -> set[str]:
        """The nouns a German span's compounds end in, by the dictionary (:func:`german_heads`);
        empty in other languages."""
        if span.lang != "de":
            return set()
        return set().union(*(german_heads(t.text) for t in self.span_tokens(span)
                             if t.content and not t.acronym))

    # -- term-like spans -------------------------------------------------------------
    def chunks(self, lang: str, row: int, *, extend: bool) -> list[tuple[int, int]]:
        """Maximal runs that may hold a term: from a capitalised word over capitalised
        words and function words (and, with ``extend``, lowercase words too)."""
        tokens = self.tokens[lang][row]
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            if not self.is_capital(lang, tokens[i]):
                i += 1
                continue
            j = i
            # An acronym, or a person's name after initials («С.В.Лаврова»), closes a name
            # to lowercase words.
            closed = tokens[i].acronym or _after_initials(tokens, i)
            while j + 1 < len(tokens):
                nxt = tokens[j + 1]
                if nxt.brk or nxt.number:
                    break
                # A post ends before the initials of its holder: «заместитель Министра
                # иностранных дел Российской Федерации Ю.А.Щёголев».
                if is_initial_letter(nxt) and not is_initial_letter(tokens[j]):
                    break
                capital = self.is_capital(lang, nxt)
                if not (nxt.function or extend or capital):
                    break
                # An acronym closes a name to lowercase words: «ОДКБ в режиме», "l'OTSC
                # a déjà" go no further.
                if closed and nxt.content and not capital:
                    break
                # A new name after the acronym opens again ('la CEI et l'Organisation du
                # traité de sécurité collective').
                closed = (nxt.acronym or _after_initials(tokens, j + 1)
                          or (closed and not (capital and nxt.content)))
                j += 1
            while j > i and not tokens[j].content:
                j -= 1
            found.append((i, j))
            i = j + 1
        return found

    def lowercase_spans(self, lang: str, row: int) -> list[Span]:
        """Terms that open on lowercase words before the acronym of their organisation:
        «встреча министров иностранных дел БРИКС», 'réunion ministérielle des BRICS'. Each
        starts on a lowercase content word and runs, without punctuation, over lowercase
        words and function words into one or more acronyms, and ends on a content word
        after the first. A capitalised name on the way ends it: 'réunion du Conseil des
        ministres' is the Council's own term (:meth:`candidate_spans`), not a new one."""
        tokens = self.tokens[lang][row]
        extend = lang in LOWERCASE_INSIDE_TERMS
        spans = []
        for i, first in enumerate(tokens):
            if not first.content or self.is_capital(lang, first):
                continue
            content = 0
            named = False
            for j in range(i, len(tokens)):
                token = tokens[j]
                if j > i and (token.brk or token.number):
                    break
                capital = self.is_capital(lang, token)
                if capital and not token.acronym:
                    break  # a name of its own: candidate_spans has it, with its head
                if named and token.content and not capital and not extend:
                    break
                content += token.content
                if content > MAX_CONTENT:
                    break
                named = named or capital
                if named and token.content:
                    spans.append(Span(row, lang, i, j))
        return spans

    def title_spans(self, lang: str, row: int, *, extend: bool) -> list[Span]:
        """A post named by a lowercase word before its capitalised office: «заместитель
        Министра иностранных дел» (a deputy is no Minister: the translations render the
        whole, 'stellvertretender Außenminister', 'Vize-Außenminister')."""
        tokens = self.tokens[lang][row]
        spans = []
        for i, token in enumerate(tokens[:-1]):
            if token.lemma in TITLE_WORDS.get(lang, ()) and not tokens[i + 1].brk:
                spans += [Span(row, lang, i, s.j) for s in self.candidate_spans(
                    lang, row, extend=extend) if s.i == i + 1]
        return spans

    def post_spans(self, lang: str, row: int, *, extend: bool) -> list[Span]:
        """A name with the lowercase word before it, function words between: how a
        translation may render a post (:meth:`title_spans`): 'stellvertretende
        Außenminister', 'viceministro de Asuntos Exteriores'."""
        tokens = self.tokens[lang][row]
        spans = []
        for span in self.candidate_spans(lang, row, extend=extend):
            k = span.i - 1
            while k >= 0 and tokens[k].function and not tokens[k + 1].brk:
                k -= 1
            if (k >= 0 and not tokens[k + 1].brk and tokens[k].content
                    and not self.is_capital(lang, tokens[k])):
                spans.append(Span(row, lang, k, span.j))
        return spans

    def plain_spans(self, lang: str, row: int, *, names: bool = False,
                    longest: int = PLAIN_CONTENT) -> list[Span]:
        """Terms in lowercase words only: «прикаспийские государства», «налог на
        добавленную стоимость», 'coastal states'. Each starts and ends on a lowercase
        content word and runs over lowercase words and function words, without
        punctuation, numbers or names, two to ``longest`` content words long."""
        tokens = self.tokens[lang][row]
        spans = []
        for i, first in enumerate(tokens):
            if not first.content or first.acronym or (self.is_capital(lang, first)
                                                      and not names):
                continue
            content = 0
            for j in range(i, len(tokens)):
                token = tokens[j]
                if j > i and (token.brk or token.number):
                    break
                if token.acronym or (self.is_capital(lang, token) and not names):
                    break
                content += token.content
                if content > longest:
                    break
                if content >= 2 and token.content:
                    spans.append(Span(row, lang, i, j))
        return spans

    def candidate_spans(self, lang: str, row: int, *, extend: bool) -> list[Span]:
        """Sub-spans of the chunks that start on a capitalised word and end on a content word."""
        tokens = self.tokens[lang][row]
        spans = []
        for a, b in self.chunks(lang, row, extend=extend):
            for i in range(a, b + 1):
                if not self.is_capital(lang, tokens[i]):
                    continue
                content = 0
                for j in range(i, b + 1):
                    content += tokens[j].content
                    if content > MAX_CONTENT:
                        break
                    # (a person's initial alone, «Ю» of «Ю.А.Щёголев», is no term)
                    if tokens[j].content and not (i == j and is_initial_letter(tokens[j])):
                        spans.append(Span(row, lang, i, j))
        return spans

    # -- association -----------------------------------------------------------------
    def association(self, lang: str, word: str, pivot: str, pivot_word: str) -> float:
        """How strongly a target stem goes with a pivot stem: Dice over the rows that hold
        both languages (a row without the other language, a set in other languages, says
        nothing of how one renders the other: counted, it would dilute the evidence of a
        term when unrelated sets are added).

        A German compound ('Außenministerrates') also counts by its parts."""
        key = (lang, word, pivot, pivot_word)
        known = self._dice.get(key)
        if known is not None:
            return known
        rows = self._compared(self.rows_with_parts(lang, word), pivot)
        pivot_rows = self._compared(self.rows_of[pivot].get(pivot_word), lang)
        dice = 0.0
        if rows and pivot_rows:
            # Smoothed: two words seen once in the same row prove little.
            dice = 2 * len(rows & pivot_rows) / (len(rows) + len(pivot_rows) + SMOOTHING)
        self._dice[key] = dice
        return dice

    def rows_with_parts(self, lang: str, word: str) -> set[int] | None:
        """The rows that have ``word``, in German also as a compound's part: 'Bescheinigung'
        in 'Rückkehrbescheinigung' (a phrase and a compound render one term:
        'Bescheinigung über die Rückkehr')."""
        rows = self.rows_of[lang].get(word)
        if lang != "de":
            return rows
        if self._part_rows is None:
            self._part_rows = defaultdict(set)
            for lemma, found in list(self.rows_of[lang].items()):
                parts = self.parts(lang, lemma)
                # the head of a compound ('Bescheinigung' in 'Rückkehrbescheinigung'), not
                # its modifier ('Entwicklung' in 'Entwicklungsbank')
                if parts and parts[-1] != lemma:
                    self._part_rows[parts[-1]] |= found
        more = self._part_rows.get(word)
        return rows if not more else (rows or set()) | more

    def _compared(self, rows: set[int] | None, other: str) -> set[int]:
        """Those of ``rows`` that hold a text in ``other`` too."""
        if not rows:
            return set()
        present = self.present[other]
        return rows if len(present) == len(self.texts) else rows & present

    def associations(self, lang: str, word: str, pivot: str) -> dict[str, float]:
        """Every pivot stem a target stem (and, for a German compound, its parts) shares a
        row with, and how strongly they go together (``association``); computed once per
        word, so that scoring a row's words costs look-ups."""
        key = (lang, word, pivot)
        known = self._associations.get(key)
        if known is not None:
            return known
        found: dict[str, float] = {}
        for w in (word, *self.parts(lang, word)):
            near = {t.lemma for row in self.rows_of[lang].get(w, ()) for t in
                    self.tokens[pivot][row]}
            for p in near:
                found[p] = max(found.get(p, 0.0), self.association(lang, w, pivot, p))
        self._associations[key] = found
        return found

    def related(self, a: Span, b: Span) -> bool:
        """Whether two spans can name one thing: a shared word, one name transliterated
        two ways, or one the acronym of the other."""
        if self.content_words(a) & self.content_words(b):
            return True
        # German compounds with one head ('Studienquote', 'Ausbildungsquote'; 'geschützte
        # Meeresgebiete', 'Meeresschutzgebiete'), where the corpus never writes it alone; not
        # a compound and its first part ('Ministerrat', 'Außenminister': a council, a minister)
        heads_a, heads_b = self.heads(a), self.heads(b)
        if heads_a & (heads_b | self.content_stems(b)) or heads_b & self.content_stems(a):
            return True
        names = a.i == a.j and b.i == b.j  # Киргизия / Кыргызстан: one name, two forms
        for x in self.span_tokens(a):
            for y in self.span_tokens(b):
                if x.content and y.content and len(x.text) >= 4 and len(y.text) >= 4:
                    kx, ky = translit_key(x.lemma), translit_key(y.lemma)
                    if kx == ky or (names and min(len(kx), len(ky)) >= 4
                                    and (kx.startswith(ky) or ky.startswith(kx))):
                        return True
        words_a = [t.text for t in self.span_tokens(a)]
        words_b = [t.text for t in self.span_tokens(b)]
        return abbreviates(words_a, words_b, a.lang) or abbreviates(words_b, words_a, a.lang)

    def largest_related(
        self, ids: list[tuple[str, ...]], spans: Mapping[tuple[str, ...], list[Span]],
        named: Collection[Span] = (), kin: Collection[tuple[str, ...]] = (),
    ) -> list[tuple[str, ...]]:
        """The largest group of variants linked by ``related`` (by occurrences); a variant
        with a span in ``named`` is related to every acronym among them too, and the
        variants in ``kin`` to each other."""
        naming = {v for v in ids if any(s in named for s in spans[v])}
        acronyms = {v for v in ids if len(v) == 1 and self.span_tokens(spans[v][0])[0].acronym}
        parent = {v: v for v in ids}

        def find(v: tuple[str, ...]) -> tuple[str, ...]:
            while parent[v] != v:
                v = parent[v]
            return v

        for n, a in enumerate(ids):
            for b in ids[n + 1 :]:
                if (self.related(spans[a][0], spans[b][0])
                        or (a in naming and b in acronyms) or (b in naming and a in acronyms)
                        or (a in kin and b in kin)):
                    parent[find(a)] = find(b)
        groups: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for v in ids:
            groups[find(v)].append(v)
        return max(groups.values(), key=lambda g: (sum(len(spans[v]) for v in g), len(g)))


def is_post(words: Sequence[str], lang: str) -> bool:
    """Whether a term (its words' dictionary forms) is a post named by the lowercase word
    before its office: «заместитель Министра …» (:meth:`Corpus.title_spans`)."""
    return bool(words) and words[0] in TITLE_WORDS.get(lang, ())


def _after_initials(tokens: Sequence[Token], i: int) -> bool:
    """Whether token ``i`` is a name after a person's initial («С.В.Лаврова», 'S. Lavrov')."""
    return (i > 0 and is_initial_letter(tokens[i - 1]) and tokens[i].capital
            and not is_initial_letter(tokens[i]))


def abbreviates(short: list[str], long: list[str], lang: str) -> bool:
    """Whether ``short`` is an abbreviation of ``long``: 'СМИД ОДКБ' of 'Совет министров
    иностранных дел ОДКБ', 'CSTO' of 'Collective Security Treaty Organisation'."""
    from alignments.terms.lang import FUNCTION_WORDS

    words = FUNCTION_WORDS.get(lang, frozenset())
    full = [w for w in long if w.lower().replace("’", "'") not in words and w[:1].isalpha()]
    parts = [w for w in short if w.lower().replace("’", "'") not in words]
    if not parts or len(full) <= len(parts) or not any(is_acronym(p) for p in parts):
        return False
    # a hyphened compound gives a letter per part: «АТР», «Азиатско-Тихоокеанский регион»
    pieces = [p for w in full for p in w.split("-") if p]
    return _initials_of(parts, full) or (pieces != full and _initials_of(parts, pieces))


def _initials_of(parts: list[str], full: list[str]) -> bool:
    k = 0
    for part in parts:
        if k < len(full) and full[k].casefold() == part.casefold():
            k += 1
            continue
        if not is_acronym(part):
            return False
        letters = part.casefold()
        if k + len(letters) > len(full):
            return False
        if any(strip_accents(full[k + n][:1]).casefold() != c for n, c in enumerate(letters)):
            return False
        k += len(letters)
    return k == len(full)


def pivot_concepts(corpus: Corpus, pivot: str) -> list[Concept]:
    """The pivot language's terms that occur at least twice, grouped into concepts."""
    extend = pivot in LOWERCASE_INSIDE_TERMS
    by_key: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    for row in range(len(corpus.texts)):
        for span in corpus.candidate_spans(pivot, row, extend=extend):
            by_key[corpus.variant_id(span)].append(span)
        for span in corpus.lowercase_spans(pivot, row):
            by_key[corpus.variant_id(span)].append(span)
        for span in corpus.title_spans(pivot, row, extend=extend):
            by_key[corpus.variant_id(span)].append(span)
    plain: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    for row in range(len(corpus.texts)):
        for span in corpus.plain_spans(pivot, row) if pivot == "ru" else []:
            tokens = corpus.tokens[pivot][row]
            if russian_term(tokens[span.i : span.j + 1],
                            tokens[span.j + 1] if span.j + 1 < len(tokens) else None):
                plain[corpus.variant_id(span)].append(span)
    for key, spans in plain.items():
        if len(spans) >= PLAIN_MIN and key not in by_key:
            by_key[key] = spans
    frequent = {k: v for k, v in by_key.items() if len(v) >= 2 and not _coordination(k, by_key)}
    in_row: dict[int, list[tuple[Span, tuple[str, ...]]]] = defaultdict(list)
    for key, spans in frequent.items():
        for span in spans:
            in_row[span.row].append((span, key))
    closed = [k for k, spans in frequent.items() if not _always_inside(spans, k, in_row)]
    parent = {k: k for k in closed}

    def find(k: tuple[str, ...]) -> tuple[str, ...]:
        while parent[k] != k:
            k = parent[k]
        return k

    words = {k: [t.text for t in corpus.span_tokens(frequent[k][0])] for k in closed}
    short = [k for k in closed if any(is_acronym(w) for w in words[k])]
    # Abbreviations are only tried against keys with the same first letter.
    initials: dict[str, list[Key]] = defaultdict(list)
    for k in closed:
        initials[strip_accents(words[k][0][:1]).casefold()].append(k)
    for a in short:
        for b in initials[words[a][0][:1].casefold()]:
            if a != b and len(b) > len(a) and abbreviates(words[a], words[b], pivot):
                parent[find(a)] = find(b)
    # «Совет министров иностранных дел» is the short form of «… ОДКБ» when that is the only
    # organisation it comes with; beside «… ШОС» and «… СНГ» it names neither.
    qualified: dict[Key, list[Key]] = defaultdict(list)
    heads = set(closed)
    for b in closed:
        if len(b) >= 3 and is_acronym(words[b][-1]) and b[:-1] in heads:
            qualified[b[:-1]].append(b)
    for head, longer in qualified.items():
        if len(longer) == 1:
            parent[find(head)] = find(longer[0])
    # So is a post cut short («заместитель Министра» after «заместитель Министра
    # иностранных дел Российской Федерации») when every longer post it begins is one.
    posts = [k for k in closed if is_post(k, pivot)]
    for a in posts:
        longer = [b for b in posts if len(b) > len(a) and b[:len(a)] == a]
        if longer:
            longest = max(longer, key=len)
            if all(longest[:len(b)] == b for b in longer):
                parent[find(a)] = find(longest)
    grouped: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in closed:
        grouped[find(k)].append(k)
    # An occurrence inside another term's occurrence («ОДКБ» in «Совета министров
    # иностранных дел ОДКБ») is part of that term, not a use of its own.
    spans_of = {root: _outermost([s for k in keys for s in frequent[k]])
                for root, keys in grouped.items()}
    by_row: dict[int, list[Span]] = defaultdict(list)
    for spans in spans_of.values():
        for span in spans:
            by_row[span.row].append(span)
    concepts = []
    for root, keys in grouped.items():
        keys.sort(key=lambda k: (-len(frequent[k]), k))
        # An acronym alone is followed inside longer terms too: «СНГ» in «страны СНГ» is
        # rendered 'CEI' there, beside 'Communauté des États indépendants' elsewhere.
        acronym = all(len(k) == 1 and is_acronym(words[k][0]) for k in keys)
        occurrences = [
            s for s in spans_of[root]
            if acronym or not any(o.i <= s.i and s.j <= o.j and (o.i, o.j) != (s.i, s.j)
                                  for o in by_row[s.row])
        ]
        if len(occurrences) < 2:
            continue
        stems = frozenset(
            t.lemma for k in keys for t in corpus.span_tokens(frequent[k][0]) if t.content
        )
        is_plain = all(not corpus.is_capital(pivot, t) for k in keys
                       for t in corpus.span_tokens(frequent[k][0]))
        concepts.append(Concept([frequent[k][0] for k in keys], occurrences, stems, is_plain))
    return concepts


TERM_PARTS = frozenset({"NOUN", "ADJF", "PRTF"})


def noun_phrase(tokens: Sequence[Token]) -> bool:
    """Whether Russian words make a noun phrase a term can be: nouns, adjectives and
    participles (прикаспийские государства, налог на добавленную стоимость), a noun
    among them; no pronoun, verb or adverb (мы не, в том числе)."""
    parts = [russian_part_of_speech(t.text) for t in tokens if t.content]
    return "NOUN" in parts and all(p in TERM_PARTS for p in parts)


def russian_term(tokens: Sequence[Token], after: Token | None = None) -> bool:
    """Whether Russian words in lowercase make one term: a noun phrase (:func:`noun_phrase`)
    whose later nouns each hang on the one before, through a preposition or in an oblique
    case («сохранение биоразнообразия»; not «в учебном году квота», two phrases side by
    side), and that does not end on an adjective whose noun comes ``after`` it («квота на
    обучение иностранных» before «граждан» is cut short; «передача осуждённых» may end
    on one)."""
    if not noun_phrase(tokens):
        return False
    last = [t for t in tokens if t.content][-1]
    if (after is not None and not after.brk and after.content
            and russian_part_of_speech(last.text) != "NOUN"
            and russian_part_of_speech(after.text) == "NOUN"):
        return False
    seen_noun = False
    for before, token in zip([None, *tokens], tokens, strict=False):
        if not token.content or russian_part_of_speech(token.text) != "NOUN":
            continue
        if seen_noun and (before is None or before.content) and not russian_oblique_noun(
                token.text):
            return False
        seen_noun = True
    return True


def _coordination(key: Key, by_key: Mapping[Key, list[Span]]) -> bool:
    """Whether a conjunction joins two terms of their own («СНГ и ОДКБ»): two names, not
    one («Организация по безопасности и сотрудничеству в Европе» is one)."""
    return any(
        word in CONJUNCTIONS and key[:n] in by_key and key[n + 1 :] in by_key
        for n, word in enumerate(key)
    )


def _always_inside(
    spans: list[Span], key: Key, in_row: Mapping[int, list[tuple[Span, Key]]]
) -> bool:
    """Whether every occurrence lies inside an occurrence of one same longer term."""
    common: set[tuple[str, ...]] | None = None
    for span in spans:
        around = {
            k for s, k in in_row[span.row]
            if k != key and s.i <= span.i and span.j <= s.j and (s.i, s.j) != (span.i, span.j)
        }
        common = around if common is None else common & around
        if not common:
            return False
    return bool(common)


def _outermost(spans: list[Span]) -> list[Span]:
    """The spans that no other span of the list contains (longest first wins)."""
    kept: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (s.row, s.i - s.j, s.i)):
        if not any(k.row == span.row and k.i <= span.j and span.i <= k.j for k in kept):
            kept.append(span)
    return sorted(kept)


__all__ = [
    "CONJUNCTIONS",
    "Concept",
    "Corpus",
    "Span",
    "abbreviates",
    "is_post",
    "noun_phrase",
    "pivot_concepts",
]

