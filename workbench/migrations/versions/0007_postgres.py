"""postgres: (placeholder, filled by the PostgreSQL work)

Revision ID: 0007_postgres
Revises: 0006
"""

revision = "0007_postgres"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
