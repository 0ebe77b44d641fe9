"""Document sets: build one from imported versions, list them, read their rows.

This is the library behind the CLI and the web views: each function takes a session and
plain values, and raises a ``WorkbenchError`` a person can read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from alignments import AlignmentError
from alignments import Row as AlignedRow
from alignments.multi import align_versions, choose_pivot
from alignments.segment import Segmenter
from workbench.errors import AlignmentFailed, NotFound, PageImportError
from workbench.failures import plain, refusal
from workbench.importers import Version as ImportedVersion
from workbench.limits import limit
from workbench.memory.rows import cover_rows, release_set
from workbench.models import (
    DocumentSet,
    Edit,
    Row,
    Sentence,
    Version,
    cell_scores_text,
    read_cell_scores,
)


def base_lang(lang: str) -> str:
    """The language subtag of a BCP-47 code: 'ru-RU' -> 'ru'."""
    return lang.replace("_", "-").split("-")[0].lower()


@dataclass
class RowView:
    """A row as the editor and the exports see it: sentences per language."""

    id: int
    position: int
    score: float
    status: str
    cells: dict[str, list[Sentence]] = field(default_factory=dict)
    cell_scores: dict[str, float] = field(default_factory=dict)  # see Row.cell_scores

    def text(self, lang: str) -> str:
        """The row's text in one language: its sentences joined by a space."""
        return " ".join(s.text for s in self.cells.get(lang, []))

    @property
    def shape(self) -> str:
        """The bead shape across languages, e.g. '1-1-2-1'."""
        return "-".join(str(len(v)) for v in self.cells.values())


def segment_version(
    version: ImportedVersion,
    segmenter: Segmenter,
    *,
    max_sentence_chars: int | None = None,
    max_sentences: int | None = None,
) -> list[tuple[int, str]]:
    """The version's sentences with their paragraph numbers (the title is paragraph 0).

    With limits, a sentence longer than ``max_sentence_chars`` or more than
    ``max_sentences`` sentences refuse the version (``PageImportError``) as soon as they
    are found, so a page far over a limit costs no more than the part of it read.
    """
    paragraphs = ([version.title] if version.title else []) + list(version.paragraphs)
    lang = base_lang(version.lang)
    sentences: list[tuple[int, str]] = []
    offset = 0 if version.title else 1
    read = 0
    limited = max_sentence_chars is not None or max_sentences is not None
    for number, paragraph in enumerate(paragraphs):
        if limited and len(paragraph) > _PROBED_PARAGRAPH:
            found, consumed = len(sentences), 0
            for sentence in _sentences_one_by_one(segmenter, paragraph, lang):
                if max_sentence_chars is not None and len(sentence) > max_sentence_chars:
                    raise _sentence_too_long(version, sentence, max_sentence_chars)
                found, consumed = found + 1, consumed + len(sentence) + 1
                if max_sentences is not None and found > max_sentences:
                    raise _too_many_sentences(version, paragraphs, found,
                                              read + min(consumed, len(paragraph)),
                                              max_sentences)
        for sentence in segmenter.split(paragraph, lang):
            if max_sentence_chars is not None and len(sentence) > max_sentence_chars:
                raise _sentence_too_long(version, sentence, max_sentence_chars)
            sentences.append((number + offset, sentence))
        read += len(paragraph)
        if max_sentences is not None and len(sentences) > max_sentences:
            raise _too_many_sentences(version, paragraphs, len(sentences), read,
                                      max_sentences)
    return sentences


# A paragraph longer than this is first segmented a sentence at a time, to refuse it as
# soon as it breaks a limit: ``Segmenter.split`` segments a paragraph whole, which for one
# paragraph of 2 MB takes a minute (of 5 MB, minutes) before its sentences can be counted.
# No real paragraph comes near; the sentences stored still come from ``Segmenter.split``.
_PROBED_PARAGRAPH = 100_000


