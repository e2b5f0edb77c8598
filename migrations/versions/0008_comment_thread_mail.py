"""comment thread mail

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 01:20:00.000000

People in a comment conversation hear of replies by mail. Comments made before this revision
count as told, so upgrading sends nothing about the past.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_notified_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_comments_thread_notified', ['thread_notified_at'],
                              unique=False)
    op.execute("UPDATE comments SET thread_notified_at = created_at")


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_thread_notified')
        batch_op.drop_column('thread_notified_at')
