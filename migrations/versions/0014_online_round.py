"""online round: a session of kind "online" with its window (opens_at, closes_at) and the
organiser's hold for review

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'kind',
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default='live',
            )
        )
        batch_op.add_column(sa.Column('opens_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('hold_for_review', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_column('hold_for_review')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('opens_at')
        batch_op.drop_column('kind')
