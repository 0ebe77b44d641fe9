"""The engine's errors: each of a kind, with its particulars, and an English sentence."""

from __future__ import annotations

import re

import pytest

from alignments import AlignmentError
from alignments.beads import Bead
from alignments.errors import MESSAGES
from alignments.multi import align_versions, choose_pivot
from alignments.score import parse_beads
from alignments.segment import SegmentationRulesError, Segmenter


def test_an_error_says_its_kind_and_particulars_and_an_english_sentence() -> None:
    with pytest.raises(AlignmentError) as caught:
        align_versions({"ru": ["Р1."], "en": ["E1."]}, "fr")
    assert caught.value.kind == "pivot-missing"
    assert caught.value.params == {"lang": "fr", "langs": "ru, en"}
    assert str(caught.value) == "the pivot language 'fr' is not among the versions (ru, en)"

    with pytest.raises(AlignmentError) as caught:
        choose_pivot([])
    assert caught.value.kind == "no-versions" and caught.value.params == {}

    with pytest.raises(AlignmentError) as caught:
        parse_beads("[0]:[0]\n[1, 2]\n")
    assert caught.value.kind == "not-a-bead" and caught.value.params["line"] == 2
    assert str(caught.value) == "line 2 is not a bead like '[0, 1]:[2]': '[1, 2]'"

    with pytest.raises(SegmentationRulesError) as rules:
        Segmenter(custom_rules=b"")
    assert rules.value.kind == "rules-empty"


def test_confirmed_beads_that_cannot_be_kept_say_which_and_why() -> None:
    from alignments.align import align_pair

    with pytest.raises(AlignmentError) as caught:
        align_pair(["Р1.", "Р2.", "Р3."], ["E1."], "ru", "en", anchors=[Bead((0, 2), (0,))])
    assert caught.value.kind == "anchor-gaps"
    assert caught.value.params == {"bead": "[0, 2]:[0]:1.0000", "side": "source"}


def test_every_kind_has_an_english_sentence_that_its_particulars_fill() -> None:
    for kind, sentence in MESSAGES.items():
        names = re.findall(r"%\((\w+)\)[sr]", sentence)
        assert re.sub(r"%\(\w+\)[sr]", "", sentence).count("%") == 0, kind
        error = AlignmentError(kind, **{name: "x" for name in names})
        assert "%(" not in str(error) and error.kind == kind
