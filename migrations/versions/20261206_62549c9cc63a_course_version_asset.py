"""course_version_asset: the files each published version has

Until now every version read the draft's files, so replacing or deleting a file in the draft changed or
broke what learners of the published version downloaded. A version now pins its files when it is
published (``courses.version_files``). Versions published before this migration get the draft's files as
they are today: the best truth there is (the bytes they had before are not known any more).

Revision ID: 62549c9cc63a
Revises: c3d4e5f6a7b8
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '62549c9cc63a'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_version_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['course_version.id'], name=op.f('fk_course_version_asset_version_id_course_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_version_asset')),
    sa.UniqueConstraint('version_id', 'filename', name=op.f('uq_course_version_asset_version_id_filename'))
    )
    # Every existing version gets the draft's files of today.
    op.execute(
        'INSERT INTO course_version_asset (version_id, filename, content_type, size, sha256, storage_key) '
        'SELECT course_version.id, course_asset.filename, course_asset.content_type, course_asset.size, '
        'course_asset.sha256, course_asset.storage_key '
        'FROM course_version JOIN course_asset ON course_asset.course_id = course_version.course_id'
    )


def downgrade():
    op.drop_table('course_version_asset')
