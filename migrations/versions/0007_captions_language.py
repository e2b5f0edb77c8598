"""captions language

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:05:00.000000

The language Whisper heard in a video, so the player's caption track names it (srclang).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('captions_language', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('captions_language')
