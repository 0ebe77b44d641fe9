"""memory: imported TMX files and their units; FTS5 indexes over them and over the sentences

Revision ID: 0003
Revises: 0002

The two FTS5 tables are external-content indexes (the text stays in ``memory_variant`` and
``sentence``) kept current by triggers, so the editor's inserts, updates and deletes, and
the cascades when a set or an imported file goes, are indexed without any Python code
knowing. The one exception: new imported variants are indexed by the import itself, one
INSERT ... SELECT per batch, four times faster than a trigger row by row. Each index has an
fts5vocab table beside it (how many segments hold a word), from which the fuzzy lookup picks
a sentence's rarer words. All this exists on SQLite only: on another database the memory
imports but does not search (the search says so).

A later migration that rebuilds ``sentence`` or ``memory_variant`` in batch mode (copy and
move) drops these triggers with the old table: it must create them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"
INDEXED = {"memory_variant_fts": "memory_variant", "sentence_fts": "sentence"}
VOCABULARY = {"memory_variant_fts": "memory_variant_vocab", "sentence_fts": "sentence_vocab"}


def upgrade() -> None:
    op.create_table(
        "memory_origin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("tool", sa.String(length=200), nullable=False),
        sa.Column("source_lang", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("langs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "memory_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tuid", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["origin_id"], ["memory_origin.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("origin_id", "position"),
    )
    op.create_table(
        "memory_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["memory_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("memory_variant", schema=None) as batch_op:
        batch_op.create_index("ix_memory_variant_unit_id", ["unit_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for index, table in INDEXED.items():
            _create_index(index, table)


def _create_index(index: str, table: str) -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5(text, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZER}')"
    )
    op.execute(f"CREATE VIRTUAL TABLE {VOCABULARY[index]} USING fts5vocab({index}, 'row')")
    if table != "memory_variant":  # workbench.memory.store indexes what it imports
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {index}(rowid, text) VALUES (new.id, new.text); END"
        )
    op.execute(
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF text ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, text) VALUES ('delete', old.id, old.text); "
        f"INSERT INTO {index}(rowid, text) VALUES (new.id, new.text); END"
    )
    # Sentences stored before this migration are indexed once, here.
    op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for index in INDEXED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {VOCABULARY[index]}")
            op.execute(f"DROP TABLE IF EXISTS {index}")
    with op.batch_alter_table("memory_variant", schema=None) as batch_op:
        batch_op.drop_index("ix_memory_variant_unit_id")
    op.drop_table("memory_variant")
    op.drop_table("memory_unit")
    op.drop_table("memory_origin")
