"""memory: imported units that rows aligned after them say are shown once, as the rows

Revision ID: 0020_memory_units_rows_say
Revises: 0019_job_failure_kind

Until 0018, rows stored after a file was imported (a set aligned later, a re-alignment, an
edit undone) were not compared with it: the file's unit stayed shown beside the row saying
the same, twice in concordance, the fuzzy lookup, the counts and the exports, until the
rows were stored again. Since 0018 storing rows hides the units they say
(``workbench.memory.rows.cover_rows``), but what was stored before stayed as it was.

Here every row of every set is compared once with the imported units, as ``cover_rows``
compares them: by the fingerprint of the row's texts in each pair of its languages, looked
up in ``memory_unit.pair_print``, then the texts themselves (the unit's text in each of its
languages is the row's). A unit a row says is kept with that row (``memory_unit.row_id``)
and leaves its file's count; editing the row or deleting its set shows it again, as for
the units hidden since. A thousand rows at a time; without an imported unit a row could
say, nothing is read.

Data only: the downgrade leaves the units with their rows (the app before this revision
hides the same way, and shows them again on the same edits).
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "0020_memory_units_rows_say"
down_revision = "0019_job_failure_kind"
branch_labels = None
depends_on = None

BATCH = 1_000
# the same as tmx.units.XML_FORBIDDEN (a migration keeps its own copy): the memory's export
# leaves these out of a row's text, and so did the import of that export
XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ROWS = sa.table("row", sa.column("id"))
SENTENCES = sa.table("sentence", sa.column("row_id"), sa.column("version_id"),
                     sa.column("position"), sa.column("text"))
VERSIONS = sa.table("version", sa.column("id"), sa.column("lang"))
UNITS = sa.table("memory_unit", sa.column("id"), sa.column("origin_id"), sa.column("row_id"),
                 sa.column("pair_print"))
VARIANTS = sa.table("memory_variant", sa.column("unit_id"), sa.column("lang"),
                    sa.column("text"))
ORIGINS = sa.table("memory_origin", sa.column("id"), sa.column("status"),
                   sa.column("unit_count"))


def fingerprint(variants: list[tuple[str, str]]) -> int:
    # the same as workbench.memory.prints.fingerprint (a migration keeps its own copy)
    joined = "\x1f".join(sorted(f"{lang}\x1e{text}" for lang, text in variants if text.strip()))
    return int.from_bytes(hashlib.blake2b(joined.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)


def normal_lang(code: str) -> str:
    # the same as workbench.memory.prints.normal_lang
    language, *subtags = code.strip().replace("_", "-").split("-")
    parts = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            parts.append(subtag.title())
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            parts.append(subtag.upper())
        else:
            parts.append(subtag.lower())
    return "-".join(parts)[:20]


def unit_texts(variants: list[tuple[str, str]]) -> dict[str, str] | None:
    # the same as workbench.memory.rows.unit_texts
    texts: dict[str, str] = {}
    for lang, text in variants:
        if not text.strip():
            continue
        code = normal_lang(lang)
        if code in texts:
            return None
        texts[code] = text
    return texts if len(texts) >= 2 else None


def row_prints(cells: dict[str, str]) -> list[int]:
    # the same as workbench.memory.rows._row_prints: one per pair of the row's languages
    langs = sorted(lang for lang, text in cells.items() if text.strip())
    return [fingerprint([(one, cells[one]), (other, cells[other])])
            for n, one in enumerate(langs) for other in langs[n + 1:]]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.select(UNITS.c.id).where(UNITS.c.row_id.is_(None),
                                                UNITS.c.pair_print.is_not(None))
                    .limit(1)).first() is None:
        return  # no imported unit a row could say
    last = 0
    while True:
        ids = list(bind.scalars(sa.select(ROWS.c.id).where(ROWS.c.id > last)
                                .order_by(ROWS.c.id).limit(BATCH)))
        if not ids:
            break
        last = ids[-1]
        # each row's texts by language as the memory's export writes them
        found: dict[int, dict[str, list[str]]] = {}
        for row_id, lang, text in bind.execute(
                sa.select(SENTENCES.c.row_id, VERSIONS.c.lang, SENTENCES.c.text)
                .join(VERSIONS, VERSIONS.c.id == SENTENCES.c.version_id)
                .where(SENTENCES.c.row_id.between(ids[0], ids[-1]))
                .order_by(SENTENCES.c.row_id, VERSIONS.c.id, SENTENCES.c.position)):
            found.setdefault(row_id, {}).setdefault(normal_lang(lang), []).append(text)
        rows = {row_id: {lang: XML_FORBIDDEN.sub("", " ".join(texts))
                         for lang, texts in cells.items()} for row_id, cells in found.items()}
        by_print: dict[int, list[int]] = {}
        for row_id, cells in sorted(rows.items()):
            for print_ in row_prints(cells):
                by_print.setdefault(print_, []).append(row_id)
        if not by_print:
            continue
        prints = sorted(by_print)
        units = sorted(unit for start in range(0, len(prints), BATCH) for unit in bind.execute(
            sa.select(UNITS.c.id, UNITS.c.origin_id, UNITS.c.pair_print)
            .join(ORIGINS, ORIGINS.c.id == UNITS.c.origin_id)
            .where(UNITS.c.pair_print.in_(prints[start:start + BATCH]),
                   UNITS.c.row_id.is_(None), ORIGINS.c.status != "removing")))
        if not units:
            continue
        variants: dict[int, list[tuple[str, str]]] = {}
        for start in range(0, len(units), BATCH):
            for unit_id, lang, text in bind.execute(
                    sa.select(VARIANTS.c.unit_id, VARIANTS.c.lang, VARIANTS.c.text)
                    .where(VARIANTS.c.unit_id.in_([unit_id for unit_id, *_rest
                                                   in units[start:start + BATCH]]))):
                variants.setdefault(unit_id, []).append((lang, text))
        hidden: list[dict[str, int]] = []
        per_origin: dict[int, int] = {}
        for unit_id, origin_id, print_ in units:
            texts = unit_texts(variants.get(unit_id, []))
            saying = [row_id for row_id in by_print[print_] if texts is not None and all(
                rows[row_id].get(lang) == text for lang, text in texts.items())]
            if saying:  # the first row, as cover_rows takes it
                hidden.append({"unit": unit_id, "row": saying[0]})
                per_origin[origin_id] = per_origin.get(origin_id, 0) + 1
        if not hidden:
            continue
        bind.execute(sa.update(UNITS).where(UNITS.c.id == sa.bindparam("unit"))
                     .values(row_id=sa.bindparam("row")), hidden)
        for origin_id, count in sorted(per_origin.items()):
            bind.execute(sa.update(ORIGINS).where(ORIGINS.c.id == origin_id)
                         .values(unit_count=ORIGINS.c.unit_count - count))


def downgrade() -> None:
    pass
