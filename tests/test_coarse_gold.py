"""The coarse gold of the real-translation benchmarks (``bench/coarse_gold.py``): a bead
is right inside a block of several sentences a side, and must be the whole block where a
side has one sentence; a bead crossing a block's border is wrong and loses both blocks."""

from __future__ import annotations

import pytest

from alignments.beads import Bead
from bench.coarse_gold import decided, judge


def beads(*pairs: tuple[tuple[int, ...], tuple[int, ...]]) -> list[Bead]:
    return [Bead(s, t) for s, t in pairs]


# blocks: 0-0 (1-1), 1-1,2 (1-2, exact), 2,3-3,4 (2-2, lenient inside)
GOLD = beads(((0,), (0,)), ((1,), (1, 2)), ((2, 3), (3, 4)))


@pytest.mark.parametrize(("hypothesis", "right", "found"), [
    (GOLD, [True, True, True], 3),
    # the 2-2 block split into two 1-1: nothing finer is known, both right
    (beads(((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))), [True] * 4, 3),
    # the 1-2 block split: a 1-1 and an orphan, both wrong, the block not found
    (beads(((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2, 3), (3, 4))),
     [True, False, False, True], 2),
    # a bead across the border of blocks 0 and 1 loses both
    (beads(((0, 1), (0, 1, 2)), ((2, 3), (3, 4))), [False, True], 1),
])
def test_judge(hypothesis: list[Bead], right: list[bool], found: int) -> None:
    assert judge(GOLD, hypothesis) == (right, found)


@pytest.mark.parametrize(("hypothesis", "known"), [
    (GOLD, [True, True, False]),
    # inside the 2-2 block nothing finer is known: right by judge, but not decided
    (beads(((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))),
     [True, True, False, False]),
    # a split of the 1-2 block is decided (wrong), so is a bead across a border
    (beads(((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2, 3), (3, 4))),
     [True, True, True, False]),
    (beads(((0, 1), (0, 1, 2)), ((2,), (3,)), ((3,), (4,))), [True, False, False]),
])
def test_decided_leaves_out_the_beads_the_blocks_say_nothing_of(
        hypothesis: list[Bead], known: list[bool]) -> None:
    assert decided(GOLD, hypothesis) == known


def test_bible_blocks_follow_the_verses_no_sentence_crosses() -> None:
    from bench.bible import blocks

    spanish = ["Y dijo Dios: Sea la luz: y fué la luz.",
               "Y vió Dios que la luz era buena; y",  # runs on into the next verse
               "apartó Dios la luz de las tinieblas.",
               "Y llamó Dios á la luz Día."]
    english = ["God said, “Let there be light,” and there was light.",
               "God saw the light, and saw that it was good.",
               "God divided the light from the darkness.",
               "God called the light “day”. The darkness he called “night”."]
    doc = blocks("Genesis 1", spanish, english, "es-ES", "en-GB")
    assert doc.gold == [Bead((0,), (0,)), Bead((1,), (1, 2)), Bead((2,), (3, 4))]
    assert doc.target[4] == "The darkness he called “night”."


def test_a_manuals_chapter_pairs_its_blocks_and_leaves_out_what_is_untranslated(
        tmp_path) -> None:
    from bench.debian_docs import chapter

    english = tmp_path / "ch.en.html"
    german = tmp_path / "ch.de.html"
    english.write_text("<html><body><h1>Packages</h1><p>Install it. Then run it.</p>"
                       "<pre><p>dpkg -i foo.deb</p></pre><p>dpkg</p>"
                       "<ul><li><p>One item.</p></li></ul></body></html>")
    german.write_text("<html><body><h1>Pakete</h1><p>Installieren Sie es und führen Sie "
                      "es dann aus.</p><pre><p>dpkg -i foo.deb</p></pre><p>dpkg</p>"
                      "<ul><li><p>Ein Eintrag.</p></li></ul></body></html>")
    doc = chapter("ch", english, german, "en-GB", "de-DE")
    assert doc is not None
    assert doc.source == ["Packages", "Install it.", "Then run it.", "One item."]
    assert doc.gold == [Bead((0,), (0,)), Bead((1, 2), (1,)), Bead((3,), (2,))]
    german.write_text("<html><body><h1>Pakete</h1><p>Installieren.</p></body></html>")
    assert chapter("ch", english, german, "en-GB", "de-DE") is None
