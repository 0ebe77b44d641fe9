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
                if line.startswith(("| alpine held out", "| novel held out",
                                    "| treaty held out"))]

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


def test_the_noise_band_is_twice_the_spread_of_refits_and_never_under_the_floor() -> None:
    """``--noise-band``: a source's band is 2 SD of its held-out figure over refits that
    learnt nothing new, at least 0.002; a source without wrong beads has none."""
    from bench.accuracy import BAND_FLOOR, band

    sd, width = band([0.70, 0.71, 0.69, 0.70])
    assert abs(sd - np.std([0.70, 0.71, 0.69, 0.70])) < 1e-12
    assert abs(width - 2 * sd) < 1e-12
    assert band([0.9, 0.9, 0.9]) == (0.0, BAND_FLOOR) == (0.0, 0.002)
    sd, width = band([0.9, 0.9001, float("nan")])  # a draw without wrong beads: left out
    assert abs(sd - 0.00005) < 1e-9 and width == 0.002  # 2 SD under the floor
    assert all(np.isnan(band([float("nan")] * 3)))  # no wrong beads at all: no band


def test_a_candidate_is_said_within_band_better_or_worse_per_source() -> None:
    from bench.accuracy import verdict

    bands = (0.005, 0.03)
    assert verdict((0.70, 0.50), (0.697, 0.50), bands) == "within band"
    assert verdict((0.70, 0.50), (0.694, 0.50), bands) == "worse"
    assert verdict((0.70, 0.50), (0.71, 0.50), bands) == "better"
    # either figure falling beyond its band is worse, whatever the other does
    assert verdict((0.70, 0.50), (0.75, 0.45), bands) == "worse"
    assert verdict((float("nan"),) * 2, (float("nan"),) * 2, bands) == "no wrong beads"


def test_fit_prints_each_sources_band_and_judges_a_candidate_by_it() -> None:
    """``--fit --noise-band N``: every source's SD and band; with real beads in the fit (a
    candidate) every source is said within band, better or worse against the shipped
    scorer held out, and the rule read off: no source worse, pooled better."""
    rng = np.random.default_rng(0)
    similarity = FEATURES.index("similarity")
    results = [corpus(name, rng, similarity) for name in ("alpine", "novel", "treaty")]
    shipped = fit(results, refits=3)
    head = shipped.index("| source | AUC | SD | band | wrong in lowest 20% | SD | band |")
    rows = shipped[head + 2:head + 5]
    assert [row.split(" | ")[0] for row in rows] == ["| alpine", "| novel", "| treaty"]
    for row in rows:
        cells = row.strip("| ").split(" | ")
        assert float(cells[3]) >= max(2 * float(cells[2]), 0.002) - 1e-4
    assert fit(results, refits=3) == shipped  # seeded: the same every run
    assert not any("candidate" in line for line in shipped)  # the shipped fit: no verdicts
    # beads that tell the wrong ones by another feature, weighed heavily: a worse candidate
    real = [RealBeads("maint-guide", *beads(rng, 400, FEATURES.index("margin")))]
    candidate = fit(results, real, 3.0, refits=3)
    said = [line for line in candidate if line.startswith(("| alpine |", "| novel |",
                                                           "| treaty |"))][-3:]
    assert all(line.split(" | ")[-1].rstrip(" |") in ("worse", "within band", "better")
               for line in said)
    assert any(line.endswith("| worse |") for line in said)
    assert any(line.startswith("Fails the rule") for line in candidate)
