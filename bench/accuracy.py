"""Alignment accuracy: strict / lax P, R, F1 per source, and how well the confidence ranks.

Usage (from the repository root)::

    PYTHONPATH=. python bench/accuracy.py [--shared ../shared] [--demo workbench/demo/gold]
                                          [--corpora bench/corpora/*/gold] [--calibration]
                                          [--fit] [--embeddings DIR]
                                          [--debian W] [--debian-embeddings DIR]
                                          [--noise-band N] [--free]

The sources, each scored on its own:

- Text+Berg dev de→fr, read from ``../shared/bench/textberg-dev`` at run time (GPL: never
  copied here);
- the demo corpus gold (``workbench/demo/gold/*.json``), pivot -> each other language;
- every labelled corpus under ``bench/corpora/NAME/gold/*.json`` (written blind, each with
  its README), the same way: ``sco`` (ministry pages, ru original), ``lit`` (short stories,
  en original, literary zh/de/fr translations), ``alpine`` (yearbook articles, en, free
  de/fr/ru/es translations), ``relay`` (fr original, en from it, de/ru/es from the en), and
  the others their READMEs describe; German→French as well where a corpus has both, and its
  Chinese pairs en→zh, ru→zh and zh→en as a source of their own ("NAME-zh"), the one
  script without spaces.

A gold page is ``{"langs": [...], "sentences": {lang: [...]}, "pairs": {"ru-RU-en-GB":
[[[0], [0, 1]], ...]}}``; it is aligned presegmented and scored per pair against its gold
beads (a reversed pair reads the gold the other way round).

``--calibration``: per source and pooled, the beads by confidence against the share that
were right (a bead is right when the gold has exactly it), the AUC of the confidence at
telling a right bead from a wrong one, and the share of the wrong beads found among the 20%
of beads with the lowest confidence. ``--fit``: the confidence scorer of
:mod:`alignments.confidence` fitted on every source but one and judged on the one left out,
for each source in turn (the figures that count), then on all of them (the coefficients to
paste into the module). ``--debian W`` (with ``--fit``): every fit also takes the beads of
Debian's manuals (``bench/debian_docs.py``, installed) that their blocks decide
(``coarse_gold.decided``), counting W times the fold's own beads in all; each manual is
then judged held out as well (fitted on the sources and the other manuals); ``--debian
nested``: W chosen inside each fold by a leave-one-source-out of its own. Real
translations nobody here wrote, judged by a coarser gold: an experiment, the shipped scorer
is fitted without them. ``--noise-band N`` (with ``--fit``): how far each source's held-out
figures move when nothing new is learnt, the shipped scorer refitted N times with a random
5% of the beads left out (seeded): per source their SD and band (2 SD, at least 0.002). A
candidate fit (``--debian``) is then said per source "within band", "better" or "worse"
against the shipped scorer held out, and the rule read off: no source worse than its own
band, pooled better. ``--free`` (with ``--fit``): a candidate that weighs a free
translation apart: below a share of the document's sentences on the anchor chain (chosen
inside each fold), the features of the two sides' agreement (similarity, margin, regret,
length) and the document itself get weights of their own besides, each times how far the
coverage falls short, fitted over the fold's scorer; a literal translation is scored as
before. ``--embeddings DIR``: keep the sentence embeddings in DIR between
runs (a development convenience; the timings then leave the embedding out). ``--noise R``:
the encoder made weaker (each embedding moved by a random vector of length R), to see how
the search holds when right pairs are far less similar than in any corpus here, as in the
kept-back literary set. It weakens the embeddings alone, the lengths keep their full
worth: a change that helps only under ``--noise`` leans on the length model, which a free
translation does not honour either (a heavier length term: +0.004 under noise 1.0,
novel2 +0.035, but novel2 -0.012 and Text+Berg dev -0.013 on the intact sources).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from alignments.align import DEFAULT_PARAMS, AlignParams, align_pair_with_features  # noqa: E402
from alignments.beads import Bead  # noqa: E402
from alignments.confidence import Trees  # noqa: E402
from alignments.embed import Clauses, Embedded, Encoder  # noqa: E402
from alignments.multi import choose_pivot  # noqa: E402
from alignments.score import Scores, parse_beads, score_documents  # noqa: E402

Document = tuple[list[str], list[str], list[Bead]]
ZH = "zh-CN"


@dataclass
class Source:
    """Documents of one language pair from one corpus; ``group`` is the cross-validation
    fold it belongs to (a corpus: its language pairs share their content)."""

    name: str
    group: str
    langs: tuple[str, str]
    docs: list[Document]
    damaged: bool = False  # a copy made by ``bench/damage.py``: training material only


@dataclass
class Result:
    """One source's scores and, per bead of its hypotheses, what the confidence needs."""

    source: Source
    scores: Scores
    seconds: dict[str, float]
    confidence: list[float] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)


@dataclass
class RealBeads:
    """Beads of translations nobody here wrote, judged by a coarse gold: fitting material
    (``--debian``), one manual's pairs together."""

    name: str
    features: np.ndarray
    right: np.ndarray


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _gold(page: dict, a: str, b: str) -> list[Bead]:
    """The page's pairwise gold a -> b, read the other way round when stored as b -> a."""
    if f"{a}-{b}" in page["pairs"]:
        return [Bead(tuple(s), tuple(t)) for s, t in page["pairs"][f"{a}-{b}"]]
    return [Bead(tuple(t), tuple(s)) for s, t in page["pairs"][f"{b}-{a}"]]


