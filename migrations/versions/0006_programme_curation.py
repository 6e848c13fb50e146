"""programme curation: the organiser's pooling decisions on a programme's report (accept or
reject a suggested pool, split, merge, attach, choose the lead wording, move between sides)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pool_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('other_ids', sa.JSON(), nullable=False),
    sa.Column('side', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pool_decision', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_pool_decision_programme_id'), ['programme_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('pool_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_decision_programme_id'))
    op.drop_table('pool_decision')
