"""question bank and attempts: categories, versioned questions, attempts, their answers, accommodations

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-13 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_category',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_question_category_course_id_course'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_category')),
        sa.UniqueConstraint('course_id', 'path', name=op.f('uq_question_category_course_id_path')),
    )
    op.create_table(
        'question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('difficulty', sa.String(length=10), nullable=True),
        sa.Column('current_version_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['question_category.id'], name=op.f('fk_question_category_id_question_category'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_question_course_id_course'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    )
    op.create_index('ix_question_course_category', 'question', ['course_id', 'category_id'], unique=False)
    op.create_table(
        'question_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_question_version_created_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_version_question_id_question'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_version')),
        sa.UniqueConstraint('question_id', 'number', name=op.f('uq_question_version_question_id_number')),
    )
    # The question's current version: a foreign key added after both tables exist (they refer to each other).
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_question_current_version_id_question_version'), 'question_version',
            ['current_version_id'], ['id'], ondelete='SET NULL',
        )
    op.create_table(
        'assessment_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('usage_key', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('deadline', sa.DateTime(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('submitted_by', sa.String(length=12), nullable=True),
        sa.Column('max_mark', sa.Float(), nullable=False),
        sa.Column('mark', sa.Float(), nullable=True),
        sa.Column('needs_grading', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_assessment_attempt_course_id_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assessment_attempt_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_attempt')),
        sa.UniqueConstraint('user_id', 'usage_key', 'number', name=op.f('uq_assessment_attempt_user_id_usage_key_number')),
    )
    op.create_index('ix_assessment_attempt_course_kind', 'assessment_attempt', ['course_id', 'kind'], unique=False)
    op.create_table(
        'attempt_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('max_mark', sa.Float(), nullable=False),
        sa.Column('response', sa.JSON(), nullable=True),
        sa.Column('saved_at', sa.DateTime(), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('fraction', sa.Float(), nullable=True),
        sa.Column('graded_by_id', sa.Integer(), nullable=True),
        sa.Column('graded_at', sa.DateTime(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['assessment_attempt.id'], name=op.f('fk_attempt_answer_attempt_id_assessment_attempt'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['graded_by_id'], ['user.id'], name=op.f('fk_attempt_answer_graded_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['version_id'], ['question_version.id'], name=op.f('fk_attempt_answer_version_id_question_version'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_answer')),
        sa.UniqueConstraint('attempt_id', 'slot', name=op.f('uq_attempt_answer_attempt_id_slot')),
    )
    op.create_index(op.f('ix_attempt_answer_version_id'), 'attempt_answer', ['version_id'], unique=False)
    op.create_table(
        'assessment_accommodation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('usage_key', sa.String(length=255), nullable=False),
        sa.Column('extra_minutes', sa.Integer(), nullable=False),
        sa.Column('extra_attempts', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_assessment_accommodation_granted_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assessment_accommodation_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_accommodation')),
    )
    op.create_index(op.f('ix_assessment_accommodation_usage_key'), 'assessment_accommodation', ['usage_key'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_assessment_accommodation_usage_key'), table_name='assessment_accommodation')
    op.drop_table('assessment_accommodation')
    op.drop_index(op.f('ix_attempt_answer_version_id'), table_name='attempt_answer')
    op.drop_table('attempt_answer')
    op.drop_index('ix_assessment_attempt_course_kind', table_name='assessment_attempt')
    op.drop_table('assessment_attempt')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_question_current_version_id_question_version'), type_='foreignkey')
    op.drop_table('question_version')
    op.drop_index('ix_question_course_category', table_name='question')
    op.drop_table('question')
    op.drop_table('question_category')