def _sentences_one_by_one(segmenter: Segmenter, text: str, lang: str) -> Iterator[str]:
    """The sentences of a paragraph as ``Segmenter.split`` finds them, one at a time."""
    return segmenter.sentences(text, lang)


def _where(version: ImportedVersion) -> str:
    """The file and its language, as a refusal names them ('page.html (en-GB)'); pasted
    text is named with its language already."""
    if f"({version.lang})" in version.source:
        return version.source
    return f"{version.source} ({version.lang})"


def _sentence_too_long(version: ImportedVersion, sentence: str, most: int
                       ) -> PageImportError:
    start = " ".join(sentence[:80].split()[:-1]) or sentence[:80]
    return refusal(PageImportError, "sentence-too-long", file=_where(version),
                   length=len(sentence), limit=most, start=start)


def _too_many_sentences(version: ImportedVersion, paragraphs: Sequence[str], found: int,
                        read: int, most: int) -> PageImportError:
    """Refusal of a version with more than ``most`` sentences: ``found`` of them in the first
    ``read`` characters (segmentation stops there, so the rest is estimated)."""
    total = sum(len(p) for p in paragraphs)
    if read >= total:
        return refusal(PageImportError, "too-many-sentences", file=_where(version),
                       count=found, limit=most)
    estimate = found * total / max(read, 1)
    rounded = max(found, int(float(f"{estimate:.2g}")))
    return refusal(PageImportError, "about-too-many-sentences", file=_where(version),
                   count=rounded, limit=most)


def check_versions(versions: Sequence[ImportedVersion]) -> None:
    """Refuse (``PageImportError``) fewer than two versions, or two in one language: what
    a set cannot be made of, told before any work is done."""
    if len(versions) < 2:
        raise PageImportError(_(
            "A document set needs at least two language versions; got %(count)s (%(names)s).",
            count=len(versions), names=", ".join(v.source for v in versions) or "-"))
    seen: dict[str, str] = {}
    for v in versions:
        code = base_lang(v.lang)
        if code in seen:
            raise PageImportError(_(
                "%(first)s and %(second)s are both in '%(lang)s': a set holds one version per "
                "language.", first=v.source, second=seen[code], lang=code))
        seen[code] = v.source


