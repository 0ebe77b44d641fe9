"""TMX throughput: export and import N translation units in 5 languages, speed and peak memory.

Each phase runs in a fresh process so its peak resident memory (ru_maxrss) is its own; the
baseline is that process's memory right before the work (Python, lxml and tmx imported).
Floors: at least 50,000 TUs/s (wall clock) each way, and under 100 MB peak, whatever N.
TUs/cpu-s is shown beside it: on a shared machine the wall-clock rate also measures the
neighbours. A third row, "lxml parse only", runs lxml's iterparse over the same file and
builds nothing: the ceiling any lxml-based reader has on this machine at that moment.
Exit status 1 when a floor is missed.

Example: python bench/tmx_throughput.py --units 100000
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from tmx import TmxHeader, TranslationUnit, Variant, read_tmx, write_tmx  # noqa: E402

MIN_UNITS_PER_SECOND = 50_000
MAX_PEAK_MB = 100
SENTENCES = {
    "en-GB": ["The CSTO Foreign Ministers Council met in Moscow on {n} March.",
              "Sergey Lavrov & Antonio Guterres discussed the \"Istanbul process\" ({n})."],
    "ru-RU": ["Совет министров иностранных дел ОДКБ собрался в Москве {n} марта.",
              "Сергей Лавров и Антониу Гутерриш обсудили «Стамбульский процесс» ({n})."],
    "de-DE": ["Der Rat der Außenminister der OVKS tagte am {n}. März in Moskau.",
              "Sergej Lawrow & António Guterres erörterten den „Istanbuler Prozess“ ({n})."],
    "fr-FR": ["Le Conseil des ministres de l'OTSC s'est réuni à Moscou le {n} mars.",
              "Sergueï Lavrov et António Guterres ont discuté du « processus d'Istanbul » ({n})."],
    "es-ES": ["El Consejo de Ministros de la OTSC se reunió en Moscú el {n} de marzo.",
              "Serguéi Lavrov y António Guterres discutieron el «proceso de Estambul» ({n})."],
}
WHEN = datetime(2026, 1, 24, 9, 30, tzinfo=UTC)
DOCUMENT, STATUS, SCORE = ("x-document", "mid.ru 2026-01"), ("x-status", "confirmed"), \
    ("x-score", "0.9123")
DISTINCT_TEXTS = 1_000


def units(count: int) -> Iterator[TranslationUnit]:
    """``count`` units like the workbench exports: 5 languages, 4 properties, 2 dates.

    The texts come from a pool of ``DISTINCT_TEXTS`` per language, made before the first unit,
    so that the figure is the writer's and not the cost of making up sentences; every unit
    still has its own tuid and row number.
    """
    pool = [tuple(Variant(lang, texts[n % 2].format(n=n)) for lang, texts in SENTENCES.items())
            for n in range(min(count, DISTINCT_TEXTS))]
    for n in range(count):
        row = str(n + 1)
        yield TranslationUnit("1-" + row, pool[n % DISTINCT_TEXTS],
                              (DOCUMENT, ("x-row", row), STATUS, SCORE), WHEN, WHEN)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def export_phase(path: str, count: int) -> dict[str, float]:
    baseline = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, "wb") as out:
        written = write_tmx(out, units(count), TmxHeader(srclang="en-GB"))
    return {"units": written, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "baseline": baseline, "peak": peak_mb()}


def import_phase(path: str, count: int) -> dict[str, float]:
    baseline = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as source:
        _header, read = read_tmx(source)
        seen = sum(1 for _ in read)
    assert seen == count, f"read {seen} units, wrote {count}"
    return {"units": seen, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "baseline": baseline, "peak": peak_mb()}


def parse_only_phase(path: str, count: int) -> dict[str, float]:
    """lxml's own rate on the file: every ``<tu>`` parsed and dropped, no unit built."""
    baseline = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    seen = 0
    for _event, element in etree.iterparse(path, events=("end",), tag="tu"):
        element.clear()
        seen += 1
        if seen % 64 == 0:
            del element.getparent()[:-1]
    assert seen == count, f"parsed {seen} units, wrote {count}"
    return {"units": seen, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "baseline": baseline, "peak": peak_mb()}


PHASES = {"export": export_phase, "import": import_phase, "lxml parse only": parse_only_phase}


def _child(phase: str, path: str, count: int, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    results.put(PHASES[phase](path, count))


def run_phase(phase: str, path: str, count: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_child, args=(phase, path, count, results))
    process.start()
    result: dict[str, float] = results.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000, help="TUs (default 1,000,000)")
    parser.add_argument("--dir", default=None, help="where the temporary TMX goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        path = str(Path(folder) / "bench.tmx")
        rows = [("export", run_phase("export", path, args.units))]
        size_mb = Path(path).stat().st_size / 1e6
        rows.append(("import", run_phase("import", path, args.units)))
        rows.append(("lxml parse only", run_phase("lxml parse only", path, args.units)))
    print(f"TMX throughput: {args.units:,} TUs x {len(SENTENCES)} languages, "
          f"file {size_mb:,.1f} MB")
    print(f"{'phase':<16}{'TUs':>12}{'seconds':>10}{'TUs/s':>10}{'TUs/cpu-s':>11}{'peak MB':>10}"
          f"{'base MB':>10}  floors (>= {MIN_UNITS_PER_SECOND:,} TUs/s, < {MAX_PEAK_MB} MB)")
    failed = False
    for phase, result in rows:
        rate = result["units"] / result["seconds"]
        ok = rate >= MIN_UNITS_PER_SECOND and result["peak"] < MAX_PEAK_MB
        failed |= not ok and phase in ("export", "import")
        cpu_rate = result["units"] / result["cpu"]
        print(f"{phase:<16}{int(result['units']):>12,}{result['seconds']:>10.2f}{rate:>10,.0f}"
              f"{cpu_rate:>11,.0f}{result['peak']:>10.1f}{result['baseline']:>10.1f}"
              f"  {'ok' if ok else 'BELOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
