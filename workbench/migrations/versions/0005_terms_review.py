"""terminology review: sets left out of discovery, check issues dismissed as false positives

Revision ID: 0005_terms_review
Revises: 0004

``term_excluded_set``: a set named here raises no terminology flags unless chosen by name
(a throw-away set of 2,000 rows must not push its flags to the top).
``term_check_dismissal``: a termbase check issue a terminologist marked as a false
positive, by the issue's key, so that it is not reported again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_terms_review"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_excluded_set",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["document_set.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("set_id"),
    )
    op.create_table(
        "term_check_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_key", sa.String(length=32), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("term_check_dismissal", schema=None) as batch_op:
        batch_op.create_index("ix_term_check_dismissal_issue_key", ["issue_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("term_check_dismissal", schema=None) as batch_op:
        batch_op.drop_index("ix_term_check_dismissal_issue_key")
    op.drop_table("term_check_dismissal")
    op.drop_table("term_excluded_set")
