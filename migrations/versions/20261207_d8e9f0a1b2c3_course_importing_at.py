"""course.importing_at: a course an OLX import is still writing is hidden until its last transaction

An import writes a course in many short transactions (so it never holds SQLite's write lock for long);
until the last one the course row carries the time of the import's latest write, and nothing lists or
resolves it. NULL for every existing course.

Revision ID: d8e9f0a1b2c3
Revises: 3b7e91c4d2a6
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e9f0a1b2c3'
down_revision = '3b7e91c4d2a6'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, never batch mode: on SQLite batch mode copies the table and drops the old one, and with
# foreign keys on, dropping ``course`` deletes every row that refers to a course (ON DELETE CASCADE). SQLite
# adds and (since 3.35) drops a column without constraints in place.
def upgrade():
    op.add_column('course', sa.Column('importing_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('course', 'importing_at')
