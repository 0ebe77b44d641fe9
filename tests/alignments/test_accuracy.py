"""The aligner against gold alignments: the floors the product promises, checked on every run.

The figures themselves come from ``bench/accuracy.py``; this only guards against a change
that makes the aligner worse than its floors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alignments.align import align_pair
from alignments.beads import Bead
from alignments.embed import Encoder
from alignments.score import parse_beads, score_documents

# CI has ../shared beside the clone: there, its absence is a failure, not a skip
SHARED_REQUIRED = bool(os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"))

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "workbench" / "demo" / "gold"
DEV = ROOT.parent / "shared" / "bench" / "textberg-dev"
PAGES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


@pytest.mark.parametrize("other", ["en-GB", "de-DE", "fr-FR", "es-ES"])
def test_demo_corpus_each_pair_with_the_pivot_is_at_least_098(encoder: Encoder,
                                                              other: str) -> None:
    golds, hyps = [], []
    for page in PAGES:
        source, target = page["sentences"]["ru-RU"], page["sentences"][other]
        golds.append([Bead(tuple(s), tuple(t)) for s, t in page["pairs"][f"ru-RU-{other}"]])
        hyps.append(align_pair(source, target, "ru-RU", other, encoder=encoder))
    assert score_documents(golds, hyps).f1_strict >= 0.98


@pytest.mark.skipif(not (DEV / "dev.defr").exists() and not SHARED_REQUIRED,
                    reason="../shared/bench is not beside")
def test_textberg_dev_strict_and_lax_floors(encoder: Encoder) -> None:
    source = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    target = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = parse_beads((DEV / "dev.defr").read_text(encoding="utf-8"))
    scores = score_documents([gold], [align_pair(source, target, "de", "fr", encoder=encoder)])
    assert scores.f1_strict >= 0.91 and scores.f1_lax >= 0.99