def create_set(
    session: Session,
    versions: Sequence[ImportedVersion],
    *,
    name: str | None = None,
    pivot: str | None = None,
    segmenter: Segmenter | None = None,
    max_sentence_chars: int | None = None,
    max_page_sentences: int | None = None,
    slots: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> DocumentSet:
    """Segment and align the versions of one page and store them as a new document set.

    Each version's language code is made canonical first (``canonical_langs``: a bare
    ``en`` takes the region the stored sets or ``slots`` use, else ``DEFAULT_REGIONS``).

    A version with a sentence longer than ``max_sentence_chars``, or with more than
    ``max_page_sentences`` sentences, is refused before anything is stored (the limits
    default to the app's ``MAX_SENTENCE_CHARS`` and ``MAX_PAGE_SENTENCES``, see
    ``workbench.limits``).

    ``progress``, when given, is called with the sentences aligned so far and the sentences
    of all versions (a job shows them; raising from it, to cancel, stores nothing: the set is
    only flushed at the end, for the caller to commit).

    An imported TMX unit one of the new rows says the same as is shown once, as the set's
    row (``memory.rows.cover_rows``).
    """
    check_versions(versions)
    segmenter = segmenter or Segmenter()
    most_chars = limit("MAX_SENTENCE_CHARS", max_sentence_chars)
    most_sentences = limit("MAX_PAGE_SENTENCES", max_page_sentences)
    segmented = {
        v.lang: segment_version(v, segmenter, max_sentence_chars=most_chars,
                                max_sentences=most_sentences)
        for v in versions
    }
    for v in versions:
        if not segmented[v.lang]:
            raise PageImportError(_("%(file)s: no sentences were found in the page.",
                                    file=v.source))
    # Refusals above name a version's language as it came; what is stored is canonical.
    canonical = canonical_versions(session, versions, slots)
    segmented = {c.lang: segmented[v.lang] for v, c in zip(versions, canonical, strict=True)}
    versions = canonical
    pivot_lang = pick_pivot([v.lang for v in versions], pivot)
    ordered = sorted(versions, key=lambda v: (v.lang != pivot_lang, versions.index(v)))

    document_set = DocumentSet(
        name=(name or _default_name(ordered, pivot_lang))[:MAX_NAME], pivot_lang=pivot_lang
    )
    session.add(document_set)
    stored: dict[str, list[Sentence]] = {}
    for position, v in enumerate(ordered):
        version = Version(
            lang=v.lang,
            position=position,
            title=v.title,
            source=v.source,
            published=v.published,
            variants=list(v.variants),
        )
        document_set.versions.append(version)
        stored[v.lang] = [
            Sentence(position=i, paragraph=p, text=t)
            for i, (p, t) in enumerate(segmented[v.lang])
        ]
        version.sentences.extend(stored[v.lang])
    total = sum(len(sentences) for sentences in segmented.values())
    if progress is not None:
        progress(0, total)
    aligned = align_sentences(segmented, pivot_lang, progress=(
        None if progress is None else lambda done: progress(done, total)))
    if progress is not None:
        progress(total, total)
    _store_rows(document_set, aligned, stored)
    session.flush()
    # the units of imported files its rows say are shown once, from the set
    cover_rows(session, [row.id for row in document_set.rows])
    return document_set


def align_sentences(
    segmented: dict[str, list[tuple[int, str]]],
    pivot_lang: str,
    confirmed: Sequence[AlignedRow] = (),
    progress: Callable[[int], None] | None = None,
) -> list[AlignedRow]:
    """N-way rows for the segmented versions (keys are the versions' language codes);
    ``progress`` as :func:`alignments.multi.align_versions` calls it."""
    texts = {lang: [t for _, t in sentences] for lang, sentences in segmented.items()}
    starts = {
        lang: [
            i for i, (p, _) in enumerate(sentences) if i == 0 or sentences[i - 1][0] != p
        ]
        for lang, sentences in segmented.items()
    }
    try:
        return align_versions(texts, pivot_lang, paragraph_starts=starts, confirmed=confirmed,
                              progress=progress)
    except AlignmentError as error:
        raise refusal(AlignmentFailed, "engine", kind=error.kind,
                      params=plain(error.params)) from error


def _store_rows(
    document_set: DocumentSet,
    aligned: Sequence[AlignedRow],
    stored: dict[str, list[Sentence]],
) -> None:
    for position, aligned_row in enumerate(aligned):
        row = Row(position=position, score=float(aligned_row.score), status="auto",
                  cell_scores=cell_scores_text(aligned_row.cell_scores))
        document_set.rows.append(row)
        for lang, ids in aligned_row.cells.items():
            for i in ids:
                stored[lang][i].row = row


def pick_pivot(langs: list[str], wanted: str | None) -> str:
    """The pivot among ``langs``: the one ``wanted`` names (its base language will do), else
    the one :func:`alignments.multi.choose_pivot` chooses."""
    if wanted:
        for lang in langs:
            if lang == wanted or base_lang(lang) == base_lang(wanted):
                return lang
        raise PageImportError(_(
            "The pivot language '%(lang)s' is not among the versions (%(langs)s).",
            lang=wanted, langs=", ".join(langs)))
    by_base = {base_lang(lang): lang for lang in langs}
    return by_base[choose_pivot(list(by_base))]


def _default_name(versions: Sequence[ImportedVersion], pivot: str, limit: int = 120) -> str:
    """The pivot's title; else another version's; else the start of the pivot's text (a page
    without a heading); else the file name."""
    ordered = sorted(versions, key=lambda v: v.lang != pivot)
    for v in ordered:
        if v.title.strip():
            return v.title.strip()[:300]
    for v in ordered:
        text = " ".join(" ".join(v.paragraphs[:1]).split())
        if text:
            return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
    return versions[0].source


def get_set(session: Session, set_id: int) -> DocumentSet:
    """The document set with this id, or NotFound."""
    document_set = session.get(DocumentSet, set_id)
    if document_set is None:
        raise refusal(NotFound, "no-set", id=set_id)
    return document_set


def find_set(session: Session, ref: str) -> DocumentSet:
    """A set named by id or by exact name (the CLI's SET argument)."""
    if ref.isdigit():
        return get_set(session, int(ref))
    found = session.scalars(select(DocumentSet).where(DocumentSet.name == ref)).all()
    if not found:
        raise NotFound(_("There is no document set named '%(name)s'.", name=ref))
    if len(found) > 1:
        raise NotFound(_("Several sets are named '%(name)s'; name one by its id.", name=ref))
    return found[0]


@dataclass(frozen=True)
class SetSummary:
    """A line of the set list."""

    id: int
    name: str
    langs: list[str]
    pivot: str
    rows: int
    confirmed: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "languages": self.langs,
            "pivot": self.pivot,
            "rows": self.rows,
            "confirmed": self.confirmed,
        }


