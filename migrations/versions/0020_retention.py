"""retention: how long a district keeps videos and originals, a teacher's earlier end, the
notice before it, and a notification kind for it

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 00:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_KINDS = ("booking_made", "booking_approved", "booking_declined", "booking_cancelled",
          "waitlist_promoted", "approval_waiting", "comment", "reply", "affirmation",
          "video_ready", "video_failed", "transcript_ready", "faces_to_review",
          "collection_shared", "check_in_due")
_KINDS_AFTER = _KINDS + ("video_retention",)


def _kind_rule(kinds):
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notifications_notification_kind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_notifications_notification_kind'),
            f"kind IN ({', '.join(repr(kind) for kind in kinds)})")


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_videos_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retain_originals_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retention_notice_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('original_deleted_at', sa.DateTime(timezone=True),
                                      nullable=True))
    _kind_rule(_KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM notifications WHERE kind = 'video_retention'")
    _kind_rule(_KINDS)
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('original_deleted_at')
        batch_op.drop_column('retention_notice_at')
        batch_op.drop_column('retain_until')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('retain_originals_days')
        batch_op.drop_column('retain_videos_days')
