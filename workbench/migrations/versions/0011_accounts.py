"""accounts: people with roles, and the activity log of who changed what

Revision ID: 0011_accounts
Revises: 0010_terms

With no account the workbench is one person's desk (nobody signs in). The first account
(``workbench accounts add``) turns sign-in on; see ``workbench.accounts``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_accounts"
down_revision = "0010_terms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False, index=True),
        sa.Column("account", sa.String(80), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("endpoint", sa.String(120), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=True, index=True),
        sa.Column("status", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("activity")
    op.drop_table("account")