def list_sets(session: Session) -> list[SetSummary]:
    """Every document set, newest last, with its languages and row counts."""
    counts: dict[int, int] = {
        set_id: count for set_id, count in
        session.execute(select(Row.set_id, func.count()).group_by(Row.set_id))
    }
    confirmed: dict[int, int] = {
        set_id: count for set_id, count in session.execute(
            select(Row.set_id, func.count()).where(Row.status == "confirmed").group_by(Row.set_id))
    }
    langs: dict[int, list[str]] = defaultdict(list)
    for set_id, lang in session.execute(
        select(Version.set_id, Version.lang).order_by(Version.set_id, Version.position)
    ):
        langs[set_id].append(lang)
    return [
        SetSummary(
            id=s.id,
            name=s.name,
            langs=langs[s.id],
            pivot=s.pivot_lang,
            rows=counts.get(s.id, 0),
            confirmed=confirmed.get(s.id, 0),
        )
        for s in session.scalars(select(DocumentSet).order_by(DocumentSet.id))
    ]


def row_views(session: Session, document_set: DocumentSet) -> list[RowView]:
    """The set's rows in order, each with its sentences per language (two queries)."""
    langs = document_set.langs
    views: dict[int, RowView] = {}
    for row in session.scalars(
        select(Row).where(Row.set_id == document_set.id).order_by(Row.position)
    ):
        views[row.id] = RowView(row.id, row.position, row.score, row.status,
                                {lang: [] for lang in langs},
                                read_cell_scores(row.cell_scores))
    lang_of = {v.id: v.lang for v in document_set.versions}
    for sentence in session.scalars(
        select(Sentence)
        .join(Version)
        .where(Version.set_id == document_set.id)
        .order_by(Sentence.version_id, Sentence.position)
    ):
        if sentence.row_id is not None and sentence.row_id in views:
            views[sentence.row_id].cells[lang_of[sentence.version_id]].append(sentence)
    return list(views.values())


# -- language codes: one canonical code per version -------------------------------------

# The region a bare language code gets when neither the stored sets nor the user's language
# slots give one (file names say ``en``, detection says ``de``, slots say ``en-GB``: without
# this the memory would list en, en-GB and en-US as three languages). A language not listed
# here takes CLDR's likely region (``ja`` -> ``ja-JP``).
DEFAULT_REGIONS = {
    "en": "en-GB", "ru": "ru-RU", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
    "zh": "zh-CN", "it": "it-IT", "pt": "pt-PT", "uk": "uk-UA", "be": "be-BY",
    "kk": "kk-KZ", "ky": "ky-KG", "tg": "tg-TJ", "uz": "uz-UZ", "hy": "hy-AM",
    "az": "az-AZ", "ar": "ar-SA", "tr": "tr-TR", "pl": "pl-PL", "ja": "ja-JP",
}


