"""Exact anchors: numbers across locale notations, months from CLDR, names across scripts."""

from __future__ import annotations

import numpy as np
import pytest

from alignments.anchors import (
    anchor_features,
    anchor_similarity,
    iter_numbers,
    mask_mismatch,
    normalise_number,
    span_masks,
)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1 000,5", "ru", "1000.5"),
        ("1\u00a0000,5", "fr", "1000.5"),
        ("1\u202f000,5", "fr", "1000.5"),
        ("1,000.5", "en", "1000.5"),
        ("1.000,5", "de", "1000.5"),
        ("1.000,5", "es", "1000.5"),
        ("1,000", "en", "1000"),  # a thousand in English ...
        ("1,000", "de", "1"),  # ... one in German
        ("1.000", "de", "1000"),
        ("1.000", "en", "1"),
        ("1,5", "en", "1.5"),  # not three digits after the mark: decimal everywhere
        ("12,345,678", "en", "12345678"),
        ("1 000 000,25", "fr", "1000000.25"),
        ("8847,60", "de", "8847.6"),
        ("2019", "ru", "2019"),
        ("0,75", "ru", "0.75"),
    ],
)
def test_normalise_number(text: str, lang: str, expected: str) -> None:
    assert normalise_number(text, lang) == expected


@pytest.mark.parametrize(
    ("sentence", "lang", "expected"),
    [
        ("In 2019, 22 May", "en", ["2019", "22"]),  # a comma and a space: two numbers
        ("17 8153 m", "de", ["17", "8153"]),  # a space not followed by 3 digits then a stop
        ("СНВ-3 и 1 000,5 рублей", "ru", ["3", "1000.5"]),
        ("no numbers here", "en", []),
    ],
)
def test_numbers_in_sentences(sentence: str, lang: str, expected: list[str]) -> None:
    assert list(iter_numbers(sentence, lang)) == expected


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Встреча состоится 22 мая.", "ru"),  # genitive
        ("Это был май.", "ru"),  # nominative
        ("Das Treffen findet am 22. Mai statt.", "de"),
        ("La réunion aura lieu le 22 mai.", "fr"),
        ("La reunión tendrá lugar el 22 de mayo.", "es"),
        ("The meeting takes place on May 22.", "en"),
    ],
)
def test_months_from_cldr(sentence: str, lang: str) -> None:
    assert "month:5" in anchor_features(sentence, lang)


def test_names_across_scripts() -> None:
    ru = anchor_features("Министр Сергей Лавров прибыл в Бишкек.", "ru")
    en = anchor_features("Minister Sergey Lavrov arrived in Bishkek.", "en")
    fr = anchor_features("Le ministre Sergueï Lavrov est arrivé à Bichkek.", "fr")
    assert {"name:lavr", "name:bisk"} <= ru & en
    assert {"name:lavr", "name:bisk"} <= en & fr


def test_roman_numerals_are_numbers() -> None:
    assert "num:4" in anchor_features("Enfin ... le camp IV .", "fr")
    assert "num:4" in anchor_features("Lager 4 !", "de")
    assert "num:19" in anchor_features("Это было в XIX веке.", "ru")
    # "I" is a pronoun, and words that merely use the letters are not numerals
    assert not any(f.startswith("num:") for f in anchor_features("I saw VIXEN and IVy.", "en"))


def test_question_mark() -> None:
    assert "?" in anchor_features("Что вы думаете?", "ru")
    assert "?" in anchor_features("¿Qué piensa?", "es")
    assert "?" not in anchor_features("Nothing to ask.", "en")


def test_similarity_of_spans() -> None:
    a = anchor_features("Der Everest ist 8848 m hoch, der Lhotse 8501 m.", "de")
    b = anchor_features("L'Everest a 8848 m, le Lhotse 8501 m.", "fr")
    c = anchor_features("ohne jede zahl.", "de")
    assert anchor_similarity([a], [b]) == pytest.approx(1.0)
    assert anchor_similarity([c], [c]) == 0.0
    assert 0.0 < anchor_similarity([a], [b, anchor_features("En 1953.", "fr")]) < 1.0


