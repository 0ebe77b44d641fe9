"""termbase: (placeholder, filled by the termbase work)

Revision ID: 0009_termbase
Revises: 0008_jobs
"""

revision = "0009_termbase"
down_revision = "0008_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
