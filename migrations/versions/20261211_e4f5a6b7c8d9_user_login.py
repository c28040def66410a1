"""user_login: one row per log-in, so that logging out ends the session and its remember-me cookie

Revision ID: e4f5a6b7c8d9
Revises: d8e9f0a1b2c3
Create Date: 2026-12-11 09:00:00

Sessions minted before this revision carry no log-in token and stop loading: everyone logs in again once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f5a6b7c8d9'
down_revision = 'd8e9f0a1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_login',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_login_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_user_login')),
    )
    op.create_index(op.f('ix_user_login_user_id'), 'user_login', ['user_id'], unique=False)
    op.create_index(op.f('ix_user_login_created_at'), 'user_login', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_user_login_created_at'), table_name='user_login')
    op.drop_index(op.f('ix_user_login_user_id'), table_name='user_login')
    op.drop_table('user_login')
