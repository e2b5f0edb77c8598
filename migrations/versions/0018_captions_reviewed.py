"""captions reviewed: whether a video's captions were reviewed by its teacher, and the district's
rule that only videos with reviewed captions go beyond their school

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 00:20:00.000000

Uploaded captions are the teacher's own file: they count as reviewed.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('captions_reviewed', sa.Boolean(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE videos SET captions_reviewed = TRUE WHERE captions_source = 'uploaded'")
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_captions_beyond_school', sa.Boolean(),
                                      server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('reviewed_captions_beyond_school')
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('captions_reviewed')