def demo_pairs(gold_dir: Path) -> dict[tuple[str, str], list[Document]]:
    """For each (pivot, other) pair: the pages as (pivot sentences, other sentences, gold).

    The gold is the page's pairwise beads (``"pairs"``), not its N-way rows: a row that
    another language merged is several 1-1 beads between these two. Chinese is left out
    here (see :func:`zh_pairs`). When the pages have both German and French, German→French
    is a pair too (the Text+Berg direction, between two translations of one original).
    """
    pairs: dict[tuple[str, str], list[Document]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        langs: list[str] = [lang for lang in page["langs"] if lang != ZH]
        pivot = choose_pivot(langs)
        wanted = [(pivot, other) for other in langs if other != pivot]
        if pivot != "de-DE" and {"de-DE", "fr-FR"} <= set(langs):
            wanted.append(("de-DE", "fr-FR"))
        for a, b in wanted:
            pairs.setdefault((a, b), []).append(
                (page["sentences"][a], page["sentences"][b], _gold(page, a, b)))
    return pairs


def zh_pairs(gold_dir: Path) -> dict[tuple[str, str], list[Document]]:
    """en→zh, ru→zh and zh→en over the pages whose gold lists Chinese (none: empty)."""
    pairs: dict[tuple[str, str], list[Document]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        if ZH not in page["langs"]:
            continue
        for a, b in (("en-GB", ZH), ("ru-RU", ZH), (ZH, "en-GB")):
            if a in page["langs"] and b in page["langs"]:
                pairs.setdefault((a, b), []).append(
                    (page["sentences"][a], page["sentences"][b], _gold(page, a, b)))
    return pairs


CORPORA = ROOT / "bench" / "corpora"


def sources(shared: Path, demo: Path, corpora: Sequence[Path]) -> list[Source]:
    """Every source found, in a fixed order; a missing one is said on stderr.

    ``corpora``: gold folders (``bench/corpora/NAME/gold``), each a corpus named by its
    folder: its pairs are one cross-validation group, its Chinese pairs another
    (``NAME-zh``).
    """
    out: list[Source] = []
    dev = shared / "bench" / "textberg-dev"
    if (dev / "dev.defr").exists():
        gold = parse_beads((dev / "dev.defr").read_text(encoding="utf-8"))
        out.append(Source("textberg-dev de→fr", "textberg-dev", ("de", "fr"),
                          [(lines(dev / "dev.de"), lines(dev / "dev.fr"), gold)]))
    else:
        print(f"(no Text+Berg dev at {dev})", file=sys.stderr)
    named = [("demo", demo)] + [(folder.parent.name, folder) for folder in corpora]
    for corpus, folder in named:
        if not (folder.is_dir() and any(folder.glob("*.json"))):
            print(f"(no {corpus} gold at {folder})", file=sys.stderr)
            continue
        for (a, b), pages in sorted(demo_pairs(folder).items()):
            out.append(Source(f"{corpus} {a}→{b} ({len(pages)} pages)", corpus, (a, b), pages))
        for (a, b), pages in zh_pairs(folder).items():
            out.append(Source(f"{corpus} {a}→{b} ({len(pages)} pages)", f"{corpus}-zh",
                              (a, b), pages))
    return out


class _KeptEncoder(Encoder):
    """An encoder that keeps each document's runs and clauses in a folder between runs."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def encode_documents(self, documents: Sequence[Sequence[str]], max_run: int,
                         progress: Callable[[float], None] | None = None
                         ) -> list[Embedded]:
        out: list[Embedded | None] = []
        todo = []
        for doc in documents:
            key = hashlib.sha256(json.dumps([list(doc), max_run]).encode()).hexdigest()[:24]
            path = self.folder / f"{key}.npz"
            if path.exists():
                with np.load(path) as kept:
                    out.append(Embedded(kept["runs"], Clauses(kept["clauses"],
                                                              kept["sentence"])))
            else:
                out.append(None)
                todo.append((len(out) - 1, doc, path))
        if todo:
            computed = super().encode_documents([doc for _, doc, _ in todo], max_run,
                                                progress)
            for (k, _, path), embedded in zip(todo, computed, strict=True):
                np.savez(path, runs=embedded.runs, clauses=embedded.clauses.vectors,
                         sentence=embedded.clauses.sentence)
                out[k] = embedded
        return [doc for doc in out if doc is not None]

    def kept(self, document: Sequence[str], max_run: int) -> Embedded | None:
        found = super().kept(document, max_run)
        key = hashlib.sha256(json.dumps([list(document), max_run]).encode()).hexdigest()[:24]
        if found is None and (self.folder / f"{key}.npz").exists():
            found = self.encode_documents([document], max_run)[0]
        return found


class _WeakerEncoder(Encoder):
    """A weaker encoder, simulated: every run and clause vector of a document moved by a
    random vector of length ``noise`` and renormalised (seeded by the document's text, so
    a run is reproducible), so that a right pair's similarity falls by a factor of about
    1 + noise² while the ranking stays informative. The kept-back literary set is aligned
    with right pairs far less similar than any corpus here: this shows how the search
    holds when the signal is weak (``--noise``)."""

    def __init__(self, inner: Encoder, noise: float) -> None:
        super().__init__()
        self.inner, self.noise = inner, noise

    def encode_documents(self, documents: Sequence[Sequence[str]], max_run: int,
                         progress: Callable[[float], None] | None = None
                         ) -> list[Embedded]:
        out = []
        for doc, embedded in zip(documents, self.inner.encode_documents(
                documents, max_run, progress), strict=True):
            digest = hashlib.sha256(json.dumps([list(doc), max_run]).encode()).digest()
            rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
            out.append(Embedded(self._blur(embedded.runs, rng), Clauses(
                self._blur(embedded.clauses.vectors, rng), embedded.clauses.sentence)))
        return out

    def _blur(self, vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        noise = rng.standard_normal(vectors.shape).astype(np.float32)
        noise *= self.noise / np.linalg.norm(noise, axis=-1, keepdims=True)
        blurred = vectors + noise
        blurred /= np.linalg.norm(blurred, axis=-1, keepdims=True)
        valid = np.linalg.norm(vectors, axis=-1, keepdims=True) > 0  # runs before the start
        return np.where(valid, blurred, np.float32(0.0)).astype(np.float32)


def damaged_copy(source: Source, copy: int) -> Source:
    """``source`` with each document damaged (``bench/damage.py``), seeded by its place."""
    from damage import damage

    docs: list[Document] = []
    for k, (src, tgt, gold) in enumerate(source.docs):
        s, t, beads = damage(src, tgt, [(list(b.source), list(b.target)) for b in gold],
                             seed=1000 * copy + k)
        docs.append((s, t, [Bead(tuple(a), tuple(b)) for a, b in beads]))
    return Source(f"{source.name}, damaged copy {copy}", source.group, source.langs, docs,
                  damaged=True)


def run(source: Source, embeddings: Path | None = None,
        params: AlignParams = DEFAULT_PARAMS, noise: float = 0.0) -> Result:
    """Align each document of a source with a fresh encoder; its scores and beads.
    ``noise``: the encoder made weaker (:class:`_WeakerEncoder`)."""
    encoder: Encoder = _KeptEncoder(embeddings) if embeddings else Encoder()
    start = time.perf_counter()
    if embeddings is None:
        encoder.backend  # noqa: B018 - the model load, timed on its own
    load = time.perf_counter() - start
    if noise:
        encoder = _WeakerEncoder(encoder, noise)
    hyps = []
    features = []
    start = time.perf_counter()
    for src, tgt, _ in source.docs:
        beads, feats = align_pair_with_features(src, tgt, *source.langs, encoder=encoder,
                                                params=params)
        hyps.append(beads)
        features.append(feats)
    elapsed = time.perf_counter() - start
    embed = encoder.seconds_embedding
    seconds = {"load": load, "embed": embed, "search": elapsed - embed}
    result = Result(source, score_documents([gold for _, _, gold in source.docs], hyps),
                    seconds)
    for (_, _, gold), hyp, feats in zip(source.docs, hyps, features, strict=True):
        right = {(b.source, b.target) for b in gold}
        for bead, vector in zip(hyp, feats, strict=True):
            result.confidence.append(bead.score)
            result.right.append((bead.source, bead.target) in right)
            result.features.append(vector)
    return result


def row(result: Result) -> str:
    scores, seconds = result.scores, result.seconds
    sentences = sum(len(s) + len(t) for s, t, _ in result.source.docs)
    total = sum(seconds.values())
    rate = sentences / max(seconds["embed"] + seconds["search"], 1e-9)
    return (f"| {result.source.name} | {scores.precision_strict:.4f} | "
            f"{scores.recall_strict:.4f} | {scores.f1_strict:.4f} | "
            f"{scores.precision_lax:.4f} | {scores.recall_lax:.4f} | {scores.f1_lax:.4f} | "
            f"{seconds['load']:.2f} | {seconds['embed']:.2f} | {seconds['search']:.2f} | "
            f"{total:.2f} | {rate:.0f} |")


# --- how well the confidence ranks ------------------------------------------------------

BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)
LOWEST = 0.2  # the share of beads, lowest confidence first, a reviewer would check


def auc(confidence: Sequence[float], right: Sequence[bool]) -> float:
    """The probability that a right bead has a higher confidence than a wrong one (ties
    count half); NaN when either kind is missing."""
    c = np.asarray(confidence, dtype=float)
    ok = np.asarray(right, dtype=bool)
    if ok.all() or not ok.any():
        return float("nan")
    order = np.argsort(c, kind="stable")
    ranks = np.empty(len(c))
    sorted_c = c[order]
    # average ranks over ties
    start = 0
    for end in range(1, len(c) + 1):
        if end == len(c) or sorted_c[end] != sorted_c[start]:
            ranks[order[start:end]] = (start + end + 1) / 2.0
            start = end
    n_right, n_wrong = int(ok.sum()), int((~ok).sum())
    return float((ranks[ok].sum() - n_right * (n_right + 1) / 2.0) / (n_right * n_wrong))


def wrong_in_lowest(confidence: Sequence[float], right: Sequence[bool],
                    share: float = LOWEST) -> float:
    """The share of the wrong beads among the ``share`` of beads with the lowest confidence
    (ties broken against the confidence: a tie at the cut counts in proportion)."""
    c = np.asarray(confidence, dtype=float)
    wrong = ~np.asarray(right, dtype=bool)
    if not wrong.any():
        return float("nan")
    cut = share * len(c)
    threshold = np.sort(c)[max(0, min(len(c) - 1, int(np.ceil(cut)) - 1))]
    below = c < threshold
    at = c == threshold
    room = cut - below.sum()
    caught = wrong[below].sum() + (wrong[at].sum() * room / at.sum() if at.any() else 0.0)
    return float(caught / wrong.sum())


def reliability(confidence: Sequence[float], right: Sequence[bool]) -> list[str]:
    """Beads by confidence: how many, the mean confidence, and the share that were right."""
    c = np.asarray(confidence, dtype=float)
    ok = np.asarray(right, dtype=bool)
    out = ["| confidence | beads | mean confidence | right |", "|---|---|---|---|"]
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = (c >= lo) & (c < hi)
        if inside.any():
            out.append(f"| {lo:.2f}–{min(hi, 1.0):.2f} | {int(inside.sum())} | "
                       f"{c[inside].mean():.3f} | {ok[inside].mean():.3f} |")
    return out


def ranking_row(name: str, confidence: Sequence[float], right: Sequence[bool]) -> str:
    ok = np.asarray(right, dtype=bool)
    c = np.asarray(confidence, dtype=float)
    return (f"| {name} | {len(ok)} | {int((~ok).sum())} | {c.mean():.3f} | {ok.mean():.3f} | "
            f"{auc(c, ok):.3f} | {wrong_in_lowest(c, ok):.3f} |")


RANKING_HEAD = ["| source | beads | wrong | mean confidence | right | AUC | wrong in lowest 20% |",
                "|---|---|---|---|---|---|---|"]


def calibration(results: Sequence[Result]) -> list[str]:
    results = [r for r in results if not r.source.damaged]
    out = ["", "Confidence against the share right, per source and pooled:", "", *RANKING_HEAD]
    for result in results:
        out.append(ranking_row(result.source.name, result.confidence, result.right))
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result.source.group, []).append(result)
    for group, members in groups.items():
        if len(members) > 1:
            out.append(ranking_row(f"{group} (all pairs)",
                                   [c for r in members for c in r.confidence],
                                   [ok for r in members for ok in r.right]))
    pooled_c = [c for r in results for c in r.confidence]
    pooled_ok = [ok for r in results for ok in r.right]
    out.append(ranking_row("pooled", pooled_c, pooled_ok))
    out += ["", "Reliability, pooled:", "", *reliability(pooled_c, pooled_ok)]
    return out


def debian_beads(embeddings: Path | None, params: AlignParams = DEFAULT_PARAMS
                 ) -> list[RealBeads]:
    """Each installed Debian manual's pairs (``bench/debian_docs.py``) aligned chapter by
    chapter, and the beads its blocks decide (``coarse_gold.decided``): their features and
    whether they are right. None installed: empty, said on stderr."""
    from coarse_gold import decided, judge
    from debian_docs import LANGS, chapters, pairs

    encoder: Encoder = _KeptEncoder(embeddings) if embeddings else Encoder()
    found: dict[str, tuple[list[np.ndarray], list[bool]]] = {}
    for manual, code, reverse in pairs([]):
        documents, _ = chapters(manual, code, reverse)
        langs = (LANGS[code], LANGS["en"]) if reverse else (LANGS["en"], LANGS[code])
        for doc in documents:
            beads, feats = align_pair_with_features(doc.source, doc.target, *langs,
                                                    encoder=encoder, params=params)
            right, _ = judge(doc.gold, beads)
            features, ok = found.setdefault(manual, ([], []))
            for vector, good, known in zip(feats, right, decided(doc.gold, beads),
                                           strict=True):
                if known:
                    features.append(vector)
                    ok.append(good)
    if not found:
        print("(no Debian manual installed: bench/debian_docs.py says which)", file=sys.stderr)
    return [RealBeads(name, np.array(features), np.array(ok, dtype=bool))
            for name, (features, ok) in found.items()]


# the real beads' weights tried inside each fold (``--debian nested``)
NESTED = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5)

# --- the noise of the fit itself (``--noise-band N``) -------------------------------------

DROPPED = 0.05  # the share of the training beads a refit that learns nothing new leaves out
BAND_FLOOR = 0.002  # no band is narrower: the house rule's old tolerance
Figures = tuple[float, float]  # a source's held-out AUC and share of wrong beads in lowest 20%


def band(draws: Sequence[float]) -> tuple[float, float]:
    """A held-out figure's spread over refits that learnt nothing new: its standard
    deviation and the band a change must leave to count, twice that and at least
    :data:`BAND_FLOOR`. NaN draws (a source without wrong beads) are left out; none left:
    NaN, NaN."""
    values = np.asarray(draws, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    sd = float(values.std())
    return sd, max(2.0 * sd, BAND_FLOOR)


def verdict(shipped: Figures, candidate: Figures, bands: Figures) -> str:
    """How a candidate scorer fares on one source against the shipped one, each figure
    (AUC, wrong beads in the lowest 20%) against its own band: "worse" when either falls
    by more than its band, "better" when neither does and one rises by more than its band,
    "within band" otherwise; "no wrong beads" when there is nothing to rank."""
    if not all(np.isfinite(shipped)) or not all(np.isfinite(candidate)):
        return "no wrong beads"
    change = [new - old for old, new in zip(shipped, candidate, strict=True)]
    if any(d < -b - 1e-12 for d, b in zip(change, bands, strict=True)):
        return "worse"
    if any(d > b + 1e-12 for d, b in zip(change, bands, strict=True)):
        return "better"
    return "within band"


# --- a free translation's terms (``--free``): a candidate, not shipped ------------------------

# What a literal translation makes sharp and a free one blurs: how well the two sides agree.
# Below some share of a document's sentences on the first pass's anchor chain (a free
# translation: novels, essays, yearbook articles), these features get weights of their own
# besides the scorer's, each times how far the coverage falls short; a literal translation, at
# or above it, is scored as before.
FREE = ("similarity", "margin", "regret", "length")
FREE_BELOWS = (0.5, 0.6, 0.7, 0.8)  # the coverage they start below, chosen inside each fold
Scorer = tuple[np.ndarray, float, np.ndarray | None, float]  # weights, bias, free terms' too


def free_terms(features: np.ndarray, below: float) -> np.ndarray:
    """A free translation's terms: (k, len(FREE) + 1), each feature of :data:`FREE` and then
    1 (a shift of the whole document), times how far its coverage falls short of ``below``;
    all 0 for a document at or above it."""
    from alignments.confidence import FEATURES

    x = np.asarray(features, dtype=float).reshape(-1, len(FEATURES))
    short = np.maximum(0.0, below - x[:, FEATURES.index("coverage")])
    columns = x[:, [FEATURES.index(name) for name in FREE]]
    return np.hstack([columns, np.ones((len(x), 1))]) * short[:, None]


def fit_free(x: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float, below: float,
             l2: float = 10.0, iterations: int = 50) -> np.ndarray:
    """The weights of :func:`free_terms` over a scorer (``weights``, ``bias``) kept as it is:
    an L2-penalised logistic regression of ``y`` with the scorer's log-odds as an offset and
    no intercept of its own, on the terms scaled by their root mean square (a literal
    translation's zeros stay zero; the penalty ``l2`` on those, as the scorer's own)."""
    keep = np.isfinite(x).all(axis=1)
    x, y = np.asarray(x[keep], dtype=float), np.asarray(y[keep], dtype=float)
    offset = x @ weights + bias
    terms = free_terms(x, below)
    scale = np.sqrt((terms ** 2).mean(axis=0))
    scale[scale == 0] = 1.0
    z = terms / scale
    beta = np.zeros(z.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta + offset, -30.0, 30.0)))
        step = np.linalg.solve((z * (p * (1 - p))[:, None]).T @ z + l2 * np.eye(len(beta)),
                               z.T @ (p - y) + l2 * beta)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return np.asarray(beta / scale)


def scored(features: np.ndarray, scorer: Scorer) -> np.ndarray:
    """Each bead's confidence under ``scorer``, with its free translation's terms if any."""
    from alignments.confidence import probability

    weights, bias, free, below = scorer
    if free is None or not len(features):
        return probability(features, weights, bias)
    z = np.asarray(features, dtype=float) @ weights + bias + free_terms(features, below) @ free
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def with_free(x: dict[str, np.ndarray], y: dict[str, np.ndarray],
              judged_x: dict[str, np.ndarray], judged_y: dict[str, np.ndarray],
              train: Sequence[str], weights: np.ndarray, bias: float,
              below: float | None = None) -> Scorer:
    """A scorer fitted on ``train`` with the free translations' terms over it
    (:func:`alignments.confidence.fit_free`): the coverage they start below chosen among
    ``FREE_BELOWS`` (unless given) by a leave-one-source-out over ``train`` alone, the
    weights and bias kept, then their weights fitted on every source of ``train``."""
    def stacked(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate([x[h] for h in names]), np.concatenate([y[h] for h in names])

    if below is None:
        best = (-1.0, FREE_BELOWS[0])
        for candidate in FREE_BELOWS:
            c: list[float] = []
            ok: list[bool] = []
            for h in train:
                free = fit_free(*stacked([k for k in train if k != h]), weights, bias,
                                candidate)
                c += scored(judged_x[h], (weights, bias, free, candidate)).tolist()
                ok += judged_y[h].tolist()
            best = max(best, (auc(c, ok), candidate), key=lambda pair: pair[0])
        below = best[1]
    return weights, bias, fit_free(*stacked(train), weights, bias, below), below


def noise_bands(x: dict[str, np.ndarray], y: dict[str, np.ndarray],
                judged_x: dict[str, np.ndarray], judged_y: dict[str, np.ndarray],
                refits: int, seed: int = 0) -> dict[str, tuple[Figures, Figures]]:
    """Per fold: the SD of its held-out AUC and lowest-20% share, and their bands, over
    ``refits`` leave-one-source-out fits of the shipped scorer each leaving a random
    :data:`DROPPED` of every source's beads out (seeded: the same every run)."""
    from alignments.confidence import fit_logistic, probability

    groups = sorted(x)
    draws: dict[str, list[Figures]] = {g: [] for g in groups}
    rng = np.random.default_rng(seed)
    for _ in range(refits):
        kept = {g: rng.random(len(y[g])) >= DROPPED for g in groups}
        for g in groups:
            train = [h for h in groups if h != g]
            scorer = fit_logistic(np.concatenate([x[h][kept[h]] for h in train]),
                                  np.concatenate([y[h][kept[h]] for h in train]))
            p = probability(judged_x[g], *scorer)
            draws[g].append((auc(p, judged_y[g]), wrong_in_lowest(p, judged_y[g])))
    out = {}
    for g in groups:
        auc_sd, auc_band = band([a for a, _ in draws[g]])
        low_sd, low_band = band([low for _, low in draws[g]])
        out[g] = ((auc_sd, low_sd), (auc_band, low_band))
    return out


def _figures(confidence: Sequence[float], right: Sequence[bool]) -> Figures:
    return auc(confidence, right), wrong_in_lowest(confidence, right)


TREES = 200  # boosted trees: how many, how deep, and the step of each (scikit-learn's
DEPTH = 2  # GradientBoostingClassifier; tried 2026-12-07 on the sources held out, the mean
RATE = 0.05  # with the logistic model: pooled AUC 0.913 -> 0.922; not shipped, see
# alignments/confidence.py)


def fit_trees(x: np.ndarray, y: np.ndarray) -> Trees:
    """Boosted trees for the confidence, fitted on ``x`` (rows with a NaN left out) by
    scikit-learn (a test dependency: the workbench itself only reads the trees)."""
    from sklearn.ensemble import GradientBoostingClassifier

    keep = np.isfinite(x).all(axis=1)
    model = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH,
                                       learning_rate=RATE, random_state=0)
    model.fit(x[keep], np.asarray(y, dtype=bool)[keep])
    prior = float(np.mean(np.asarray(y, dtype=float)[keep]))
    trees = tuple({"feature": np.where(t.tree_.children_left < 0, -1, t.tree_.feature),
                   "threshold": t.tree_.threshold.astype(np.float64),
                   "left": t.tree_.children_left, "right": t.tree_.children_right,
                   "value": t.tree_.value[:, 0, 0].astype(np.float64)}
                  for t in model.estimators_[:, 0])
    found = Trees(float(np.log(prior / (1.0 - prior))), RATE, trees)
    check = model.predict_proba(x[keep][:200])[:, 1]
    if not np.allclose(found.probability(x[keep][:200]), check, atol=1e-6):
        raise AssertionError("the trees read back do not give scikit-learn's probabilities")
    return found


def fit(results: Sequence[Result], real: Sequence[RealBeads] = (),
        real_weight: float | None = 0.0, refits: int = 0, free: bool = False,
        boost: Path | None = None) -> list[str]:
    """The scorer fitted leaving each fold (corpus) out in turn, judged on it; then on all.
    ``real``: beads every fit takes as well, counting ``real_weight`` times the fit's own
    beads in all; each of them is then judged held out too. ``real_weight`` None: the
    weight of :data:`NESTED` chosen inside each fold, by the same leave-one-source-out over
    its training sources alone (their pooled AUC), never by the source held out.

    ``refits``: each fold's noise band (:func:`noise_bands`) from that many refits of the
    shipped scorer. A fit other than the shipped one (real beads, ``free``) is a candidate:
    each fold
    is then said "within band", "better" or "worse" against the shipped scorer held out,
    by its band (:data:`BAND_FLOOR` without refits), and whether it passes the rule: no
    source worse than its own band, the pooled figures better.

    ``free``: every fit also has a free translation's terms (:func:`with_free`: the coverage
    they start below chosen inside each fold, their weights fitted over the fold's scorer on
    its own sources, without real beads).

    ``boost``: boosted trees fitted beside the logistic model in every fold
    (:func:`fit_trees`), each bead judged by the mean of the two (as
    :func:`alignments.confidence.probability` ships them), and the trees fitted on every
    source written to that file (``alignments/resources/confidence_trees.json``)."""
    from alignments.confidence import FEATURES, fit_logistic, probability

    real = [r for r in real if len(r.right)] if real_weight is None or real_weight > 0 else []

    def fitted(x_own: np.ndarray, y_own: np.ndarray, extra: Sequence[RealBeads],
               weight: float) -> tuple[np.ndarray, float]:
        if not extra or not weight:
            return fit_logistic(x_own, y_own)
        x_real = np.concatenate([r.features for r in extra])
        y_real = np.concatenate([r.right for r in extra])
        each = weight * len(y_own) / len(y_real)
        return fit_logistic(np.concatenate([x_own, x_real]), np.concatenate([y_own, y_real]),
                            sample_weight=np.concatenate([np.ones(len(y_own)),
                                                          np.full(len(y_real), each)]))

    groups = sorted({r.source.group for r in results})
    x = {g: np.array([f for r in results if r.source.group == g for f in r.features])
         for g in groups}
    y = {g: np.array([ok for r in results if r.source.group == g for ok in r.right])
         for g in groups}
    # a fold is judged on its own documents only, never on their damaged copies
    judged_x = {g: np.array([f for r in results if r.source.group == g
                             and not r.source.damaged for f in r.features]) for g in groups}
    judged_y = {g: np.array([ok for r in results if r.source.group == g
                             and not r.source.damaged for ok in r.right]) for g in groups}

    def together(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate([x[h] for h in names]), np.concatenate([y[h] for h in names])

    def scorer_for(train: Sequence[str], extra: Sequence[RealBeads], weight: float) -> Scorer:
        weights, bias = fitted(*together(train), extra, weight)
        if not free:
            return weights, bias, None, 0.0
        return with_free(x, y, judged_x, judged_y, train, weights, bias)

    def weight_for(train: Sequence[str]) -> float:
        """The real beads' weight: as given, or the one of NESTED under which the fits
        leaving each of ``train`` out in turn rank its beads best."""
        if real_weight is not None or not real:
            return real_weight or 0.0
        best = (-1.0, 0.0)
        for weight in NESTED:
            c: list[float] = []
            ok: list[bool] = []
            for h in train:
                scorer = fitted(*together([k for k in train if k != h]), real, weight)
                c += probability(judged_x[h], *scorer).tolist()
                ok += judged_y[h].tolist()
            best = max(best, (auc(c, ok), weight), key=lambda pair: pair[0])
        return best[1]

    out = ["", "Leave-one-source-out (fitted on the others, judged on the one held out):", "",
           *RANKING_HEAD]
    held_c: list[float] = []
    held_ok: list[bool] = []
    picked = []
    belows: dict[str, float] = {}
    for g in groups:
        train = [h for h in groups if h != g]
        weight = weight_for(train)
        picked.append(f"{g} {weight:g}")
        scorer = scorer_for(train, real, weight)
        belows[g] = scorer[3]
        p = scored(judged_x[g], scorer)
        if boost is not None and len(judged_x[g]):
            p = (p + fit_trees(*together(train)).probability(judged_x[g])) / 2.0
        out.append(ranking_row(f"{g} held out", p, judged_y[g]))
        held_c += p.tolist()
        held_ok += judged_y[g].tolist()
    out.append(ranking_row("all held-out folds", held_c, held_ok))
    out += _against_shipped(groups, x, y, judged_x, judged_y, held_c, bool(real) or free,
                            refits)
    if real and real_weight is None:
        out += ["", "The real beads' weight chosen inside each fold: " + ", ".join(picked)]
    if free:
        out += ["", "The coverage the free translations' terms start below, chosen inside "
                    "each fold: " + ", ".join(f"{g} {belows[g]:g}" for g in groups)]
    out += ["", "Reliability of the held-out confidences:", "",
            *reliability(held_c, held_ok)]
    weight = weight_for(groups)
    if real:
        out += ["", f"Real beads held out (fitted on every source and the others, counting "
                    f"{weight:g} times the sources' beads; the coarse gold's right):", "",
                *RANKING_HEAD]
        for r in real:
            scorer = fitted(*together(groups), [o for o in real if o is not r], weight)
            out.append(ranking_row(f"{r.name} held out", probability(r.features, *scorer),
                                   r.right))
    weights, bias, terms, below = scorer_for(groups, real, weight)
    if boost is not None:
        boost.write_text(fit_trees(*together(groups)).to_json() + "\n", encoding="utf-8")
        out += ["", f"Boosted trees fitted on every source written to {boost}"]
    out += ["", "Fitted on every source" + (f" and the real beads ({weight:g})" if real else "")
            + (" (alignments/confidence.py):" if not (real or free) else " (a candidate):"),
            "",
            f"INTERCEPT = {bias:.4f}", "WEIGHTS = {"]
    out += [f'    "{name}": {w:.4f},' for name, w in zip(FEATURES, weights, strict=True)]
    out.append("}")
    if terms is not None:
        out += [f"free translations: below a coverage of {below:g}, each times the shortfall",
                "FREE_WEIGHTS = {"]
        out += [f'    "{name}": {w:.4f},' for name, w in zip((*FREE, "document"), terms,
                                                              strict=True)]
        out.append("}")
    return out


def _against_shipped(groups: Sequence[str], x: dict[str, np.ndarray],
                     y: dict[str, np.ndarray], judged_x: dict[str, np.ndarray],
                     judged_y: dict[str, np.ndarray], held_c: Sequence[float],
                     candidate: bool, refits: int) -> list[str]:
    """The noise band of each fold (``refits`` > 0) and, for a candidate fit (``held_c``:
    its held-out confidences, the folds in turn), each fold against the shipped scorer's
    held-out figures by that band."""
    from alignments.confidence import fit_logistic, probability

    if not refits and not candidate:
        return []
    shipped: dict[str, np.ndarray] = {}
    for g in groups:
        train = [h for h in groups if h != g]
        if candidate:
            scorer = fit_logistic(*(np.concatenate([m[h] for h in train]) for m in (x, y)))
            shipped[g] = probability(judged_x[g], *scorer)
    bands = (noise_bands(x, y, judged_x, judged_y, refits) if refits else
             {g: ((float("nan"),) * 2, (BAND_FLOOR,) * 2) for g in groups})
    cut = np.cumsum([0] + [len(judged_y[g]) for g in groups])
    mine = {g: np.asarray(held_c[cut[k]:cut[k + 1]]) for k, g in enumerate(groups)}
    if not candidate:
        shipped = mine
    out = []
    if refits:
        out += ["", f"Noise band of the shipped scorer held out ({refits} refits, each "
                    f"leaving a random {DROPPED:.0%} of the beads out; band: 2 SD, at least "
                    f"{BAND_FLOOR}):", "",
                "| source | AUC | SD | band | wrong in lowest 20% | SD | band |",
                "|---|---|---|---|---|---|---|"]
        for g in groups:
            (auc_sd, low_sd), (auc_band, low_band) = bands[g]
            figures = _figures(shipped[g], judged_y[g])
            out.append(f"| {g} | {figures[0]:.3f} | {auc_sd:.4f} | {auc_band:.4f} | "
                       f"{figures[1]:.3f} | {low_sd:.4f} | {low_band:.4f} |")
    if not candidate:
        return out
    out += ["", "The candidate against the shipped scorer, held out (AUC / wrong in lowest "
                "20%; each source against its own band" + ("" if refits else
                f", {BAND_FLOOR} without --noise-band") + "):", "",
            "| source | shipped | candidate | band | verdict |", "|---|---|---|---|---|"]
    worse = []
    for g in groups:
        before, after = _figures(shipped[g], judged_y[g]), _figures(mine[g], judged_y[g])
        said = verdict(before, after, bands[g][1])
        worse += [g] if said == "worse" else []
        out.append(f"| {g} | {before[0]:.3f} / {before[1]:.3f} | {after[0]:.3f} / "
                   f"{after[1]:.3f} | {bands[g][1][0]:.4f} / {bands[g][1][1]:.4f} | {said} |")
    right = np.concatenate([judged_y[g] for g in groups])
    before = _figures(np.concatenate([shipped[g] for g in groups]), right)
    after = _figures(np.concatenate([mine[g] for g in groups]), right)
    pooled = after[0] > before[0] and after[1] >= before[1]
    out.append(f"| pooled | {before[0]:.3f} / {before[1]:.3f} | {after[0]:.3f} / "
               f"{after[1]:.3f} | | {'better' if pooled else 'not better'} |")
    out += ["", ("Passes" if pooled and not worse else "Fails") + " the rule (no source worse "
            "than its own band, pooled better): " + (f"worse on {', '.join(worse)}" if worse
                                                     else "no source worse")
            + ("" if pooled else ", pooled not better") + "."]
    return out


def parse_params(pairs: Sequence[str]) -> AlignParams:
    """``AlignParams`` with each ``NAME=VALUE`` of ``pairs`` set (``none`` for None)."""
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(AlignParams)}
    changes: dict[str, object] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in fields:
            raise SystemExit(f"no aligner knob {name!r}: {', '.join(fields)}")
        default = getattr(DEFAULT_PARAMS, name)
        changes[name] = None if value.lower() == "none" else (
            int(value) if isinstance(default, int) else float(value))
    return dataclasses.replace(DEFAULT_PARAMS, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--demo", type=Path, default=ROOT / "workbench" / "demo" / "gold")
    parser.add_argument("--corpora", type=Path, nargs="*",
                        default=sorted(CORPORA.glob("*/gold")),
                        help="gold folders of labelled corpora (default: bench/corpora/*/gold)")
    parser.add_argument("--calibration", action="store_true",
                        help="also: how the confidence ranks and calibrates, per source")
    parser.add_argument("--fit", action="store_true",
                        help="also: the confidence scorer fitted leaving each source out")
    parser.add_argument("--boost", type=Path, metavar="FILE",
                        help="with --fit: boosted trees beside the logistic model, each bead "
                             "judged by their mean; the trees fitted on every source written "
                             "to FILE (alignments/resources/confidence_trees.json ships them)")
    parser.add_argument("--damaged", type=int, default=0, metavar="N",
                        help="also align N damaged copies of every source (sentences joined "
                             "and dropped, bench/damage.py) and fit the confidence on them "
                             "too; folds are still judged on their own documents only")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an aligner knob other than its default (alignments.align."
                             "AlignParams), e.g. --param multi=0.2; repeatable")
    parser.add_argument("--embeddings", type=Path,
                        help="keep the sentence embeddings in this folder between runs")
    parser.add_argument("--debian", default="0", metavar="W",
                        help="with --fit: every fit also takes the beads of Debian's "
                             "manuals that their blocks decide, W times the fit's own "
                             "beads in all (bench/debian_docs.py: installed); 'nested': W "
                             "chosen inside each fold among " + ", ".join(map(str, NESTED)))
    parser.add_argument("--debian-embeddings", type=Path, metavar="DIR",
                        help="keep the Debian manuals' embeddings here (default: "
                             "--embeddings)")
    parser.add_argument("--noise-band", type=int, default=0, metavar="N",
                        help="with --fit: each source's noise band from N refits of the "
                             "shipped scorer leaving a random 5%% of the beads out (seeded), "
                             "and a candidate fit (--debian, --free) judged against it per "
                             "source")
    parser.add_argument("--free", action="store_true",
                        help="with --fit: a candidate with a free translation's terms "
                             "besides (bench/accuracy.py FREE: their weights apart below a "
                             "coverage chosen inside each fold)")
    parser.add_argument("--noise", type=float, default=0.0, metavar="R",
                        help="a weaker encoder, simulated: each embedding moved by a random "
                             "vector of length R (1.0 halves a right pair's similarity)")
    args = parser.parse_args(argv)
    if args.noise_band < 0:
        parser.error(f"--noise-band takes a number of refits, 0 or more, not {args.noise_band}")
    if args.boost is not None:  # said before the alignment, not after minutes of it
        if not args.fit:
            parser.error("--boost fits trees beside the scorer: give --fit too")
        if not args.boost.parent.is_dir():
            parser.error(f"--boost: no folder {args.boost.parent} to write the trees in")
        try:
            import sklearn  # noqa: F401
        except ImportError:
            parser.error("--boost needs scikit-learn (pip install '.[test]')")
    params = parse_params(args.param)

    print("| source | P strict | R strict | F1 strict | P lax | R lax | F1 lax | load s "
          "| embed s | search s | total s | sent/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    results = []
    found = sources(args.shared, args.demo, args.corpora)
    found += [damaged_copy(source, copy) for copy in range(1, args.damaged + 1)
              for source in found]
    for source in found:
        results.append(run(source, args.embeddings, params, args.noise))
        print(row(results[-1]), flush=True)
    if args.calibration and results:
        print("\n".join(calibration(results)))
    if args.fit and results:
        weight = None if args.debian == "nested" else float(args.debian)
        real = (debian_beads(args.debian_embeddings or args.embeddings, params)
                if weight is None or weight > 0 else [])
        print("\n".join(fit(results, real, weight, args.noise_band,
                                  args.free, args.boost)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
