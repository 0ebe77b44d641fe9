"""termbase: what a TBX file says beyond the basics, and languages kept with their regions

Revision ID: 0009_termbase
Revises: 0008_jobs

A TBX concept carries more than a definition, a subject field and a note: every definition
and note at the concept, language and term level, sources, cross references, part of
speech, term types, contexts, who created and changed each entry and when, and the exact
administrative status (superseded, standardized, legal ...). ``term_concept.data`` and
``term_entry.data`` keep them, JSON (described in ``workbench.terminology.models``), so
that an export gives them back; ``{}`` for concepts and terms the workbench made itself
and for those imported before this migration (their extra information was not kept).

Term languages keep their region from now on (``en-US`` and ``en-GB`` are two languages
of a concept); the terms stored before were stored with the bare code, which stays valid,
so the rows themselves need no change, and the unique constraint (a concept has a text
once per language) stays as it is.

Plain ADD COLUMN with a server default: portable to PostgreSQL, and no batch copy on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_termbase"
down_revision = "0008_jobs"
branch_labels = None
depends_on = None

TABLES = ("term_concept", "term_entry")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("data", sa.JSON(), nullable=False,
                                       server_default=sa.text("'{}'")))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column("data")
