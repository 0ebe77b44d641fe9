"""memory: the units a file left out as already in the memory, so a removal hands them over

Revision ID: 0015_memory_echo
Revises: 0014_search_form

Since 0013 an import leaves out a unit another file holds already. Removing that other file
then took the unit away from the file that had left it out too (a blind QA pass: b.tmx
shared two units with a.tmx; a.tmx removed, b.tmx's two were gone). ``memory_echo`` keeps,
for each unit left out, the file, its place there and the unit's fingerprint: a removal
hands each of its units that another file left out to that file, at that place, instead of
deleting it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_memory_echo"
down_revision = "0014_search_form"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memory_echo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("origin_id", sa.Integer(),
                  sa.ForeignKey("memory_origin.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_memory_echo_fingerprint", "memory_echo", ["fingerprint"])
    op.create_index("ix_memory_echo_origin_id", "memory_echo", ["origin_id"])


def downgrade() -> None:
    op.drop_table("memory_echo")
