"""TMX out of the working state: the choices a CAT user needs, on top of ``tmx``."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC

from anyascii import anyascii
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from alignments import Bead
from tmx import TmxHeader, TranslationUnit, Variant, write_tmx
from workbench import __version__
from workbench.errors import ExportError
from workbench.failures import refusal
from workbench.models import DocumentSet
from workbench.sets import RowView, row_views


@dataclass(frozen=True)
class ExportOptions:
    """What to export: which languages, the source, pairs or one file, confirmed rows only."""

    langs: tuple[str, ...]
    source_lang: str
    pairs: bool = False
    confirmed_only: bool = False

    @classmethod
    def build(cls, document_set: DocumentSet, *, langs: str | Sequence[str] | None = None,
              pairs: bool = False, source_lang: str | None = None,
              confirmed_only: bool = False) -> ExportOptions:
        """Options checked against the set's languages (``ExportError`` names a stranger).

        ``langs`` None is every language of the set; otherwise only those named go out
        (the form's unticked languages stay out), and at least two must be named. The
        source is ``source_lang``, else the set's pivot when named, else the first named;
        a ``source_lang`` not among ``langs`` is refused (the file would hold a language
        left out)."""
        known = document_set.langs
        wanted = [x for x in re.split(r"[,\s]+", langs) if x] if isinstance(langs, str) \
            else [x for x in (known if langs is None else langs) if x]
        chosen = list(dict.fromkeys(_match(lang, known) for lang in wanted))  # once each
        if len(chosen) < 2:
            raise too_few_languages(chosen)
        if source_lang:
            source = _match(source_lang, known)
            if source not in chosen:
                raise refusal(ExportError, "source-not-chosen", source=source,
                              langs=", ".join(chosen))
        else:
            source = document_set.pivot_lang if document_set.pivot_lang in chosen \
                else chosen[0]
        return cls(tuple(chosen), source, pairs, confirmed_only)

    @classmethod
    def from_query(cls, args: Mapping[str, str], document_set: DocumentSet) -> ExportOptions:
        """Options from a download link's query string (``langs`` comma-separated, or
        repeated as the export form's checkboxes send it).

        The export form sends an empty ``langs`` beside its checkboxes, so that nothing
        ticked is told from a link that names no language (every language). Its source list
        starts on the pivot, so a source the translator left unticked is taken for one not
        chosen, not for one to add: the set's pivot, else the first language ticked, is the
        source instead."""
        getlist = getattr(args, "getlist", None)
        given = getlist("langs") if getlist else [args.get("langs")]
        langs = ",".join(x for x in given if x) if "langs" in args else None
        source = args.get("source") or None
        if "" in given and source:  # the form
            try:
                ticked = {_match(lang, document_set.langs) for lang in
                          re.split(r"[,\s]+", langs or "") if lang}
                if _match(source, document_set.langs) not in ticked:
                    source = None
            except ExportError:
                pass  # the stranger is named by ``build``
        return cls.build(
            document_set,
            langs=langs,
            pairs=args.get("pairs") in ("1", "true", "on"),
            source_lang=source,
            confirmed_only=args.get("confirmed") in ("1", "true", "on"),
        )


def too_few_languages(chosen: Sequence[str]) -> ExportError:
    """The refusal of an export of fewer than two languages, saying what was chosen."""
    return refusal(ExportError, "too-few-languages", chosen=list(chosen))


def _match(lang: str, known: Sequence[str]) -> str:
    for candidate in known:
        if candidate.lower() == lang.lower():
            return candidate
    for candidate in known:
        if candidate.split("-")[0].lower() == lang.split("-")[0].lower():
            return candidate
    raise ExportError(_("The set has no version in '%(lang)s' (it has %(langs)s).", lang=lang,
                        langs=", ".join(known)))


def slug(name: str, most: int = 60) -> str:
    """An ASCII file-name part from a set's name: 'Совет ОДКБ 2019' -> 'sovet-odkb-2019'."""
    words = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
    if len(words) > most:
        words = words[:most].rsplit("-", 1)[0] or words[:most]
    return words


def file_stem(document_set: DocumentSet, langs: Sequence[str]) -> str:
    """The export's file name without its extension: the set's name and its languages,
    e.g. 'csto-council-2019.ru-en-de' ('set-7' when the name has nothing ASCII can say)."""
    codes = "-".join(slug(lang.split("-")[0], 8) or "x" for lang in langs)
    return f"{slug(document_set.name) or f'set-{document_set.id}'}.{codes}"


def header_for(source_lang: str) -> TmxHeader:
    return TmxHeader(srclang=source_lang, creation_tool_version=__version__)


def set_units(document_set: DocumentSet, rows: Sequence[RowView], langs: Sequence[str], *,
              confirmed_only: bool = False) -> Iterator[TranslationUnit]:
    """One translation unit per row that has text in at least two of ``langs``."""
    created = document_set.created_at.replace(tzinfo=UTC)
    changed = document_set.updated_at.replace(tzinfo=UTC)
    for row in rows:
        if confirmed_only and row.status != "confirmed":
            continue
        variants = tuple(Variant(lang, row.text(lang)) for lang in langs if row.text(lang))
        if len(variants) < 2:
            continue
        yield TranslationUnit(
            tuid=f"{document_set.id}-{row.position + 1}",
            variants=variants,
            properties=(
                ("x-document", document_set.name),
                ("x-row", str(row.position + 1)),
                ("x-status", row.status),
                ("x-score", f"{row.score:.4f}"),
            ),
            creation_date=created,
            change_date=changed,
        )


def tmx_bytes(session: Session, document_set: DocumentSet,
              options: ExportOptions) -> tuple[bytes, str]:
    """The export as bytes and a file name: one TMX, or a zip of one TMX per pair."""
    rows = row_views(session, document_set)
    stem = file_stem(document_set, [options.source_lang, *(lang for lang in options.langs
                                                           if lang != options.source_lang)])
    if not options.pairs:
        buffer = io.BytesIO()
        # body: the header names the source language only if every unit has it
        written = write_tmx(buffer, set_units(document_set, rows, options.langs,
                                              confirmed_only=options.confirmed_only),
                            header_for(options.source_lang), body=io.BytesIO())
        _refuse_empty(written, options)
        return buffer.getvalue(), f"{stem}.tmx"
    archive = io.BytesIO()
    written = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for target in options.langs:
            if target == options.source_lang:
                continue
            buffer = io.BytesIO()
            pair = (options.source_lang, target)
            written += write_tmx(buffer, set_units(document_set, rows, pair,
                                                   confirmed_only=options.confirmed_only),
                                 header_for(options.source_lang))
            zipped.writestr(f"{file_stem(document_set, pair)}.tmx", buffer.getvalue())
    _refuse_empty(written, options)
    return archive.getvalue(), f"{stem}.pairs.zip"


def _refuse_empty(written: int, options: ExportOptions) -> None:
    """An export of not one unit is refused (an empty TMX only puzzles a CAT tool)."""
    if written:
        return
    if options.confirmed_only:
        raise ExportError(_("No row of the set with text in two of %(langs)s is confirmed "
                            "yet: the TMX would be empty.", langs=", ".join(options.langs)))
    raise ExportError(_("No row of the set has text in two of %(langs)s: the TMX would be "
                        "empty.", langs=", ".join(options.langs)))


def beads_tmx(beads: Sequence[Bead], source: Sequence[str], target: Sequence[str],
              source_lang: str, target_lang: str) -> bytes:
    """Pairwise beads (``workbench align --format tmx``) as a TMX file."""
    units = (
        TranslationUnit(
            tuid=str(n),
            variants=(Variant(source_lang, " ".join(source[i] for i in bead.source)),
                      Variant(target_lang, " ".join(target[i] for i in bead.target))),
            properties=(("x-score", f"{bead.score:.4f}"),),
        )
        for n, bead in enumerate(beads, 1)
        if bead.source and bead.target
    )
    buffer = io.BytesIO()
    write_tmx(buffer, units, header_for(source_lang))
    return buffer.getvalue()
