"""memory: a fingerprint of each imported unit's texts, so that a unit already in the memory
is not stored twice

Revision ID: 0013_memory_unit_fingerprint
Revises: 0012_edit_author

``memory_unit.fingerprint`` is a 64-bit hash of the unit's languages and texts (the
variants with text, in any order; see ``workbench.memory.prints.fingerprint``), indexed: an
import looks each batch's units up in it and leaves out those another file already holds,
and says how many (the same file imported twice added every unit a second time, without a
word). The units stored before this revision get theirs here, a batch at a time.

The column is added with ALTER TABLE (no batch copy: copying would drop the FTS5 triggers of
migration 0003; see 0006).
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0013_memory_unit_fingerprint"
down_revision = "0012_edit_author"
branch_labels = None
depends_on = None

BATCH = 5_000


def fingerprint(variants: list[tuple[str, str]]) -> int:
    # the same as workbench.memory.prints.fingerprint (a migration keeps its own copy)
    joined = "\x1f".join(sorted(f"{lang}\x1e{text}" for lang, text in variants if text.strip()))
    return int.from_bytes(hashlib.blake2b(joined.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)


def upgrade() -> None:
    op.add_column("memory_unit", sa.Column("fingerprint", sa.BigInteger(), nullable=True))
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
        bind.execute(sa.text("UPDATE memory_unit SET fingerprint = :fingerprint WHERE id = :id"),
                     [{"id": unit_id, "fingerprint": fingerprint(found)}
                      for unit_id, found in variants.items()])
        last = ids[-1]
    op.create_index("ix_memory_unit_fingerprint", "memory_unit", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_memory_unit_fingerprint", table_name="memory_unit")
    with op.batch_alter_table("memory_unit", recreate="never") as batch_op:
        batch_op.drop_column("fingerprint")
