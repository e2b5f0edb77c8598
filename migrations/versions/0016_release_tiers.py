"""media-release tiers: each video's attested release, each district's widest sharing without blur

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 21:50:00.000000

A video shared before this revision attested "every student has a media release" for the
visibility it was shared with: its release tier is that visibility (private: none).

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release_tier', sa.String(length=16), server_default='school',
                                      nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_videos_release_tier_known'),
            "release_tier IN ('none', 'school', 'district', 'network')")
    op.execute("UPDATE videos SET release_tier = CASE visibility WHEN 'private' THEN 'none' "
               "ELSE visibility END")
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('widest_without_blur', sa.String(length=16),
                                      server_default='network', nullable=False))


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('widest_without_blur')
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_videos_release_tier_known'), type_='check')
        batch_op.drop_column('release_tier')
