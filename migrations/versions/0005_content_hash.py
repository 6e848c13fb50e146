"""content hash: programmes carry the sha256 of their content, the key of the validated
content that each process caches

Revision ID: 0005
Revises: 0004
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('content_hash', sa.String(length=64), nullable=False, server_default='')
        )
    programme = sa.table(
        'programme', sa.column('id', sa.Integer), sa.column('content', sa.JSON),
        sa.column('content_hash', sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(programme.c.id, programme.c.content)).all():
        # the same canonical form as session_engine.programmes.content_hash
        text = json.dumps(row.content, sort_keys=True, ensure_ascii=False, separators=(',', ':'))
        digest = hashlib.sha256(text.encode()).hexdigest()
        connection.execute(
            programme.update().where(programme.c.id == row.id).values(content_hash=digest)
        )


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('content_hash')