def canonical_lang(lang: str, preferred: Mapping[str, str] = {}) -> str:  # noqa: B006
    """One code for a version: a code with a region (or script) is kept as given
    (``en-US``); a bare one takes ``preferred``'s code for its language, else
    ``DEFAULT_REGIONS``', else CLDR's likely region, else stays bare."""
    code = lang.strip().replace("_", "-")
    if "-" in code:
        return code
    base = code.lower()
    return preferred.get(base) or DEFAULT_REGIONS.get(base) or _likely_region(base) or base


def _likely_region(base: str) -> str | None:
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(base, ""))
    region = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return f"{base}-{region}" if len(region) == 2 and region.isalpha() else None


def preferred_regions(session: Session, slots: Sequence[str] = ()) -> dict[str, str]:
    """For each language, the code with a region its bare code becomes: the one most
    versions of the stored sets use, else the user's language slot for it."""
    counts: Counter[str] = Counter()
    for lang, count in session.execute(select(Version.lang, func.count()).group_by(Version.lang)):
        if "-" in lang:
            counts[lang] += count
    preferred: dict[str, str] = {}
    for lang, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        preferred.setdefault(base_lang(lang), lang)
    for slot in slots:
        if "-" in slot:
            preferred.setdefault(base_lang(slot), slot)
    return preferred


def canonical_langs(session: Session, langs: Iterable[str], slots: Sequence[str] = ()
                    ) -> list[str]:
    """``canonical_lang`` of each code, with the regions of the stored sets and ``slots``."""
    preferred = preferred_regions(session, slots)
    return [canonical_lang(lang, preferred) for lang in langs]


def canonical_versions(session: Session, versions: Sequence[ImportedVersion],
                       slots: Sequence[str] = ()) -> list[ImportedVersion]:
    """The versions, each with its canonical language code (see ``canonical_langs``)."""
    codes = canonical_langs(session, [v.lang for v in versions], slots)
    return [v if v.lang == code else replace(v, lang=code) for v, code in zip(versions, codes,
                                                                                strict=True)]


# -- renaming and deleting a set ---------------------------------------------------------

MAX_NAME = 300  # DocumentSet.name's column


def rename_set(session: Session, set_id: int, name: str) -> DocumentSet:
    """Give the set a new name (surrounding and repeated spaces dropped)."""
    document_set = get_set(session, set_id)
    cleaned = " ".join(name.split())
    if not cleaned:
        raise PageImportError(_("A set needs a name; the name was left as it was."))
    if len(cleaned) > MAX_NAME:
        raise PageImportError(_(
            "A set's name may have at most %(limit)s characters; this one has %(length)s. "
            "The name was left as it was.", limit=MAX_NAME, length=len(cleaned)))
    document_set.name = cleaned
    session.flush()
    return document_set


@dataclass(frozen=True)
class SetContents:
    """What deleting a set takes away, counted for the confirmation."""

    id: int
    name: str
    langs: list[str]
    rows: int
    confirmed: int
    sentences: int
    edits: int


def set_contents(session: Session, set_id: int) -> SetContents:
    document_set = get_set(session, set_id)
    version_ids = select(Version.id).where(Version.set_id == set_id)
    return SetContents(
        id=document_set.id,
        name=document_set.name,
        langs=document_set.langs,
        rows=session.scalar(select(func.count()).where(Row.set_id == set_id)) or 0,
        confirmed=session.scalar(select(func.count()).where(
            Row.set_id == set_id, Row.status == "confirmed")) or 0,
        sentences=session.scalar(select(func.count()).where(
            Sentence.version_id.in_(version_ids))) or 0,
        edits=session.scalar(select(func.count()).where(Edit.set_id == set_id)) or 0,
    )


