"""a covering index for the visibility rule: the video list's count reads it alone

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:10:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_videos_status_visibility', 'videos',
                    ['status', 'visibility', 'district_id', 'school_id', 'owner_id'])


def downgrade():
    op.drop_index('ix_videos_status_visibility', table_name='videos')
