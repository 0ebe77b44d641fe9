"""memory: what an imported unit and its variants say about themselves (dates, ids, props …)

Revision ID: 0006
Revises: 0005_terms_review

A TMX unit carries more than its texts: its dates, who made and changed it
(``creationid``, ``changeid``), how often it was used (``usagecount``, ``lastusagedate``), its
own source language, its ``<prop>`` and ``<note>`` elements; and each ``<tuv>`` may carry
the same. An export must give them back as they came (a Trados Studio file's properties and
dates are what Studio works with), so the import keeps them: ``memory_unit.meta`` and
``memory_variant.meta``, JSON, NULL when the unit or variant carried nothing beyond its text
(most do not, and cost nothing). What they hold is described in ``workbench.memory.models``.

Files imported before this migration have NULL: their metadata was not kept.

The columns are added with ALTER TABLE (no batch copy: copying ``memory_variant`` would drop
the FTS5 triggers of migration 0003, and dropping ``memory_unit`` would cascade).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005_terms_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("memory_unit", sa.Column("meta", sa.JSON(), nullable=True))
    op.add_column("memory_variant", sa.Column("meta", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("memory_variant", recreate="never") as batch_op:
        batch_op.drop_column("meta")
    with op.batch_alter_table("memory_unit", recreate="never") as batch_op:
        batch_op.drop_column("meta")
