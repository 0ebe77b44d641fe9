"""Terminology benchmark: flags against the labelled inconsistencies, and check speed.

    python bench/terms.py [--corpus demo|sco|all] [--no-aligner] [--rows 100000] [--repeat 3]
                          [--json]

1. Discovery on each labelled corpus (the demo; ``bench/corpora/sco``, written blind)
   aligned through the gold rows, and through the real aligner when
   ``alignments.multi.align_versions`` is available: recall and precision of the flags
   against the corpus's ``terms.labelled.json``. A labelled group is found
   when one flag of its language contains at least two of its variants (as a variant, or
   at one of its occurrences); a flag is correct when it matches a labelled group.
   Floors: every group found, precision >= 0.8. Also reported: the gold with 10% of the
   rows misaligned on purpose (one language's text moved into the row before). Discovery
   times are medians of ``--repeat`` runs, the morphology dictionaries loaded before (their
   load is reported apart, as a server does it at start-up).
2. The termbase check on a synthetic memory of N rows (demo rows drawn with a fixed seed),
   against the termbase a terminologist gets by settling every correct flag, plus 1,000
   synthetic concepts: rows per second.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignments.terms import AlignedRow, Flag, discover, load_dictionaries  # noqa: E402
from alignments.terms.lang import base_lang  # noqa: E402

GOLD = ROOT / "workbench" / "demo" / "gold"
LABELLED = ROOT / "workbench" / "demo" / "terms.labelled.json"
SCO = ROOT / "bench" / "corpora" / "sco"
BRICS = ROOT / "bench" / "corpora" / "brics"
OSCE = ROOT / "bench" / "corpora" / "osce"
ASIA = ROOT / "bench" / "corpora" / "asia"
ECONOMY = ROOT / "bench" / "corpora" / "economy"
HEALTH = ROOT / "bench" / "corpora" / "health"
GULF = ROOT / "bench" / "corpora" / "gulf"
CULTURE = ROOT / "bench" / "corpora" / "culture"
CONSULAR = ROOT / "bench" / "corpora" / "consular"
POLAR = ROOT / "bench" / "corpora" / "polar"
JUSTICE = ROOT / "bench" / "corpora" / "justice"
ARMS = ROOT / "bench" / "corpora" / "arms"
WATER = ROOT / "bench" / "corpora" / "water"
SCIENCE = ROOT / "bench" / "corpora" / "science"
TRANSPORT = ROOT / "bench" / "corpora" / "transport"
ENERGY = ROOT / "bench" / "corpora" / "energy"
CLIMATE = ROOT / "bench" / "corpora" / "climate"
CYBER = ROOT / "bench" / "corpora" / "cyber"
AFRICA = ROOT / "bench" / "corpora" / "africa"
RELIEF = ROOT / "bench" / "corpora" / "relief"
# Each labelled corpus: its gold alignment and its labelled groups. "sco", "brics" and "osce"
# were written blind (their READMEs); "demo" is the corpus the first method was built on;
# "brics" came after the method and was measured before any change made for it; "osce" was
# kept apart for a session (measured at 17/30, never read) and developed on after it;
# "asia" and "economy" took its place. "health" (lowercase domain terms mostly) was written
# blind to be developed on.
CORPORA = {
    "demo": (GOLD, LABELLED),
    "sco": (SCO / "gold", SCO / "terms.labelled.json"),
    "brics": (BRICS / "gold", BRICS / "terms.labelled.json"),
    "osce": (OSCE / "gold", OSCE / "terms.labelled.json"),
    "health": (HEALTH / "gold", HEALTH / "terms.labelled.json"),
    "asia": (ASIA / "gold", ASIA / "terms.labelled.json"),
    "economy": (ECONOMY / "gold", ECONOMY / "terms.labelled.json"),
    "gulf": (GULF / "gold", GULF / "terms.labelled.json"),
    "culture": (CULTURE / "gold", CULTURE / "terms.labelled.json"),
    "consular": (CONSULAR / "gold", CONSULAR / "terms.labelled.json"),
    "polar": (POLAR / "gold", POLAR / "terms.labelled.json"),
    "justice": (JUSTICE / "gold", JUSTICE / "terms.labelled.json"),
    "arms": (ARMS / "gold", ARMS / "terms.labelled.json"),
    "water": (WATER / "gold", WATER / "terms.labelled.json"),
    "science": (SCIENCE / "gold", SCIENCE / "terms.labelled.json"),
    "transport": (TRANSPORT / "gold", TRANSPORT / "terms.labelled.json"),
    "energy": (ENERGY / "gold", ENERGY / "terms.labelled.json"),
    "climate": (CLIMATE / "gold", CLIMATE / "terms.labelled.json"),
    "cyber": (CYBER / "gold", CYBER / "terms.labelled.json"),
    "africa": (AFRICA / "gold", AFRICA / "terms.labelled.json"),
    "relief": (RELIEF / "gold", RELIEF / "terms.labelled.json"),
}
# Written blind after osce was developed on, and kept apart: the benchmark prints their
# figures only, never which groups were missed or which flags were unlabelled (--json too),
# so that nobody tunes on them by reading the output. "gulf" (Gulf, Arab League, OIC, Caspian,
# IAEA, African Union pages), written blind 2026-12-06 (night) and kept apart for a session,
# is developed on since 2026-12-07. "culture", "consular" and "polar" (UNESCO and compatriots;
# visas, legalisation and consular registration; the Antarctic, Spitsbergen and climate: a
# third or more of their groups in lowercase words) were written blind 2026-12-07, measured
# once before any change, and are kept apart. asia and economy, kept apart since 2026-12-06,
# are developed on since the second session of 2026-12-07 (their misses read then).
# "justice" (mutual legal assistance, extradition, the ICJ, consular access), written blind
# that session, measured once with the code of its start and once with the code after the
# session's terminology rules, is kept apart too. "arms" (arms control, non-proliferation,
# the CWC and BWC, outer space), written blind 2026-12-07 (third session), kept apart;
# "water" (transboundary water, climate, the Arctic), written blind in the fourth, too.
# culture, consular and polar are developed on since 2026-12-07's fifth session (their misses
# read then); justice, arms and water stay apart, with "science" (education, science and
# the Russian language) and "transport" (corridors, Arctic shipping, checkpoints), written
# blind that session and measured once on arrival with the code of its start; "energy"
# (OPEC+, nuclear plants abroad, gas), written at its end, measured once before and after
# its rules. 2026-12-07 (sixth session): energy's README, which lists its groups, was read
# while briefing the next corpus's author, so energy is developed on from then; "climate"
# (the UNFCCC and COP30, the Paris Agreement, carbon markets, forests and permafrost),
# written blind that session and measured once on arrival, before and after its rules,
# takes its place. "cyber" (the UN working group on ICT security, the cybercrime
# convention, personal data and cross-border data, the ITU, AI), written blind 2026-12-07
# (seventh session) and measured once on arrival with the code of that session's start and
# once after its rules, joins them. "africa" (the Russia–Africa summit, the African Union,
# grain, debt, the Sahel) and "relief" (humanitarian aid, refugees, the ICRC, demining,
# humanitarian exemptions from sanctions), written blind 2026-12-07 (eighth session) and
# measured once on arrival with the code of that session's start, join them too.
KEPT_APART = frozenset({"justice", "arms", "water", "science", "transport", "climate",
                        "cyber", "africa", "relief"})
RECALL_FLOOR = 1.0
PRECISION_FLOOR = 0.8


def gold_pages(folder: Path = GOLD) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def gold_rows(pages: Sequence[Mapping[str, Any]]) -> list[AlignedRow]:
    """The demo corpus as the gold aligns it."""
    return [
        AlignedRow(page["page"], n,
                   {base_lang(lang): " ".join(cell) for lang, cell in row.items() if cell})
        for page in pages for n, row in enumerate(page["rows"])
    ]


def aligner_rows(pages: Sequence[Mapping[str, Any]]) -> list[AlignedRow] | None:
    """The demo corpus as the real aligner aligns it (None when it is not available)."""
    try:
        from alignments.multi import align_versions
    except ImportError:
        return None
    rows: list[AlignedRow] = []
    for page in pages:
        sentences = {lang: list(texts) for lang, texts in page["sentences"].items()}
        pivot = next((lang for lang in sentences if base_lang(lang) == "ru"), page["langs"][0])
        for n, row in enumerate(align_versions(sentences, pivot)):
            rows.append(AlignedRow(page["page"], n, {
                base_lang(lang): " ".join(sentences[lang][i] for i in ids)
                for lang, ids in row.cells.items() if ids
            }))
    return rows


def perturbed_rows(rows: Sequence[AlignedRow], share: float = 0.1) -> list[AlignedRow]:
    """The gold rows with alignment errors: in a share of rows, one language's text is
    moved into the row before (a 2-1 bead where the truth is two 1-1), seeded."""
    rng = random.Random(42)
    texts = [dict(r.texts) for r in rows]
    for n in range(1, len(texts)):
        if rng.random() < share and rows[n].set_id == rows[n - 1].set_id:
            lang = rng.choice(sorted(set(texts[n]) - {"ru"}) or ["ru"])
            if lang in texts[n]:
                moved = texts[n].pop(lang)
                texts[n - 1][lang] = (texts[n - 1].get(lang, "") + " " + moved).strip()
    return [AlignedRow(r.set_id, r.row_id, t) for r, t in zip(rows, texts, strict=True)]


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def contains(flag: Flag, variant: str,
             texts: Mapping[tuple[int | str, int], Mapping[str, str]]) -> bool:
    """Whether the flag shows this variant: as one of its variants, or at an occurrence,
    as written or inflected (the labels name a representative form: «Генеральный
    секретарь» stands for «Генерального секретаря» too, as the corpora's READMEs say)."""
    wanted = _norm(variant)
    if any(_norm(v) == wanted for v in flag.variants):
        return True
    lemmas = _lemmas(variant, flag.lang)
    for occ in flag.occurrences:
        text = texts[(occ.set_id, occ.row_id)].get(occ.lang, "").replace("’", "'").casefold()
        start = text.find(wanted)
        while start >= 0:
            if start < occ.end and occ.start < start + len(wanted):
                return True
            start = text.find(wanted, start + 1)
        seen = _lemmas(texts[(occ.set_id, occ.row_id)].get(occ.lang, "")[occ.start:occ.end],
                       flag.lang)
        if lemmas and any(seen[k:k + len(lemmas)] == lemmas
                          for k in range(len(seen) - len(lemmas) + 1)):
            return True
    return False


def _lemmas(text: str, lang: str) -> list[str]:
    from alignments.terms.lang import tokenize

    return [t.lemma for t in tokenize(text, lang)]


def evaluate(flags: Sequence[Flag], rows: Sequence[AlignedRow],
             labelled: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    texts = {(r.set_id, r.row_id): r.texts for r in rows}

    def matches(flag: Flag, group: Mapping[str, Any]) -> bool:
        return flag.lang == group["lang"] and sum(
            contains(flag, v, texts) for v in group["variants"]) >= 2

    found = [any(matches(f, g) for f in flags) for g in labelled]
    correct = [any(matches(f, g) for g in labelled) for f in flags]
    return {
        "flags": len(flags),
        "groups": len(labelled),
        "found": sum(found),
        "recall": sum(found) / len(labelled) if labelled else 1.0,
        "precision": sum(correct) / len(flags) if flags else 1.0,
        "missed": [g["concept"] + f" ({g['lang']})" for g, ok in zip(labelled, found, strict=True)
                   if not ok],
        "wrong": [f"{f.lang}: " + " / ".join(f.variants) for f, ok in zip(flags, correct,
                                                                         strict=True) if not ok],
        "correct_flags": [f for f, ok in zip(flags, correct, strict=True) if ok],
    }


def unattested(rows: Sequence[AlignedRow], labelled: Sequence[Mapping[str, Any]]) -> list[str]:
    """Labelled variants the corpus does not contain (the translators' lists may name some)."""
    corpus: dict[str, str] = {}
    for row in rows:
        for lang, text in row.texts.items():
            corpus[lang] = corpus.get(lang, "") + "\n" + text.replace("’", "'").casefold()
    return [f"{g['lang']}: {v}" for g in labelled for v in g["variants"]
            if _norm(v) not in corpus.get(g["lang"], "")]


def check_speed(flags: Sequence[Flag], rows: Sequence[AlignedRow], count: int) -> dict[str, Any]:
    """Seconds to check ``count`` synthetic rows against a settled termbase."""
    from alignments.terms.checks import TermChecker, TermRecord

    entries: list[TermRecord] = []
    for n, flag in enumerate(flags):
        entries.append(TermRecord(n, flag.variants[0], flag.lang, flag.variants[0], "preferred"))
        entries.extend(TermRecord(n, flag.variants[0], flag.lang, v, "deprecated")
                       for v in flag.variants[1:])
        if flag.source_lang and flag.source_term:
            entries.append(TermRecord(n, flag.variants[0], flag.source_lang, flag.source_term,
                                  "preferred"))
    rng = random.Random(6)
    words = sorted({w for r in rows for t in r.texts.values() for w in t.split() if w.istitle()})
    langs = sorted({lang for r in rows for lang in r.texts})
    for n in range(1000):  # synthetic concepts: two capitalised words each, every language
        a, b = rng.choice(words), rng.choice(words)
        for lang in langs:
            entries.append(TermRecord(10_000 + n, f"{a} {b}", lang, f"{a} {b}",
                                  "preferred" if n % 3 else "deprecated"))
    start = time.perf_counter()
    checker = TermChecker(entries)
    compiled = time.perf_counter() - start
    memory = [rows[rng.randrange(len(rows))] for _ in range(count)]
    start = time.perf_counter()
    issues = 0
    for n, row in enumerate(memory):
        issues += len(checker.check_row("memory", n, row.texts, "ru"))
    seconds = time.perf_counter() - start
    return {"rows": count, "terms": len(entries), "compile_s": compiled, "check_s": seconds,
            "rows_per_s": count / seconds if seconds else float("inf"), "issues": issues}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--no-aligner", action="store_true",
                        help="gold rows only (no embedding model)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="discovery runs per alignment; the median time is reported")
    args = parser.parse_args(argv)
    chosen = list(CORPORA) if args.corpus == "all" else [args.corpus]
    ok = True
    report: dict[str, Any] = {}
    speed: dict[str, Any] | None = None
    # Loaded once, apart: what a server does at start-up (the discovery times leave it out).
    start = time.perf_counter()
    load_dictionaries()
    report["dictionaries_s"] = time.perf_counter() - start
    if not args.json:
        print(f"Morphology dictionaries loaded in {report['dictionaries_s']:.1f} s.")
        print()
    for corpus in chosen:
        gold_folder, labelled_file = CORPORA[corpus]
        labelled = json.loads(labelled_file.read_text(encoding="utf-8"))
        pages = gold_pages(gold_folder)
        results, corpus_ok, gold = discovery(pages, labelled, aligner=not args.no_aligner,
                                             repeat=max(args.repeat, 1))
        ok &= corpus_ok
        if speed is None:
            speed = check_speed(results["gold rows"]["correct_flags"], gold, args.rows)
        for result in results.values():
            result.pop("correct_flags", None)
            if corpus in KEPT_APART:
                result["missed"], result["wrong"] = [], []
        missing = [] if corpus in KEPT_APART else unattested(gold, labelled)
        report[corpus] = {"discovery": results, "unattested": missing}
        if not args.json:
            print_discovery(corpus, pages, gold, labelled, results, missing)
    assert speed is not None
    if args.json:
        print(json.dumps({**report, "check": speed}, ensure_ascii=False, indent=2))
        return 0 if ok else 1
    print("| check: rows | terms | compile s | check s | rows/s  | issues |")
    print("|-------------|-------|-----------|---------|---------|--------|")
    print(f"| {speed['rows']:>11} | {speed['terms']:>5} | {speed['compile_s']:>9.3f} | "
          f"{speed['check_s']:>7.2f} | {speed['rows_per_s']:>7.0f} | {speed['issues']:>6} |")
    print()
    print(f"Floors (every group found, precision >= {PRECISION_FLOOR}), on every corpus: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def discovery(pages: Sequence[Mapping[str, Any]], labelled: Sequence[Mapping[str, Any]], *,
              aligner: bool = True, repeat: int = 1
              ) -> tuple[dict[str, Any], bool, list[AlignedRow]]:
    """Flags against the labelled groups on the gold rows, the gold with misalignments and
    the aligner's rows: the results, whether the floors hold, and the gold rows."""
    corpora = {"gold rows": gold_rows(pages)}
    corpora["gold, 10% misaligned"] = perturbed_rows(corpora["gold rows"])
    aligned = aligner_rows(pages) if aligner else None
    if aligned is not None:
        corpora["aligner rows"] = aligned
    ok = True
    results: dict[str, Any] = {}
    for name, rows in corpora.items():
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            flags = discover(rows)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        result = evaluate(flags, rows, labelled)
        result["seconds"] = statistics.median(times)
        result["cpu_seconds"] = statistics.median(cpu)  # steadier on a shared machine
        results[name] = result
        if name != "gold, 10% misaligned":  # reported, not a floor
            ok &= result["recall"] >= RECALL_FLOOR and result["precision"] >= PRECISION_FLOOR
    return results, ok, corpora["gold rows"]


def print_discovery(corpus: str, pages: Sequence[Mapping[str, Any]], gold: Sequence[AlignedRow],
                    labelled: Sequence[Mapping[str, Any]], results: Mapping[str, Any],
                    missing: Sequence[str]) -> None:
    langs = sorted({lang for r in gold for lang in r.texts})
    print(f"Corpus {corpus}: {len(pages)} pages, {len(gold)} gold rows, languages "
          f"{', '.join(langs)}; {len(labelled)} labelled groups.")
    print()
    print(f"| {'alignment':<22}| flags | found | recall | precision | seconds | cpu s |")
    print(f"|{'-' * 23}|-------|-------|--------|-----------|---------|-------|")
    for name, r in results.items():
        print(f"| {name:<22}| {r['flags']:>5} | {r['found']:>2}/{r['groups']:<2} | "
              f"{r['recall']:>6.2f} | {r['precision']:>9.2f} | {r['seconds']:>7.2f} | "
              f"{r['cpu_seconds']:>5.2f} |")
    print()
    for name, r in results.items():
        for miss in r["missed"]:
            print(f"  {name}: missed {miss}")
        for wrong in r["wrong"]:
            print(f"  {name}: unlabelled flag {wrong}")
    for variant in missing:
        print(f"  labelled variant not in the text: {variant}")
    print()


if __name__ == "__main__":
    sys.exit(main())