def test_span_masks_and_mismatch() -> None:
    de = [anchor_features(s, "de") for s in ["Höhe 8848 m.", "Im Jahr 1953.", "Ohne."]]
    fr = [anchor_features(s, "fr") for s in ["Altitude 8848 m, en 1953.", "Sans."]]
    src, tgt = span_masks(de, 3), span_masks(fr, 2)
    j = np.array([1, 2])
    # the run of de sentences 0-1 carries both numbers: matches fr sentence 0 exactly
    assert mask_mismatch(src["num"][2, 2], tgt["num"][1, j]).tolist() == [0.0, 1.0]
    # de sentence 0 alone: one of the two numbers unmatched
    assert mask_mismatch(src["num"][1, 1], tgt["num"][1, 1]) == pytest.approx(0.5)
    # no numbers on either side: no mismatch
    assert mask_mismatch(src["num"][1, 3], tgt["num"][1, 2]) == 0.0


def test_full_width_forms_match_their_ascii_twins() -> None:
    assert anchor_features("会谈结果如何？", "zh-CN") >= {"?"}
    assert "num:2023" in anchor_features("２０２３年", "zh-CN")
    assert list(iter_numbers("共１，０００人", "zh")) == ["1000"]


def test_numbers_and_months_in_a_script_without_spaces() -> None:
    zh = anchor_features("2023年5月16日，上海合作组织外长理事会会议举行。", "zh-CN")
    en = anchor_features("On 16 May 2023 the SCO Council of Foreign Ministers met.", "en")
    assert {"num:2023", "num:16", "month:5"} <= zh & en
    assert "num:5" not in zh  # 5月 is May, not a number of its own
    # a digit beside a Chinese character or after a full-width comma starts a number
    assert list(iter_numbers("在会上，16个国家", "zh")) == ["16"]
    # "3个月" is three months, not March
    assert "month:3" not in anchor_features("为期3个月。", "zh")


def test_a_sentence_s_anchors_are_read_once_for_every_version_it_is_aligned_to(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a set's pivot is aligned to every other version: its anchors are read the first time
    # only (the pivot of five versions of 1,000 sentences was read four times over)
    import alignments.anchors as anchors
    from alignments.align import align_pair
    from alignments.embed import Clauses, Embedded

    rng = np.random.default_rng(2)

    def embedded(n: int) -> Embedded:
        runs = rng.normal(size=(6, n + 1, 16)).astype(np.float32)
        return Embedded(runs / np.linalg.norm(runs, axis=2, keepdims=True), Clauses.empty())

    pivot = ["Министр Лавров прибыл в Бишкек 16 мая.", "Заседание прошло в XIX зале?"]
    versions = {"en": ["Minister Lavrov arrived in Bishkek on 16 May.",
                       "The meeting took place in hall XIX?"],
                "de": ["Minister Lawrow traf am 16. Mai in Bischkek ein.",
                       "Die Sitzung fand im Saal XIX statt?"],
                "fr": ["Le ministre Lavrov est arrivé à Bichkek le 16 mai.",
                       "La séance a eu lieu dans la salle XIX ?"]}
    read: list[str] = []
    normalise = anchors.normalise_text
    monkeypatch.setattr(anchors, "normalise_text", lambda text: read.append(text)
                        or normalise(text))
    anchors.anchor_features.cache_clear()
    for lang, sentences in versions.items():
        align_pair(pivot, sentences, "ru", lang, embedded=(embedded(2), embedded(2)))
    assert sorted(read) == sorted(pivot + [s for v in versions.values() for s in v])
    # and the same anchors as read afresh
    kept = [anchor_features(s, "ru") for s in pivot]
    anchors.anchor_features.cache_clear()
    assert kept == [anchor_features(s, "ru") for s in pivot]
    assert {"num:16", "month:5", "num:19", "?", "name:lavr"} <= kept[0] | kept[1]


def test_span_masks_set_each_anchor_s_bit_in_its_sentence_s_runs() -> None:
    from alignments.anchors import WEIGHTS, _bit

    rng = np.random.default_rng(4)
    pool = ["num:1", "num:1953", "month:5", "name:lavr", "name:bisk", "?", "num:8848"]
    features = [frozenset(rng.choice(pool, size=int(rng.integers(0, 4)))) for _ in range(30)]
    masks = span_masks(features, 4)
    for kind in WEIGHTS:
        for k in range(1, 5):
            for i in range(k, 31):
                bits = {_bit(f) for s in features[i - k:i] for f in s if f.split(":")[0] == kind}
                assert int(masks[kind][k, i]) == sum(1 << b for b in bits), (kind, k, i)
