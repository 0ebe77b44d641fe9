"""jobs: long work (aligning an upload, a TMX import, a memory export) as queued jobs

Revision ID: 0008_jobs
Revises: 0007_postgres

One row per job: its kind, state, progress, parameters, input file, result and failure
message (``workbench.jobs.models.Job``). Plain portable types only, so that the same
migration runs on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_jobs"
down_revision = "0007_postgres"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("state", sa.String(length=20), nullable=False, server_default="queued"),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("input_path", sa.String(length=1000), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("locale", sa.String(length=20), nullable=False, server_default="en"),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False,
                  server_default=sa.false()),
        sa.Column("worker", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_job_state", "job", ["state"])


def downgrade() -> None:
    op.drop_index("ix_job_state", table_name="job")
    op.drop_table("job")
