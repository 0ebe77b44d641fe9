"""memory: each imported unit's fingerprint in its first two languages, so that a set's rows
can find the units they say the same as

Revision ID: 0018_memory_unit_pair_print
Revises: 0017_row_cell_scores

Since 0016 an import looks its units up among the sets' rows (``memory_row_print``: one
fingerprint per row and pair of its languages) and hides those a row says already. Rows
aligned after the import were never compared with it: a set created or re-aligned later, or
an edit undone, left the file's unit shown beside the row saying the same. The rows cannot
look a unit up by ``memory_unit.fingerprint``: that is of all the unit's languages, and a
row has more than the unit (an export in pairs, or of some languages only). So
``memory_unit.pair_print`` is, indexed, the fingerprint of the unit's texts in its first two
languages (in code order), as a row has one for each pair of its languages: storing or
editing rows looks their pairs up in it (``workbench.memory.rows.cover_rows``). NULL for a
unit no row can say (fewer than two languages with text, or two texts in one language).

The units stored before this revision get theirs here, a batch at a time. The column is
added with ALTER TABLE (no batch copy: it would drop the FTS5 triggers of 0003).
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0018_memory_unit_pair_print"
down_revision = "0017_row_cell_scores"
branch_labels = None
depends_on = None

BATCH = 5_000


def fingerprint(variants: list[tuple[str, str]]) -> int:
    # the same as workbench.memory.prints.fingerprint (a migration keeps its own copy)
    joined = "\x1f".join(sorted(f"{lang}\x1e{text}" for lang, text in variants if text.strip()))
    return int.from_bytes(hashlib.blake2b(joined.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)


def pair_print(variants: list[tuple[str, str]]) -> int | None:
    # the same as workbench.memory.rows.pair_print (the languages are stored normalised)
    texts: dict[str, str] = {}
    for lang, text in variants:
        if not text.strip():
            continue
        if lang in texts:
            return None
        texts[lang] = text
    if len(texts) < 2:
        return None
    first, second = sorted(texts)[:2]
    return fingerprint([(first, texts[first]), (second, texts[second])])


def upgrade() -> None:
    op.add_column("memory_unit", sa.Column("pair_print", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    last = 0
    while True:
        ids = [row[0] for row in bind.execute(sa.text(
            "SELECT id FROM memory_unit WHERE id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": BATCH})]
        if not ids:
            break
        variants: dict[int, list[tuple[str, str]]] = {unit_id: [] for unit_id in ids}
        for unit_id, lang, text in bind.execute(sa.text(
                "SELECT unit_id, lang, text FROM memory_variant "
                "WHERE unit_id BETWEEN :first AND :last"), {"first": ids[0], "last": ids[-1]}):
            if unit_id in variants:
                variants[unit_id].append((lang, text))
        printed = [{"id": unit_id, "print": print_} for unit_id, found in variants.items()
                   if (print_ := pair_print(found)) is not None]
        if printed:
            bind.execute(sa.text("UPDATE memory_unit SET pair_print = :print WHERE id = :id"),
                         printed)
        last = ids[-1]
    op.create_index("ix_memory_unit_pair_print", "memory_unit", ["pair_print"])


def downgrade() -> None:
    op.drop_index("ix_memory_unit_pair_print", table_name="memory_unit")
    with op.batch_alter_table("memory_unit", recreate="never") as batch_op:
        batch_op.drop_column("pair_print")
