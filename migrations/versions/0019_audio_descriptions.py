"""audio description track and extended text description of a video

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('descriptions_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('text_description', sa.Text(), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('text_description')
        batch_op.drop_column('descriptions_key')
