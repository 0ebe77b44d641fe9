"""The confidence scorer's leave-one-source-out fit (``bench/accuracy.py --fit``) with real
beads from elsewhere (``--debian W``): they count W times the fold's own beads, and each
set of them is judged held out too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

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


def free_and_literal(name: str, rng: np.random.Generator) -> Result:
    """A corpus of two documents: a literal translation (coverage 0.9) whose wrong beads
    the similarity tells, and a free one (coverage 0.3) whose wrong beads the length
    deviation tells as well."""
    result = corpus(name, rng, FEATURES.index("similarity"))
    x = np.array(result.features)
    free = np.arange(len(x)) >= len(x) // 2
    x[:, FEATURES.index("coverage")] = np.where(free, 0.3, 0.9)
    length = FEATURES.index("length")
    wrong = ~np.array(result.right)
    x[free, length] = np.abs(rng.normal(size=int(free.sum()))) + 3.0 * wrong[free]
    result.features = list(x)
    return result


def test_a_free_translations_terms_are_weighed_below_its_coverage_only() -> None:
    """``--free``: below the coverage chosen, the agreement features get weights of their
    own (here the length deviation tells a free translation's wrong beads); a literal
    translation's beads are scored as by the scorer alone."""
    from alignments.confidence import fit_logistic, probability
    from bench.accuracy import FREE, fit_free, free_terms, scored

    rng = np.random.default_rng(2)
    x = np.array([f for name in ("alpine", "novel") for f in
                  free_and_literal(name, rng).features])
    rng = np.random.default_rng(2)
    y = np.array([ok for name in ("alpine", "novel") for ok in
                  free_and_literal(name, rng).right])
    coverage = x[:, FEATURES.index("coverage")]
    terms = free_terms(x, 0.6)
    assert terms.shape == (len(x), len(FREE) + 1)
    assert (terms[coverage >= 0.6] == 0).all()
    np.testing.assert_allclose(terms[coverage < 0.6, -1], 0.3)  # 0.6 - 0.3, the shortfall
    weights, bias = fit_logistic(x, y)
    free = fit_free(x, y, weights, bias, 0.6)
    assert free[FREE.index("length")] < 0  # a long bead is suspect in the free translation
    with_terms = scored(x, (weights, bias, free, 0.6))
    alone = probability(x, weights, bias)
    np.testing.assert_allclose(with_terms[coverage >= 0.6], alone[coverage >= 0.6])
    wrong_free = (coverage < 0.6) & ~y
    assert with_terms[wrong_free].mean() < alone[wrong_free].mean()


def test_fit_judges_the_free_translations_terms_as_a_candidate() -> None:
    """``--fit --free``: the coverage below which a free translation's terms count, chosen
    inside each fold, and every source said within band, better or worse against the
    shipped scorer; the terms' weights printed as a candidate's, not for the module."""
    from bench.accuracy import FREE_BELOWS

    rng = np.random.default_rng(3)
    results = [free_and_literal(name, rng) for name in ("alpine", "novel", "treaty", "lit")]
    lines = fit(results, free=True)
    chosen = next(line for line in lines if line.startswith("The coverage the free"))
    picked = [fold.split() for fold in chosen.split(": ")[1].split(", ")]
    assert [name for name, _ in picked] == ["alpine", "lit", "novel", "treaty"]
    assert all(float(below) in FREE_BELOWS for _, below in picked)
    assert any(line.startswith("| source | shipped | candidate | band | verdict |")
               for line in lines)
    said = [line for line in lines if line.startswith(("| alpine |", "| novel |"))]
    assert len(said) == 2 and all(line.endswith(("| better |", "| within band |",
                                                 "| worse |")) for line in said)
    assert "(a candidate):" in " ".join(lines) and "FREE_WEIGHTS = {" in lines
    assert not any("candidate" in line for line in fit(results))  # as shipped: no verdicts


def test_a_negative_count_of_refits_is_refused_with_a_sentence(
        capsys: pytest.CaptureFixture[str]) -> None:
    from bench.accuracy import main

    with pytest.raises(SystemExit) as stop:
        main(["--fit", "--noise-band", "-3"])
    assert stop.value.code == 2
    assert "--noise-band takes a number of refits, 0 or more, not -3" in capsys.readouterr().err


def test_boosted_trees_asked_badly_are_refused_before_any_alignment(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from bench.accuracy import main

    for argv, said in ((["--boost", str(tmp_path / "trees.json")], "give --fit too"),
                       (["--fit", "--boost", str(tmp_path / "no" / "trees.json")],
                        "no folder")):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        err = capsys.readouterr()
        assert said in err.err and "| source |" not in err.out


def test_boosted_trees_fitted_give_back_scikit_learns_probabilities() -> None:
    """``--fit --boost``: the trees read back with numpy rank as scikit-learn's model."""
    import numpy as np

    from bench.accuracy import fit_trees

    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 3))
    y = x[:, 0] + 0.3 * x[:, 1] ** 2 + 0.2 * rng.normal(size=300) > 0.2
    trees = fit_trees(x, y)
    p = trees.probability(x)
    assert ((p > 0.5) == y).mean() > 0.9
