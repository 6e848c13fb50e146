"""programme report texts: the organiser's editable texts of the programme report (title,
intro, goal, method, impression, conclusion, key points) and when they last changed

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_texts', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('report_texts_updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('report_texts_updated_at')
        batch_op.drop_column('report_texts')
