"""audit trail: what each event decided, and an index for filtering by kind of action

Revision ID: 0006
Revises: 0005

The new column is nullable and not backfilled: ``audit_event`` is append-only (its trigger
refuses UPDATE), and events written before this revision simply record no decision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit_event",
        sa.Column("decision", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.create_index("ix_audit_event_action", "audit_event", ["action", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_event_action", table_name="audit_event")
    op.drop_column("audit_event", "decision")
