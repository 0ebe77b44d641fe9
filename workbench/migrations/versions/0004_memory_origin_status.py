"""memory: an imported file's state (importing, ready, removing) and who is at it

Revision ID: 0004
Revises: 0003

A TMX import commits in batches so that other writers get SQLite's lock between them; the
origin stays ``importing`` (and out of every search, count and export) until its last unit
is stored, when it becomes ``ready``. ``importer`` (host:pid) and ``heartbeat_at`` (bumped
at each commit) tell an import that is running from one a killed process left behind,
which the next import or start removes. Files imported before this migration are ready.

The columns are added with ALTER TABLE (no batch copy of the table: dropping the old
``memory_origin`` would cascade to its units).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("memory_origin", sa.Column("status", sa.String(length=20), nullable=False,
                                             server_default="ready"))
    op.add_column("memory_origin", sa.Column("importer", sa.String(length=200),
                                             nullable=False, server_default=""))
    op.add_column("memory_origin", sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # Only ready files survive a downgrade: the older code cannot tell the others apart.
    op.execute("DELETE FROM memory_origin WHERE status != 'ready'")
    with op.batch_alter_table("memory_origin", recreate="never") as batch_op:
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("importer")
        batch_op.drop_column("status")
