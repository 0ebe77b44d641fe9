"""Alignment speed: end-to-end seconds for N x N sentences including the model load.

Usage (from the repository root)::

    PYTHONPATH=. python bench/speed.py              # 1,000 x 1,000
    PYTHONPATH=. python bench/speed.py --large      # also 20,000 x 20,000 (a minute or two)
    PYTHONPATH=. python bench/speed.py --sizes 1000 5000
    PYTHONPATH=. python bench/speed.py --set 1000  # five versions of 1,000 sentences each

The document pair is synthesised from Text+Berg dev (read from ``../shared`` at run time):
its gold beads, in shuffled blocks of 20, repeated until both sides have N sentences, so
the pair stays parallel with the dev document's mix of 1-1, 1-2, 0-1 ... beads. Each size
runs in a fresh process, so the model load is counted and the peak memory (ru_maxrss) is
that size's alone.

``--set N``: an N-way set as the editor aligns it (:func:`alignments.multi.align_versions`),
five versions (ru, en, de, fr, es) of N sentences each: the corpora's gold pages in those
five languages one after the other (``bench/corpora``), again from the first when they run
out. Past ``HUB_TRIAL_SENTENCES`` in all, the second hub's beads are aligned only around
the unsure rows: the seconds that takes are given apart, and their share of the whole.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "bench" / "textberg-dev"


def synthesise(size: int, seed: int = 13) -> tuple[list[str], list[str]]:
    """A parallel pair with ``size`` sentences a side, built from the dev gold's beads."""
    de = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    beads = []
    for line in (DEV / "dev.defr").read_text(encoding="utf-8").splitlines():
        left, right = line.split("]:[", 1)
        src = [int(x) for x in left.strip("[ ").split(",") if x.strip()]
        tgt = [int(x) for x in right.split("]")[0].split(",") if x.strip()]
        beads.append((src, tgt))
    blocks = [beads[k:k + 20] for k in range(0, len(beads), 20)]
    rng = random.Random(seed)
    source: list[str] = []
    target: list[str] = []
    while len(source) < size or len(target) < size:
        rng.shuffle(blocks)
        for block in blocks:
            for src, tgt in block:
                source += [de[i] for i in src]
                target += [fr[j] for j in tgt]
    return source[:size], target[:size]


def synthesise_set(size: int) -> dict[str, list[str]]:
    """Five versions of ``size`` sentences each, from the corpora's five-language pages."""
    langs = ("ru-RU", "en-GB", "de-DE", "fr-FR", "es-ES")
    pages = [json.loads(path.read_text(encoding="utf-8"))
             for path in sorted((ROOT / "bench" / "corpora").glob("*/gold/*.json"))]
    pages = [page for page in pages if sorted(page["langs"]) == sorted(langs)]
    versions: dict[str, list[str]] = {lang: [] for lang in langs}
    while min(map(len, versions.values())) < size:
        for page in pages:
            for lang in langs:
                versions[lang] += page["sentences"][lang]
    return {lang: sentences[:size] for lang, sentences in versions.items()}


def measure_set(size: int) -> dict[str, float]:
    """Align one synthesised set in this process; timings, the second opinion's apart."""
    versions = synthesise_set(size)
    start = time.perf_counter()
    import alignments.multi as multi
    from alignments.embed import Encoder

    encoder = Encoder()
    encoder.backend  # noqa: B018 - the model load, timed on its own
    loaded = time.perf_counter()
    around = multi._Pairs.around
    spent = [0.0]

    def timed(pairs: multi._Pairs, *args: object) -> dict:
        begun = time.perf_counter()
        try:
            return around(pairs, *args)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - begun

    multi._Pairs.around = timed  # type: ignore[method-assign]
    rows = multi.align_versions(versions, "ru-RU", encoder=encoder)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"size": size, "rows": len(rows), "total": done - start, "load": loaded - start,
            "embed": encoder.seconds_embedding, "second": spent[0],
            "share": spent[0] / (done - loaded), "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024}


def measure(size: int) -> dict[str, float]:
    """Align one synthesised pair in this process; timings and peak memory."""
    source, target = synthesise(size)
    start = time.perf_counter()
    from alignments.align import align_pair
    from alignments.embed import Encoder

    encoder = Encoder()
    encoder.backend  # noqa: B018 - the model load, timed on its own
    loaded = time.perf_counter()
    beads = align_pair(source, target, "de", "fr", encoder=encoder)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    embed = encoder.seconds_embedding
    search = done - loaded - embed
    return {
        "size": size,
        "beads": len(beads),
        "total": done - start,
        "load": loaded - start,
        "embed": embed,
        "search": search,
        "embed_rate": 2 * size / embed,
        "search_rate": 2 * size / search,
        # CPU seconds of the whole process (every thread, imports included): on a shared
        # machine a steadier figure than the wall clock
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--large", action="store_true", help="also run 20,000 x 20,000")
    parser.add_argument("--set", type=int, nargs="+", default=[], metavar="N",
                        help="also an N-way set: five versions of N sentences each")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-set", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if any(n < 2 for n in args.set):
        parser.error("--set takes sentences a version, 2 or more each")
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    if args.one_set:
        print(json.dumps(measure_set(args.one_set)))
        return 0
    if not (DEV / "dev.defr").exists():
        print(f"no Text+Berg dev at {DEV}", file=sys.stderr)
        return 1
    sizes = list(args.sizes) + ([20000] if args.large else [])
    print("| sentences a side | total s (incl. load) | load s | embed s | search s "
          "| embed sent/s | search sent/s | CPU s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {size:,} | {r['total']:.2f} | {r['load']:.2f} | {r['embed']:.2f} "
              f"| {r['search']:.2f} | {r['embed_rate']:.0f} | {r['search_rate']:.0f} "
              f"| {r['cpu']:.2f} | {r['peak_mb']:.0f} |", flush=True)
    if args.set:
        print("\n| sentences a version (5 versions) | rows | total s (incl. load) | load s "
              "| embed s | second opinion s | its share (load aside) | CPU s | peak MB |")
        print("|---|---|---|---|---|---|---|---|---|")
    for size in args.set:
        out = subprocess.run([sys.executable, __file__, "--one-set", str(size)], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {size:,} | {r['rows']} | {r['total']:.2f} | {r['load']:.2f} | {r['embed']:.2f} "
              f"| {r['second']:.2f} | {r['share']:.1%} | {r['cpu']:.2f} | {r['peak_mb']:.0f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
