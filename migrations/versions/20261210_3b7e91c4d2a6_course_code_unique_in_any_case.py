"""course codes unique in any case

Codes are checked and looked up without regard to case, but the unique constraint on ``course.code`` is
case-sensitive: two authors creating "ABC" and "abc" at the same moment both passed the check. A unique
index on ``lower(code)`` makes the database refuse the second one (and serves the lookups by code).

Revision ID: 3b7e91c4d2a6
Revises: 62549c9cc63a
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e91c4d2a6'
down_revision = '62549c9cc63a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_course_code_lower', 'course', [sa.text('lower(code)')], unique=True)


def downgrade():
    op.drop_index('uq_course_code_lower', table_name='course')
