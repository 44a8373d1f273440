"""periods: closing one opened by mistake (who, when, why, how many stopped); appraisals:
when their period's closure stopped them

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("period", sa.Column("closure_reason", sa.Text(), nullable=True))
    op.add_column("period", sa.Column("closed_by", sa.String(100), nullable=True))
    op.add_column("period", sa.Column("closing_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("period", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("period", sa.Column("appraisals_closed", sa.Integer(), nullable=True))
    op.add_column("period", sa.Column("appraisals_skipped", sa.Integer(), nullable=True))
    op.add_column("appraisal", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("appraisal", "closed_at")
    for column in (
        "appraisals_skipped",
        "appraisals_closed",
        "closed_at",
        "closing_at",
        "closed_by",
        "closure_reason",
    ):
        op.drop_column("period", column)
