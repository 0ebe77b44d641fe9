"""N-way rows: every version aligned to a pivot, the pairwise beads merged over the pivot.

Each non-pivot version is aligned to the pivot with :func:`alignments.align.align_pair`.
The pivot's sentences are the nodes: a pairwise bead joins the pivot ids it holds and hangs
its other-language ids on them, so the connected components are contiguous runs of pivot
sentences, and each becomes one row. A sentence with no pivot counterpart (a 0-1 bead)
becomes a row of its own, placed right after the row of the sentence before it; where
several versions have such sentences in the same place (a paragraph the pivot lacks, in
English and German both), those are aligned to each other the same way, so that the English
and German sentences share rows instead of standing in rows of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np

from alignments.align import DEFAULT_PARAMS, align_pair
from alignments.beads import AlignmentError, Bead, Row
from alignments.embed import Embedded, Encoder, default_encoder
from alignments.lone_joins import part_lone_joins

__all__ = ["align_versions", "choose_pivot", "second_opinion", "weigh_hub"]

HUB_TRIAL_SENTENCES = 3000  # all versions together: a second hub is tried up to this size
HUB_MARGIN = 0.02  # how much surer another hub's rows must be than the pivot's
# past HUB_TRIAL_SENTENCES, the second hub's beads are aligned only around the rows whose
# hub's cell could be marked, this many rows on either side of each
SECOND_OPINION_CONTEXT = 2
# how sure a tie through the second hub must be to count (:func:`second_opinion`): the two
# alignments read the same embeddings, so where they err they mostly err alike; at 0.97
# (the editor's mark) two wrong rows of single sentences passed (bench/rows.py: manual, relay)
SECOND_OPINION_SURE = 0.98


def choose_pivot(langs: Sequence[str]) -> str:
    """The pivot language: Russian (the ministry's original) when present, else the first."""
    if not langs:
        raise AlignmentError("no-versions")
    for lang in langs:
        if lang.lower().replace("_", "-").split("-")[0] == "ru":
            return lang
    return langs[0]


def align_versions(
    versions: Mapping[str, Sequence[str]],
    pivot: str,
    *,
    encoder: Encoder | None = None,
    paragraph_starts: Mapping[str, Collection[int]] | None = None,
    confirmed: Sequence[Row] = (),
    progress: Callable[[int], None] | None = None,
    hub: str | None = None,
) -> list[Row]:
    """The N-way rows of ``versions`` (language -> sentences), in the pivot's order.

    Every sentence of every version is in exactly one row. ``confirmed`` rows come back
    unchanged; the rest is aligned around them. A row's score is the lowest score of the
    pairwise beads it was built from. ``progress``, when given, is called with the
    sentences aligned so far (the pivot's counting with the first version): while a version
    is embedded, in proportion (up to 90% of its share: the search takes the rest), and
    after it is aligned to the pivot.

    ``hub``: the version every other one is aligned to, the rows merged over its
    sentences. None: the pivot, unless the versions are short enough (HUB_TRIAL_SENTENCES)
    to try the version the pivot agrees with best as the hub too (its pair with the pivot
    is read off the pivot's), and the rows merged over it are surer by HUB_MARGIN
    (:func:`agreement`). Translations made from one original agree with it better than
    with each other: rows merged over the original go wrong less often than rows merged
    over one of its translations (``bench/rows.py``). The rows are monotonic in every
    version whatever the hub, so they come out in the pivot's order all the same. Where
    both were tried, the other one's beads are a second opinion on the rows
    (:func:`second_opinion`) and weigh the hub's own cell (:func:`weigh_hub`). Past
    HUB_TRIAL_SENTENCES that version is aligned to the others only around the rows whose
    hub's cell could be marked, from the embeddings already made, and weighs the hub's
    cell there (``bench/speed.py --set``: about a tenth of the time the rows took).
    """
    if pivot not in versions:
        raise AlignmentError("pivot-missing", lang=pivot, langs=", ".join(versions) or "-")
    if hub is not None and hub not in versions:
        raise AlignmentError("hub-missing", lang=hub, langs=", ".join(versions) or "-")
    if encoder is None and versions[pivot] and any(
            versions[lang] for lang in versions if lang != pivot):
        encoder = default_encoder()
    pairs = _Pairs(versions, encoder, paragraph_starts or {}, confirmed)
    pairs.all_to(hub or pivot, progress)
    if hub is not None:
        return pairs.rows_over(hub)
    rows = pairs.rows_over(pivot)
    others = [lang for lang in versions if versions[lang] and lang != pivot]
    if len(others) < 2 or not versions[pivot]:
        return rows
    # the version the pivot agrees with best: the one the pivot was translated from, or one
    # translated from the same original
    candidate = max(others, key=lambda lang: _weighed(
        (b.score, len(b.source) + len(b.target)) for b in pairs.get(pivot, lang)))
    if any(not row.sentences(candidate) for row in confirmed):
        return rows  # a confirmed row it lacks would be left to pair up again over it
    hub, second = pivot, candidate
    if sum(map(len, versions.values())) > HUB_TRIAL_SENTENCES:
        # every version aligned to a second hub costs as much again: its beads only around
        # the rows whose hub's cell could be marked, from the embeddings already made;
        # stretches aligned alone are judged on less of the document than the rows were:
        # they weigh the hub's cell, but make no row surer (one wrong row in
        # debian-reference would no longer need a look)
        return weigh_hub(rows, hub, second, pairs.around(second, rows, hub), confirmed)
    trial = pairs.rows_over(candidate)
    if agreement(trial) > agreement(rows) + HUB_MARGIN:
        rows, hub, second = trial, candidate, pivot
    beside_second = {lang: pairs.get(second, lang) for lang in versions
                     if lang not in (hub, second)}
    rows = second_opinion(rows, hub, second, beside_second, confirmed)
    return weigh_hub(rows, hub, second, beside_second, confirmed)


def second_opinion(rows: Sequence[Row], hub: str, second: str,
                   beside_second: Mapping[str, Sequence[Bead]],
                   confirmed: Sequence[Row] = ()) -> list[Row]:
    """``rows`` (merged over ``hub``) each as sure as the second hub's beads make it, where
    they agree with it: the same rows, some surer.

    A version's cell is tied to the hub's sentence directly, by its beads with the hub,
    or through ``second``: the hub's beads with ``second`` and ``second``'s with it
    (``beside_second``, aligned when ``second`` was tried as the hub). A tie is as sure as
    its less sure bead, and a cell as its surer tie; ``second``'s own cell is tied through
    each version that has a sentence in the row. A tie through ``second`` counts only

    - where every version's cell sits exactly beside ``second``'s: one placed elsewhere
      is a dissent, and the row stays as sure as its least sure bead;
    - in a row of single sentences (one in every version that has any): where a sentence
      is joined to the next in one alignment, the other reads the same embeddings of the
      two together and joins them alike (the demo's German 'Frage: Ich habe zwei Fragen.',
      a row of its own in the gold, beside the next question in both);
    - from SECOND_OPINION_SURE on.

    The row is as sure as its least sure cell then; its cells and confirmed rows do not
    change. ``bench/rows.py``: fewer rows need a look, the wrong ones caught as before.
    """
    kept = {_key(row) for row in confirmed}
    placing = {lang: _Placing(beads) for lang, beads in beside_second.items()}
    out = []
    for row in rows:
        filled = {lang: ids for lang, ids in row.cells.items() if ids}
        others = [lang for lang in row.cell_scores if lang not in (hub, second)]
        beside = {lang: placing[lang].exactly(row.sentences(second), row.sentences(lang))
                  for lang in others if lang in placing}
        ties = {lang: sure for lang, sure in beside.items() if sure is not None}
        if (_key(row) in kept or hub not in filled or second not in filled
                or any(len(ids) != 1 for ids in filled.values()) or len(ties) < len(others)):
            out.append(row)
            continue
        direct = row.cell_scores
        through = {lang: min(direct.get(second, 1.0), sure) for lang, sure in ties.items()}
        through[second] = max((min(direct[lang], sure) for lang, sure in ties.items()
                               if lang in filled), default=0.0)
        scores = {lang: max(score, through.get(lang, 0.0))
                  if through.get(lang, 0.0) >= SECOND_OPINION_SURE else score
                  for lang, score in direct.items()}
        if scores == dict(direct):
            out.append(row)
            continue
        out.append(Row(row.cells, max(row.score, min(scores.values())), scores))
    return out


def weigh_hub(rows: Sequence[Row], hub: str, second: str,
              beside_second: Mapping[str, Sequence[Bead]],
              confirmed: Sequence[Row] = ()) -> list[Row]:
    """``rows`` (merged over ``hub``) with the hub's own cell weighed where the other
    versions agree with each other better than with it.

    Every pairwise bead of a row holds the hub's sentences, so where the hub's cell is the
    odd one (its sentence split otherwise, or one sentence more), every other version is
    unsure beside it and the hub's cell had no score to say so. ``beside_second``: the beads
    ``second`` -> each other version, aligned when ``second`` was tried as the hub. A
    version whose cell those beads put exactly beside ``second``'s agrees with it, as surely
    as their lowest score. Where more than half of the other versions so agree (``second``
    with them, as surely as its surest), and all but one of the hub's beads in the row (two
    at least) are less sure than the least sure of them, the hub's cell gets the score of
    those beads, and each version that agrees the surer of its two scores. Elsewhere, and
    in confirmed rows, nothing changes.
    """
    kept = {_key(row) for row in confirmed}
    placing = {lang: _Placing(beads) for lang, beads in beside_second.items()}
    weighed = []
    for row in rows:
        others = [lang for lang, ids in row.cells.items() if ids and lang != hub]
        if not row.sentences(hub) or not row.sentences(second) or _key(row) in kept:
            weighed.append(row)
            continue
        together = {lang: sure for lang in others if lang in placing and (
            sure := placing[lang].exactly(row.sentences(second), row.sentences(lang)))
            is not None}
        if not together or 2 * (len(together) + 1) <= len(others):  # second among them
            weighed.append(row)
            continue
        together[second] = max(together.values())
        beside_hub = sorted(row.cell_scores.get(lang, 1.0) for lang in others)
        hub_score = beside_hub[max(1, len(beside_hub) - 2)]  # all but one, two at least
        if hub_score >= min(together.values()):
            weighed.append(row)
            continue
        scores = dict(row.cell_scores)
        scores[hub] = hub_score
        for lang, sure in together.items():
            scores[lang] = max(scores.get(lang, 1.0), sure)
        weighed.append(Row(row.cells, row.score, scores))
    return weighed


class _Placing:
    """One pair's beads, found by the sentences they hold."""

    def __init__(self, beads: Sequence[Bead]) -> None:
        self.beads = beads
        self.by_source = {i: k for k, bead in enumerate(beads) for i in bead.source}
        self.by_target = {j: k for k, bead in enumerate(beads) for j in bead.target}

    def exactly(self, source: Sequence[int], target: Sequence[int]) -> float | None:
        """How surely the beads put ``source`` beside ``target``: the lowest score of the
        beads that hold any of them, when those hold these sentences and no others (None
        when they hold others too, or none of them)."""
        found = sorted({self.by_source[i] for i in source if i in self.by_source}
                       | {self.by_target[j] for j in target if j in self.by_target})
        beads = [self.beads[k] for k in found]
        if not beads or (sorted(i for b in beads for i in b.source) != sorted(source)
                         or sorted(j for b in beads for j in b.target) != sorted(target)):
            return None
        return min(bead.score for bead in beads)


def agreement(rows: Sequence[Row]) -> float:
    """How sure the rows are, on the whole: their confidences weighed by their sentences."""
    return _weighed((row.score, sum(len(ids) for ids in row.cells.values())) for row in rows)


def _weighed(scored: Iterable[tuple[float, int]]) -> float:
    """The mean of the scores, each weighed by its count of sentences (1.0 for none)."""
    total = weight = 0.0
    for score, sentences in scored:
        total += score * sentences
        weight += sentences
    return total / weight if weight else 1.0


class _Pairs:
    """The pairwise beads of the versions, each pair aligned once: the other way round is
    the same beads read backwards."""

    def __init__(self, versions: Mapping[str, Sequence[str]], encoder: Encoder | None,
                 paragraphs: Mapping[str, Collection[int]], confirmed: Sequence[Row]) -> None:
        self.versions, self.encoder = versions, encoder
        self.paragraphs, self.confirmed = paragraphs, confirmed
        self.done: dict[tuple[str, str], list[Bead]] = {}
        self.kept: dict[str, Embedded | None] = {}  # each version's embeddings, kept

    def get(self, a: str, b: str, progress: Callable[[float], None] | None = None
            ) -> list[Bead]:
        """The beads a -> b."""
        if (a, b) not in self.done:
            if (b, a) in self.done:
                return [Bead(bead.target, bead.source, bead.score)
                        for bead in self.done[(b, a)]]
            self.done[(a, b)] = align_pair(
                self.versions[a], self.versions[b], a, b, encoder=self.encoder,
                anchors=_pair_anchors(self.confirmed, a, b),
                source_paragraph_starts=self.paragraphs.get(a, ()),
                target_paragraph_starts=self.paragraphs.get(b, ()), progress=progress)
        return self.done[(a, b)]

    def vectors(self, lang: str, ids: Sequence[int]) -> np.ndarray | None:
        """The embeddings of sentences ``ids`` of a version: from those the encoder kept of
        the whole version, else embedded (a few sentences; None without an encoder)."""
        if self.encoder is None:
            return None
        sentences = self.versions[lang]
        if lang not in self.kept:  # looked up once: the key is the whole version
            self.kept[lang] = self.encoder.kept(sentences, DEFAULT_PARAMS.max_side)
        whole = self.kept[lang]
        if whole is not None:
            return whole.runs[1, [i + 1 for i in ids]]
        return self.encoder.encode([sentences[i] for i in ids])

    def all_to(self, hub: str, progress: Callable[[int], None] | None) -> None:
        """Every version aligned to ``hub``; ``progress`` as :func:`align_versions` says."""
        done = 0
        for k, lang in enumerate(lang for lang in self.versions if lang != hub):
            share = len(self.versions[lang]) + (len(self.versions[hub]) if k == 0 else 0)
            embedding = None if progress is None else (
                lambda part, base=done, share=share: progress(base + int(0.9 * part * share)))
            self.get(hub, lang, embedding)
            done += share
            if progress is not None:
                progress(done)

    def around(self, second: str, rows: Sequence[Row], hub: str) -> dict[str, list[Bead]]:
        """``second``'s beads with every version but ``hub``, aligned only around the rows
        whose hub's cell :func:`weigh_hub` could mark (two of its beads or more under
        SECOND_OPINION_SURE), SECOND_OPINION_CONTEXT rows on either side of each, each
        stretch on its own, from the embeddings the encoder kept of the whole versions (a
        version whose are gone gets none: nothing is embedded again)."""
        windows: list[tuple[int, int]] = []
        for k, row in enumerate(rows):
            if sum(score < SECOND_OPINION_SURE for score in row.cell_scores.values()) > 1:
                first = max(0, k - SECOND_OPINION_CONTEXT)
                last = min(len(rows), k + SECOND_OPINION_CONTEXT + 1)
                if windows and first <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], last)
                else:
                    windows.append((first, last))
        max_run = DEFAULT_PARAMS.max_side
        mine = self.encoder.kept(self.versions[second], max_run) if self.encoder else None
        out: dict[str, list[Bead]] = {}
        if mine is None or not windows:
            return out
        for lang in self.versions:
            theirs = None if lang in (hub, second) or self.encoder is None else (
                self.encoder.kept(self.versions[lang], max_run))
            if theirs is None:
                continue
            beads = out.setdefault(lang, [])
            for first, last in windows:
                a = [i for row in rows[first:last] for i in row.sentences(second)]
                b = [j for row in rows[first:last] for j in row.sentences(lang)]
                if not a or not b:
                    continue
                a0, a1, b0, b1 = min(a), max(a) + 1, min(b), max(b) + 1
                found = align_pair(
                    self.versions[second][a0:a1], self.versions[lang][b0:b1], second, lang,
                    embedded=(mine.part(a0, a1), theirs.part(b0, b1)),
                    source_paragraph_starts=[i - a0 for i in self.paragraphs.get(second, ())
                                             if a0 <= i < a1],
                    target_paragraph_starts=[j - b0 for j in self.paragraphs.get(lang, ())
                                             if b0 <= j < b1])
                beads += [Bead(tuple(i + a0 for i in bead.source),
                               tuple(j + b0 for j in bead.target), bead.score)
                          for bead in found]
        return out

    def rows_over(self, hub: str) -> list[Row]:
        """The N-way rows of every version aligned to ``hub``, merged over its sentences."""
        pairwise = {lang: self.get(hub, lang) for lang in self.versions if lang != hub}
        rows = merge_beads(hub, len(self.versions[hub]), pairwise, self.confirmed)
        rows = part_lone_joins(rows, hub, pairwise, self.versions, self.vectors,
                               frozenset(_key(row) for row in self.confirmed), _key)
        return _pair_orphans(rows, self.versions, hub, self.encoder, self.confirmed)


