"""Translation-memory lookup speed: the median time of a concordance query and of a fuzzy
lookup on a memory of N imported units (plus the demo sets), the import rate, the export of
the whole memory as one TMX, and the time to remove the imported file again (its units,
variants and index entries). With ``--cover-rows N``, also the time a set of N rows stored
after the import takes to hide the imported units its rows say (``memory.rows.cover_rows``,
run in the set's transaction): every other row says one of the units, in all five
languages; the median of ``--runs``, each rolled back.

The units are synthetic: each joins the first half of one demo row to the second half of
another, in all five languages, and is numbered, so the memory holds N distinct units with
the demo's vocabulary. The database is a fresh SQLite file in a temporary folder, or with
``--database-url`` a PostgreSQL database: ``postgresql`` for a throw-away server started
as the tests start theirs (Debian's postgresql package), or the URL of a server on which
the benchmark may create (and afterwards drops) a scratch database. On PostgreSQL the
tables are analysed after the import, as autovacuum would soon do.

Examples: python bench/memory_lookup.py --units 100000 --runs 20
          python bench/memory_lookup.py --units 20000 --cover-rows 2000 --runs 7
          python bench/memory_lookup.py --units 1000000 --lookups-only
          python bench/memory_lookup.py --units 100000 --database-url postgresql
          python bench/memory_lookup.py --database-url postgresql+psycopg://me@db/postgres
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from tmx import TmxHeader, TranslationUnit, Variant, write_tmx  # noqa: E402
from workbench.db import dispose, session_scope, upgrade  # noqa: E402
from workbench.memory.concordance import concordance  # noqa: E402
from workbench.memory.export import MemoryExport, export_memory  # noqa: E402
from workbench.memory.fuzzy import fuzzy_matches  # noqa: E402
from workbench.memory.rows import cover_rows  # noqa: E402
from workbench.memory.store import import_tmx, remove_origin  # noqa: E402
from workbench.models import DocumentSet, Row, Sentence, Version  # noqa: E402
from workbench.terminology.gold import gold_pages, store_gold_corpus  # noqa: E402

LANGS = ("ru-RU", "en-GB", "de-DE", "fr-FR", "es-ES")
QUERIES = ["ОДКБ", "Foreign Ministers", "Außenminister*", '"Conseil des ministres"', "OTSC"]


def demo_rows() -> list[dict[str, str]]:
    """The gold rows of the demo pages that have a sentence in every language."""
    rows = []
    for page in gold_pages():
        for cells in page["rows"]:
            if all(cells.get(lang) for lang in LANGS):
                rows.append({lang: " ".join(cells[lang]) for lang in LANGS})
    return rows


def halves(text: str) -> tuple[str, str]:
    words = text.split()
    return " ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])


def synthetic_units(count: int, rows: list[dict[str, str]]) -> Iterator[TranslationUnit]:
    for n in range(count):
        first, second = rows[n % len(rows)], rows[(n * 7 + 3) % len(rows)]
        yield TranslationUnit(str(n), tuple(
            Variant(lang, f"{halves(first[lang])[0]} {halves(second[lang])[1]} ({n})")
            for lang in LANGS))


def covering_set(url: str, count: int, units: int, rows: list[dict[str, str]]) -> list[int]:
    """The row ids of a set of ``count`` rows stored (not covered) after the import: every
    other row says a synthetic unit, spread over the file; the others differ from theirs."""
    texts = {n: dict(zip(LANGS, (v.text for v in unit.variants), strict=True))
             for n, unit in enumerate(synthetic_units(units, rows))
             if n % max(1, units // count) == 0}
    with session_scope(url) as session:
        document_set = DocumentSet(name=f"covering {count} rows", pivot_lang=LANGS[0])
        session.add(document_set)
        versions = [Version(lang=lang, position=n, title="", source="bench", variants=[])
                    for n, lang in enumerate(LANGS)]
        document_set.versions.extend(versions)
        stored: list[Row] = []
        for position, cells in enumerate(list(texts.values())[:count]):
            row = Row(position=position, score=1.0, status="auto")
            document_set.rows.append(row)
            for version in versions:
                said = cells[version.lang] + ("" if position % 2 == 0 else " (edited)")
                sentence = Sentence(position=position, paragraph=0, text=said)
                version.sentences.append(sentence)
                sentence.row = row
            stored.append(row)
        session.flush()
        return [row.id for row in stored]


def median_ms(action: Callable[[int], object], runs: int) -> float:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def scratch_database(where: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: an SQLite file in ``folder``, a database on a
    throw-away PostgreSQL (``postgresql``), or a scratch database on the server of a URL."""
    if where == "sqlite":
        yield f"sqlite:///{folder / 'memory.sqlite'}"
        return
    from tests.postgres import PostgresServer

    server = PostgresServer()
    try:
        server.start(given=None if where == "postgresql" else where)
        url = server.create_database()
        try:
            yield url
        finally:
            server.drop_database(url)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100_000,
                        help="imported units (the issue's figure is 1,000,000)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--lookups-only", action="store_true",
                        help="import and time the lookups, leaving out the export of the "
                             "whole memory and the removal (a 1,000,000-unit run)")
    parser.add_argument("--cover-rows", type=int, default=0,
                        help="also time a set of this many rows stored after the import "
                             "hiding the units its rows say (2,000 against 20,000 units)")
    parser.add_argument("--database-url", default="sqlite",
                        help="sqlite (default), postgresql (a throw-away server), or the URL "
                             "of a PostgreSQL server to make a scratch database on")
    args = parser.parse_args()
    if args.cover_rows < 0:
        parser.error(f"--cover-rows takes a number of rows, 0 or more, not {args.cover_rows}")
    rows = demo_rows()
    with tempfile.TemporaryDirectory() as folder, \
            scratch_database(args.database_url, Path(folder)) as url:
        tmx_file = Path(folder) / "synthetic.tmx"
        with tmx_file.open("wb") as out:
            write_tmx(out, synthetic_units(args.units, rows), TmxHeader(srclang="ru-RU"))
        upgrade(url)
        start = time.perf_counter()
        with session_scope(url) as session, tmx_file.open("rb") as source:
            origin_id = import_tmx(session, source, "synthetic.tmx").id
        seconds = time.perf_counter() - start
        if args.cover_rows:
            row_ids = covering_set(url, args.cover_rows, args.units, rows)
            with session_scope(url) as session:
                hidden = cover_rows(session, row_ids)
                session.rollback()
                cover_ms = median_ms(lambda n: (cover_rows(session, row_ids),
                                                session.rollback()), args.runs)
        start = time.perf_counter()
        with session_scope(url) as session:
            store_gold_corpus(session)
        gold_seconds = time.perf_counter() - start
        if url.startswith("postgresql"):
            with session_scope(url) as session:
                session.execute(text("ANALYZE"))
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{database}, import: {args.units:,} units in {seconds:.1f} s "
              f"({args.units / seconds:,.0f} units/s, 5 languages each); the demo sets "
              f"stored after it in {gold_seconds:.1f} s", flush=True)
        if args.cover_rows:
            print(f"covering: {len(row_ids):,} rows stored after the file hide the {hidden:,} "
                  f"units they say in median {cover_ms:.0f} ms", flush=True)
        with session_scope(url) as session:
            hits = len(concordance(session, QUERIES[0]).hits)
            concordance_ms = median_ms(
                lambda n: concordance(session, QUERIES[n % len(QUERIES)]), args.runs)
            filtered_ms = median_ms(
                lambda n: concordance(session, QUERIES[n % len(QUERIES)], lang="en"),
                args.runs)
            sentences = [row["en-GB"].replace(" the ", " a ", 1) for row in rows[: args.runs]]
            best = fuzzy_matches(session, sentences[0], "en-GB", "ru-RU")
            fuzzy_ms = median_ms(
                lambda n: fuzzy_matches(session, sentences[n], "en-GB", "ru-RU"), args.runs)
            print(f"concordance: median {concordance_ms:.1f} ms ({hits} hits shown for "
                  f"{QUERIES[0]!r}); with a language filter {filtered_ms:.1f} ms")
            print(f"fuzzy lookup: median {fuzzy_ms:.1f} ms (best match {best[0].score}% for "
                  f"{sentences[0][:40]!r}…)" if best else f"fuzzy lookup: median {fuzzy_ms:.1f} ms")
        if args.lookups_only:
            dispose(url)
            return
        start = time.perf_counter()
        with session_scope(url) as session:
            exported = export_memory(session, MemoryExport.build(session))
            export_mb = exported.seek(0, io.SEEK_END) / 1e6
        export_seconds = time.perf_counter() - start
        start = time.perf_counter()
        with session_scope(url) as session:
            remove_origin(session, origin_id)
        removal = time.perf_counter() - start
        dispose(url)
    print(f"export of the whole memory as one TMX: {export_seconds:.1f} s "
          f"({args.units / export_seconds:,.0f} units/s, {export_mb:,.1f} MB)")
    print(f"removal of the imported file: {removal:.1f} s "
          f"({args.units / removal:,.0f} units/s)")


if __name__ == "__main__":
    main()
