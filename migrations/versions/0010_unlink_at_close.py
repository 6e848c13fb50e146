"""unlink at close: a session can be closed for good, and its contributions lose their author

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTHORED = ('item', 'comment', 'definition', 'ballot')


def upgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=True)
    for table in AUTHORED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('participant_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voter', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('segment', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('segment_table_id', sa.Integer(), nullable=True))
    _rebuild_metoo()


def _rebuild_metoo() -> None:
    """A me-too's key was (item, participant); unlinked, the participant is gone, so the row
    gets its own id and the pair becomes a unique constraint (NULLs never collide)."""
    op.create_table(
        'metoo_new',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('item_id', sa.Integer(), sa.ForeignKey('item.id'), nullable=False),
        sa.Column('participant_id', sa.Integer(), sa.ForeignKey('participant.id'), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint('item_id', 'participant_id', name='uq_metoo_participant'),
    )
    op.execute(
        'INSERT INTO metoo_new (item_id, participant_id, created_at) '
        'SELECT item_id, participant_id, created_at FROM metoo ORDER BY item_id, participant_id'
    )
    op.drop_table('metoo')
    op.rename_table('metoo_new', 'metoo')
    op.create_index('ix_metoo_item_id', 'metoo', ['item_id'])


def downgrade() -> None:
    raise NotImplementedError('unlinked contributions cannot be linked again')