def _pair_orphans(rows: list[Row], versions: Mapping[str, Sequence[str]], pivot: str,
                  encoder: Encoder | None, confirmed: Sequence[Row]) -> list[Row]:
    """``rows`` with each run of rows that lack the pivot, and hold two or more languages,
    aligned among themselves (over the language with most sentences in the run)."""
    kept = {_key(row) for row in confirmed}
    paired: list[Row] = []
    run: list[Row] = []
    for row in [*rows, None]:
        if row is not None and not row.sentences(pivot) and _key(row) not in kept:
            run.append(row)
            continue
        paired.extend(_aligned_run(run, versions, encoder) if run else ())
        run = []
        if row is not None:
            paired.append(row)
    return paired


def _aligned_run(run: list[Row], versions: Mapping[str, Sequence[str]],
                 encoder: Encoder | None) -> list[Row]:
    """The rows of ``run`` (no pivot sentence in any) re-aligned across their languages."""
    ids: dict[str, list[int]] = {}
    for row in run:
        for lang, cell in row.cells.items():
            ids.setdefault(lang, []).extend(cell)
    ids = {lang: found for lang, found in ids.items() if found}
    if len(ids) < 2:
        return run
    lowest = min(row.score for row in run)
    local = {lang: [versions[lang][i] for i in found] for lang, found in ids.items()}
    sub_pivot = max(ids, key=lambda lang: len(ids[lang]))  # the first of the longest
    return [
        Row({lang: tuple(ids[lang][i] for i in cell) for lang, cell in row.cells.items()
             if cell}, min(row.score, lowest),
            {lang: min(row.cell_scores.get(lang, 1.0), lowest)
             for lang, cell in row.cells.items() if cell})
        for row in align_versions(local, sub_pivot, encoder=encoder, hub=sub_pivot)
    ]


