"""item board index: the items on a board (not deleted, merged or late) by step, column and
table, so a new item's count of its column (session_engine/items.py, _COUNTS) reads the index
alone. The condition's columns are in it too: SQLite reads only the index when it has every
column the query names.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ON_A_BOARD = 'deleted_at IS NULL AND merged_into_id IS NULL AND late IS NULL'


def upgrade() -> None:
    op.create_index(
        'ix_item_board',
        'item',
        ['step_id', 'category', 'table_id', 'deleted_at', 'merged_into_id', 'late'],
        unique=False,
        sqlite_where=sa.text(ON_A_BOARD),
        postgresql_where=sa.text(ON_A_BOARD),
    )


def downgrade() -> None:
    op.drop_index('ix_item_board', table_name='item')
