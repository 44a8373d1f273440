"""overdue and at-risk flags on the appraisal projection, for lists and inboxes

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "appraisal", sa.Column("overdue", sa.Boolean(), server_default="false", nullable=False)
    )
    op.add_column(
        "appraisal", sa.Column("at_risk", sa.Boolean(), server_default="false", nullable=False)
    )
    op.create_index("ix_appraisal_period_overdue", "appraisal", ["period_id", "overdue"])
    op.create_index("ix_appraisal_period_nip", "appraisal", ["nip", "period_id"])


def downgrade() -> None:
    op.drop_index("ix_appraisal_period_nip", table_name="appraisal")
    op.drop_index("ix_appraisal_period_overdue", table_name="appraisal")
    op.drop_column("appraisal", "at_risk")
    op.drop_column("appraisal", "overdue")
