"""The whole memory as TMX: the rows of every document set and, unless left out, the units of
every imported file, in one multilingual file or in one file per language pair.

The units are read from the database as they are written, set by set and imported file by
imported file, into a spooled temporary file: memory stays flat however large the memory
is. "Confirmed rows only" filters the aligned sets; imported units carry no status and go
out as they came in — their dates, ids, usage counts, properties and notes, and their
variants' — with their file's name (``x-document``) added; a unit's own ``tuid`` stays its
tuid (TMX 1.4b leaves the value free: any text, unique or not), and a unit that had none gets
one naming its file and place (``tmx3-17``).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import IO, Any

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tmx import TranslationUnit, Variant, write_tmx, write_tmx_pair
from tmx.units import parse_date, xml_safe
from workbench.errors import ExportError
from workbench.exports import header_for, set_units, too_few_languages
from workbench.failures import refusal
from workbench.memory.models import READY, MemoryOrigin, MemoryUnit, MemoryVariant
from workbench.memory.store import ANY_SOURCE, languages
from workbench.models import DocumentSet, Row
from workbench.sets import row_views

SPOOL_BYTES = 32 * 1024 * 1024  # a larger export goes to a temporary file on disk
READ_ROWS = 5_000


@dataclass(frozen=True)
class MemoryExport:
    """What to export from the memory: languages (source first), pairs or one file,
    confirmed set rows only, imported units or not.

    ``source_lang`` is ``*all*`` for pairs with no source named: each unit goes out from its
    own source language (its set's pivot, its own or its file's), one file per pair that
    occurs. One source for all would leave out every unit without it (the Russian sets'
    rows from pairs over the English of a large imported file).

    ``sources`` are the codes a bare source language named for pairs stands for (``en``:
    en-GB and en-US, as RFC 4647's basic filtering reads a range): each unit then goes out
    from the one of them it has (its own source when it is one of them), into the pair of
    that code; ``source_lang`` is then ``*all*``."""

    langs: tuple[str, ...]
    source_lang: str
    pairs: bool = False
    confirmed_only: bool = False
    imported: bool = True
    sources: tuple[str, ...] = ()

    @classmethod
    def build(cls, session: Session, *, langs: str | Sequence[str] | None = None,
              source_lang: str | None = None, pairs: bool = False,
              confirmed_only: bool = False, imported: bool = True) -> MemoryExport:
        """Options checked against the languages the memory holds (``ExportError`` names a
        language it does not hold); see ``_matching`` for what a code stands for."""
        known = languages(session, imported=imported)
        if not known:
            raise refusal(ExportError, "memory-empty")
        # None: every language; else only those named (the form's unticked ones stay out;
        # it sends an empty one beside its checkboxes, so that none ticked is told apart)
        wanted = [x for x in re.split(r"[,\s]+", langs) if x] if isinstance(langs, str) \
            else [x for x in (known if langs is None else langs) if x]
        chosen: list[str] = []
        for lang in wanted:
            chosen += [code for code in _matching(lang, known) if code not in chosen]
        if len(chosen) < 2:
            raise too_few_languages(chosen) if langs is not None else refusal(
                ExportError, "tmx-two-languages")
        if source_lang == ANY_SOURCE or (pairs and not source_lang):
            return cls(tuple(chosen), ANY_SOURCE, pairs, confirmed_only, imported) if pairs \
                else cls.build(session, langs=langs, pairs=pairs, confirmed_only=confirmed_only,
                               imported=imported)
        if pairs and source_lang and "-" not in source_lang.replace("_", "-"):
            # a language, not a code: pairs from every region of it (en-GB and en-US)
            sources = [code for code in _matching(source_lang, known) if code in chosen]
            if len(sources) > 1:
                chosen.sort(key=lambda code: code not in sources)
                return cls(tuple(chosen), ANY_SOURCE, pairs, confirmed_only, imported,
                           tuple(sources))
        source = _matching(source_lang, known)[0] if source_lang else _usual_source(
            session, chosen)
        if source not in chosen:
            raise refusal(ExportError, "source-not-chosen", source=source,
                          langs=", ".join(chosen))
        chosen.sort(key=lambda code: code != source)
        return cls(tuple(chosen), source, pairs, confirmed_only, imported)

    def file_name(self) -> str:
        return "memory.zip" if self.pairs else "memory.tmx"


def _matching(lang: str, known: Sequence[str]) -> list[str]:
    """The known codes ``lang`` names: ``en`` names all of en, en-GB, en-US; ``en-GB`` names
    itself, or, when the memory has no en-GB, the other codes of its language."""
    exact = [code for code in known if code.lower() == lang.lower()]
    if exact and "-" in lang:
        return exact
    base = lang.split("-")[0].lower()
    same = [code for code in known if code.split("-")[0].lower() == base]
    if not same:
        raise refusal(ExportError, "language-not-held", lang=lang, langs=", ".join(known))
    return same


def _usual_source(session: Session, langs: Sequence[str]) -> str:
    """The pivot most sets were aligned over, else the source of the imported files."""
    pivots = Counter(s.pivot_lang for s in session.scalars(select(DocumentSet)))
    pivots.update(o.source_lang for o in session.scalars(
        select(MemoryOrigin).where(MemoryOrigin.status == READY)))
    for code, _count in pivots.most_common():
        if code in langs:
            return code
    return langs[0]


def export_memory(session: Session, options: MemoryExport, *, into: IO[bytes] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> IO[bytes]:
    """The export in a temporary file (rewound), or written into ``into`` (returned as it
    is): a TMX, or a zip of one TMX per pair.

    ``progress``, when given, is called with the units written so far and the units to
    write (a job shows them; raising from it stops the export).

    A multilingual file declares ``options.source_lang`` as its source language only when
    every unit in it has that language, ``*all*`` otherwise; a pair file holds only units
    with both languages, so it always declares its source.

    A multilingual file also holds the imported units in one language only (a ``<tu>`` with
    one ``<tuv>``, valid TMX 1.4b); a pair file leaves them out.

    Raises ``ExportError`` when not one unit is written (an empty TMX would only puzzle the
    CAT tool's user)."""
    spool = into if into is not None else tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=SPOOL_BYTES)
    header = header_for(options.source_lang)
    own_sources = options.pairs and options.source_lang == ANY_SOURCE
    # (each unit's own source: a first pass finds the pairs, then one pass per pair)
    passes = 1 if not options.pairs or own_sources else len(options.langs) - 1
    per_pass = _unit_count(session, options)
    counted = _Counted(progress, per_pass * passes)
    if not options.pairs:
        # The units go to a second spool first: the header may declare the source language
        # only if every unit has it (else "*all*"), which is known once they are written.
        # min_variants=1: an imported unit in one language only goes out too (a <tu> with
        # one <tuv> is valid TMX); ``memory_units`` gives no other unit with fewer than two.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
            written = write_tmx(spool, counted(memory_units(session, options)), header,
                                min_variants=1, body=body)
    else:
        written = 0
        now = datetime.now().timetuple()[:6]
        if own_sources:
            found = language_pairs(counted(memory_units(session, options)), options.langs,
                                   options.sources)
            counted.total = counted.done + per_pass * len(found)
        else:
            found = [(options.source_lang, target) for target in options.langs[1:]]
        with zipfile.ZipFile(spool, "w") as zipped:
            for source, target in found:
                units = counted(memory_units(session, options))
                if own_sources:
                    units = (unit for unit in units
                             if own_source(unit, options.sources) == source)
                # a pair no unit holds gets no file (an empty TMX only puzzles a CAT tool)
                with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as pair:
                    count = write_tmx_pair(pair, units, header_for(source), source, target)
                    if not count:
                        continue
                    written += count
                    pair.seek(0)
                    entry = zipfile.ZipInfo(f"memory.{source}_{target}.tmx", now)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    with zipped.open(entry, "w", force_zip64=True) as out:
                        shutil.copyfileobj(pair, out)
    counted.report(final=True)
    if not written:
        if into is None:
            spool.close()
        raise refusal(ExportError, "nothing-to-export",
                      confirmed_only=options.confirmed_only)
    if into is None:
        spool.seek(0)
    return spool


def own_source(unit: TranslationUnit, among: Sequence[str] = ()) -> str | None:
    """The language a unit goes out from in a pair file of its own source: its srclang
    when it has text in it, else its first language with text. With ``among`` (the codes
    of the source language named), only one of those: its srclang if it is one, else the
    first of them it has text in."""
    texted = [variant.lang for variant in unit.variants if xml_safe(variant.text).strip()]
    if among:
        texted = [lang for lang in texted if lang in among]
    if unit.srclang:
        folded = unit.srclang.casefold()
        if (lang := next((lang for lang in texted if lang.casefold() == folded), None)):
            return lang
    return texted[0] if texted else None


def language_pairs(units: Iterator[TranslationUnit], langs: Sequence[str],
                   among: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The (source, target) pairs ``units`` hold from their own source language
    (``own_source``, one of ``among`` when given) to each other of ``langs`` they have text
    in (not another of ``among``), in ``langs``' order."""
    found: set[tuple[str, str]] = set()
    for unit in units:
        source = own_source(unit, among)
        if source is None:
            continue
        found.update((source, variant.lang) for variant in unit.variants
                     if variant.lang != source and variant.lang not in among
                     and xml_safe(variant.text).strip())
    place = {lang: n for n, lang in enumerate(langs)}
    return sorted((pair for pair in found if pair[0] in place and pair[1] in place),
                  key=lambda pair: (place[pair[0]], place[pair[1]]))


PROGRESS_UNITS = 1_000  # units written between two progress reports


class _Counted:
    """Passes units through, telling ``progress`` every ``PROGRESS_UNITS`` of them."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, units: Iterator[TranslationUnit]) -> Iterator[TranslationUnit]:
        for unit in units:
            yield unit
            self.done += 1
            if self.done % PROGRESS_UNITS == 0:
                self.report()

    def report(self, final: bool = False) -> None:
        if self.progress is not None:
            self.total = max(self.total, self.done)
            self.progress(self.total if final else self.done, self.total)


def _unit_count(session: Session, options: MemoryExport) -> int:
    """About how many units one pass of ``memory_units`` gives: the sets' rows and the
    imported files' units (some have text in only one of the languages, and are left out)."""
    rows = session.scalar(select(func.count()).select_from(Row)) or 0
    units = session.scalar(select(func.coalesce(func.sum(MemoryOrigin.unit_count), 0))
                           .where(MemoryOrigin.status == READY)) if options.imported else 0
    return int(rows) + int(units or 0)


def memory_units(session: Session, options: MemoryExport) -> Iterator[TranslationUnit]:
    """The memory's units in ``options.langs``: the sets' rows, then the imported files'.

    Every unit has text in two of the languages or more, except an imported unit that is in
    one language only (it had no translation in its file): it comes with its one variant
    when that language is asked for. (A unit with text in several languages, only one of
    them asked for, is left out: it is not a one-language unit, only one cut down.)"""
    for document_set in session.scalars(select(DocumentSet).order_by(DocumentSet.id)):
        langs = [code for code in options.langs if code in document_set.langs]
        if len(langs) >= 2:
            # each row says its source language itself: the file's header may have to
            # declare *all* (imported units without it), and a CAT tool then takes the
            # first variant for the source (OmegaT warns, and skips units)
            own = options.source_lang if options.source_lang in langs else None
            if options.source_lang == ANY_SOURCE:  # pairs from each unit's own source
                own = document_set.pivot_lang if document_set.pivot_lang in langs else None
            yield from (unit._replace(srclang=unit.srclang or own)
                        for unit in set_units(document_set, row_views(session, document_set),
                                              langs, confirmed_only=options.confirmed_only)
                        if _with_text(unit) >= 2)
    if options.imported:
        yield from _imported_units(session, set(options.langs),
                                   confirmed_only=options.confirmed_only)


def _with_text(unit: TranslationUnit) -> int:
    """How many of the unit's variants have text as a TMX writer sees it."""
    return sum(1 for variant in unit.variants if xml_safe(variant.text).strip())


def _imported_units(session: Session, langs: set[str], *,
                    confirmed_only: bool = False) -> Iterator[TranslationUnit]:
    """The imported units with what their file said about them (see ``MemoryUnit.meta``),
    their source language (their own, else their file's unless ``*all*``), their own tuid
    (else ``tmx<file>-<place>``), and one property more unless they have their own:
    ``x-document`` (the file).

    A unit goes out when two of its variants in ``langs`` have text, or when all its text
    is in one language and that language is in ``langs`` (see ``memory_units``).

    A unit a set's row says the same as (``MemoryUnit.row_id``) goes out as that row, not
    twice; with ``confirmed_only`` and the row not confirmed, the row stays out, and the
    unit goes out instead."""
    shown: ColumnElement[bool] = MemoryUnit.row_id.is_(None)
    if confirmed_only:
        shown = or_(shown, MemoryUnit.row_id.in_(select(Row.id).where(Row.status != "confirmed")))
    found = session.execute(
        select(MemoryOrigin.id, MemoryOrigin.file_name, MemoryOrigin.source_lang,
               MemoryUnit.position, MemoryUnit.tuid,
               # Read as text and decoded once per unit, not once per variant of the join.
               cast(MemoryUnit.meta, Text).label("unit_meta"),
               MemoryVariant.lang, MemoryVariant.text, MemoryVariant.meta)
        .join(MemoryUnit, MemoryUnit.origin_id == MemoryOrigin.id)
        .join(MemoryVariant, MemoryVariant.unit_id == MemoryUnit.id)
        # Every variant is read, not only those in ``langs``: whether a unit is in one
        # language only is known from all of them.
        .where(MemoryOrigin.status == READY, shown)
        .order_by(MemoryOrigin.id, MemoryUnit.position, MemoryVariant.id)
        .execution_options(yield_per=READ_ROWS)
    )
    for (origin_id, position), group in groupby(found, key=lambda r: (r[0], r[3])):
        every = list(group)
        rows = [row for row in every if row.lang in langs]
        if not rows:
            continue
        texted = [row for row in rows if xml_safe(row.text).strip()]
        if len(texted) < 2 and len({row.lang.casefold() for row in every
                                    if xml_safe(row.text).strip()}) > 1:
            continue  # a translated unit, but not into the languages asked for
        first = rows[0]
        tuid, srclang = first.tuid, None
        created = changed = None
        attributes: list[tuple[str, str]] = []
        meta = json.loads(first.unit_meta) if first.unit_meta else {}
        for name, value in meta.get("attrs", ()):
            if name == "creationdate":
                created = parse_date(value)
            elif name == "changedate":
                changed = parse_date(value)
            elif name == "srclang":
                srclang = value
            elif name == "tuid":
                tuid = value
            else:
                attributes.append((name, value))
        if srclang is None and first.source_lang != ANY_SOURCE:
            srclang = first.source_lang
        properties = [(name, value) for name, value in meta.get("props", ())]
        # Ours come after the file's, and give way to a property of the same type there
        # (memoQ has its own x-document: the document the unit was translated in).
        if not any(name == "x-document" for name, _ in properties):
            properties.append(("x-document", first.file_name))
        yield TranslationUnit(tuid or f"tmx{origin_id}-{position}",
                              tuple(_variant(row.lang, row.text, row.meta) for row in rows),
                              tuple(properties), created, changed,
                              tuple(meta.get("notes", ())), srclang, tuple(attributes))


def _variant(lang: str, text: str, meta: dict[str, list[Any]] | None) -> Variant:
    if not meta:
        return Variant(lang, text)
    return Variant(lang, text, tuple((name, value) for name, value in meta.get("attrs", ())),
                   tuple((name, value) for name, value in meta.get("props", ())),
                   tuple(meta.get("notes", ())))
