"""The scorer: the metric's definition as tables, and agreement with the benchmark's scorer."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest

from alignments.beads import AlignmentError, Bead
from alignments.score import format_beads, parse_beads, score_beads, score_documents

# CI has ../shared beside the clone: there, its absence is a failure, not a skip
SHARED_REQUIRED = bool(os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"))

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REFERENCE = SHARED / "bench" / "score.py"
DEV = SHARED / "bench" / "textberg-dev"


def beads(*pairs: tuple[list[int], list[int]]) -> list[Bead]:
    return [Bead(tuple(s), tuple(t)) for s, t in pairs]


GOLD = beads(([0], [0]), ([1, 2], [1]), ([3], []), ([4], [2, 3]), ([], [4]))


@pytest.mark.parametrize(
    ("hypothesis", "expected"),
    [
        # identical: everything right
        (GOLD, (1.0, 1.0, 1.0, 1.0)),
        # 2-1 split into 1-1 + 1-0: strict loses it, lax keeps [1]:[1] (overlap)
        (beads(([0], [0]), ([1], [1]), ([2], []), ([3], []), ([4], [2, 3]), ([], [4])),
         (4 / 6, 2 / 3, 5 / 6, 1.0)),
        # one-sided beads only: nothing two-sided, recall 0; exact 1-0 / 0-1 still count
        (beads(([0], []), ([3], []), ([], [4])), (2 / 3, 0.0, 2 / 3, 0.0)),
        # empty hypothesis
        ([], (0.0, 0.0, 0.0, 0.0)),
    ],
)
def test_score_table(hypothesis: list[Bead], expected: tuple[float, ...]) -> None:
    s = score_beads(GOLD, hypothesis)
    got = (s.precision_strict, s.recall_strict, s.precision_lax, s.recall_lax)
    assert got == pytest.approx(expected)


def test_counts_are_micro_averaged() -> None:
    one = beads(([0], [0]))
    two = beads(([0], [0]), ([1], [1]), ([2], [2]))
    wrong = beads(([0, 1], [0]), ([2], [1, 2]))
    s = score_documents([one, two], [one, wrong])
    assert s.counts.p_total == 3 and s.counts.p_strict == 1 and s.counts.r_total == 4
    assert s.precision_strict == pytest.approx(1 / 3)
    assert s.recall_strict == pytest.approx(1 / 4)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[0]:[0]", Bead((0,), (0,), 1.0)),
        ("[0, 1]:[2]:0.8123", Bead((0, 1), (2,), 0.8123)),
        ("[]:[3]", Bead((), (3,), 1.0)),
        ("[7] : []", Bead((7,), (), 1.0)),
    ],
)
def test_parse_line(line: str, expected: Bead) -> None:
    assert parse_beads(line) == [expected]


@pytest.mark.parametrize("line", ["[0]", "[0]-[1]", "0:1", "[0]:[1]:x", "[a]:[1]"])
def test_parse_rejects(line: str) -> None:
    with pytest.raises(AlignmentError, match="line 1 is not a bead"):
        parse_beads(line)


def test_format_round_trip() -> None:
    original = [Bead((0, 1), (0,), 0.5), Bead((), (1,), 0.25), Bead((2,), (), 1.0)]
    assert parse_beads(format_beads(original)) == original
    assert format_beads(original, scores=False).splitlines()[0] == "[0, 1]:[0]"


def _reference() -> object:
    if not REFERENCE.exists() and not SHARED_REQUIRED:
        pytest.skip(f"the benchmark scorer is not here ({REFERENCE}): ../shared is absent")
    spec = importlib.util.spec_from_file_location("bench_score", REFERENCE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _perturb(gold: list[Bead], rng: random.Random) -> list[Bead]:
    """A plausible wrong alignment: some neighbouring beads merged, some split."""
    out: list[Bead] = []
    for bead in gold:
        roll = rng.random()
        if out and roll < 0.15:
            last = out.pop()
            out.append(Bead(tuple(sorted(set(last.source + bead.source))),
                            tuple(sorted(set(last.target + bead.target)))))
        elif roll < 0.3 and len(bead.source) + len(bead.target) >= 2 and bead.source:
            out.append(Bead(bead.source, ()))
            out.append(Bead((), bead.target))
        else:
            out.append(bead)
    return out


def test_agrees_with_benchmark_scorer_to_the_last_digit() -> None:
    reference = _reference()
    gold_text = (DEV / "dev.defr").read_text(encoding="utf-8")
    gold = parse_beads(gold_text)
    rng = random.Random(7)
    hyps = [_perturb(gold, rng) for _ in range(20)]
    ref_gold = [(b.source, b.target) for b in gold]
    for hyp in hyps[:5]:
        ours = score_beads(gold, hyp)
        theirs = reference.score_pair(ref_gold, [(b.source, b.target) for b in hyp])  # type: ignore[attr-defined]
        for name in ("precision_strict", "recall_strict", "f1_strict",
                     "precision_lax", "recall_lax", "f1_lax"):
            assert getattr(ours, name) == theirs[name], name
    ours = score_documents([gold] * len(hyps), hyps)
    theirs = reference.score_documents(  # type: ignore[attr-defined]
        [ref_gold] * len(hyps), [[(b.source, b.target) for b in h] for h in hyps])
    assert ours.f1_strict == theirs["f1_strict"] and ours.f1_lax == theirs["f1_lax"]
