"""jobs: (placeholder, filled by the job-queue work)

Revision ID: 0008_jobs
Revises: 0007_postgres
"""

revision = "0008_jobs"
down_revision = "0007_postgres"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
