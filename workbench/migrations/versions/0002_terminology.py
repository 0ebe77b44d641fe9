"""terminology: termbase concepts, terms, terminologists' decisions on flags

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_concept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "term_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["concept_id"], ["term_concept.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("concept_id", "lang", "text"),
    )
    with op.batch_alter_table("term_entry", schema=None) as batch_op:
        batch_op.create_index("ix_term_entry_concept_id", ["concept_id"], unique=False)
        batch_op.create_index("ix_term_entry_lang", ["lang"], unique=False)
    op.create_table(
        "term_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_key", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=20), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["concept_id"], ["term_concept.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("term_decision", schema=None) as batch_op:
        batch_op.create_index("ix_term_decision_flag_key", ["flag_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("term_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_term_decision_flag_key")
    op.drop_table("term_decision")
    with op.batch_alter_table("term_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_term_entry_lang")
        batch_op.drop_index("ix_term_entry_concept_id")
    op.drop_table("term_entry")
    op.drop_table("term_concept")
