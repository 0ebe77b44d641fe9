"""edit author: who made each step of a set's edit history

Revision ID: 0012_edit_author
Revises: 0011_accounts

``edit.author`` is the name of the account that made the step, kept after the account is
removed (like ``activity.account``); NULL for a step made on a desk with no accounts, and
for every step made before this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_edit_author"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("edit") as batch:
        batch.add_column(sa.Column("author", sa.String(80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("edit") as batch:
        batch.drop_column("author")
