"""xblock_field.branch and xblock_event.branch/version_id: draft previews apart from learners' state

Authored rows are the draft's; every other row existing today is taken as the published course's (the
rows an author's preview left there cannot be told apart from learners' any more).

Revision ID: a1b2c3d4e5f6
Revises: 5d1e0c2a9b7f
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = '5d1e0c2a9b7f'
branch_labels = None
depends_on = None

AUTHORED = ('content', 'settings', 'children', 'parent')


def upgrade():
    with op.batch_alter_table('xblock_field', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch', sa.String(length=10), nullable=False, server_default='published'))
        batch_op.drop_constraint('uq_xblock_field_key', type_='unique')
        batch_op.create_unique_constraint('uq_xblock_field_key', ['branch', 'scope', 'block_key', 'user_id', 'field'])
    field = sa.table('xblock_field', sa.column('branch', sa.String), sa.column('scope', sa.String), sa.column('user_id', sa.Integer))
    op.execute(field.update().where(field.c.user_id == 0, field.c.scope.in_(AUTHORED)).values(branch='draft'))
    with op.batch_alter_table('xblock_field', schema=None) as batch_op:
        batch_op.alter_column('branch', server_default=None)

    with op.batch_alter_table('xblock_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch', sa.String(length=10), nullable=False, server_default='published'))
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('xblock_event', schema=None) as batch_op:
        batch_op.alter_column('branch', server_default=None)


def downgrade():
    with op.batch_alter_table('xblock_event', schema=None) as batch_op:
        batch_op.drop_column('version_id')
        batch_op.drop_column('branch')
    op.execute(sa.text("DELETE FROM xblock_field WHERE branch = 'draft' AND NOT (user_id = 0 AND scope IN ('content', 'settings', 'children', 'parent'))"))
    with op.batch_alter_table('xblock_field', schema=None) as batch_op:
        batch_op.drop_constraint('uq_xblock_field_key', type_='unique')
        batch_op.create_unique_constraint('uq_xblock_field_key', ['scope', 'block_key', 'user_id', 'field'])
        batch_op.drop_column('branch')
