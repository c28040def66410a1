"""course.published_version_id's foreign key on databases other than SQLite

The initial schema declared it with ``use_alter`` (course and course_version point at each other), and
Alembic's ``create_table`` leaves such a constraint out: on PostgreSQL the column had no foreign key, so
deleting a version did not clear the course's pointer. SQLite got it inline in its CREATE TABLE.
Found by tests/test_db.py's comparison of the migrated schema with the models.

Revision ID: 5d1e0c2a9b7f
Revises: c574e3923f26
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e0c2a9b7f'
down_revision = 'c574e3923f26'
branch_labels = None
depends_on = None

NAME = 'fk_course_published_version_id_course_version'


def _missing() -> bool:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        return False  # created inline with the table; SQLite cannot add a constraint afterwards
    names = {fk['name'] for fk in sa.inspect(bind).get_foreign_keys('course')}
    return NAME not in names


def upgrade():
    if _missing():
        op.create_foreign_key(
            NAME, 'course', 'course_version', ['published_version_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(NAME, 'course', type_='foreignkey')
