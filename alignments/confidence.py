"""A bead's confidence: the probability that it is right, from what the aligner saw of it.

A logistic regression over a few language-agnostic features of each bead (computed by
:meth:`alignments.align._BeadCost.features`): the embedding similarity, raw and against
what a right pair scores in the same document; the margin over the same span shifted by
one sentence; whether taking in or leaving out a sentence would match better; the length
deviation under the document's own length model, and whether a neighbour's deviation
cancels it out (a clause moved across the full stop); the bead's shape; whether it is a
first-pass anchor; how its neighbours fare; numbers and question marks on one side only;
for a skip, the best would-be partner nearby and the skipped sentence's size; for a 1-1
bead, whether a clause of it or of its neighbour reads as the other's translation (a clause
moved across the full stop: two 1-1 beads that are in truth one 2-2).

The coefficients are constants (no I/O at run time). They were fitted with
:func:`fit_logistic` on every development source (Text+Berg dev, the demo corpus and the
blind corpora under ``bench/corpora``: alpine, club, lit, manual, novel, novel2, relay, sco,
treaty, world) by ``PYTHONPATH=. python bench/accuracy.py --fit``, which also judges the
scorer fitted without each source on the source left out. The corpora ``essay`` and
``report`` were written after it and left out, to judge it on text it never saw.

Boosted trees over the same features can stand beside them (:class:`Trees`, read from the
packaged ``resources/confidence_trees.json`` when it is there: it is not shipped), a bead's
confidence then the mean of the two models' probabilities. ``bench/accuracy.py --fit
--boost FILE`` fits them (scikit-learn, a test dependency) and judges the pair held out:
2026-12-07, AUC 0.922 and 88% of the wrong beads among the lowest 20% against the logistic
model's 0.913 / 86%; but shipped, the surer rows changed which version the rows were
merged over on some pages (rows F1 alpine 0.895 -> 0.872, justice 0.962 -> 0.949) and the
editor's mark at 0.97 then caught fewer wrong rows; and on the corpus ``summit``, written
after them and unseen by both models, the pair ranked worse than the logistic model alone
(AUC 0.940 -> 0.933): not kept.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["FEATURES", "INTERCEPT", "WEIGHTS", "Trees", "fit_logistic", "probability",
           "shipped_trees"]

FEATURES = (
    "skip",  # 1 for a 1-0 / 0-1 bead
    "merge",  # 1 for a bead of three sentences or more
    "extra",  # sentences beyond two
    "similarity",  # cosine of the two runs (pairs; 0 for a skip)
    "relative",  # that, less the median similarity of the document's first-pass anchors
    "margin",  # similarity less the best of the same runs shifted by one sentence
    "grow",  # best gain in similarity from taking in one more sentence at an edge
    "shrink",  # best gain from leaving out an edge sentence (merges)
    "regret",  # extra cost of the best local change to the path (join, move a border, split)
    "join",  # gain of joining a neighbouring pair bead over the weaker of the two
    "length",  # |Gale & Church deviation| under the document's length model, at most 5
    "anchor",  # a 1-1 on the first pass's anchor chain
    "numbers",  # share of numbers on one side only
    "question",  # a question on one side only
    "junk",  # sentences with next to no letters in the bead
    "fragments",  # sentences of the bead that look like part of a sentence
    "fragments_beside",  # the same, of the sentence just before and just after, each side
    "beside_skip",  # neighbouring beads that are skips (0..2)
    "neighbour",  # the weaker neighbouring pair's relative similarity
    "coverage",  # the document: share of its sentences on the first pass's anchor chain
    "uneven",  # the document: share of its beads that are not 1-1
    "partner",  # skips: best similarity to a sentence nearby on the other side, relative
    "skip_size",  # skips: log(1 + the sentence's length over its side's mean)
    "complement",  # pairs: the length deviations of the bead and a neighbouring pair bead
    # cancel out (one too long where the other is too short: a clause moved across the
    # full stop between them), -d * d' at most 5, the larger of the two neighbours
    "crossing",  # 1-1 beads: how far a clause of the bead or of a neighbouring pair bead
    # reads as the other bead's (a clause moved across the full stop), -0.5 .. 0.5
    "posterior",  # the bead's share of all the paths through the band, each weighed by
    # exp(-cost / temperature) (forward-backward): low when rivals cost nearly as little
)

# fitted by `PYTHONPATH=. python bench/accuracy.py --fit --corpora bench/corpora/{alpine,club,
# lit,manual,novel,novel2,relay,sco,treaty,world}/gold` (L2 10 on standardised features, 10,846
# beads, 351 wrong: Text+Berg dev, demo and those ten corpora; essay and report, written
# later, left out to judge it unseen), 2026-12-06
INTERCEPT = 2.8309
WEIGHTS: dict[str, float] = {
    "skip": -4.5547,
    "merge": -2.7264,
    "extra": -0.2780,
    "similarity": 0.1379,
    "relative": 0.3829,
    "margin": 2.7832,
    "grow": -2.4049,
    "shrink": -16.3891,
    "regret": 1.5763,
    "join": 0.6957,
    "length": -0.3531,
    "anchor": 0.2429,
    "numbers": 0.6480,
    "question": 0.6923,
    "junk": -1.3830,
    "fragments": 0.0217,
    "fragments_beside": 0.0146,
    "beside_skip": -0.4155,
    "neighbour": 2.2340,
    "coverage": -2.4625,
    "uneven": -3.6014,
    "partner": -6.3422,
    "skip_size": 0.2234,
    "complement": -0.7697,
    "crossing": -5.4166,
    "posterior": 2.4062,
}


def probability(features: np.ndarray, weights: np.ndarray | None = None,
                bias: float | None = None, trees: Trees | None = None) -> np.ndarray:
    """The probability that each bead is right: ``features`` (k, len(FEATURES)) -> (k,).

    The logistic model's, or where there are boosted trees (``trees``, or the packaged
    ones unless ``weights`` are given) the mean of its probability and theirs."""
    w = np.array([WEIGHTS[name] for name in FEATURES]) if weights is None else weights
    b = INTERCEPT if bias is None else bias
    z = np.asarray(features, dtype=float) @ w + b
    logistic = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    if trees is None and weights is None:
        trees = shipped_trees()
    if trees is None or not len(features):
        return logistic
    return (logistic + trees.probability(features)) / 2.0


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees over the features (gradient boosting of the log-odds, as
    scikit-learn's ``GradientBoostingClassifier`` fits them in ``bench/accuracy.py
    --fit``): ``init`` + ``rate`` * the sum of each tree's leaf. Each tree is its nodes'
    ``feature`` (-1 at a leaf), ``threshold`` (a row goes left when its feature, as a
    32-bit float, is at most it), ``left``, ``right`` and ``value`` arrays."""

    init: float
    rate: float
    trees: tuple[dict[str, np.ndarray], ...]

    def probability(self, features: np.ndarray) -> np.ndarray:
        x = np.asarray(features, dtype=np.float32)
        if not self.trees or not len(x):
            return np.full(len(x), 1.0 / (1.0 + np.exp(-np.clip(self.init, -30.0, 30.0))))
        nodes = self._stacked
        count, width = nodes["feature"].shape
        # whether each row goes left at each node of every tree, all asked at once
        left_of = (x[:, np.maximum(nodes["feature"], 0).ravel()]
                   <= nodes["threshold"].ravel()).T
        tree = np.arange(count)[:, None]
        row = np.arange(len(x))[None, :]
        node = np.zeros((count, len(x)), dtype=np.intp)  # where each row is in each tree
        while True:  # one level of every tree at a time
            inner = nodes["feature"][tree, node] >= 0
            if not inner.any():
                break
            below = np.where(left_of[tree * width + node, row],
                             nodes["left"][tree, node], nodes["right"][tree, node])
            node = np.where(inner, below, node)
        raw = self.init + self.rate * nodes["value"][tree, node].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-np.clip(raw, -30.0, 30.0)))

    @functools.cached_property
    def _stacked(self) -> dict[str, np.ndarray]:
        """Each node array of every tree, padded with leaves worth 0 to the widest tree and
        stacked (trees, nodes): every tree walked at once, not one after another."""
        width = max(len(tree["feature"]) for tree in self.trees)
        fill = {"feature": -1, "threshold": 0.0, "left": 0, "right": 0, "value": 0.0}
        return {key: np.stack([np.pad(tree[key], (0, width - len(tree[key])),
                                      constant_values=pad) for tree in self.trees])
                for key, pad in fill.items()}

    def to_json(self) -> str:
        return json.dumps({"features": list(FEATURES), "init": self.init, "rate": self.rate,
                           "trees": [{k: v.tolist() for k, v in tree.items()}
                                     for tree in self.trees]}, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> Trees:
        data = json.loads(text)
        if data["features"] != list(FEATURES):
            raise ValueError("the trees were fitted on other features")
        kinds = {"feature": np.intp, "threshold": np.float64, "left": np.intp,
                 "right": np.intp, "value": np.float64}
        return Trees(float(data["init"]), float(data["rate"]), tuple(
            {k: np.asarray(tree[k], dtype=kind) for k, kind in kinds.items()}
            for tree in data["trees"]))


@functools.cache
def shipped_trees() -> Trees | None:
    """The trees shipped in ``resources/confidence_trees.json`` (None: not there)."""
    found = resources.files("alignments").joinpath("resources", "confidence_trees.json")
    if not found.is_file():
        return None
    return Trees.from_json(found.read_text(encoding="utf-8"))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 10.0, iterations: int = 50,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Weights and intercept of an L2-penalised logistic regression of ``y`` (bool) on
    ``x``, by Newton's method on standardised features (the penalty ``l2`` on those);
    rows with a NaN are left out. ``sample_weight``: how much each row counts (a row of
    weight 2 as two copies of it; the features standardised by the weighted mean and
    spread); None: one each. Deterministic."""
    keep = np.isfinite(x).all(axis=1)
    x, y = np.asarray(x[keep], dtype=float), np.asarray(y[keep], dtype=float)
    weight = (np.ones(len(y)) if sample_weight is None
              else np.asarray(sample_weight, dtype=float)[keep])
    mean = np.average(x, axis=0, weights=weight)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=weight))
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30.0, 30.0)))
        gradient = z.T @ (weight * (p - y)) + penalty * beta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    weights = beta[1:] / scale
    return weights, float(beta[0] - weights @ mean)
