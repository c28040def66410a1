"""completion: units, modules and courses a learner completed, once each, with date and version

The roll-up rows that block_completion held for units and course roots become completion facts (their
date is when they were last written, the version the course's published one: the best truth left).
Module facts are worked out from the published snapshot: a module whose every unit was complete.
block_completion.updated_at is now written only when a completion grows.

Revision ID: c3d4e5f6a7b8
Revises: b7c8d9e0f1a2
Create Date: 2026-12-06 02:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'b7c8d9e0f1a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'completion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('usage_key', sa.String(length=255), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('completed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_completion_course_id_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_completion_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['course_version.id'], name=op.f('fk_completion_version_id_course_version'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_completion')),
        sa.UniqueConstraint('user_id', 'usage_key', name=op.f('uq_completion_user_id_usage_key')),
    )
    op.create_index('ix_completion_course_user', 'completion', ['course_id', 'user_id'], unique=False)
    _facts_from_roll_up_rows()


def _facts_from_roll_up_rows():
    bind = op.get_bind()
    courses = {cid: vid for cid, vid in bind.execute(sa.text('SELECT id, published_version_id FROM course'))}
    rows = bind.execute(sa.text(
        "SELECT user_id, course_id, usage_key, updated_at FROM block_completion WHERE completion >= 1 "
        "AND (usage_key LIKE '%+type@vertical+block@%' OR usage_key LIKE '%+type@course+block@%')"
    )).all()
    facts = {}
    for user_id, course_id, key, at in rows:
        kind = 'course' if '+type@course+' in key else 'unit'
        facts[(user_id, key)] = dict(user_id=user_id, course_id=course_id, kind=kind, usage_key=key,
                                     version_id=courses.get(course_id), completed_at=at)
    # Modules: every unit of the chapter complete, in the course's published snapshot.
    for course_id, version_id in courses.items():
        if version_id is None:
            continue
        snapshot = bind.execute(sa.text('SELECT snapshot FROM course_version WHERE id = :v'), {'v': version_id}).scalar()
        if isinstance(snapshot, str):
            snapshot = json.loads(snapshot)
        units_of = {}
        for key, entry in (snapshot or {}).items():
            if entry.get('type') == 'chapter':
                units_of[key] = [u for s in entry.get('children', []) for u in snapshot.get(s, {}).get('children', [])]
        users = {u for (u, _k), f in facts.items() if f['course_id'] == course_id}
        for user_id in users:
            for chapter, units in units_of.items():
                done = [facts.get((user_id, unit)) for unit in units]
                if units and all(done):
                    facts[(user_id, chapter)] = dict(user_id=user_id, course_id=course_id, kind='module',
                                                     usage_key=chapter, version_id=version_id,
                                                     completed_at=max(f['completed_at'] for f in done))
    if facts:
        table = sa.table('completion', *(sa.column(c) for c in ('user_id', 'course_id', 'kind', 'usage_key', 'version_id', 'completed_at')))
        op.bulk_insert(table, list(facts.values()))
    op.execute(sa.text("DELETE FROM block_completion WHERE usage_key LIKE '%+type@course+block@%'"))


def downgrade():
    op.drop_index('ix_completion_course_user', table_name='completion')
    op.drop_table('completion')
