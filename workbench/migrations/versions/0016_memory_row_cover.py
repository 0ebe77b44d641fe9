"""memory: an imported unit a set's row already says is kept but not shown twice

Revision ID: 0016_memory_row_cover
Revises: 0015_memory_echo

Importing the memory's own export (a TMX made from the sets' rows, perhaps back from a CAT
tool) stored every row a second time: an import looked its units up only among other
imported files. Now it looks them up among the sets' rows too, by fingerprint:

``memory_row_print`` holds, for each row and each pair of languages it has text in, the
fingerprint of those two texts (the hash of ``workbench.memory.prints.fingerprint``), set by
set; ``memory_set_print`` the revision of the set they were taken at. Imports fill and
refresh them (a set edited since is taken again), so nothing is computed here.

``memory_unit.row_id`` is the row a unit says the same as: the unit is stored with its file
but left out of every search, count and export while that row is there saying so. Editing
the row, or deleting its set, sets it back to NULL: the file's unit is seen again.

Columns added with ALTER TABLE (no batch copy: it would drop the FTS5 triggers of 0003).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_memory_row_cover"
down_revision = "0015_memory_echo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("memory_unit", sa.Column("row_id", sa.Integer(), nullable=True))
    op.create_index("ix_memory_unit_row_id", "memory_unit", ["row_id"])
    op.create_table(
        "memory_row_print",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_memory_row_print_fingerprint", "memory_row_print", ["fingerprint"])
    op.create_index("ix_memory_row_print_set_id", "memory_row_print", ["set_id"])
    op.create_table(
        "memory_set_print",
        sa.Column("set_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("memory_set_print")
    op.drop_table("memory_row_print")
    op.drop_index("ix_memory_unit_row_id", table_name="memory_unit")
    with op.batch_alter_table("memory_unit", recreate="never") as batch_op:
        batch_op.drop_column("row_id")
