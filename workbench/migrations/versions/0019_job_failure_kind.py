"""job: why a job failed or was cancelled, as a kind and its particulars

Revision ID: 0019_job_failure_kind
Revises: 0018_memory_unit_pair_print

A job kept why it failed or was cancelled as a finished sentence (``job.message``), in the
language of whoever started it: a Russian-speaking reader of a job an English speaker
started read English ("Cancelled …", the engine's refusal). ``job.failure_kind`` (one of
``workbench.failures.FAILURES``, '' for none) and ``job.failure_params`` (its particulars,
JSON) let the jobs pages say it in each reader's language; ``message`` keeps the English
sentence. Jobs that ended before this revision have no kind: their message is shown as it
was stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_job_failure_kind"
down_revision = "0018_memory_unit_pair_print"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("failure_kind", sa.String(length=40), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("failure_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("failure_params")
        batch.drop_column("failure_kind")
