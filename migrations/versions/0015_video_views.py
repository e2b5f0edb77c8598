"""the view record: one row per play of a video (who, when, seconds played)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:45:00.000000

The owner of a video sees who watched it; principals and admins see counts only.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'video_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('video_id', sa.Integer(), nullable=False),
        sa.Column('viewer_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('watched_s', sa.Float(), nullable=False),
        sa.CheckConstraint('watched_s >= 0', name=op.f('ck_video_views_watched_not_negative')),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_video_views_video_id_videos'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_video_views_viewer_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_video_views')),
    )
    op.create_index('ix_video_views_video_started', 'video_views', ['video_id', 'started_at'])
    op.create_index(op.f('ix_video_views_viewer_id'), 'video_views', ['viewer_id'])


def downgrade():
    op.drop_index(op.f('ix_video_views_viewer_id'), table_name='video_views')
    op.drop_index('ix_video_views_video_started', table_name='video_views')
    op.drop_table('video_views')
