"""The confidence scorer's leave-one-source-out fit (``bench/accuracy.py --fit``) with real
beads from elsewhere (``--debian W``): they count W times the fold's own beads, and each
set of them is judged held out too."""

from __future__ import annotations

import numpy as np

from alignments.beads import Bead
from alignments.confidence import FEATURES
from alignments.score import score_documents
from bench.accuracy import RealBeads, Result, Source, fit


def beads(rng: np.random.Generator, n: int, signal: int) -> tuple[np.ndarray, np.ndarray]:
    """Made-up bead features where one feature tells the wrong beads."""
    x = rng.normal(size=(n, len(FEATURES)))
    return x, x[:, signal] + 0.5 * rng.normal(size=n) > -1.5


def corpus(name: str, rng: np.random.Generator, signal: int) -> Result:
    x, right = beads(rng, 200, signal)
    gold = [Bead((0,), (0,))]
    return Result(Source(name, name, ("de", "fr"), [(["a"], ["b"], gold)]),
                  score_documents([gold], [gold]), {"load": 0, "embed": 0, "search": 0},
                  confidence=[0.5] * 200, right=list(right), features=list(x))


def test_real_beads_enter_every_fit_with_their_weight_and_are_judged_held_out() -> None:
    rng = np.random.default_rng(0)
    similarity = FEATURES.index("similarity")
    results = [corpus(name, rng, similarity) for name in ("alpine", "novel", "treaty")]
    # Debian's beads tell the wrong ones by another feature
    real = [RealBeads(name, *beads(rng, 400, FEATURES.index("margin")))
            for name in ("maint-guide", "debian-faq")]
    alone = fit(results)
    assert fit(results, real, 0.0) == alone  # no weight: as without them
    weighed = fit(results, real, 1.0)
    held = [line for line in weighed if "held out" in line]
    assert [line.split(" |")[0] for line in held[-2:]] == ["| maint-guide held out",
                                                           "| debian-faq held out"]
    # the folds are still judged on their own beads, each as many as before

    def folds(lines: list[str]) -> list[str]:
        return [line.split(" | ")[1] for line in lines
                if line.startswith(("| alpine", "| novel", "| treaty"))]

    assert folds(weighed) == folds(alone) == ["200"] * 3

    def weight(lines: list[str], name: str) -> float:
        return float(next(line for line in lines if f'"{name}"' in line).split(": ")[1][:-1])

    # the fit learnt the real beads' signal, more the more they count
    assert abs(weight(alone, "margin")) < 1.0 < weight(weighed, "margin")
    assert weight(weighed, "margin") < weight(fit(results, real, 3.0), "margin")


def test_nested_weighs_the_real_beads_by_the_training_sources_alone() -> None:
    """``--debian nested``: real beads that tell the wrong beads by another feature than
    the sources do are weighed nothing inside every fold, and the folds are judged as
    without them; beads that tell them as the sources do are taken."""
    rng = np.random.default_rng(0)
    similarity = FEATURES.index("similarity")
    results = [corpus(name, rng, similarity) for name in ("alpine", "novel", "treaty", "sco")]
    unlike = [RealBeads(name, *beads(rng, 400, FEATURES.index("margin")))
              for name in ("maint-guide", "debian-faq")]
    alone = fit(results)
    nested = fit(results, unlike, None)
    assert "The real beads' weight chosen inside each fold: alpine 0, novel 0, sco 0, " \
           "treaty 0" in nested
    table = [line for line in alone if line.startswith("| ")][:6]
    assert [line for line in nested if line.startswith("| ")][:6] == table
    alike = [RealBeads(name, *beads(rng, 400, similarity)) for name in ("maint-guide",)]
    chosen = next(line for line in fit(results, alike, None) if "chosen" in line)
    picked = [float(fold.split()[-1]) for fold in chosen.split(": ")[1].split(", ")]
    assert len(picked) == 4 and min(picked) > 0