def _pair_anchors(confirmed: Sequence[Row], pivot: str, lang: str) -> list[Bead]:
    """The pairwise hard anchors (pivot -> lang) a set of confirmed rows implies."""
    anchors = []
    for row in confirmed:
        src, tgt = row.sentences(pivot), row.sentences(lang)
        if src or tgt:
            anchors.append(Bead(src, tgt, row.score))
    return anchors


def merge_beads(pivot: str, pivot_size: int, pairwise: Mapping[str, Sequence[Bead]],
                confirmed: Sequence[Row] = ()) -> list[Row]:
    """N-way rows from beads pivot -> language (connected components over the pivot ids)."""
    # union-find over pivot ids; contiguous beads make every component a run of ids
    parent = list(range(pivot_size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for beads in pairwise.values():
        for bead in beads:
            for a, b in zip(bead.source, bead.source[1:], strict=False):
                parent[find(b)] = find(a)

    components: dict[int, dict[str, list[int]]] = {}
    scores: dict[int, list[float]] = {}
    by_lang: dict[int, dict[str, float]] = {}  # each language's weakest bead in the row
    for i in range(pivot_size):
        components.setdefault(find(i), {pivot: []})[pivot].append(i)
    # rows without a pivot sentence, keyed by the component they follow (-1: the start)
    orphans: dict[int, list[Row]] = {}
    for lang, beads in pairwise.items():
        # the component of the next bead holding pivot ids, for each bead (-2: none)
        following = [-2] * len(beads)
        upcoming = -2
        for k in range(len(beads) - 1, -1, -1):
            following[k] = upcoming
            if beads[k].source:
                upcoming = find(beads[k].source[0])
        after = -1
        for k, bead in enumerate(beads):
            if bead.source:
                root = find(bead.source[0])
            elif after == following[k]:
                root = after  # inside a merged component: it belongs to that row
            else:
                orphans.setdefault(after, []).append(
                    Row({lang: bead.target}, bead.score, {lang: bead.score}))
                continue
            components[root].setdefault(lang, []).extend(bead.target)
            scores.setdefault(root, []).append(bead.score)
            weakest = by_lang.setdefault(root, {})
            weakest[lang] = min(weakest.get(lang, 1.0), bead.score)
            after = root

    kept = {_key(row): row for row in confirmed}
    rows: list[Row] = list(orphans.get(-1, []))
    for root in sorted(components, key=lambda r: components[r][pivot][0]):
        cells = {lang: tuple(ids) for lang, ids in components[root].items()}
        for lang in pairwise:
            cells.setdefault(lang, ())
        row = Row(cells, row_confidence(scores.get(root, [])), by_lang.get(root, {}))
        rows.append(kept.get(_key(row), row))
        rows.extend(orphans.get(root, []))
    return [kept.get(_key(row), row) for row in rows]


def row_confidence(bead_scores: Sequence[float]) -> float:
    """A row's confidence from the confidences of the pairwise beads it was built from: the
    lowest (their product and their geometric mean ranked the wrong rows no better,
    ``bench/rows.py`` on every source)."""
    return min(bead_scores, default=1.0)


def _key(row: Row) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """A row's identity: its non-empty cells, whatever order or empty cells it was given."""
    return tuple(sorted((lang, tuple(ids)) for lang, ids in row.cells.items() if ids))
