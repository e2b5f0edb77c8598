"""how long a district keeps the record of who watched a video

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 03:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_views_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('retain_views_days')