def delete_set(session: Session, set_id: int) -> str:
    """Remove the set and everything of it (sentences, rows, versions, edit history) in the
    session's transaction; the caller commits. Its sentences leave the memory's index by
    the index's own triggers; an imported unit that was not shown because one of its rows
    said the same is shown again (``memory.rows.release_set``). Returns the name it had.

    The set's own row is locked first (FOR UPDATE), as every edit locks it first (its
    revision is claimed before anything else is written): on PostgreSQL a deletion then
    waits for the edits under way to end, and edits that come after it wait for it and
    find the set gone. Locking the sentences first and the set last, as it did, deadlocked
    with an edit that had claimed the revision and then wrote a sentence."""
    locked = session.scalar(select(DocumentSet).where(DocumentSet.id == set_id)
                            .with_for_update().execution_options(populate_existing=True))
    if locked is None:
        raise refusal(NotFound, "no-set", id=set_id)
    document_set = locked
    name = document_set.name
    release_set(session, set_id)  # the imported units kept with its rows are seen again
    version_ids = select(Version.id).where(Version.set_id == set_id)
    session.execute(delete(Sentence).where(Sentence.version_id.in_(version_ids)))
    session.execute(delete(Edit).where(Edit.set_id == set_id))
    session.execute(delete(Row).where(Row.set_id == set_id))
    session.execute(delete(Version).where(Version.set_id == set_id))
    session.execute(delete(DocumentSet).where(DocumentSet.id == set_id))
    return name


# -- a page already in a set -------------------------------------------------------------

@dataclass(frozen=True)
class Duplicate:
    """An uploaded version whose text a stored version already has."""

    source: str
    lang: str
    set_id: int
    set_name: str
    stored_source: str


class DuplicatePages(PageImportError):
    """Versions already stored in a set: the upload waits for "add anyway"."""

    status = 409

    def __init__(self, duplicates: Sequence[Duplicate]) -> None:
        names = "; ".join(
            _("%(file)s is already in the set “%(set)s” (as %(stored)s, %(lang)s)",
              file=d.source, set=d.set_name, stored=d.stored_source, lang=d.lang)
            for d in duplicates)
        super().__init__(_("%(found)s. Nothing was stored; to store it again, tick “Add anyway”.",
                           found=names))
        self.duplicates = list(duplicates)


def _squeezed(texts: Iterable[str]) -> str:
    """The texts joined without any whitespace: what segmentation and spacing leave alone."""
    return "".join("".join(texts).split())


def find_duplicates(session: Session, versions: Sequence[ImportedVersion]
                    ) -> list[Duplicate]:
    """The stored versions (same language) whose text is that of one of ``versions``: the
    same file, or the same page saved again. Sentences edited since keep their original."""
    found: list[Duplicate] = []
    for v in versions:
        text = _squeezed(([v.title] if v.title else []) + list(v.paragraphs))
        if not text:
            continue
        base = base_lang(v.lang)
        stored_text = func.coalesce(Sentence.original_text, Sentence.text)
        lang = func.lower(Version.lang)
        firsts = session.execute(
            select(Version.id, stored_text)
            .join(Sentence, Sentence.version_id == Version.id)
            .where(Sentence.position == 0, or_(lang == base, lang.like(f"{base}-%")))
        ).all()
        for version_id, first in firsts:
            if not text.startswith(_squeezed([first])):
                continue
            sentences = session.scalars(
                select(stored_text).where(Sentence.version_id == version_id)
                .order_by(Sentence.position))
            if _squeezed(sentences) != text:
                continue
            stored = session.get(Version, version_id)
            assert stored is not None
            found.append(Duplicate(v.source, stored.lang, stored.set_id,
                                   stored.document_set.name, stored.source))
            break
    return found
