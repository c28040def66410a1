"""xblock_field's key ordered for a page's query: branch, block, user, scope, field

A unit page and a handler call read a page's rows by branch, block keys and user
(``lms/xblock_host/kvs.py``, ``_page_state``). With the key ordered branch, scope, block, user, field,
SQLite could use only its first column and read every row of the branch (20–30 ms a page at 100,000
rows). Ordered branch, block, user, scope, field, the same unique index serves that query, the upsert's
conflict target and the single-row reads, so the index on (block key, user) is no longer needed: every
query of the table names the branch.

Revision ID: f6a7b8c9d0e1
Revises: e4f5a6b7c8d9
Create Date: 2026-12-12 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e4f5a6b7c8d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('xblock_field', schema=None) as batch_op:
        batch_op.drop_index('ix_xblock_field_block_user')
        batch_op.drop_constraint('uq_xblock_field_key', type_='unique')
        batch_op.create_unique_constraint('uq_xblock_field_key', ['branch', 'block_key', 'user_id', 'scope', 'field'])


def downgrade():
    with op.batch_alter_table('xblock_field', schema=None) as batch_op:
        batch_op.drop_constraint('uq_xblock_field_key', type_='unique')
        batch_op.create_unique_constraint('uq_xblock_field_key', ['branch', 'scope', 'block_key', 'user_id', 'field'])
        batch_op.create_index('ix_xblock_field_block_user', ['block_key', 'user_id'], unique=False)
