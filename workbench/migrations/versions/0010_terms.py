"""terms: a settlement remembers the terms it added to its concept

Revision ID: 0010_terms
Revises: 0009_termbase

Settling a flag now adds to the concept of its source term when one exists (the English
flag and then the German flag of one Russian term make one concept), so undoing a
settlement must take out exactly what it added, not the concept. ``term_decision.terms``
keeps those terms as ``[[lang, text], ...]``; NULL for decisions taken before (reopening
one of those works as it did: the concept goes with it unless something else uses it).

Plain ADD COLUMN, nullable: portable to PostgreSQL, and no batch copy on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_terms"
down_revision = "0009_termbase"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("term_decision", sa.Column("terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("term_decision") as batch:
        batch.drop_column("terms")
