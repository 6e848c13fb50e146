"""retention: a session records when its contributions were purged, and the reports built
before the purge are stored to be downloaded afterwards

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_table(
        'stored_report',
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('stored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id']),
        sa.PrimaryKeyConstraint('subject'),
    )
    op.create_index(
        op.f('ix_stored_report_programme_id'), 'stored_report', ['programme_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_stored_report_programme_id'), table_name='stored_report')
    op.drop_table('stored_report')
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
