"""row: how sure the aligner is of each version's cell

Revision ID: 0017_row_cell_scores
Revises: 0016_memory_row_cover

A row's confidence is its least sure pairwise bead's. With five to seven versions (Debian's
manuals: ``bench/debian_docs.py --rows``) a third of the rows need a look though nearly all
are right, and the translator had to read every cell of each. ``row.cell_scores`` keeps
each version's own confidence in the row (JSON, ``{"de-DE": 0.93, …}``), so the editor
points at the cells that made the row unsure. Rows aligned before have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_row_cell_scores"
down_revision = "0016_memory_row_cover"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("row") as batch:
        batch.add_column(sa.Column("cell_scores", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("row") as batch:
        batch.drop_column("cell_scores")
